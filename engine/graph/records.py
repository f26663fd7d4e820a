"""The shapes the writer takes and the reader gives back: rows, results, stored elements.

Shared by :mod:`engine.graph.writer` (which writes rows), :mod:`engine.graph.reader`
(which decodes what is stored) and :mod:`engine.graph.elements` (the write API over both).
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from engine.errors import UsageError
from engine.graph.graphmap import encode_properties
from engine.model import (
    AUDIT_FIELDS,
    AssetConnection,
    Audit,
    CatalogTarget,
    ConnectionConnectorType,
    ConnectToEndpoint,
    EmbeddedConnection,
    Referenceable,
    RegisteredIntegrationConnector,
    Relationship,
)
from engine.typesystem import RELATIONSHIP_TYPES, labels_for

BATCH_SIZE = 1000
"""Rows per UNWIND statement in bulk writes."""

NEW_BATCH_SIZE = 5000
"""Rows per statement of the lean create queries and of the plan's state reads (each answers
with one row, so larger batches cost the client nothing per row)."""

FIXED_KEYS: tuple[str, ...] = (
    "guid",
    "qualifiedName",
    "typeName",
    *sorted(AUDIT_FIELDS),
    "_new",
    "_lock",
)
"""Stored properties that identify or audit; never compared when deciding 'changed'."""

REL_TYPE_BY_MODEL: dict[type[Relationship], str] = {
    RegisteredIntegrationConnector: RELATIONSHIP_TYPES["RegisteredIntegrationConnector"],
    AssetConnection: RELATIONSHIP_TYPES["AssetConnection"],
    ConnectionConnectorType: RELATIONSHIP_TYPES["ConnectionConnectorType"],
    ConnectToEndpoint: RELATIONSHIP_TYPES["ConnectToEndpoint"],
    EmbeddedConnection: RELATIONSHIP_TYPES["EmbeddedConnection"],
    CatalogTarget: RELATIONSHIP_TYPES["CatalogTarget"],
}
MODEL_BY_REL_TYPE: dict[str, type[Relationship]] = {v: k for k, v in REL_TYPE_BY_MODEL.items()}
EGERIA_NAME_BY_REL_TYPE: dict[str, str] = {v: k for k, v in RELATIONSHIP_TYPES.items()}

Outcome = Literal["created", "updated", "unchanged", "deleted"]

RelationshipIdentity = tuple[str, str, str, str]
"""(Neo4j type, end-1 qualifiedName, end-2 qualifiedName, catalogTargetName or '')."""


def current_user() -> str:
    """Who writes: ``SWITCHBOARD_USER``, else the login name (for createdBy/updatedBy)."""
    try:
        return os.environ.get("SWITCHBOARD_USER") or getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "switchboard"


def new_guid() -> str:
    """A random (version 4) UUID as text, like ``str(uuid.uuid4())`` at a third of its cost
    (bulk creates make ~10^5 of them)."""
    raw = bytearray(os.urandom(16))
    raw[6] = raw[6] & 0x0F | 0x40
    raw[8] = raw[8] & 0x3F | 0x80
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def relationship_name(rel_type: str, from_: str, to: str, key: str) -> str:
    """``EgeriaName from -> to [key]``: how results and errors name a relationship."""
    suffix = f" [{key}]" if key else ""
    return f"{EGERIA_NAME_BY_REL_TYPE.get(rel_type, rel_type)} {from_} -> {to}{suffix}"


def batches(
    rows: Sequence[dict[str, Any]], size: int = BATCH_SIZE
) -> Iterable[list[dict[str, Any]]]:
    """``rows`` in consecutive lists of at most ``size``."""
    for start in range(0, len(rows), size):
        yield list(rows[start : start + size])


# -------------------------------------------------------------------- rows
@dataclass(frozen=True)
class ElementRow:
    """One element as the upsert query wants it."""

    qualifiedName: str
    typeName: str
    props: dict[str, Any]
    guid: str | None = None
    expectedVersion: int | None = None

    @classmethod
    def of(cls, element: Referenceable, expected_version: int | None = None) -> ElementRow:
        return cls(
            qualifiedName=element.qualifiedName,
            typeName=element.type_name(),
            props=encode_properties(element.graph_properties()),
            guid=element.guid,
            expectedVersion=expected_version,
        )

    def labels(self) -> tuple[str, ...]:
        """The element's labels (its type and supertypes); UsageError for a bad type name."""
        try:
            return labels_for(self.typeName)
        except ValueError as exc:
            raise UsageError(f"{self.qualifiedName}: {exc}") from exc

    def params(self) -> dict[str, Any]:
        return {
            "qualifiedName": self.qualifiedName,
            "typeName": self.typeName,
            "labels": list(self.labels()),
            "props": self.props,
            "guid": self.guid or new_guid(),
            "guidGiven": self.guid is not None,
            "expectedVersion": self.expectedVersion,
        }


