"""A group as it was at a time, resolved from the recorded states (docs/history.md).

The recorded states hold exactly what the live nodes and relationships held (their
properties copied by the writer in the same transaction), so a group at a time is
assembled here as a row of the shape ``resolve_groups.cypher`` returns -- the same
traversal, in the same orders -- and decoded by the same :func:`group_from_row`. The
traversal goes a level per query (group, registrations, connectors, connections and their
embedded connections, connector types, endpoints, catalog targets), all in one read
transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from neo4j import ManagedTransaction

from engine.errors import NotFoundError
from engine.graph.resolve import group_from_row
from engine.graph.store import Store
from engine.resolved import ResolvedGroup
from engine.typesystem import (
    ASSET_CONNECTION,
    CATALOG_TARGET,
    CONNECT_TO_ENDPOINT,
    CONNECTION_CONNECTOR_TYPE,
    EMBEDDED_CONNECTION,
    REGISTERED_INTEGRATION_CONNECTOR,
)

State = dict[str, Any]
BOOKKEEPING_PREFIX = "_h"
"""Keys of a recorded state that are the history's own, not the element's."""


BOOKKEEPING_KEYS = (
    "_hKey",
    "_hKind",
    "_hType",
    "_hName",
    "_hLabels",
    "_hFrom",
    "_hTo",
    "_hChangeSet",
    "_hTime",
    "_hUntil",
    "_hDeleted",
)
"""The bookkeeping keys the writer sets (engine/graph/writer/history.py)."""


def stored_properties(state: Mapping[str, Any]) -> dict[str, Any]:
    """A recorded state's properties as the element or relationship held them."""
    found = dict(state)
    for key in BOOKKEEPING_KEYS:
        found.pop(key, None)
    return found


def _order(*values: Any) -> tuple[Any, ...]:
    """A sort key ordering like Cypher's ORDER BY: nulls after every value."""
    return tuple((v is None, v if v is not None else "") for v in values)


class _AsOf:
    """Recorded states at one time, read in one transaction."""

    def __init__(self, store: Store, tx: ManagedTransaction, at: datetime | None) -> None:
        self.store, self.tx, self.at = store, tx, at
        self.elements: dict[str, State] = {}
        self.relationships: set[str] = set()
        """Keys of the relationship states read."""
        self.followed: list[State] = []
        """The relationship states of the group's own subgraph (not the incoming ones)."""

    def level(
        self,
        load: Iterable[str] = (),
        out: tuple[Iterable[str], Sequence[str]] = ((), ()),
        incoming: tuple[Iterable[str], Sequence[str]] = ((), ()),
    ) -> tuple[list[State], list[State]]:
        """One round trip: read the states of the elements ``load`` not read yet, and of the
        relationships of the given types going out of / coming into the given elements;
        returns (outgoing, incoming)."""
        params = {
            "load": sorted({g for g in load if g not in self.elements}),
            "from": sorted(set(out[0])),
            "types": list(out[1]),
            "to": sorted(set(incoming[0])),
            "inTypes": list(incoming[1]),
            "at": self.at,
        }
        if not (params["load"] or params["from"] or params["to"]):
            return [], []
        found: dict[str, list[State]] = {"state": [], "out": [], "in": []}
        for part, states in self.store.run_values(self.tx, "history_as_of_level", params):
            found[part].extend(states)
        for state in found["state"]:
            self.elements[state["_hKey"]] = state
        self.relationships.update(s["_hKey"] for s in (*found["out"], *found["in"]))
        self.followed.extend(found["out"])
        return found["out"], found["in"]

    def props(self, guid: str) -> dict[str, Any]:
        return stored_properties(self.elements[guid])

    def name(self, guid: str) -> Any:
        return self.elements[guid].get("qualifiedName")


def _by_from(states: Iterable[State]) -> dict[str, list[State]]:
    grouped: dict[str, list[State]] = {}
    for state in states:
        grouped.setdefault(state["_hFrom"], []).append(state)
    return grouped


def _reachable(view: _AsOf, roots: set[str]) -> tuple[list[str], dict[str, list[State]]]:
    """Every connection reachable from ``roots`` through embedding (cycles included), and
    the connection-level relationships going out of each: one round trip per level."""
    reachable: list[str] = []
    out: dict[str, list[State]] = {}
    frontier = set(roots)
    while frontier:
        types = (CONNECTION_CONNECTOR_TYPE, CONNECT_TO_ENDPOINT, EMBEDDED_CONNECTION)
        rels, _ = view.level(load=frontier, out=(frontier, types))
        frontier = {g for g in frontier if g in view.elements}
        reachable.extend(frontier)
        for guid, states in _by_from(rels).items():
            if guid in frontier:
                out.setdefault(guid, []).extend(states)
        children = {
            s["_hTo"]
            for s in rels
            if s["_hType"] == EMBEDDED_CONNECTION and s["_hFrom"] in frontier
        }
        frontier = children - set(reachable)
    return sorted(reachable), out


