"""The whole-database snapshot: the integration-group model of Neo4j as one validation graph.

A snapshot carries only the properties the rules read
(:data:`SNAPSHOT_NODE_PROPERTIES`, :data:`SNAPSHOT_EDGE_PROPERTIES`), which keeps
loading the whole 100,000-connector benchmark graph to a few seconds; a rule that
reads another property adds it there and to the snapshot query.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from engine.gcpause import gc_paused
from engine.graph.graphmap import MAP_PROPERTIES, to_python
from engine.graph.store import Store
from engine.typesystem import CATALOG_TARGET, EMBEDDED_CONNECTION, REGISTERED_INTEGRATION_CONNECTOR
from engine.validate.graph import GraphBuilder

if TYPE_CHECKING:
    import networkx as nx

SNAPSHOT_NODES_QUERY = "validation_snapshot_nodes"


def load_snapshot(store: Store, *, parallel: bool = False) -> nx.MultiDiGraph:
    """The whole integration-group model of the database as one MultiDiGraph.

    Five queries in one read transaction, so the snapshot is consistent:
    ``cypher/engine/validation_snapshot_nodes`` and one per relationship family
    (:data:`SNAPSHOT_RELATIONSHIP_QUERIES`). Each returns a few wide rows of
    parallel lists (internal ids, guids, names and only the properties the rules
    read, :data:`SNAPSHOT_NODE_PROPERTIES` and :data:`SNAPSHOT_EDGE_PROPERTIES`):
    the driver decodes long lists of plain values about 40x faster than one map per
    element. Nodes without a guid, or whose guid another node already has, are keyed
    ``nodeId:<internal id>`` and reported by rule SB003.

    ``parallel`` reads the nodes and the relationships in two transactions at once
    (two server threads: on a 2-CPU machine about 40% less wall time). The two may
    then see different states of a database being written to: a relationship whose
    end the node query did not return is left out, and an internal id reused in
    between could attach one to the wrong node. For a database at rest (benchmarks,
    a quiet instance) only.
    """
    with gc_paused():
        if parallel:
            return _read_in_two_transactions(store).graph()
        return store.read_tx(
            "validation snapshot", lambda tx: _read_in_one(store, tx), quiet=_QUIET
        ).graph()


_QUIET = ("DEPRECATION", "UNRECOGNIZED")
"""Server notifications the snapshot queries do not log."""


def _read_in_one(store: Store, tx: Any) -> SnapshotBuilder:
    """Every snapshot query in the transaction ``tx``: each is sent before the rows of the
    one before are turned into graph data, so the server runs it meanwhile (the client's
    and the server's CPU overlap)."""
    snapshot = SnapshotBuilder()
    nodes = store.run_values(tx, SNAPSHOT_NODES_QUERY)
    queries = list(SNAPSHOT_RELATIONSHIP_QUERIES)
    pending = store.start_values(tx, queries[0])
    snapshot.add_nodes(nodes)
    for query, following in zip(queries, [*queries[1:], None], strict=True):
        rows = pending()
        if following is not None:
            pending = store.start_values(tx, following)
        snapshot.add_relationships(query, rows)
    return snapshot


def _read_in_two_transactions(store: Store) -> SnapshotBuilder:
    """The nodes and the relationships read in two transactions at once."""

    def read_nodes(tx: Any) -> list[tuple[Any, ...]]:
        return store.run_values(tx, SNAPSHOT_NODES_QUERY)

    def read_relationships(tx: Any) -> dict[str, list[tuple[Any, ...]]]:
        return {name: store.run_values(tx, name) for name in SNAPSHOT_RELATIONSHIP_QUERIES}

    snapshot = SnapshotBuilder()
    with ThreadPoolExecutor(max_workers=1) as pool:
        later = pool.submit(
            store.read_tx, "validation snapshot (relationships)", read_relationships, quiet=_QUIET
        )
        nodes = store.read_tx("validation snapshot (nodes)", read_nodes, quiet=_QUIET)
        snapshot.add_nodes(nodes)  # while the server still reads relationships
        for query, rows in later.result().items():
            snapshot.add_relationships(query, rows)
    return snapshot


SNAPSHOT_NODE_PROPERTIES: tuple[str, ...] = (
    "displayName",
    "additionalProperties",
    "connectorProviderClassName",
    "supportedDeployedImplementationType",
    "configurationProperties",
    "securedProperties",
    "clearPassword",
    "encryptedPassword",
)
"""The node properties a snapshot carries (columns of validation_snapshot_nodes after
labels, ids, guids, qualifiedNames, typeNames, isProxy): those the rules read. A rule
that reads another property adds it here and to the query."""

SNAPSHOT_RELATIONSHIP_QUERIES: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "validation_snapshot_catalog_targets": (
        CATALOG_TARGET,
        (
            "catalogTargetName",
            "connectionName",
            "permittedSynchronization",
            "deleteMethod",
            "configurationProperties",
        ),
    ),
    "validation_snapshot_relationships": (None, ()),
    "validation_snapshot_registrations": (
        REGISTERED_INTEGRATION_CONNECTOR,
        (
            "connectorName",
            "refreshTimeInterval",
            "startDate",
            "connectorShutdownDate",
            "permittedSynchronization",
        ),
    ),
    "validation_snapshot_embeddings": (
        EMBEDDED_CONNECTION,
        ("position", "displayName", "arguments"),
    ),
}
"""Relationship query -> (its relationship type, or None when the rows carry it first;
the property columns after starts, ends, guids). In the order load_snapshot runs them:
the costliest for the server first, while the client builds the nodes."""

