"""The write API: create, update, delete and get elements and relationships.

A thin layer over :mod:`engine.graph.writer` (every write strategy, with the natural keys
and version checks described there) and :mod:`engine.graph.reader`: each function here
runs one managed transaction. A write may carry the version it expects; when the element
(or relationship) has moved on, :class:`~engine.errors.ConflictError` is raised and nothing
of that transaction is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal, TypeVar

from neo4j import ManagedTransaction

from engine.errors import ConflictError, NotFoundError, UsageError
from engine.graph.graphmap import to_python
from engine.graph.reader import (
    find_element,
    get_element,
    get_relationships,
    read_element_by_guid_tx,
    stored_element,
)
from engine.graph.records import (
    FIXED_KEYS,
    REL_TYPE_BY_MODEL,
    DeleteResult,
    ElementRow,
    RelationshipRow,
    StoredElement,
    StoredRelationship,
    WriteResult,
)
from engine.graph.store import Store
from engine.graph.writer import (
    ChangeInfo,
    delete_element_tx,
    delete_relationships_tx,
    lock_element_tx,
    recorded_write_tx,
    write_elements_tx,
    write_relationships_tx,
)
from engine.model import (
    AssetConnection,
    CatalogTarget,
    ConnectionConnectorType,
    ConnectToEndpoint,
    EmbeddedConnection,
    Referenceable,
    RegisteredIntegrationConnector,
    Relationship,
)

__all__ = [
    "DeleteResult",
    "StoredElement",
    "StoredRelationship",
    "WriteResult",
    "add_catalog_target",
    "attach_connection",
    "attach_connector_type",
    "attach_endpoint",
    "create_element",
    "delete_element",
    "detach_connection",
    "detach_connector_type",
    "detach_endpoint",
    "embed_connection",
    "find_element",
    "get_element",
    "get_relationships",
    "register_connector",
    "remove_catalog_target",
    "remove_relationship",
    "save_element",
    "save_elements",
    "save_relationship",
    "unembed_connection",
    "unregister_connector",
    "update_catalog_target",
    "update_element",
]


T = TypeVar("T")


def _api_write(
    store: Store,
    operation: str,
    subject: str,
    work: Callable[[ManagedTransaction], T],
    user: str | None = None,
) -> T:
    """Run ``work`` in one write transaction that records its change set (tool ``api``)."""
    change = ChangeInfo("api", operation, f"{operation} {subject}", user)
    return recorded_write_tx(store, operation, change, work)


def save_elements(
    store: Store, elements: Sequence[Referenceable], *, user: str | None = None
) -> list[WriteResult]:
    """Create or replace many elements in one transaction (UNWIND batches)."""
    rows = [ElementRow.of(e) for e in elements]
    return _api_write(
        store,
        "save_elements",
        f"{len(rows)} element(s)",
        lambda tx: write_elements_tx(store, tx, rows, user=user),
        user,
    )


def save_element(
    store: Store,
    element: Referenceable,
    *,
    expected_version: int | None = None,
    user: str | None = None,
) -> WriteResult:
    """Create the element, or replace its properties with ``element``'s (idempotent)."""
    row = ElementRow.of(element, expected_version)
    return _api_write(
        store,
        "save_element",
        row.qualifiedName,
        lambda tx: write_elements_tx(store, tx, [row], user=user)[0],
        user,
    )


def create_element(store: Store, element: Referenceable, *, user: str | None = None) -> WriteResult:
    """Create an element; re-creating an identical one is a no-op ('unchanged').

    Raises :class:`ConflictError` when an element with that qualifiedName
    exists with other properties or another type (use :func:`update_element`).
    """
    row = ElementRow.of(element)

    def work(tx: ManagedTransaction) -> WriteResult:
        current = lock_element_tx(store, tx, element.qualifiedName)
        if current is not None:
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

    return _api_write(store, "create_element", element.qualifiedName, work, user)


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
        locked = lock_element_tx(store, tx, element.qualifiedName)
        if locked is None:
            raise NotFoundError(f"no element with qualifiedName {element.qualifiedName!r}")
        target = element
        if mode == "merge":
            current = stored_element(locked).element
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

    return _api_write(store, "update_element", element.qualifiedName, work, user)


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
        row: dict[str, Any] | None
        if guid is not None:
            row = read_element_by_guid_tx(store, tx, guid)
            if row is not None:
                row = lock_element_tx(store, tx, row["qualifiedName"])
        else:
            row = lock_element_tx(store, tx, qualified_name or "")
        if row is None:
            what = f"guid {guid}" if guid is not None else f"qualifiedName {qualified_name!r}"
            raise NotFoundError(f"no element with {what}")
        version = row["props"].get("version")
        if expected_version is not None and version != expected_version:
            raise ConflictError(
                f"{row['qualifiedName']}: expected version {expected_version}, "
                f"but it is at version {version}"
            )
        return delete_element_tx(store, tx, row)

    return _api_write(store, "delete_element", qualified_name or f"guid {guid}", work)


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
    return _api_write(
        store,
        "save_relationship",
        f"{row.type} {from_} -> {to}",
        lambda tx: write_relationships_tx(store, tx, [row], user=user)[0],
        user,
    )


def remove_relationship(
    store: Store, rel_type: type[Relationship], from_: str, to: str, key: str = ""
) -> int:
    """Delete the relationship(s) of this model type between two elements; returns the count."""
    neo_type = REL_TYPE_BY_MODEL[rel_type]
    return _api_write(
        store,
        "remove_relationship",
        f"{neo_type} {from_} -> {to}",
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