def _connection_entry(
    view: _AsOf, guid: str, out: Sequence[State], assets: Sequence[State]
) -> dict[str, Any]:
    def ends(rel_type: str) -> list[str]:
        found = [s["_hTo"] for s in out if s["_hType"] == rel_type and s["_hTo"] in view.elements]
        return sorted(found, key=lambda g: _order(view.name(g), g))

    embedded = [s for s in out if s["_hType"] == EMBEDDED_CONNECTION and s["_hTo"] in view.elements]
    embedded.sort(
        key=lambda s: _order(
            s.get("position"), s.get("displayName"), view.name(s["_hTo"]), s.get("guid")
        )
    )
    asset_names = [view.name(s["_hFrom"]) for s in assets if s["_hFrom"] in view.elements]
    return {
        "node": view.props(guid),
        "connectorTypes": [view.elements[g]["guid"] for g in ends(CONNECTION_CONNECTOR_TYPE)],
        "endpoints": [view.elements[g]["guid"] for g in ends(CONNECT_TO_ENDPOINT)],
        "embedded": [
            {"relationship": stored_properties(s), "child": view.elements[s["_hTo"]]["guid"]}
            for s in embedded
        ],
        "assets": sorted(asset_names, key=lambda n: _order(n)),
    }


def _connector_entry(view: _AsOf, registration: State, out: Sequence[State]) -> dict[str, Any]:
    connector = registration["_hTo"]
    links = [s["_hTo"] for s in out if s["_hType"] == ASSET_CONNECTION]
    links = sorted((g for g in links if g in view.elements), key=lambda g: _order(view.name(g), g))
    targets = [s for s in out if s["_hType"] == CATALOG_TARGET and s["_hTo"] in view.elements]
    targets.sort(
        key=lambda s: _order(s.get("catalogTargetName"), view.name(s["_hTo"]), s.get("guid"))
    )
    return {
        "registration": stored_properties(registration),
        "connector": view.props(connector),
        "connections": [view.elements[g]["guid"] for g in links],
        "catalogTargets": [
            {"relationship": stored_properties(s), "element": view.elements[s["_hTo"]]["guid"]}
            for s in targets
        ],
    }


def _element_entries(view: _AsOf, present: Iterable[str], own: Sequence[State]) -> list[Any]:
    """The ``elements`` entries: each element's state and the names of its own connections
    (``own``: the ASSET_CONNECTION states going out of them, their ends loaded)."""
    names: dict[str, set[str]] = {}
    for s in own:
        target = view.elements.get(s["_hTo"])
        if target is None:
            continue
        found = names.setdefault(s["_hFrom"], set())
        found.update(n for n in (target.get("qualifiedName"), target.get("displayName")) if n)
    return [
        {"node": view.props(g), "connectionNames": sorted(names.get(g, ()))}
        for g in sorted(present, key=lambda g: view.elements[g]["guid"])
    ]


def _group_row(view: _AsOf, group: State) -> dict[str, Any]:
    """The row ``resolve_groups.cypher`` would have returned for ``group``, from the states."""
    registrations, _ = view.level(out=([group["_hKey"]], [REGISTERED_INTEGRATION_CONNECTOR]))
    connector_guids = {s["_hTo"] for s in registrations if s["_hTo"]}
    out, _ = view.level(
        load=connector_guids, out=(connector_guids, (ASSET_CONNECTION, CATALOG_TARGET))
    )
    connector_out = _by_from(s for s in out if s["_hFrom"] in view.elements)
    registrations = [s for s in registrations if s["_hTo"] in view.elements]
    registrations.sort(
        key=lambda s: _order(s.get("connectorName"), view.name(s["_hTo"]), s.get("guid"))
    )
    roots = {
        s["_hTo"]
        for states in connector_out.values()
        for s in states
        if s["_hType"] == ASSET_CONNECTION
    }
    reachable, connection_out = _reachable(view, roots)
    referenced = {
        s["_hTo"]
        for states in connection_out.values()
        for s in states
        if s["_hType"] in (CONNECTION_CONNECTOR_TYPE, CONNECT_TO_ENDPOINT)
    } | {
        s["_hTo"]
        for states in connector_out.values()
        for s in states
        if s["_hType"] == CATALOG_TARGET
    }
    own, incoming = view.level(
        load=referenced,
        out=(referenced, [ASSET_CONNECTION]),
        incoming=(reachable, [ASSET_CONNECTION]),
    )
    present = {g for g in referenced if g in view.elements}
    own = [s for s in own if s["_hFrom"] in present]
    assets = _by_from_to(incoming)
    view.level(load=[*(s["_hTo"] for s in own), *(s["_hFrom"] for s in incoming)])
    elements = _element_entries(view, present, own)
    connectors = [
        _connector_entry(view, s, connector_out.get(s["_hTo"], [])) for s in registrations
    ]
    connections = [
        _connection_entry(view, g, connection_out.get(g, []), assets.get(g, [])) for g in reachable
    ]
    connections.sort(key=lambda entry: entry["node"]["guid"])
    return {
        "group": stored_properties(group),
        "connectors": connectors,
        "connections": connections,
        "elements": elements,
    }


