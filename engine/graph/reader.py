"""Reading elements and relationships back: by name or guid, and as a plan's stored state.

Only read statements run here; every write goes through :mod:`engine.graph.writer`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from neo4j import ManagedTransaction

from engine.errors import NotFoundError, UsageError
from engine.graph.graphmap import decode_properties
from engine.graph.records import (
    BATCH_SIZE,
    EGERIA_NAME_BY_REL_TYPE,
    NEW_BATCH_SIZE,
    ElementState,
    RelationshipIdentity,
    StoredElement,
    StoredRelationship,
)
from engine.graph.store import Statement, Store
from engine.model import AUDIT_FIELDS, Audit, element_from_properties, relationship_from_properties
from engine.typesystem import RELATIONSHIP_TYPES

_ELEMENT_COLUMNS = ("qualifiedName", "guid", "typeName", "labels", "props")
_RELATIONSHIP_COLUMNS = ("from", "type", "to", "toTypeName", "props")
"""RETURN columns, in order, of elements_read/_state and relationships_outgoing/_state
(read as value tuples: Record.data()'s copy dominated big applies)."""


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


def _present(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if v is not None}


# ----------------------------------------------------------- transactional
def read_element_by_guid_tx(
    store: Store, tx: ManagedTransaction, guid: str
) -> dict[str, Any] | None:
    """The raw row (qualifiedName, guid, typeName, labels, props) of the element, or ``None``."""
    rows = store.run(tx, "element_by_guid", {"guid": guid})
    return rows[0] if rows else None


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
            row["props"] = _present(row["props"])
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
            row["props"] = _present(row["props"])
            out.append(row)
    return out


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
            yield Statement("element_states", {"qualifiedNames": batch}, len(batch))

    def handle(out: list[tuple[Any, ...]], _count: int) -> None:
        for (states,) in out:
            for qn, element_id, guid, type_name, props in states:
                found[qn] = ElementState(element_id, guid, type_name, _present(props))

    store.run_pipelined(tx, statements(), handle)
    return found


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
            yield Statement("relationship_states", {"owners": batch, "types": types}, len(batch))

    def handle(rows: list[tuple[Any, ...]], _count: int) -> None:
        for (states,) in rows:
            for from_, rel_type, to, raw in states:
                props = _present(raw)
                key = props.get("catalogTargetName") or "" if rel_type == catalog_target else ""
                out[(rel_type, from_, to, key)] = props

    store.run_pipelined(tx, statements(), handle)
    return out


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
