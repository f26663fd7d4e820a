"""What changed in a group between two times, in the plan format ``apply --dry-run`` uses,
and rolling a group back to a time through the normal plan and apply."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from engine.declare.manifest import ApplyReport, Change, apply_documents
from engine.declare.manifest.export import manifest_from_rows
from engine.declare.manifest.reading import parse_document
from engine.errors import ConflictError, NotFoundError
from engine.graph.records import relationship_name
from engine.graph.resolve import resolve_group
from engine.graph.store import Store
from engine.graph.writer import ChangeInfo
from engine.history.asof import group_rows_as_of, resolve_group_as_of
from engine.resolved import ConnectionView, ElementView, ResolvedGroup
from engine.typesystem import (
    ASSET_CONNECTION,
    CATALOG_TARGET,
    CONNECT_TO_ENDPOINT,
    CONNECTION_CONNECTOR_TYPE,
    EMBEDDED_CONNECTION,
    REGISTERED_INTEGRATION_CONNECTOR,
)

Entity = tuple[str, str, str, dict[str, Any]]
"""(kind, name, typeName, properties) of one element or relationship of a resolved group."""


def _element(view: ElementView) -> Entity:
    props = {k: v for k, v in canonical_document_of(view).items() if k != "properties"}
    props.update(canonical_document_of(view)["properties"])
    return ("element", view.qualifiedName, view.typeName, props)


def canonical_document_of(view: Any) -> dict[str, Any]:
    data: dict[str, Any] = view.model_dump(mode="json")
    return data


def _link(rel_type: str, from_: str, to: str, props: dict[str, Any], key: str = "") -> Entity:
    return ("relationship", relationship_name(rel_type, from_, to, key), rel_type, props)


def _connection(view: ConnectionView) -> Iterator[Entity]:
    yield _element(view)
    for ctype in [view.connectorType, *view.additionalConnectorTypes]:
        if ctype is not None:
            yield _element(ctype)
            yield _link(CONNECTION_CONNECTOR_TYPE, view.qualifiedName, ctype.qualifiedName, {})
    for endpoint in [view.endpoint, *view.additionalEndpoints]:
        if endpoint is not None:
            yield _element(endpoint)
            yield _link(CONNECT_TO_ENDPOINT, view.qualifiedName, endpoint.qualifiedName, {})
    for embedded in view.embeddedConnections:
        child = embedded.connection
        props = canonical_document_of(embedded)
        props.pop("connection")
        yield _link(EMBEDDED_CONNECTION, view.qualifiedName, child.qualifiedName, props)
        if not embedded.cycle:
            yield from _connection(child)


def group_entities(group: ResolvedGroup | None) -> dict[str, Entity]:
    """Every element and relationship of a resolved group, by name, with the properties
    its canonical document shows (none for a missing group)."""
    found: dict[str, Entity] = {}
    if group is None:
        return found

    def add(entity: Entity) -> None:
        found[entity[1]] = entity

    add(_element(group.group))
    for connector in group.connectors:
        name = connector.connector.qualifiedName
        add(_element(connector.connector))
        registration = canonical_document_of(connector.registration)
        add(_link(REGISTERED_INTEGRATION_CONNECTOR, group.group.qualifiedName, name, registration))
        for connection in [connector.connection, *connector.additionalConnections]:
            if connection is not None:
                add(_link(ASSET_CONNECTION, name, connection.qualifiedName, {}))
                for entity in _connection(connection):
                    add(entity)
        for target in connector.catalogTargets:
            add(_element(target.element))
            props = dict(canonical_document_of(target)["relationship"])
            key = str(props.get("catalogTargetName") or "")
            add(_link(CATALOG_TARGET, name, target.element.qualifiedName, props, key))
    return found


def group_changes(before: ResolvedGroup | None, after: ResolvedGroup | None) -> list[Change]:
    """The difference between two resolved documents of a group, as plan changes (create,
    update with per-property ``diff``, delete), sorted by kind and name."""
    old, new = group_entities(before), group_entities(after)
    changes: list[Change] = []
    for name in sorted(old.keys() | new.keys()):
        was, now = old.get(name), new.get(name)
        if was is None and now is not None:
            changes.append(Change("create", now[0], name, now[2]))  # type: ignore[arg-type]
        elif now is None and was is not None:
            changes.append(Change("delete", was[0], name, was[2]))  # type: ignore[arg-type]
        elif was is not None and now is not None and was[3] != now[3]:
            keys = was[3].keys() | now[3].keys()
            diff = {
                k: (was[3].get(k), now[3].get(k)) for k in keys if was[3].get(k) != now[3].get(k)
            }
            changes.append(Change("update", now[0], name, now[2], diff))  # type: ignore[arg-type]
    changes.sort(key=lambda c: (c.kind, c.name))
    return changes


def _as_of_or_none(store: Store, group: str, at: datetime | None) -> ResolvedGroup | None:
    try:
        return resolve_group(store, group) if at is None else resolve_group_as_of(store, group, at)
    except NotFoundError:
        return None


def diff_group(
    store: Store, group: str, since: datetime, until: datetime | None = None
) -> list[Change]:
    """What changed in ``group`` between ``since`` and ``until`` (default: now, as stored),
    as plan changes. Raises :class:`NotFoundError` when the group existed at neither time."""
    before = _as_of_or_none(store, group, since)
    after = _as_of_or_none(store, group, until)
    if before is None and after is None:
        raise NotFoundError(
            f"no integration group '{group}' at either time",
            hint="list its changes with 'switchboard history --group NAME'",
        )
    return group_changes(before, after)


def rollback_group(
    store: Store, group: str, at: datetime, *, dry_run: bool = False, user: str | None = None
) -> ApplyReport:
    """Make ``group``'s current state equal its state at ``at`` through the normal plan and
    apply (with prune): new versions, one change set naming the rollback. ``dry_run``
    writes nothing.

    Raises :class:`NotFoundError` when the group did not exist at ``at``, and
    :class:`ConflictError` when an element it needs now belongs to another group.
    """
    elements, rels = group_rows_as_of(store, group, at)
    _refuse_taken_over(store, group, elements)
    document = parse_document(
        f"{group} as of {at.isoformat()}", manifest_from_rows(elements, rels, [group])
    )
    change = ChangeInfo(
        "rollback",
        f"rollback {group} --to {at.isoformat()}",
        f"rollback {group} to {at.isoformat()}",
        user,
    )
    return apply_documents(store, [document], dry_run=dry_run, prune=True, change=change)


def _refuse_taken_over(store: Store, group: str, elements: dict[str, dict[str, Any]]) -> None:
    """Raise :class:`ConflictError` when a connector the group had at that time is now
    registered in another group (rolling back would change that group too)."""
    connectors = [qn for qn, row in elements.items() if row["typeName"] == "IntegrationConnector"]
    taken = [
        (row["connector"], row["group"])
        for row in store.read("history_connector_groups", {"qualifiedNames": connectors})
        if row["group"] != group
    ]
    if taken:
        named = ", ".join(f"{c} (now in {g})" for c, g in sorted(taken))
        raise ConflictError(
            f"cannot roll back {group}: connector(s) since taken over by another group: {named}",
            hint="unregister them from the other group first, or pick another time",
        )