def _by_from_to(states: Iterable[State]) -> dict[str, list[State]]:
    grouped: dict[str, list[State]] = {}
    for state in states:
        grouped.setdefault(state["_hTo"], []).append(state)
    return grouped


def resolve_group_as_of(store: Store, qualified_name: str, at: datetime) -> ResolvedGroup:
    """The integration group ``qualified_name`` exactly as :func:`resolve_group` showed it
    at ``at`` (an aware datetime), from the recorded states.

    Raises :class:`NotFoundError` when the history holds no such group at that time.
    """

    def work(tx: ManagedTransaction) -> dict[str, Any] | None:
        view = _AsOf(store, tx, at)
        rows = store.run(tx, "history_as_of_group", {"qualifiedName": qualified_name, "at": at})
        if not rows:
            return None
        group = rows[0]["state"]
        view.elements[group["_hKey"]] = group
        return _group_row(view, group)

    row = store.read_tx("history:as-of", work)
    if row is None:
        raise _missing(qualified_name, at)
    return group_from_row(row)


def group_history_keys(store: Store, qualified_name: str) -> list[str]:
    """The guids of every element and relationship that was part of the group
    ``qualified_name`` at some recorded time (the group's own included)."""

    def work(tx: ManagedTransaction) -> list[str]:
        view = _AsOf(store, tx, None)
        rows = store.run(tx, "history_as_of_group", {"qualifiedName": qualified_name, "at": None})
        for row in rows:
            view.elements[row["state"]["_hKey"]] = row["state"]
        for row in rows:
            _group_row(view, row["state"])
        return sorted(set(view.elements) | view.relationships)

    return store.read_tx("history:group-keys", work)


_AUDIT_TIMES = ("createTime", "updateTime")


def group_rows_as_of(
    store: Store, qualified_name: str, at: datetime
) -> tuple[dict[str, dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """The group's elements (qualifiedName -> {qualifiedName, guid, typeName, labels,
    props}) and outgoing relationships (end 1's qualifiedName -> [{from, type, to,
    toTypeName, props}]) as recorded at ``at``: the rows a manifest export is built from.

    Raises :class:`NotFoundError` when the history holds no such group at that time.
    """

    def work(tx: ManagedTransaction) -> _AsOf | None:
        view = _AsOf(store, tx, at)
        rows = store.run(tx, "history_as_of_group", {"qualifiedName": qualified_name, "at": at})
        if not rows:
            return None
        view.elements[rows[0]["state"]["_hKey"]] = rows[0]["state"]
        _group_row(view, rows[0]["state"])
        return view

    view = store.read_tx("history:as-of-rows", work)
    if view is None:
        raise _missing(qualified_name, at)

    def props(state: State) -> dict[str, Any]:
        found = stored_properties(state)
        return {k: v for k, v in found.items() if v is not None and k not in _AUDIT_TIMES}

    elements = {
        str(state["qualifiedName"]): {
            "qualifiedName": state["qualifiedName"],
            "guid": state["guid"],
            "typeName": state.get("typeName"),
            "labels": state.get("_hLabels") or [],
            "props": props(state),
        }
        for state in view.elements.values()
    }
    rels: dict[str, list[dict[str, Any]]] = {}
    for state in {s["_hKey"]: s for s in view.followed}.values():
        start, end = view.elements.get(state["_hFrom"]), view.elements.get(state["_hTo"])
        if start is None or end is None:
            continue
        rels.setdefault(str(start["qualifiedName"]), []).append(
            {
                "from": start["qualifiedName"],
                "type": state["_hType"],
                "to": end["qualifiedName"],
                "toTypeName": end.get("typeName"),
                "props": props(state),
            }
        )
    for found in rels.values():
        found.sort(key=lambda r: (r["type"], r["to"], str(r["props"].get("catalogTargetName", ""))))
    return elements, rels


def _missing(qualified_name: str, at: datetime) -> NotFoundError:
    return NotFoundError(
        f"no integration group '{qualified_name}' at {at.isoformat()} in the history",
        hint="list its changes with 'switchboard history --group NAME', or pick a later time",
    )