SNAPSHOT_EDGE_PROPERTIES: dict[str, tuple[str, ...]] = {
    rel_type: props for rel_type, props in SNAPSHOT_RELATIONSHIP_QUERIES.values() if rel_type
}
"""The relationship properties a snapshot carries, by type: those the rules read."""

_NO_NAMES: frozenset[str] = frozenset()
_NO_PROPERTIES: Mapping[str, Any] = MappingProxyType({})
"""The properties of every snapshot element that has none of those loaded (read only)."""


_scan_json: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def _decoded(name: str, value: Any) -> Any:
    """A stored property value as :func:`engine.graph.graphmap.decode_properties` reads it."""
    if name in MAP_PROPERTIES and isinstance(value, str):
        try:
            # the C scanner without json.loads' two Python wrappers (1.5 us a call);
            # anything but a JSON text without surrounding blanks takes the long way
            decoded, end = _scan_json(value, 0)
            if end == len(value):
                return decoded
        except (StopIteration, ValueError):
            pass
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value if type(value) in _PLAIN_TYPES else to_python(value)


_PLAIN_TYPES: frozenset[type] = frozenset({str, int, float, bool})


def _property_dicts(
    count: int, names: Sequence[str], columns: Sequence[list[Any]]
) -> list[dict[str, Any]]:
    """One properties dict per element from parallel columns (None = absent); elements
    without any share one read-only empty mapping (most elements: no allocation)."""
    empty: dict[str, Any] = _NO_PROPERTIES  # type: ignore[assignment]
    out: list[dict[str, Any]] = [empty] * count
    plain = _PLAIN_TYPES
    scan = _scan_json
    for name, column in zip(names, columns, strict=True):
        if column.count(None) == count:
            continue
        is_map = name in MAP_PROPERTIES
        for i, value in enumerate(column):
            if value is None:
                continue
            props = out[i]
            if props is empty:
                props = out[i] = {}
            if not is_map:
                props[name] = value if type(value) in plain else to_python(value)
                continue
            if type(value) is str and value[:1] == "{" and value[-1:] == "}":
                try:  # the common case inline: a JSON object without surrounding blanks
                    decoded, end = scan(value, 0)
                    if end == len(value):
                        props[name] = decoded
                        continue
                except (StopIteration, ValueError):
                    pass
            props[name] = _decoded(name, value)
    return out


