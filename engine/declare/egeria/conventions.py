"""How archive content is stored: the conventions import and export share."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from engine.graph.graphmap import AUDIT_PROPERTIES
from engine.typesystem import RELATIONSHIP_TYPES

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

ARCHIVES_ENV = "SWITCHBOARD_EGERIA_ARCHIVES"
"""Environment variable naming the folder of Egeria's sample archives."""

DEFAULT_ARCHIVES_DIR = Path("..") / "shared" / "data" / "egeria-archives"
"""Where the sample archives live, relative to the repository root."""

HOME_PROPERTIES: tuple[str, ...] = (
    "metadataCollectionId",
    "metadataCollectionName",
    "instanceProvenanceType",
)
"""The instance-header fields naming an instance's home metadata collection and its kind."""

HEADER_PROPERTIES: tuple[str, ...] = (
    *HOME_PROPERTIES,
    "maintainedBy",
    "typeDefGUID",
    "typeDefVersion",
)
"""Instance-header fields an imported element keeps from its archive, under Egeria's names:
its home metadata collection, provenance and maintainers, and its type's GUID and version
where Egeria's type table (:mod:`.typedefs`) would not give the same."""

RESERVED_PROPERTIES: frozenset[str] = frozenset(
    {
        *HEADER_PROPERTIES,
        "guid",
        "typeName",
        "isProxy",
        "qualifiedNameDerived",
        "classifications",
        "anchorGUID",
        "mapProperties",
        *AUDIT_PROPERTIES,
    }
)
"""Node properties the engine keeps; archive properties of these names are dropped."""

TEMPLATE_LABEL = "Template"
DERIVED_QN_FLAG = "qualifiedNameDerived"
PROXY_FLAG = "isProxy"

EGERIA_NAMES: dict[str, str] = {neo: egeria for egeria, neo in RELATIONSHIP_TYPES.items()}


def sample_archives_dir() -> Path:
    """The folder of Egeria's sample archives: ``$SWITCHBOARD_EGERIA_ARCHIVES``, else
    ``../shared/data/egeria-archives`` relative to the repository root."""
    env = os.environ.get(ARCHIVES_ENV)
    if env:
        return Path(env).expanduser()
    repo_root = Path(__file__).resolve().parents[3]
    return (repo_root / DEFAULT_ARCHIVES_DIR).resolve()


def now() -> datetime:
    """The current time in UTC, to the millisecond (what an archive can hold)."""
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)
