"""The write API: create, update, delete and get elements and relationships.

Every write MERGEs on one natural key backed by a uniqueness constraint (an
element's ``qualifiedName``; a relationship's pair of ends, plus
``catalogTargetName`` for catalog targets), inside a managed transaction.
The Cypher write-locks each node or relationship before comparing it with
the desired properties, so ``version`` goes up by exactly 1 on a real change
and stays put on an idempotent re-write, even with concurrent writers. A
write may carry the version it expects; when the element (or relationship)
has moved on, :class:`~engine.errors.ConflictError` is raised and nothing of
that transaction is kept.

The ``*_tx`` functions take an open managed transaction so several writes
(e.g. a whole manifest) commit together; the others run one transaction each.
Bulk writes go through ``UNWIND`` batches of :data:`BATCH_SIZE` rows. The
exception is :func:`create_new_elements_tx` / :func:`create_new_relationships_tx`,
for what a read in the same transaction proved absent: plain CREATE, which the
uniqueness constraints still guard (a concurrent writer's element makes it fail,
and the caller then writes with the MERGE functions).
"""

from __future__ import annotations

import getpass
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, NamedTuple

from neo4j import ManagedTransaction

from engine.errors import ConflictError, NotFoundError, UsageError
from engine.graph.graphmap import decode_properties, encode_properties, now, to_python
from engine.graph.store import Store
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
    element_from_properties,
    relationship_from_properties,
)
from engine.typesystem import RELATIONSHIP_TYPES, labels_for

BATCH_SIZE = 1000
"""Rows per UNWIND statement in bulk writes."""

FIXED_KEYS: tuple[str, ...] = (
    "guid",
    "qualifiedName",
    "typeName",
    *sorted(AUDIT_FIELDS),
    "_new",
    "_lock",
)
"""Stored properties that identify or audit; never compared when deciding 'changed'."""

REL_UPSERT_QUERIES: dict[str, str] = {
    rel_type: f"rel_upsert_{rel_type.lower()}" for rel_type in RELATIONSHIP_TYPES.values()
}
"""Neo4j relationship type -> the cypher/ file that upserts it."""

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


def current_user() -> str:
    """Who writes: ``SWITCHBOARD_USER``, else the login name (for createdBy/updatedBy)."""
    try:
        return os.environ.get("SWITCHBOARD_USER") or getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "switchboard"


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
    def identity(self) -> tuple[str, str, str, str]:
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


@dataclass
class DeleteResult:
    """What a delete removed: the guids of the elements (their relationships went with them)."""

    elements: list[str] = field(default_factory=list)


# ------------------------------------------------------------ decoding reads
def _audit(props: dict[str, Any]) -> Audit:
    return Audit.model_validate(
        {k: v for k, v in props.items() if k in AUDIT_FIELDS} | {"version": props.get("version", 0)}
    )


def stored_element(row: dict[str, Any]) -> StoredElement:
    """A row of elements_read / element_by_guid / element_lock -> :class:`StoredElement`."""
    props = decode_properties(row["props"])
    props.pop("_new", None)
    props.pop("_lock", None)
    type_name = row["typeName"] or "Referenceable"
    element = element_from_properties(type_name, props)
    return StoredElement(
        element=element,
        audit=_audit(props),
        labels=tuple(row["labels"]),
        guid=row["guid"],
        typeName=type_name,
    )


def stored_relationship(row: dict[str, Any]) -> StoredRelationship:
    """A row of relationships_outgoing -> :class:`StoredRelationship`."""
    props = decode_properties(row["props"])
    egeria = EGERIA_NAME_BY_REL_TYPE[row["type"]]
    return StoredRelationship(
        type=row["type"],
        from_=row["from"],
        to=row["to"],
        toTypeName=row["toTypeName"],
        relationship=relationship_from_properties(egeria, props),
        audit=_audit(props),
    )


