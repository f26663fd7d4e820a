"""The embedded-default Neo4j server: provisioning from Maven Central and running it with Java."""

from engine.local.server import (
    NEO4J_VERSION,
    InstanceStatus,
    JavaInfo,
    LocalNeo4j,
    Progress,
    StartResult,
    find_java,
    find_maven,
    free_port,
    generate_password,
    no_progress,
    port_is_free,
)

__all__ = [
    "NEO4J_VERSION",
    "InstanceStatus",
    "JavaInfo",
    "LocalNeo4j",
    "Progress",
    "StartResult",
    "find_java",
    "find_maven",
    "free_port",
    "generate_password",
    "no_progress",
    "port_is_free",
]
