"""Switchboard's engine: Egeria-style integration groups stored in Neo4j.

The public API is re-exported here; the modules behind it are private in
spirit. See the README for a tour.
"""

from engine.errors import (
    ConflictError,
    DownloadError,
    JavaNotFoundError,
    JavaVersionError,
    LocalNeo4jError,
    ManifestError,
    MavenNotFoundError,
    NotFoundError,
    PortInUseError,
    QueryNotFoundError,
    SchemaError,
    ServerStartError,
    StoreAuthError,
    StoreError,
    StoreUnavailableError,
    SwitchboardError,
    UsageError,
)
from engine.neo4j_local import NEO4J_VERSION, LocalNeo4j
from engine.settings import Neo4jSettings, switchboard_home
from engine.store import Store

__all__ = [
    "NEO4J_VERSION",
    "ConflictError",
    "DownloadError",
    "JavaNotFoundError",
    "JavaVersionError",
    "LocalNeo4j",
    "LocalNeo4jError",
    "ManifestError",
    "MavenNotFoundError",
    "Neo4jSettings",
    "NotFoundError",
    "PortInUseError",
    "QueryNotFoundError",
    "SchemaError",
    "ServerStartError",
    "Store",
    "StoreAuthError",
    "StoreError",
    "StoreUnavailableError",
    "SwitchboardError",
    "UsageError",
    "switchboard_home",
]