# ----------------------------------------------------------- transactional
def _batches(
    rows: Sequence[dict[str, Any]], size: int = BATCH_SIZE
) -> Iterable[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield list(rows[start : start + size])


def write_elements_tx(
    store: Store,
    tx: ManagedTransaction,
    rows: Sequence[ElementRow],
    *,
    user: str | None = None,
    when: datetime | None = None,
) -> list[WriteResult]:
    """Upsert elements (replace semantics) in ``tx``; see cypher/element_upsert.cypher.

    Raises :class:`ConflictError` when an expected version does not match or a
    given guid differs from the stored one (the caller's transaction then rolls back).
    """
    user = user or current_user()
    when = when or now()
    results: list[WriteResult] = []
    params = [row.params() for row in rows]
    for batch in _batches(params):
        out = store.run(
            tx,
            "element_upsert",
            {"rows": batch, "fixed": list(FIXED_KEYS), "now": when, "user": user},
        )
        for rec in out:
            outcome = rec["outcome"]
            if outcome == "conflict":
                expected = next(
                    r["expectedVersion"]
                    for r in batch
                    if r["qualifiedName"] == rec["qualifiedName"]
                )
                found = rec["previousVersion"]
                raise ConflictError(
                    f"{rec['qualifiedName']}: expected version {expected}, "
                    + (
                        "but it does not exist"
                        if found is None
                        else f"but it is at version {found}"
                    ),
                    hint="read it again (switchboard get) and retry with the current version",
                )
            if outcome == "guid_mismatch":
                raise ConflictError(
                    f"{rec['qualifiedName']}: exists with guid {rec['guid']}; a guid cannot change",
                    hint="leave guid out, or use the stored one",
                )
            results.append(
                WriteResult("element", rec["qualifiedName"], rec["guid"], rec["version"], outcome)
            )
    return results


def write_relationships_tx(
    store: Store,
    tx: ManagedTransaction,
    rows: Sequence[RelationshipRow],
    *,
    user: str | None = None,
    when: datetime | None = None,
) -> list[WriteResult]:
    """Upsert relationships in ``tx``, one UNWIND per type and batch.

    Raises :class:`NotFoundError` when an end does not exist and
    :class:`ConflictError` on an expected-version mismatch.
    """
    user = user or current_user()
    when = when or now()
    by_type: dict[str, list[RelationshipRow]] = defaultdict(list)
    for row in rows:
        by_type[row.type].append(row)
    results: list[WriteResult] = []
    for rel_type, typed in by_type.items():
        params = [row.params() for row in typed]
        for batch in _batches(params):
            out = store.run(
                tx,
                REL_UPSERT_QUERIES[rel_type],
                {"rows": batch, "fixed": list(FIXED_KEYS), "now": when, "user": user},
            )
            if len(out) < len(batch):
                seen = {(r["from"], r["to"], r["key"]) for r in out}
                missing = [r for r in batch if (r["from"], r["to"], r["key"]) not in seen]
                first = missing[0]
                raise NotFoundError(
                    f"{EGERIA_NAME_BY_REL_TYPE[rel_type]} {first['from']} -> {first['to']}: "
                    "one of the ends does not exist",
                    hint="create both elements first (or declare them in the manifest)",
                )
            for rec in out:
                name = _rel_name(rel_type, rec["from"], rec["to"], rec["key"])
                if rec["outcome"] == "conflict":
                    found = rec["previousVersion"]
                    raise ConflictError(
                        f"{name}: expected another version "
                        + (
                            "(it does not exist)"
                            if found is None
                            else f"(it is at version {found})"
                        ),
                        hint="read it again and retry with the current version",
                    )
                results.append(
                    WriteResult(
                        "relationship",
                        name,
                        rec["guid"],
                        rec["version"],
                        rec["outcome"],
                        removed=rec["removed"],
                    )
                )
    return results


_ELEMENT_COLUMNS = ("qualifiedName", "guid", "typeName", "labels", "props")
_RELATIONSHIP_COLUMNS = ("from", "type", "to", "toTypeName", "props")
_CREATE_COLUMNS = ("from", "to", "key", "guid", "version", "removed", "created")
"""RETURN columns, in order, of elements_read/_state, relationships_outgoing/_state and
rel_create_* (read as value tuples: Record.data()'s copy dominated big applies)."""

REL_CREATE_QUERIES: dict[str, str] = {
    rel_type: f"rel_create_{rel_type.lower()}" for rel_type in RELATIONSHIP_TYPES.values()
}
"""Neo4j relationship type -> the cypher/ file that creates it when known to be missing."""


def create_elements_tx(
    store: Store,
    tx: ManagedTransaction,
    rows: Sequence[ElementRow],
    *,
    user: str | None = None,
    when: datetime | None = None,
) -> list[WriteResult]:
    """Create elements known (by a read in ``tx``) to be missing: a lean MERGE ... ON CREATE.

    Rows that exist by the time they are written (a concurrent writer) fall back to
    :func:`write_elements_tx`, so the outcome is always correct.
    """
    user = user or current_user()
    when = when or now()
    results: list[WriteResult] = []
    by_name = {row.qualifiedName: row for row in rows}
    fallback: list[ElementRow] = []
    for batch in _batches([row.params() for row in rows]):
        created_rows = store.run_values(
            tx, "element_create", {"rows": batch, "now": when, "user": user}
        )
        for qualified_name, guid, _version, created in created_rows:
            if created:
                results.append(WriteResult("element", qualified_name, guid, 1, "created"))
            else:
                fallback.append(by_name[qualified_name])
    if fallback:
        results.extend(write_elements_tx(store, tx, fallback, user=user, when=when))
    return results


def create_relationships_tx(
    store: Store,
    tx: ManagedTransaction,
    rows: Sequence[RelationshipRow],
    *,
    user: str | None = None,
    when: datetime | None = None,
) -> list[WriteResult]:
    """Create relationships known (by a read in ``tx``) to be missing; see
    :func:`create_elements_tx`. Rows found existing go through :func:`write_relationships_tx`."""
    user = user or current_user()
    when = when or now()
    results: list[WriteResult] = []
    fallback: list[RelationshipRow] = []
    by_type: dict[str, list[RelationshipRow]] = defaultdict(list)
    for row in rows:
        if row.type in REL_CREATE_QUERIES:
            by_type[row.type].append(row)
        else:
            fallback.append(row)
    for rel_type, typed in by_type.items():
        by_key = {(r.from_, r.to, r.key): r for r in typed}
        for batch in _batches([row.params() for row in typed]):
            out = [
                dict(zip(_CREATE_COLUMNS, values, strict=True))
                for values in store.run_values(
                    tx, REL_CREATE_QUERIES[rel_type], {"rows": batch, "now": when, "user": user}
                )
            ]
            if len(out) < len(batch):
                seen = {(r["from"], r["to"], r["key"]) for r in out}
                first = next(r for r in batch if (r["from"], r["to"], r["key"]) not in seen)
                raise NotFoundError(
                    f"{EGERIA_NAME_BY_REL_TYPE[rel_type]} {first['from']} -> {first['to']}: "
                    "one of the ends does not exist",
                    hint="create both elements first (or declare them in the manifest)",
                )
            for rec in out:
                if rec["created"]:
                    name = _rel_name(rel_type, rec["from"], rec["to"], rec["key"])
                    results.append(
                        WriteResult("relationship", name, rec["guid"], 1, "created", rec["removed"])
                    )
                else:
                    fallback.append(by_key[(rec["from"], rec["to"], rec["key"])])
    if fallback:
        results.extend(write_relationships_tx(store, tx, fallback, user=user, when=when))
    return results


CONSTRAINT_FAILED = "Neo.ClientError.Schema.ConstraintValidationFailed"
"""Neo4j's status code when a write breaks a uniqueness constraint (in a StoreError's text)."""

NEW_BATCH_SIZE = 5000
"""Rows per statement of the lean create queries and of the plan's state reads (each answers
with one row, so larger batches cost the client nothing per row)."""

REL_CREATE_NEW_QUERIES: dict[str, str] = {
    rel_type: f"rel_create_new_{rel_type.lower()}" for rel_type in RELATIONSHIP_TYPES.values()
}
"""Neo4j relationship type -> the cypher/ file that creates it from an end 1 created by the
same transaction."""


class ElementState(NamedTuple):
    """An element as a plan reads it (see :func:`read_element_states_tx`)."""

    element_id: str
    """Neo4j's elementId: valid inside the transaction that read it."""
    guid: str
    typeName: str | None
    props: dict[str, Any]
    """Descriptive properties as stored: identity and audit properties (FIXED_KEYS) left out."""


Statement = tuple[str, dict[str, Any], int]
"""(cypher/ query name, parameters, rows it writes)."""


def _run_overlapped(
    store: Store,
    tx: ManagedTransaction,
    statements: Iterator[Statement],
    handle: Callable[[list[tuple[Any, ...]], int], None],
) -> None:
    """Run ``statements`` in order in ``tx``; ``handle(rows, count)`` sees each one's rows.

    Each statement is sent before the previous one's rows are handled, and the next one's
    parameters are built (``statements`` is a generator) while the server runs it, so the
    client's work overlaps the server's instead of adding to it.
    """
    pending: tuple[Callable[[], list[tuple[Any, ...]]], int] | None = None
    for name, params, count in statements:
        fetch = store.start_values(tx, name, params)
        if pending is not None:
            handle(pending[0](), pending[1])
        pending = (fetch, count)
    if pending is not None:
        handle(pending[0](), pending[1])


def _present(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if v is not None}


def read_element_states_tx(
    store: Store, tx: ManagedTransaction, qualified_names: Sequence[str]
) -> dict[str, ElementState]:
    """The stored state of the named elements (those that exist), for a plan.

    One row per batch of :data:`NEW_BATCH_SIZE` names, whose rows come as one list: the
    driver's cost per record dominated reading a plan's ~10^5 elements one row each.
    """
    found: dict[str, ElementState] = {}
    names = list(dict.fromkeys(qualified_names))

    def statements() -> Iterator[Statement]:
        for start in range(0, len(names), NEW_BATCH_SIZE):
            batch = names[start : start + NEW_BATCH_SIZE]
            yield "element_states", {"qualifiedNames": batch}, len(batch)

    def handle(out: list[tuple[Any, ...]], _count: int) -> None:
        for (states,) in out:
            for qn, element_id, guid, type_name, props in states:
                found[qn] = ElementState(element_id, guid, type_name, _present(props))

    _run_overlapped(store, tx, statements(), handle)
    return found


RelationshipIdentity = tuple[str, str, str, str]
"""(Neo4j type, end-1 qualifiedName, end-2 qualifiedName, catalogTargetName or '')."""


def read_relationship_states_tx(
    store: Store,
    tx: ManagedTransaction,
    owners: Mapping[str, str],
    rel_types: Sequence[str] | None = None,
) -> dict[RelationshipIdentity, dict[str, Any]]:
    """The outgoing relationships of ``owners`` (qualifiedName -> elementId, as read by
    :func:`read_element_states_tx` in ``tx``), for a plan: identity -> descriptive
    properties as stored (identity and audit properties left out); one row per batch."""
    types = list(rel_types or RELATIONSHIP_TYPES.values())
    catalog_target = RELATIONSHIP_TYPES["CatalogTarget"]
    out: dict[RelationshipIdentity, dict[str, Any]] = {}
    pairs = [[qn, element_id] for qn, element_id in owners.items()]

    def statements() -> Iterator[Statement]:
        for start in range(0, len(pairs), NEW_BATCH_SIZE):
            batch = pairs[start : start + NEW_BATCH_SIZE]
            yield "relationship_states", {"owners": batch, "types": types}, len(batch)

    def handle(rows: list[tuple[Any, ...]], _count: int) -> None:
        for (states,) in rows:
            for from_, rel_type, to, raw in states:
                props = _present(raw)
                key = props.get("catalogTargetName") or "" if rel_type == catalog_target else ""
                out[(rel_type, from_, to, key)] = props

    _run_overlapped(store, tx, statements(), handle)
    return out


def create_new_elements_tx(
    store: Store,
    tx: ManagedTransaction,
    rows: Sequence[ElementRow],
    *,
    user: str | None = None,
    when: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[WriteResult], dict[str, str]]:
    """Create elements a read in ``tx`` proved absent: plain CREATE, one statement per label
    set and batch of :data:`NEW_BATCH_SIZE` (see cypher/element_create_new.cypher).

    Returns the results and qualifiedName -> elementId of the elements created;
    ``progress(n)`` is told how many rows are written so far. An element that another
    transaction committed since the read breaks a uniqueness constraint: the statement
    fails with a :class:`~engine.errors.StoreError` naming :data:`CONSTRAINT_FAILED`,
    ``tx`` is lost, and the caller must plan again and write with
    :func:`create_elements_tx`. Raises :class:`UsageError` for an invalid type name.
    """
    user = user or current_user()
    when = when or now()
    labels: dict[str, tuple[str, ...]] = {}  # by typeName: one check per type
    by_labels: dict[tuple[str, ...], list[ElementRow]] = defaultdict(list)
    for row in rows:
        if row.typeName not in labels:
            labels[row.typeName] = row.labels()
        by_labels[labels[row.typeName]].append(row)
    results: list[WriteResult] = []
    ids: dict[str, str] = {}
    done = 0

    def statements() -> Iterator[Statement]:
        for label_set, same in by_labels.items():
            for start in range(0, len(same), NEW_BATCH_SIZE):
                batch: list[dict[str, Any]] = []
                for row in same[start : start + NEW_BATCH_SIZE]:
                    guid = row.guid or new_guid()
                    batch.append(
                        {
                            "qualifiedName": row.qualifiedName,
                            "guid": guid,
                            "typeName": row.typeName,
                            "props": row.props,
                        }
                    )
                    results.append(WriteResult("element", row.qualifiedName, guid, 1, "created"))
                params = {"labels": list(label_set), "rows": batch, "now": when, "user": user}
                yield "element_create_new", params, len(batch)

    def handle(out: list[tuple[Any, ...]], count: int) -> None:
        nonlocal done
        for (created,) in out:
            ids.update(created)
        done += count
        if progress is not None:
            progress(done)

    _run_overlapped(store, tx, statements(), handle)
    return results, ids


def create_new_relationships_tx(
    store: Store,
    tx: ManagedTransaction,
    rows: Sequence[RelationshipRow],
    element_ids: Mapping[str, str],
    *,
    user: str | None = None,
    when: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[WriteResult]:
    """Create relationships whose end 1 ``tx`` itself created (so none of them can exist
    yet, and no other transaction can write them): plain CREATE between the ends'
    elementIds (``element_ids``: qualifiedName -> elementId, read or created in ``tx``),
    one statement per type and batch of :data:`NEW_BATCH_SIZE`.

    ``progress(n)`` is told how many rows are written so far. Raises
    :class:`NotFoundError` when an end is unknown or no longer exists.
    """
    user = user or current_user()
    when = when or now()
    by_type: dict[str, list[RelationshipRow]] = defaultdict(list)
    for row in rows:
        by_type[row.type].append(row)
    results: list[WriteResult] = []
    done = 0

    def statements() -> Iterator[Statement]:
        for rel_type, typed in by_type.items():
            for start in range(0, len(typed), NEW_BATCH_SIZE):
                batch: list[dict[str, Any]] = []
                for row in typed[start : start + NEW_BATCH_SIZE]:
                    a, b = element_ids.get(row.from_), element_ids.get(row.to)
                    if a is None or b is None:
                        raise NotFoundError(
                            f"{EGERIA_NAME_BY_REL_TYPE[row.type]} {row.from_} -> {row.to}: "
                            "one of the ends does not exist",
                            hint="create both elements first (or declare them in the manifest)",
                        )
                    guid = row.guid or new_guid()
                    batch.append({"a": a, "b": b, "guid": guid, "props": row.props})
                    name = _rel_name(row.type, row.from_, row.to, row.key)
                    results.append(WriteResult("relationship", name, guid, 1, "created"))
                params = {"rows": batch, "now": when, "user": user}
                yield REL_CREATE_NEW_QUERIES[rel_type], params, len(batch)

    def handle(out: list[tuple[Any, ...]], count: int) -> None:
        nonlocal done
        ((created,),) = out
        if created < count:
            raise NotFoundError(
                f"{count - created} relationship(s) lost an end: an element the plan read "
                "was deleted by another writer meanwhile",
                hint="apply again",
            )
        done += count
        if progress is not None:
            progress(done)

    _run_overlapped(store, tx, statements(), handle)
    return results


def new_guid() -> str:
    """A random (version 4) UUID as text, like ``str(uuid.uuid4())`` at a third of its cost
    (bulk creates make ~10^5 of them)."""
    raw = bytearray(os.urandom(16))
    raw[6] = raw[6] & 0x0F | 0x40
    raw[8] = raw[8] & 0x3F | 0x80
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _rel_name(rel_type: str, from_: str, to: str, key: str) -> str:
    suffix = f" [{key}]" if key else ""
    return f"{EGERIA_NAME_BY_REL_TYPE.get(rel_type, rel_type)} {from_} -> {to}{suffix}"


def delete_relationships_tx(
    store: Store,
    tx: ManagedTransaction,
    keys: Sequence[tuple[str, str, str, str]],
) -> int:
    """Delete relationships by (type, from, to, key); returns how many were removed."""
    rows = [{"type": t, "from": f, "to": to, "key": k} for t, f, to, k in keys]
    deleted = 0
    for batch in _batches(rows):
        deleted += sum(r["deleted"] for r in store.run(tx, "relationships_delete", {"rows": batch}))
    return deleted


def read_elements_tx(
    store: Store,
    tx: ManagedTransaction,
    qualified_names: Sequence[str],
    *,
    timestamps: bool = True,
) -> dict[str, dict[str, Any]]:
    """Raw rows (qualifiedName, guid, typeName, labels, props) of the named elements.

    ``timestamps=False`` leaves createTime/updateTime out (null), which makes
    reading many elements several times faster.
    """
    query = "elements_read" if timestamps else "elements_state"
    found: dict[str, dict[str, Any]] = {}
    names = list(dict.fromkeys(qualified_names))
    for start in range(0, len(names), BATCH_SIZE):
        batch = names[start : start + BATCH_SIZE]
        for values in store.run_values(tx, query, {"qualifiedNames": batch}):
            row = dict(zip(_ELEMENT_COLUMNS, values, strict=True))
            row["props"] = {k: v for k, v in row["props"].items() if v is not None}
            found[row["qualifiedName"]] = row
    return found


def read_outgoing_tx(
    store: Store,
    tx: ManagedTransaction,
    qualified_names: Sequence[str],
    rel_types: Sequence[str] | None = None,
    *,
    timestamps: bool = True,
) -> list[dict[str, Any]]:
    """Raw rows (from, type, to, toTypeName, props) of the elements' outgoing relationships
    (``timestamps=False``: without createTime/updateTime, much faster)."""
    types = list(rel_types or RELATIONSHIP_TYPES.values())
    query = "relationships_outgoing" if timestamps else "relationships_state"
    out: list[dict[str, Any]] = []
    names = list(dict.fromkeys(qualified_names))
    for start in range(0, len(names), BATCH_SIZE):
        values = store.run_values(
            tx, query, {"qualifiedNames": names[start : start + BATCH_SIZE], "types": types}
        )
        for value in values:
            row = dict(zip(_RELATIONSHIP_COLUMNS, value, strict=True))
            row["props"] = {k: v for k, v in row["props"].items() if v is not None}
            out.append(row)
    return out


def delete_element_tx(store: Store, tx: ManagedTransaction, row: dict[str, Any]) -> DeleteResult:
    """Delete one element (given as a raw row) with SPEC's cascade rules.

    A connector takes along its registrations and catalog-target links and the
    connections (with embedded ones) and endpoints only it uses; connector
    types and shared endpoints stay. A group loses its registrations, not its
    connectors. Any other element loses its relationships.
    """
    guid = row["guid"]
    doomed = [guid]
    if "IntegrationConnector" in row["labels"]:
        owned = store.run(tx, "connector_owned", {"guid": guid})
        keep_out = {guid}
        candidates = {r["guid"]: r for r in owned}
        changed = True
        while changed:
            changed = False
            for cg, r in list(candidates.items()):
                outside_asset = any(a not in keep_out for a in r["assets"])
                outside_parent = any(p not in candidates for p in r["parents"])
                if outside_asset or outside_parent:
                    del candidates[cg]
                    changed = True
        doomed.extend(candidates)
        endpoints: dict[str, set[str]] = {}
        for r in candidates.values():
            for ep in r["endpoints"]:
                endpoints[ep["guid"]] = set(ep["users"])
        doomed.extend(e for e, users in endpoints.items() if users <= set(candidates))
    store.run(tx, "elements_delete", {"guids": doomed})
    return DeleteResult(elements=doomed)


# ------------------------------------------------------------ public API
def find_element(
    store: Store, qualified_name: str | None = None, *, guid: str | None = None
) -> StoredElement | None:
    """The element with this qualifiedName (or guid), or ``None``."""
    if (qualified_name is None) == (guid is None):
        raise UsageError("give exactly one of qualifiedName or guid")
    if guid is not None:
        rows = store.read("element_by_guid", {"guid": guid})
    else:
        rows = store.read("elements_read", {"qualifiedNames": [qualified_name]})
    return stored_element(rows[0]) if rows else None


def get_element(
    store: Store, qualified_name: str | None = None, *, guid: str | None = None
) -> StoredElement:
    """The element with this qualifiedName (or guid); raises :class:`NotFoundError`."""
    found = find_element(store, qualified_name, guid=guid)
    if found is None:
        what = f"guid {guid}" if guid is not None else f"qualifiedName {qualified_name!r}"
        raise NotFoundError(
            f"no element with {what}",
            hint="list groups with 'switchboard export' or check the name",
        )
    return found


def get_relationships(
    store: Store, qualified_name: str, rel_type: str | None = None
) -> list[StoredRelationship]:
    """The outgoing relationships of an element, optionally of one Egeria type name."""
    types = [RELATIONSHIP_TYPES[rel_type]] if rel_type else list(RELATIONSHIP_TYPES.values())
    rows = store.read(
        "relationships_outgoing", {"qualifiedNames": [qualified_name], "types": types}
    )
    return [stored_relationship(r) for r in rows]


def save_elements(
    store: Store, elements: Sequence[Referenceable], *, user: str | None = None
) -> list[WriteResult]:
    """Create or replace many elements in one transaction (UNWIND batches)."""
    rows = [ElementRow.of(e) for e in elements]
    return store.write_tx("save_elements", lambda tx: write_elements_tx(store, tx, rows, user=user))


def save_element(
    store: Store,
    element: Referenceable,
    *,
    expected_version: int | None = None,
    user: str | None = None,
) -> WriteResult:
    """Create the element, or replace its properties with ``element``'s (idempotent)."""
    row = ElementRow.of(element, expected_version)
    return store.write_tx(
        "save_element", lambda tx: write_elements_tx(store, tx, [row], user=user)[0]
    )


def create_element(store: Store, element: Referenceable, *, user: str | None = None) -> WriteResult:
    """Create an element; re-creating an identical one is a no-op ('unchanged').

    Raises :class:`ConflictError` when an element with that qualifiedName
    exists with other properties or another type (use :func:`update_element`).
    """
    row = ElementRow.of(element)

    def work(tx: ManagedTransaction) -> WriteResult:
        locked = store.run(tx, "element_lock", {"qualifiedName": element.qualifiedName})
        if locked:
            current = locked[0]
            same_props = {
                k: to_python(v) for k, v in current["props"].items() if k not in FIXED_KEYS
            }
            if current["typeName"] != row.typeName or same_props != row.props:
                raise ConflictError(
                    f"{element.qualifiedName} already exists (version "
                    f"{current['props'].get('version')}) with other properties",
                    hint="use update (merge or replace) to change it",
                )
        return write_elements_tx(store, tx, [row], user=user)[0]

    return store.write_tx("create_element", work)


def update_element(
    store: Store,
    element: Referenceable,
    *,
    mode: Literal["merge", "replace"] = "merge",
    expected_version: int | None = None,
    user: str | None = None,
) -> WriteResult:
    """Update an existing element.

    ``merge`` overlays the fields set on ``element`` (``model_fields_set``) on
    the stored ones; ``replace`` makes the stored properties exactly
    ``element``'s. Raises :class:`NotFoundError` when it does not exist and
    :class:`ConflictError` when ``expected_version`` is given and stale.
    """

    def work(tx: ManagedTransaction) -> WriteResult:
        locked = store.run(tx, "element_lock", {"qualifiedName": element.qualifiedName})
        if not locked:
            raise NotFoundError(f"no element with qualifiedName {element.qualifiedName!r}")
        target = element
        if mode == "merge":
            current = stored_element(locked[0]).element
            base = current.model_dump(exclude_none=True)
            given = element.model_dump(include=set(element.model_fields_set))
            if "properties" in given and isinstance(base.get("properties"), dict):
                given["properties"] = {**base["properties"], **(given["properties"] or {})}
            merged = {**base, **given}
            target = type(element).model_validate(
                {k: v for k, v in merged.items() if k in type(element).model_fields}
            )
        row = ElementRow.of(target, expected_version)
        if expected_version is None:
            row = ElementRow(row.qualifiedName, row.typeName, row.props, row.guid, None)
        return write_elements_tx(store, tx, [row], user=user)[0]

    return store.write_tx("update_element", work)


def delete_element(
    store: Store,
    qualified_name: str | None = None,
    *,
    guid: str | None = None,
    expected_version: int | None = None,
) -> DeleteResult:
    """Delete an element with SPEC's cascade rules (see :func:`delete_element_tx`).

    Raises :class:`NotFoundError` when absent, :class:`ConflictError` when
    ``expected_version`` is stale.
    """

    def work(tx: ManagedTransaction) -> DeleteResult:
        if guid is not None:
            rows = store.run(tx, "element_by_guid", {"guid": guid})
            if rows:
                rows = store.run(tx, "element_lock", {"qualifiedName": rows[0]["qualifiedName"]})
        else:
            rows = store.run(tx, "element_lock", {"qualifiedName": qualified_name})
        if not rows:
            what = f"guid {guid}" if guid is not None else f"qualifiedName {qualified_name!r}"
            raise NotFoundError(f"no element with {what}")
        version = rows[0]["props"].get("version")
        if expected_version is not None and version != expected_version:
            raise ConflictError(
                f"{rows[0]['qualifiedName']}: expected version {expected_version}, "
                f"but it is at version {version}"
            )
        return delete_element_tx(store, tx, rows[0])

    return store.write_tx("delete_element", work)


def save_relationship(
    store: Store,
    relationship: Relationship,
    from_: str,
    to: str,
    *,
    expected_version: int | None = None,
    user: str | None = None,
) -> WriteResult:
    """Create or update one relationship between two existing elements (by qualifiedName)."""
    row = RelationshipRow.of(relationship, from_, to, expected_version)
    return store.write_tx(
        "save_relationship", lambda tx: write_relationships_tx(store, tx, [row], user=user)[0]
    )


def remove_relationship(
    store: Store, rel_type: type[Relationship], from_: str, to: str, key: str = ""
) -> int:
    """Delete the relationship(s) of this model type between two elements; returns the count."""
    neo_type = REL_TYPE_BY_MODEL[rel_type]
    return store.write_tx(
        "remove_relationship",
        lambda tx: delete_relationships_tx(store, tx, [(neo_type, from_, to, key)]),
    )


def register_connector(
    store: Store,
    group: str,
    connector: str,
    registration: RegisteredIntegrationConnector,
    *,
    expected_version: int | None = None,
) -> WriteResult:
    """Register a connector in a group (or update its registration properties)."""
    return save_relationship(
        store, registration, group, connector, expected_version=expected_version
    )


def unregister_connector(store: Store, group: str, connector: str) -> int:
    """Remove a connector's registration from a group (the connector stays)."""
    return remove_relationship(store, RegisteredIntegrationConnector, group, connector)


def attach_connection(store: Store, connector: str, connection: str) -> WriteResult:
    """Link a connector to its connection, replacing any other connection link it had."""
    return save_relationship(store, AssetConnection(), connector, connection)


def detach_connection(store: Store, connector: str, connection: str) -> int:
    """Remove the connector -> connection link (both elements stay)."""
    return remove_relationship(store, AssetConnection, connector, connection)


def attach_connector_type(store: Store, connection: str, connector_type: str) -> WriteResult:
    """Link a connection to its connector type, replacing any other one."""
    return save_relationship(store, ConnectionConnectorType(), connection, connector_type)


def detach_connector_type(store: Store, connection: str, connector_type: str) -> int:
    """Remove the connection -> connector type link."""
    return remove_relationship(store, ConnectionConnectorType, connection, connector_type)


def attach_endpoint(store: Store, connection: str, endpoint: str) -> WriteResult:
    """Link a connection to its endpoint, replacing any other one."""
    return save_relationship(store, ConnectToEndpoint(), connection, endpoint)


def detach_endpoint(store: Store, connection: str, endpoint: str) -> int:
    """Remove the connection -> endpoint link."""
    return remove_relationship(store, ConnectToEndpoint, connection, endpoint)


def embed_connection(
    store: Store,
    parent: str,
    child: str,
    embedding: EmbeddedConnection | None = None,
    *,
    expected_version: int | None = None,
) -> WriteResult:
    """Embed ``child`` in the virtual connection ``parent`` (position, displayName, arguments)."""
    if parent == child:
        raise UsageError(f"{parent}: a connection cannot embed itself")
    return save_relationship(
        store, embedding or EmbeddedConnection(), parent, child, expected_version=expected_version
    )


def unembed_connection(store: Store, parent: str, child: str) -> int:
    """Remove an embedded connection link (both connections stay)."""
    return remove_relationship(store, EmbeddedConnection, parent, child)


def add_catalog_target(
    store: Store,
    connector: str,
    element: str,
    target: CatalogTarget | None = None,
    *,
    expected_version: int | None = None,
) -> WriteResult:
    """Add (or update, keyed by catalogTargetName) a catalog target of a connector."""
    return save_relationship(
        store, target or CatalogTarget(), connector, element, expected_version=expected_version
    )


update_catalog_target = add_catalog_target


def remove_catalog_target(
    store: Store, connector: str, element: str, catalog_target_name: str | None = None
) -> int:
    """Remove the catalog target with this name ('' / None = the unnamed one)."""
    return remove_relationship(store, CatalogTarget, connector, element, catalog_target_name or "")