def graph_from_snapshot(
    nodes: Iterable[Sequence[Any]], relationships: Mapping[str, Iterable[Sequence[Any]]]
) -> nx.MultiDiGraph:
    """Rows of the snapshot queries (value tuples in RETURN order, keyed by query name for
    the relationships) -> the MultiDiGraph :func:`validate_graph` takes."""
    snapshot = SnapshotBuilder()
    snapshot.add_nodes(nodes)
    for query, rows in relationships.items():
        snapshot.add_relationships(query, rows)
    return snapshot.graph()


class SnapshotBuilder:
    """Builds a snapshot graph from the query rows: nodes first, then relationships."""

    def __init__(self) -> None:
        self.b = GraphBuilder()
        self.key_of: dict[int, str] = {}
        self.columns: list[tuple[str, list[str | None], list[str | None], list[Any], list[Any]]]
        self.columns = []

    def add_nodes(self, rows: Iterable[Sequence[Any]]) -> None:
        b, key_of = self.b, self.key_of
        for labels, ids, guids, names, type_names, proxies, *columns in rows:
            label_set = frozenset(labels)
            fallback = _most_specific(labels)
            props_of = _property_dicts(len(ids), SNAPSHOT_NODE_PROPERTIES, columns)
            for node_id, guid, qn, type_name, proxy, props in zip(
                ids, guids, names, type_names, proxies, props_of, strict=True
            ):
                key = (guid if type(guid) is str else str(guid)) if guid else None
                if key is None:
                    b.missing_guids.append(
                        {"kind": "element", "name": str(qn) if qn else f"nodeId:{node_id}"}
                    )
                    key = f"nodeId:{node_id}"
                elif key in b.nodes:
                    b.conflict("element", key, [b.name(key), str(qn)])
                    key = f"nodeId:{node_id}"
                b.nodes[key] = {
                    "guid": str(guid) if guid else None,
                    "qualifiedName": qn if qn is None or type(qn) is str else str(qn),
                    "typeName": str(type_name) if type_name else fallback,
                    "labels": label_set,
                    "isProxy": bool(proxy),
                    "properties": props,
                    "assetQualifiedNames": _NO_NAMES,
                    "connectionNames": _NO_NAMES,
                }
                key_of[node_id] = key

    def add_relationships(self, query: str, rows: Iterable[Sequence[Any]]) -> None:
        """Rows of ``query`` (a key of :data:`SNAPSHOT_RELATIONSHIP_QUERIES`); after
        :meth:`add_nodes`."""
        fixed_type, prop_names = SNAPSHOT_RELATIONSHIP_QUERIES[query]
        key_of = self.key_of
        for row in rows:
            if fixed_type is None:
                rel_type, starts, ends, guids, *columns = row
            else:
                rel_type = fixed_type
                starts, ends, guids, *columns = row
            rel_type = str(rel_type)
            props_of = _property_dicts(len(starts), prop_names, columns)
            datas = [
                {"type": rel_type, "guid": guid, "properties": props}
                for guid, props in zip(guids, props_of, strict=True)
            ]
            self.columns.append(
                (
                    rel_type,
                    [key_of.get(i) for i in starts],
                    [key_of.get(i) for i in ends],
                    guids,
                    datas,
                )
            )

    def graph(self) -> nx.MultiDiGraph:
        b, columns_of = self.b, self.columns
        all_guids = [guid for _, _, _, guids, _ in columns_of for guid in guids]
        clean = (
            all(None not in us and None not in vs for _, us, vs, _, _ in columns_of)
            and all(type(guid) is str and guid for guid in all_guids)
            and len(set(all_guids)) == len(all_guids)
        )
        if clean:  # the common case: every edge keyed by its own guid
            bulk = [(us, vs, guids, datas) for _, us, vs, guids, datas in columns_of]
            return b.finish("snapshot", bulk)  # type: ignore[arg-type]
        for rel_type, us, vs, guids, datas in columns_of:
            for u, v, guid, data in zip(us, vs, guids, datas, strict=True):
                if u is not None and v is not None:
                    b.edge(u, v, rel_type, str(guid) if guid else None, data["properties"])
        return b.finish("snapshot")


def _most_specific(labels: Sequence[str]) -> str:
    others = [label for label in labels if label != "Referenceable"]
    return others[-1] if others else "Referenceable"