@dataclass(frozen=True)
class RelationshipRow:
    """One relationship as the upsert queries want it: ends by qualifiedName."""

    type: str
    """Neo4j relationship type, e.g. ``CATALOG_TARGET``."""
    from_: str
    to: str
    props: dict[str, Any]
    key: str = ""
    """catalogTargetName for CATALOG_TARGET ('' when unset), '' otherwise."""
    guid: str | None = None
    expectedVersion: int | None = None

    @classmethod
    def of(
        cls,
        relationship: Relationship,
        from_: str,
        to: str,
        expected_version: int | None = None,
    ) -> RelationshipRow:
        rel_type = REL_TYPE_BY_MODEL[type(relationship)]
        key = ""
        if isinstance(relationship, CatalogTarget):
            key = relationship.catalogTargetName or ""
        return cls(
            type=rel_type,
            from_=from_,
            to=to,
            props=encode_properties(relationship.graph_properties()),
            key=key,
            guid=relationship.guid,
            expectedVersion=expected_version,
        )

    @property
    def identity(self) -> RelationshipIdentity:
        return (self.type, self.from_, self.to, self.key)

    def params(self) -> dict[str, Any]:
        return {
            "from": self.from_,
            "to": self.to,
            "key": self.key,
            "guid": self.guid or new_guid(),
            "props": self.props,
            "expectedVersion": self.expectedVersion,
        }


# ------------------------------------------------------------------ results
@dataclass(frozen=True)
class WriteResult:
    """What one write did to one element or relationship."""

    kind: Literal["element", "relationship"]
    name: str
    """qualifiedName, or ``TYPE from -> to [key]`` for a relationship."""
    guid: str
    version: int
    outcome: Outcome
    removed: int = 0
    """Links of the same type from end 1 that a single-valued link replaced."""

    @property
    def changed(self) -> bool:
        return self.outcome != "unchanged"


@dataclass
class DeleteResult:
    """What a delete removed: the guids of the elements (their relationships went with them)."""

    elements: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class StoredElement:
    """An element as read back: the model, its audit fields and its labels."""

    element: Referenceable
    audit: Audit
    labels: tuple[str, ...]
    guid: str
    typeName: str

    @property
    def qualifiedName(self) -> str:
        return self.element.qualifiedName

    @property
    def version(self) -> int:
        return self.audit.version


@dataclass(frozen=True)
class StoredRelationship:
    """A relationship as read back (ends by qualifiedName)."""

    type: str
    from_: str
    to: str
    toTypeName: str
    relationship: Relationship
    audit: Audit

    @property
    def guid(self) -> str:
        return self.relationship.guid or ""


class ElementState(NamedTuple):
    """An element as a plan reads it (see :func:`engine.graph.reader.read_element_states_tx`)."""

    element_id: str
    """Neo4j's elementId: valid inside the transaction that read it."""
    guid: str
    typeName: str | None
    props: dict[str, Any]
    """Descriptive properties as stored: identity and audit properties (FIXED_KEYS) left out."""
