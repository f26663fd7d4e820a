"""Structural validation of integration groups (SPEC.md §3) on a networkx graph.

Resolved groups (:mod:`engine.resolved`) or a whole-database snapshot
(:func:`load_snapshot`) become one :class:`networkx.MultiDiGraph`:

* nodes keyed by element ``guid``, with ``guid``, ``qualifiedName``,
  ``typeName``, ``labels`` (frozenset), ``isProxy``, ``properties`` (decoded,
  see :mod:`engine.graph.graphmap`), ``assetQualifiedNames`` and ``connectionNames``
  (what resolution adds; empty frozensets in a snapshot);
* edges keyed by relationship ``guid`` (or a stable synthetic key when the
  source does not carry one), with ``type`` (the Neo4j relationship type of
  :data:`engine.typesystem.RELATIONSHIP_TYPES`), ``guid`` and ``properties``.

A snapshot carries only the properties the rules read
(:data:`SNAPSHOT_NODE_PROPERTIES`, :data:`SNAPSHOT_EDGE_PROPERTIES`), which keeps
loading the whole 100,000-connector benchmark graph to a few seconds; a rule that
reads another property adds it there and to the snapshot query. Rules only read
the graph: per-type indexes (:class:`Context`) are built on demand, once per
validation.

Every rule of :data:`RULES` then runs over that graph and *all* findings come
back, sorted, never only the first. A rule is one function registered with
:func:`rule`; its docstring is the explanation ``switchboard validate --rules``
shows. Rules yield :class:`Hit` objects; the runner turns each into one
:class:`Finding` per affected registration (a connector's identity, SPEC §4), so
the daemon can refuse exactly the connectors a finding concerns and the CLI can
group findings by group and connector.

Groups validated together are taken to be the set one daemon runs: the
cross-group rule (``connectorName`` unique, SB006) spans all of them.
"""

from __future__ import annotations

import functools
import importlib
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, Literal

import networkx as nx
from pydantic import BaseModel, ConfigDict

from engine.graph.graphmap import MAP_PROPERTIES, to_python
from engine.graph.resolve import gc_paused
from engine.graph.store import Store
from engine.resolved import ConnectionView, ElementView, ResolvedGroup
from engine.typesystem import RELATIONSHIP_TYPES, labels_for

Severity = Literal["error", "warning"]

REGISTERED = RELATIONSHIP_TYPES["RegisteredIntegrationConnector"]
ASSET_CONNECTION = RELATIONSHIP_TYPES["AssetConnection"]
CONNECTOR_TYPE = RELATIONSHIP_TYPES["ConnectionConnectorType"]
ENDPOINT = RELATIONSHIP_TYPES["ConnectToEndpoint"]
EMBEDDED = RELATIONSHIP_TYPES["EmbeddedConnection"]
CATALOG_TARGET = RELATIONSHIP_TYPES["CatalogTarget"]

PERMITTED_SYNCHRONIZATION = ("BOTH_DIRECTIONS", "TO_THIRD_PARTY", "FROM_THIRD_PARTY", "OTHER")
DELETE_METHOD = ("ARCHIVE", "SOFT_DELETE", "LOOK_FOR_LINEAGE", "PURGE", "OTHER")

SNAPSHOT_NODES_QUERY = "validation_snapshot_nodes"

SECRET_PROPERTIES = ("clearPassword", "encryptedPassword")
SECRETS_COLLECTION = "secretsCollectionName"
_SECRET_PROPERTY_NAMES = frozenset(("securedProperties", *SECRET_PROPERTIES))
_SECRET_KEY = re.compile(
    r"(password|passwd|passphrase|secret|clientsecret|token|apikey|privatekey|credentials?)$",
    re.IGNORECASE,
)
_NOT_ALNUM = re.compile(r"[^a-z0-9]")


# ------------------------------------------------------------------ findings
class Finding(BaseModel):
    """One broken rule, about at most one registered connector.

    ``registration`` is the guid of the RegisteredIntegrationConnector the
    finding blocks (a connector's identity, SPEC §4); ``group``/``connector``
    (qualifiedName / connectorName) say where to look. All three are ``None``
    for a finding no registered connector reaches (e.g. an orphan connection
    in a database snapshot). ``elements`` are the qualifiedNames involved (an
    element without one is named ``guid:<guid>``); ``relationship`` is the
    guid of the relationship at fault, where there is one.
    """

    model_config = ConfigDict(frozen=True)

    rule: str
    severity: Severity
    title: str
    group: str | None = None
    connector: str | None = None
    registration: str | None = None
    elements: tuple[str, ...] = ()
    relationship: str | None = None
    message: str
    fix: str

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


@dataclass(frozen=True)
class Hit:
    """What a rule function reports; the runner attributes it to registrations.

    ``subjects`` are node keys whose owning registrations the finding affects;
    ``registration`` (an edge key) names the one registration directly instead.
    ``group`` is a node key for group-level hits no registration owns.
    """

    message: str
    fix: str
    elements: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    relationship: str | None = None
    registration: str | None = None


@dataclass(frozen=True)
class Rule:
    """A registered rule: stable id, severity, one-line title and explanation."""

    id: str
    severity: Severity
    title: str
    explanation: str
    spec: str
    deep: bool
    check: Callable[[Context], Iterable[Hit]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "severity": self.severity,
            "title": self.title,
            "explanation": self.explanation,
            "spec": self.spec,
            "deep": self.deep,
        }


RULES: dict[str, Rule] = {}
"""Every rule by id (SB001...), in id order."""


def rule(
    rule_id: str, severity: Severity, title: str, *, spec: str, deep: bool = False
) -> Callable[[Callable[[Context], Iterable[Hit]]], Callable[[Context], Iterable[Hit]]]:
    """Register a rule function; its docstring becomes the rule's explanation.

    ``deep`` rules run only with ``deep=True`` (they import code).
    """

    def register(func: Callable[[Context], Iterable[Hit]]) -> Callable[[Context], Iterable[Hit]]:
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id} is registered twice")
        doc = " ".join((func.__doc__ or title).split())
        RULES[rule_id] = Rule(rule_id, severity, title, doc, spec, deep, func)
        return func

    return register


# ------------------------------------------------------------------ graph building
@functools.cache
def _labels(type_name: str) -> frozenset[str]:
    try:
        return frozenset(labels_for(type_name))
    except ValueError:
        return frozenset(("Referenceable",))


@dataclass
class _Builder:
    """Collects nodes and edges in plain dicts, then adds them to networkx in bulk."""

    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)
    edge_owner: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    missing_guids: list[dict[str, Any]] = field(default_factory=list)
    missing: int = 0

    def conflict(self, kind: str, guid: str, names: Sequence[str]) -> None:
        self.conflicts.append({"kind": kind, "guid": guid, "names": tuple(names)})

    def node(
        self,
        key: str | None,
        *,
        guid: str | None,
        qualified_name: str | None,
        type_name: str,
        labels: Iterable[str] | None = None,
        is_proxy: bool = False,
        properties: Mapping[str, Any] | None = None,
        asset_names: Iterable[str] = (),
        connection_names: Iterable[str] = (),
    ) -> str:
        """Add (or merge into) the node ``key``; returns the key actually used."""
        if not key:
            self.missing += 1
            key = f"no-guid:{self.missing}"
            self.missing_guids.append(
                {"kind": "element", "name": qualified_name or f"({type_name} without name)"}
            )
        existing = self.nodes.get(key)
        if existing is not None:
            if (existing["qualifiedName"], existing["typeName"]) != (qualified_name, type_name):
                self.conflict("element", key, [_name_of(existing), qualified_name or "?"])
            if asset_names:
                existing["assetQualifiedNames"].update(asset_names)
            if connection_names:
                existing["connectionNames"].update(connection_names)
            return key
        self.nodes[key] = {
            "guid": guid or None,
            "qualifiedName": qualified_name,
            "typeName": type_name,
            "labels": frozenset(labels) if labels is not None else _labels(type_name),
            "isProxy": is_proxy,
            "properties": dict(properties) if properties else {},
            "assetQualifiedNames": set(asset_names),
            "connectionNames": set(connection_names),
        }
        return key

    def view(
        self,
        view: ElementView,
        asset_names: Iterable[str] = (),
        connection_names: Iterable[str] = (),
    ) -> str:
        key = view.guid
        existing = self.nodes.get(key) if key else None
        if (
            existing is not None
            and existing["qualifiedName"] == view.qualifiedName
            and existing["typeName"] == view.typeName
            and not asset_names
            and not connection_names
        ):
            return key  # a shared element seen before: nothing to merge
        return self.node(
            key,
            guid=key,
            qualified_name=view.qualifiedName,
            type_name=view.typeName,
            is_proxy=view.isProxy,
            properties=view.properties,
            asset_names=asset_names,
            connection_names=connection_names,
        )

    def edge(
        self,
        start: str,
        end: str,
        rel_type: str,
        guid: str | None,
        properties: Mapping[str, Any] | None = None,
        *,
        guid_expected: bool = True,
    ) -> str:
        """Add the relationship ``start -[rel_type]-> end``; returns its edge key."""
        if guid:
            owner = self.edge_owner.get(guid)
            if owner is None:
                self.edge_owner[guid] = (start, end, rel_type)
            elif owner != (start, end, rel_type):
                self.conflict(
                    "relationship",
                    guid,
                    [
                        f"{owner[2]} {self.name(owner[0])} -> {self.name(owner[1])}",
                        f"{rel_type} {self.name(start)} -> {self.name(end)}",
                    ],
                )
                guid = None
            key = guid or f"{rel_type}:{start}->{end}:{len(self.edges)}"
        else:
            if guid_expected:
                self.missing_guids.append(
                    {
                        "kind": "relationship",
                        "name": f"{rel_type} {self.name(start)} -> {self.name(end)}",
                    }
                )
            key = f"{rel_type}:{start}->{end}"
        self.edges[(start, end, key)] = {
            "type": rel_type,
            "guid": guid,
            "properties": dict(properties) if properties else {},
        }
        return key

    def name(self, key: str) -> str:
        data = self.nodes.get(key)
        return _name_of(data) if data is not None else key

    def finish(self, source: str, bulk: Sequence[_EdgeColumns] = ()) -> nx.MultiDiGraph:
        """The graph of everything collected, plus ``bulk`` edges (checked by the caller:
        both ends known, guids unique strings not used by :meth:`edge`)."""
        graph = nx.MultiDiGraph(
            source=source, guid_conflicts=self.conflicts, missing_guids=self.missing_guids
        )
        edges: list[_EdgeColumns] = list(bulk)
        if self.edges:
            us, vs, keys = (list(c) for c in zip(*self.edges, strict=True))
            datas = list(self.edges.values())
            edges.append((us, vs, keys, datas))
        _fill(graph, self.nodes, edges)
        return graph


_EdgeColumns = tuple[Sequence[str], Sequence[str], Sequence[str], Sequence[dict[str, Any]]]
"""Parallel columns of edges: starts, ends, keys, data dicts."""


def _fill(
    graph: nx.MultiDiGraph, nodes: dict[str, dict[str, Any]], edges: Sequence[_EdgeColumns]
) -> None:
    """Add ``nodes`` and ``edges`` to the empty ``graph``.

    Writes networkx's adjacency dicts directly (``_node``, ``_adj`` = successors,
    ``_pred``; a (u, v) pair's key dict shared between them), the layout
    ``MultiDiGraph.add_edges_from`` builds, at a third of its cost on the
    100,000-connector graph; tests/test_validate.py checks the result equals the
    one add_nodes_from/add_edges_from give. Both ends of every edge must be in
    ``nodes``; a repeated (u, v, key) keeps the last data.
    """
    if len(graph) or not (isinstance(graph._adj, dict) and isinstance(graph._pred, dict)):
        graph.add_nodes_from(nodes.items())
        for us, vs, keys, datas in edges:
            graph.add_edges_from(zip(us, vs, keys, datas, strict=True))
        return
    graph._node.update(nodes)
    succ: dict[str, dict[str, dict[str, Any]]] = {key: {} for key in nodes}
    pred: dict[str, dict[str, dict[str, Any]]] = {key: {} for key in nodes}
    for us, vs, keys, datas in edges:
        for u, v, k, data in zip(us, vs, keys, datas, strict=True):
            out = succ[u]
            keyed = out.get(v)
            if keyed is None:
                keyed = out[v] = pred[v][u] = {}
            keyed[k] = data
    graph._adj.update(succ)
    graph._pred.update(pred)
    nx._clear_cache(graph)


def _name_of(data: Mapping[str, Any]) -> str:
    qn = data.get("qualifiedName")
    if isinstance(qn, str) and qn.strip():
        return qn
    return f"guid:{data.get('guid')}"


def build_graph(groups: Sequence[ResolvedGroup]) -> nx.MultiDiGraph:
    """The MultiDiGraph of ``groups`` (shared elements merged by guid).

    Relationships the resolved views carry without a guid (AssetConnection,
    ConnectionConnectorType, ConnectToEndpoint) get the key
    ``<TYPE>:<start guid>-><end guid>`` and ``guid=None``.
    """
    b = _Builder()
    done: set[int] = set()
    for group in groups:
        group_key = b.view(group.group)
        for connector in group.connectors:
            reg = connector.registration
            connector_key = b.view(connector.connector)
            b.nodes[connector_key]["properties"].setdefault(
                "usesBlockingCalls", connector.usesBlockingCalls
            )
            reg_props = reg.model_dump(exclude={"guid", "properties"}, exclude_none=True)
            b.edge(group_key, connector_key, REGISTERED, reg.guid, {**reg.properties, **reg_props})
            roots = [c for c in (connector.connection, *connector.additionalConnections) if c]
            for root in roots:
                root_key = b.view(root, asset_names=root.assetQualifiedNames)
                b.edge(connector_key, root_key, ASSET_CONNECTION, None, guid_expected=False)
            _add_connections(b, roots, done)
            for target in connector.catalogTargets:
                target_key = b.view(target.element, connection_names=target.elementConnectionNames)
                props = {k: v for k, v in target.relationship.items() if k != "guid"}
                b.edge(connector_key, target_key, CATALOG_TARGET, target.guid, props)
    return b.finish("resolved")


def _add_connections(b: _Builder, roots: Sequence[ConnectionView], done: set[int]) -> None:
    stack = list(roots)
    while stack:
        conn = stack.pop()
        if id(conn) in done:
            continue
        done.add(id(conn))
        key = b.view(conn, asset_names=conn.assetQualifiedNames)
        for ct in (conn.connectorType, *conn.additionalConnectorTypes):
            if ct is not None:
                b.edge(key, b.view(ct), CONNECTOR_TYPE, None, guid_expected=False)
        for ep in (conn.endpoint, *conn.additionalEndpoints):
            if ep is not None:
                b.edge(key, b.view(ep), ENDPOINT, None, guid_expected=False)
        for emb in conn.embeddedConnections:
            child = emb.connection
            child_key = b.view(child, asset_names=child.assetQualifiedNames)
            props = {"position": emb.position, "arguments": emb.arguments}
            if emb.displayName is not None:
                props["displayName"] = emb.displayName
            b.edge(key, child_key, EMBEDDED, emb.guid, props)
            if not emb.cycle:
                stack.append(child)


def load_snapshot(store: Store, *, parallel: bool = False) -> nx.MultiDiGraph:
    """The whole integration-group model of the database as one MultiDiGraph.

    Five queries in one read transaction, so the snapshot is consistent:
    ``cypher/validation_snapshot_nodes`` and one per relationship family
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
    quiet = ("DEPRECATION", "UNRECOGNIZED")

    def read_nodes(tx: Any) -> list[tuple[Any, ...]]:
        return store.run_values(tx, SNAPSHOT_NODES_QUERY)

    def read_relationships(tx: Any) -> dict[str, list[tuple[Any, ...]]]:
        return {name: store.run_values(tx, name) for name in SNAPSHOT_RELATIONSHIP_QUERIES}

    def work(tx: Any) -> _Snapshot:
        # each query is sent before the rows of the one before are turned into graph
        # data, so the server runs it meanwhile (the client's and the server's CPU overlap)
        snapshot = _Snapshot()
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

    with gc_paused():
        if parallel:
            snapshot = _Snapshot()
            with ThreadPoolExecutor(max_workers=1) as pool:
                later = pool.submit(
                    store.read_tx,
                    "validation snapshot (relationships)",
                    read_relationships,
                    quiet=quiet,
                )
                nodes = store.read_tx("validation snapshot (nodes)", read_nodes, quiet=quiet)
                snapshot.add_nodes(nodes)  # while the server still reads relationships
                for query, rows in later.result().items():
                    snapshot.add_relationships(query, rows)
            return snapshot.graph()
        return store.read_tx("validation snapshot", work, quiet=quiet).graph()


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
        REGISTERED,
        (
            "connectorName",
            "refreshTimeInterval",
            "startDate",
            "connectorShutdownDate",
            "permittedSynchronization",
        ),
    ),
    "validation_snapshot_embeddings": (EMBEDDED, ("position", "displayName", "arguments")),
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
    snapshot = _Snapshot()
    snapshot.add_nodes(nodes)
    for query, rows in relationships.items():
        snapshot.add_relationships(query, rows)
    return snapshot.graph()


class _Snapshot:
    """Builds a snapshot graph from the query rows: nodes first, then relationships."""

    def __init__(self) -> None:
        self.b = _Builder()
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


# ------------------------------------------------------------------ context
_Link = tuple[str, str, dict[str, Any]]


class _Missing(dict[str, list[tuple[str, str, str, dict[str, Any]]]]):
    """Edges by type; a type without edges reads as an empty list."""

    def __missing__(self, rel_type: str) -> list[tuple[str, str, str, dict[str, Any]]]:
        return []


class _Adjacency:
    """Per relationship type, node -> its links one way, built the first time a rule asks."""

    def __init__(
        self, edges: Mapping[str, list[tuple[str, str, str, dict[str, Any]]]], *, outgoing: bool
    ) -> None:
        self._edges = edges
        self._outgoing = outgoing
        self._built: dict[str, dict[str, list[_Link]]] = {}

    def __getitem__(self, rel_type: str) -> dict[str, list[_Link]]:
        built = self._built.get(rel_type)
        if built is None:
            built = defaultdict(list)
            if self._outgoing:
                for u, v, key, data in self._edges[rel_type]:
                    built[u].append((v, key, data))
            else:
                for u, v, key, data in self._edges[rel_type]:
                    built[v].append((u, key, data))
            built = dict(built)
            self._built[rel_type] = built
        return built


class Context:
    """The graph plus indexes the rules share (built once per validation)."""

    def __init__(self, graph: nx.MultiDiGraph, *, deep: bool = False) -> None:
        self.graph = graph
        self.deep = deep
        self.nodes: Mapping[str, dict[str, Any]] = graph.nodes
        """Node key -> attributes (read only)."""
        raw_nodes = getattr(graph, "_node", None)
        if isinstance(raw_nodes, dict):
            self.nodes = raw_nodes  # the same data without a view around each lookup
        edges: dict[str, list[tuple[str, str, str, dict[str, Any]]]] = defaultdict(list)
        for u, neighbours in graph.adjacency():
            for v, keyed in neighbours.items():
                for key, data in keyed.items():
                    edges[data["type"]].append((u, v, key, data))
        self.edges: Mapping[str, list[tuple[str, str, str, dict[str, Any]]]] = _Missing(edges)
        """Relationship type -> (start, end, edge key, edge data) of each such edge."""
        self.out = _Adjacency(self.edges, outgoing=True)
        """Relationship type -> start node -> [(end, edge key, edge data)] (built on demand)."""
        self.inn = _Adjacency(self.edges, outgoing=False)
        """Relationship type -> end node -> [(start, edge key, edge data)] (built on demand)."""
        self._registrations: list[tuple[str, str, str, dict[str, Any]]] | None = None
        self._kinds: dict[tuple[frozenset[str], str], list[str]] | None = None
        self._labelled: dict[tuple[str, bool], frozenset[str]] = {}
        self._runtime: dict[str, None] | None = None
        self._runtime_types: dict[str, None] | None = None
        self._owners: dict[str, frozenset[str]] = {}
        self.cache: dict[str, Any] = {}
        """Scratch space rules share within one validation (e.g. loaded providers)."""

    def _kind_groups(self) -> dict[tuple[frozenset[str], str], list[str]]:
        if self._kinds is None:
            kinds: dict[tuple[frozenset[str], str], list[str]] = defaultdict(list)
            for key, data in self.nodes.items():
                labels = data["labels"]
                if type(labels) is not frozenset:
                    labels = frozenset(labels)
                kinds[(labels, data["typeName"])].append(key)
            self._kinds = kinds
        return self._kinds

    def labelled(self, label: str, *, or_type_name: bool = False) -> frozenset[str]:
        """Nodes with ``label`` among their labels (or, with ``or_type_name``, as their
        typeName); computed once per label."""
        memo = (label, or_type_name)
        found = self._labelled.get(memo)
        if found is None:
            found = frozenset(
                key
                for (labels, type_name), keys in self._kind_groups().items()
                if label in labels or (or_type_name and type_name == label)
                for key in keys
            )
            self._labelled[memo] = found
        return found

    @property
    def virtual(self) -> list[str]:
        """Nodes labelled VirtualConnection."""
        return [
            key
            for (labels, _), keys in self._kind_groups().items()
            if "VirtualConnection" in labels
            for key in keys
        ]

    @property
    def with_assets(self) -> list[str]:
        """Nodes with assetQualifiedNames from resolution, or an incoming AssetConnection."""
        found = [key for key, data in self.nodes.items() if data["assetQualifiedNames"]]
        found.extend(self.inn[ASSET_CONNECTION])
        return found

    # ---- naming
    def name(self, key: str) -> str:
        return _name_of(self.nodes[key])

    def node(self, key: str) -> dict[str, Any]:
        return self.nodes[key]

    def props(self, key: str) -> dict[str, Any]:
        props: dict[str, Any] = self.nodes[key]["properties"]
        return props

    def has_label(self, key: str, label: str) -> bool:
        return label in self.nodes[key]["labels"]

    def is_connection(self, key: str) -> bool:
        return self.has_label(key, "Connection") or self.node(key)["typeName"] in (
            "Connection",
            "VirtualConnection",
        )

    def is_virtual(self, key: str) -> bool:
        return self.has_label(key, "VirtualConnection")

    def registrations(self) -> list[tuple[str, str, str, dict[str, Any]]]:
        """(group key, connector key, registration edge key, properties) of every registration."""
        if self._registrations is None:
            self._registrations = [
                (u, v, key, data["properties"]) for u, v, key, data in self.edges[REGISTERED]
            ]
        return self._registrations

    def connector_name(self, reg_key: str) -> str | None:
        for _u, v, key, data in self.edges[REGISTERED]:
            if key == reg_key:
                name = data["properties"].get("connectorName")
                return str(name) if name else self.name(v)
        return None

    def runtime_connections(self) -> dict[str, None]:
        """Connections that run a connector: the registered connectors' connections
        and everything they embed, to any depth (an ordered set)."""
        if self._runtime is None:
            seen: dict[str, None] = {}
            stack: list[str] = []
            assets, embeds = self.out[ASSET_CONNECTION], self.out[EMBEDDED]
            for connector in {v for _, v, _, _ in self.edges[REGISTERED]}:
                stack.extend(v for v, _, _ in assets.get(connector, ()))
            while stack:
                conn = stack.pop()
                if conn in seen:
                    continue
                seen[conn] = None
                embedded = embeds.get(conn)
                if embedded:
                    stack.extend(v for v, _, _ in embedded)
            self._runtime = seen
        return self._runtime

    def runtime_connector_types(self) -> dict[str, None]:
        """Connector types of :meth:`runtime_connections`, in first-seen order."""
        if self._runtime_types is None:
            out = self.out[CONNECTOR_TYPE]
            found: dict[str, None] = {}
            for conn in self.runtime_connections():
                links = out.get(conn)
                if links:
                    for ct, _, _ in links:
                        found[ct] = None
            self._runtime_types = found
        return self._runtime_types

    # ---- attribution
    def owners(self, subject: str) -> frozenset[str]:
        """Registration edge keys whose connector runs ``subject`` (iterative walk)."""
        cached = self._owners.get(subject)
        if cached is not None:
            return cached
        found: set[str] = set()
        seen = {subject}
        stack = [subject]
        while stack:
            node = stack.pop()
            found.update(key for _, key, _ in self.inn[REGISTERED].get(node, ()))
            for rel_type in (EMBEDDED, CONNECTOR_TYPE, ENDPOINT):
                for u, _, _ in self.inn[rel_type].get(node, ()):
                    if u not in seen:
                        seen.add(u)
                        stack.append(u)
            for rel_type in (ASSET_CONNECTION, CATALOG_TARGET):
                for u, _, _ in self.inn[rel_type].get(node, ()):
                    found.update(key for _, key, _ in self.inn[REGISTERED].get(u, ()))
        result = frozenset(found)
        self._owners[subject] = result
        return result


# ------------------------------------------------------------------ entry points
def validate_groups(groups: Sequence[ResolvedGroup], *, deep: bool = False) -> list[Finding]:
    """Every finding for ``groups``, taken together as the set one daemon runs.

    ``deep`` also loads each connector provider (rules SB030-SB032).
    """
    with gc_paused():
        return validate_graph(build_graph(groups), deep=deep)


def validate_graph(graph: nx.MultiDiGraph, *, deep: bool = False) -> list[Finding]:
    """Every finding for a graph from :func:`build_graph` or :func:`load_snapshot`, sorted
    by group, connector, rule and elements."""
    with gc_paused():
        return _validate(graph, deep)


def _validate(graph: nx.MultiDiGraph, deep: bool) -> list[Finding]:
    ctx = Context(graph, deep=deep)
    reg_info = _RegistrationNames(ctx)
    findings: set[Finding] = set()
    for current in RULES.values():
        if current.deep and not deep:
            continue
        for hit in current.check(ctx):
            findings.update(_attribute(ctx, current, hit, reg_info))
    return sorted(findings, key=_sort_key)


class _RegistrationNames(dict[str, tuple[str, str]]):
    """Registration edge key -> (group name, connectorName), filled on the first finding."""

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self._ctx = ctx
        self._filled = False

    def __missing__(self, key: str) -> tuple[str, str]:
        if self._filled:
            raise KeyError(key)
        self._filled = True
        ctx = self._ctx
        for group, connector, reg, props in ctx.registrations():
            name = props.get("connectorName")
            self[reg] = (ctx.name(group), str(name) if name else ctx.name(connector))
        return self[key]


def _attribute(
    ctx: Context, current: Rule, hit: Hit, reg_info: Mapping[str, tuple[str, str]]
) -> Iterator[Finding]:
    base: dict[str, Any] = {
        "rule": current.id,
        "severity": current.severity,
        "title": current.title,
        "elements": hit.elements,
        "relationship": hit.relationship,
        "message": hit.message,
        "fix": hit.fix,
    }
    regs: set[str] = set()
    if hit.registration is not None:
        regs.add(hit.registration)
    else:
        for subject in hit.subjects:
            regs.update(ctx.owners(subject))
    if not regs:
        groups = [s for s in hit.subjects if ctx.has_label(s, "IntegrationGroup")]
        yield Finding(**base, group=ctx.name(groups[0]) if groups else None)
        return
    for reg in regs:
        group, connector = reg_info[reg]
        yield Finding(**base, group=group, connector=connector, registration=reg)


def _sort_key(f: Finding) -> tuple[str, ...]:
    return (
        f.group or "",
        f.connector or "",
        f.rule,
        "\x00".join(f.elements),
        f.relationship or "",
        f.message,
        f.registration or "",
    )


def has_errors(findings: Iterable[Finding]) -> bool:
    """True when any finding is an error (errors block apply and the daemon)."""
    return any(f.severity == "error" for f in findings)


def findings_for_registration(findings: Iterable[Finding], registration: str) -> list[Finding]:
    """The findings that concern the connector registered as ``registration`` (its guid)."""
    return [f for f in findings if f.registration == registration]


# ------------------------------------------------------------------ helpers for rules
def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _as_datetime(value: Any) -> datetime | None:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _map(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


def _normalised(value: Any) -> str:
    return _NOT_ALNUM.sub("", str(value).lower()) if value is not None else ""


def is_secrets_store_connector_type(
    properties: Mapping[str, Any], qualified_name: str = ""
) -> bool:
    """Whether a connector type describes a secrets store (Egeria style).

    Recognised by "secretsstore" (ignoring case, spaces and punctuation) in its
    provider class name, supported deployed implementation type, display name
    or qualifiedName, e.g. Egeria's ``YAMLSecretsStoreProvider``.
    """
    fields = (
        properties.get("connectorProviderClassName"),
        properties.get("supportedDeployedImplementationType"),
        properties.get("displayName"),
        qualified_name,
    )
    return any("secretsstore" in _normalised(value) for value in fields)


def _is_reference(value: Any, purposes: set[str]) -> bool:
    if not isinstance(value, str):
        return False
    if value.startswith("env:"):
        return len(value) > 4
    if value.startswith("file:"):
        return len(value) > 5
    return value.partition(":")[0] in purposes


# ------------------------------------------------------------------ rules 1-3
@rule("SB001", "error", "Element without qualifiedName", spec="§3 rule 1")
def _qualified_name_missing(ctx: Context) -> Iterator[Hit]:
    """Every element needs a qualifiedName: it is the natural key manifests, imports and
    the CLI use to find it."""
    for key, data in ctx.nodes.items():
        qn = data["qualifiedName"]
        if type(qn) is str and qn and not qn[0].isspace() and not qn[-1].isspace():
            continue  # the common case without a call
        if _blank(qn):
            yield Hit(
                f"{data['typeName']} {_name_of(data)} has no qualifiedName",
                "give the element a qualifiedName that is unique across all elements",
                (_name_of(data),),
                (key,),
            )


@rule("SB002", "error", "qualifiedName shared by several elements", spec="§3 rule 1")
def _qualified_name_duplicate(ctx: Context) -> Iterator[Hit]:
    """A qualifiedName names exactly one element; two elements with the same one make
    every lookup by name ambiguous."""
    names = [data["qualifiedName"] for data in ctx.nodes.values()]
    if len(set(names)) == len(names):
        return  # the common case, decided in C: every name (blank or not) is unique
    by_name: dict[str, list[str]] = defaultdict(list)
    for key, data in ctx.nodes.items():
        if not _blank(data["qualifiedName"]):
            by_name[data["qualifiedName"]].append(key)
    for name, keys in by_name.items():
        if len(keys) > 1:
            guids = ", ".join(sorted(str(ctx.node(k)["guid"]) for k in keys))
            yield Hit(
                f"qualifiedName '{name}' is used by {len(keys)} elements (guids {guids})",
                "rename all but one of them, or merge them into one element",
                (name,),
                tuple(keys),
            )


@rule("SB003", "error", "guid missing or shared", spec="§3 rule 1")
def _guid_problems(ctx: Context) -> Iterator[Hit]:
    """Every element and relationship has its own guid, which never changes; a missing
    or reused guid breaks identity (a connector's identity is its registration's guid)."""
    for entry in ctx.graph.graph.get("missing_guids", ()):
        yield Hit(
            f"{entry['kind']} {entry['name']} has no guid",
            "recreate it through switchboard (apply or import), which assigns guids",
            (entry["name"],),
        )
    for entry in ctx.graph.graph.get("guid_conflicts", ()):
        names = tuple(sorted(entry["names"]))
        subjects = (entry["guid"],) if entry["guid"] in ctx.nodes else ()
        yield Hit(
            f"guid {entry['guid']} is used by more than one {entry['kind']}: " + "; ".join(names),
            f"give each {entry['kind']} its own guid (a guid never changes once assigned)",
            names,
            subjects,
        )


@rule("SB004", "error", "Connector registered twice in one group", spec="§3 rule 2")
def _registered_twice(ctx: Context) -> Iterator[Hit]:
    """A connector joins a group at most once; a second registration would run it twice
    with diverging settings."""
    regs = ctx.registrations()
    if len({(group, connector) for group, connector, _, _ in regs}) == len(regs):
        return
    pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for group, connector, key, _ in regs:
        pairs[(group, connector)].append(key)
    for (group, connector), keys in pairs.items():
        if len(keys) > 1:
            for key in keys:
                others = ", ".join(
                    sorted(str(ctx.graph.edges[group, connector, k]["guid"]) for k in keys)
                )
                yield Hit(
                    f"connector {ctx.name(connector)} is registered {len(keys)} times in group "
                    f"{ctx.name(group)} (registrations {others})",
                    "remove all but one RegisteredIntegrationConnector between them",
                    (ctx.name(group), ctx.name(connector)),
                    relationship=ctx.graph.edges[group, connector, key]["guid"],
                    registration=key,
                )


@rule("SB005", "error", "Registration without connectorName", spec="§3 rule 3")
def _connector_name_missing(ctx: Context) -> Iterator[Hit]:
    """The connectorName is how the daemon, its status and its control API name a
    connector; a registration without one is not run."""
    for group, connector, key, props in ctx.registrations():
        if _blank(props.get("connectorName")):
            yield Hit(
                f"the registration of {ctx.name(connector)} in group {ctx.name(group)} "
                "has no connectorName",
                "set connectorName on the registration",
                (ctx.name(group), ctx.name(connector)),
                relationship=ctx.graph.edges[group, connector, key]["guid"],
                registration=key,
            )


@rule("SB006", "error", "connectorName not unique across the groups", spec="§3 rule 3")
def _connector_name_duplicate(ctx: Context) -> Iterator[Hit]:
    """connectorName is unique across all the groups one daemon runs (the groups
    validated together): status, logs and restart commands address connectors by it."""
    registrations = ctx.registrations()
    names = [props.get("connectorName") for _, _, _, props in registrations]
    if len(set(names)) == len(names):
        return
    by_name: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for group, connector, key, props in registrations:
        name = props.get("connectorName")
        if not _blank(name):
            by_name[str(name)].append((group, connector, key))
    for name, regs in by_name.items():
        if len(regs) > 1:
            where = "; ".join(sorted(f"{ctx.name(c)} in group {ctx.name(g)}" for g, c, _ in regs))
            for group, connector, key in regs:
                yield Hit(
                    f"connectorName '{name}' is used by {len(regs)} registrations: {where}",
                    "give each registration its own connectorName",
                    (ctx.name(group), ctx.name(connector)),
                    relationship=ctx.graph.edges[group, connector, key]["guid"],
                    registration=key,
                )


# ------------------------------------------------------------------ rules 4-5
@rule("SB007", "error", "Negative refreshTimeInterval", spec="§3 rule 4")
def _refresh_negative(ctx: Context) -> Iterator[Hit]:
    """refreshTimeInterval is in minutes, >= 0 (0 = no periodic refresh)."""
    for group, connector, key, props in ctx.registrations():
        value = props.get("refreshTimeInterval")
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            yield Hit(
                f"refreshTimeInterval of {ctx.connector_name(key)} is {value!r}",
                "set refreshTimeInterval to a whole number of minutes >= 0 "
                "(0 turns periodic refresh off)",
                (ctx.name(group), ctx.name(connector)),
                relationship=ctx.graph.edges[group, connector, key]["guid"],
                registration=key,
            )


@rule("SB008", "error", "startDate after connectorShutdownDate", spec="§3 rule 4")
def _dates_reversed(ctx: Context) -> Iterator[Hit]:
    """A connector runs only inside [startDate, connectorShutdownDate]; a start after
    the shutdown means it never runs."""
    for group, connector, key, props in ctx.registrations():
        start = _as_datetime(props.get("startDate"))
        stop = _as_datetime(props.get("connectorShutdownDate"))
        if start is not None and stop is not None and start > stop:
            yield Hit(
                f"{ctx.connector_name(key)} starts {start.isoformat()}, after its "
                f"connectorShutdownDate {stop.isoformat()}",
                "move startDate before connectorShutdownDate, or clear one of them",
                (ctx.name(group), ctx.name(connector)),
                relationship=ctx.graph.edges[group, connector, key]["guid"],
                registration=key,
            )


@rule("SB009", "error", "Enum property holds an unlisted value", spec="§3 rule 5")
def _enum_values(ctx: Context) -> Iterator[Hit]:
    """permittedSynchronization and deleteMethod take one of the values SPEC §2 lists;
    anything else is a typo the daemon would reject at run time."""
    sync, delete = frozenset(PERMITTED_SYNCHRONIZATION), frozenset(DELETE_METHOD)
    checks: list[tuple[str, str, str, str, str, Mapping[str, Any], str | None]] = [
        ("registration", group, connector, key, "permittedSynchronization", reg_props, key)
        for group, connector, key, reg_props in ctx.registrations()
        if not _listed(reg_props.get("permittedSynchronization"), sync)
    ]
    for u, v, key, data in ctx.edges[CATALOG_TARGET]:
        props = data["properties"]
        if not _listed(props.get("permittedSynchronization"), sync):
            checks.append(("catalog target", u, v, key, "permittedSynchronization", props, None))
        if not _listed(props.get("deleteMethod"), delete):
            checks.append(("catalog target", u, v, key, "deleteMethod", props, None))
    for what, start, end, key, name, props, reg in checks:
        value = props.get(name)
        if value is None:
            continue
        allowed = PERMITTED_SYNCHRONIZATION if name == "permittedSynchronization" else DELETE_METHOD
        if value not in allowed:
            yield Hit(
                f"{name} of the {what} {ctx.name(start)} -> {ctx.name(end)} is {value!r}",
                f"use one of {', '.join(allowed)}",
                (ctx.name(start), ctx.name(end)),
                (start,),
                relationship=ctx.graph.edges[start, end, key]["guid"],
                registration=reg,
            )


def _listed(value: Any, allowed: frozenset[str]) -> bool:
    """None, or a listed value (unhashable values are not listed)."""
    if value is None:
        return True
    try:
        return value in allowed
    except TypeError:
        return False


# ------------------------------------------------------------------ rules 6-8
@rule("SB010", "error", "Registered connector without a connection", spec="§3 rule 6")
def _no_connection(ctx: Context) -> Iterator[Hit]:
    """A connector is built from its connection: without one there is nothing to run
    (Egeria skips such a connector silently; Switchboard refuses it)."""
    out = ctx.out[ASSET_CONNECTION]
    for _, connector, key, _ in ctx.registrations():
        if not out.get(connector):
            yield Hit(
                f"connector {ctx.name(connector)} ({ctx.connector_name(key)}) has no connection",
                "link exactly one Connection to the connector with AssetConnection",
                (ctx.name(connector),),
                registration=key,
            )


@rule("SB011", "error", "Registered connector with several connections", spec="§3 rule 6")
def _several_connections(ctx: Context) -> Iterator[Hit]:
    """A connector needs exactly one connection; with two, which one runs is arbitrary."""
    out = ctx.out[ASSET_CONNECTION]
    for _, connector, key, _ in ctx.registrations():
        links = out.get(connector)
        if not links or len(links) < 2:
            continue
        conns = sorted({ctx.name(v) for v, _, _ in links})
        if len(conns) > 1:
            yield Hit(
                f"connector {ctx.name(connector)} ({ctx.connector_name(key)}) has "
                f"{len(conns)} connections: {', '.join(conns)}",
                "keep one AssetConnection; embed the others in a VirtualConnection if needed",
                (ctx.name(connector), *conns),
                registration=key,
            )


@rule("SB012", "error", "Connection belongs to several assets", spec="§3 rule 7")
def _shared_connection(ctx: Context) -> Iterator[Hit]:
    """A connection belongs to at most one asset: changing it for one connector would
    silently change the others."""
    inn = ctx.inn[ASSET_CONNECTION]
    for key in dict.fromkeys(ctx.with_assets):
        links = inn.get(key, ())
        resolved = ctx.nodes[key]["assetQualifiedNames"]
        if len(links) + len(resolved) < 2:
            continue
        assets = {ctx.name(u) for u, _, _ in links}
        assets.update(resolved)
        if len(assets) > 1:
            names = sorted(assets)
            yield Hit(
                f"connection {ctx.name(key)} belongs to {len(names)} assets: {', '.join(names)}",
                "give each asset its own copy of the connection",
                (ctx.name(key), *names),
                (key,),
            )


@rule("SB013", "error", "Connection without a connector type", spec="§3 rule 8")
def _no_connector_type(ctx: Context) -> Iterator[Hit]:
    """A connection that runs a connector (a registered connector's connection, or one it
    embeds) names the connector's provider through exactly one ConnectorType."""
    out = ctx.out[CONNECTOR_TYPE]
    for conn in ctx.runtime_connections():
        if not out.get(conn):
            yield Hit(
                f"connection {ctx.name(conn)} has no connector type",
                "link a ConnectorType with ConnectionConnectorType",
                (ctx.name(conn),),
                (conn,),
            )


@rule("SB014", "error", "Connection with several connector types", spec="§3 rule 8")
def _several_connector_types(ctx: Context) -> Iterator[Hit]:
    """A connection has at most one connector type; with two, which provider runs is
    arbitrary."""
    out = ctx.out[CONNECTOR_TYPE]
    for conn in ctx.runtime_connections():
        links = out.get(conn)
        if not links or len(links) < 2:
            continue
        types = sorted({ctx.name(v) for v, _, _ in links})
        if len(types) > 1:
            yield Hit(
                f"connection {ctx.name(conn)} has {len(types)} connector types: {', '.join(types)}",
                "keep exactly one ConnectionConnectorType",
                (ctx.name(conn), *types),
                (conn,),
            )


@rule("SB015", "error", "Connector type without connectorProviderClassName", spec="§3 rule 8")
def _no_provider_class(ctx: Context) -> Iterator[Hit]:
    """The connectorProviderClassName is what the daemon loads; without it the connector
    cannot be built."""
    for ct in ctx.runtime_connector_types():
        if _blank(ctx.props(ct).get("connectorProviderClassName")):
            proxy = ctx.node(ct)["isProxy"]
            yield Hit(
                f"connector type {ctx.name(ct)} has no connectorProviderClassName"
                + (" (it is only a proxy from an archive import)" if proxy else ""),
                "set connectorProviderClassName to the provider's import path "
                "'package.module:Class'"
                + (", or import the archive that defines the connector type" if proxy else ""),
                (ctx.name(ct),),
                (ct,),
            )


@rule("SB016", "error", "Connection with several endpoints", spec="§3 rule 8")
def _several_endpoints(ctx: Context) -> Iterator[Hit]:
    """A connection has at most one endpoint; with two, where the connector connects is
    arbitrary."""
    for conn, links in ctx.out[ENDPOINT].items():
        if len(links) < 2:
            continue
        eps = sorted({ctx.name(v) for v, _, _ in links})
        if len(eps) > 1:
            yield Hit(
                f"connection {ctx.name(conn)} has {len(eps)} endpoints: {', '.join(eps)}",
                "keep one ConnectToEndpoint; embed a second connection for a second endpoint",
                (ctx.name(conn), *eps),
                (conn,),
            )


# ------------------------------------------------------------------ rules 9-11
@rule("SB017", "error", "VirtualConnection embeds nothing", spec="§3 rule 9")
def _virtual_empty(ctx: Context) -> Iterator[Hit]:
    """A VirtualConnection exists to hold embedded connections; an empty one gives its
    connector nothing to delegate to."""
    embeds = ctx.out[EMBEDDED]
    for key in ctx.virtual:
        if not embeds.get(key):
            yield Hit(
                f"virtual connection {ctx.name(key)} embeds no connection",
                "embed at least one connection with EmbeddedConnection, or make it a plain Connection",
                (ctx.name(key),),
                (key,),
            )


@rule("SB018", "error", "Plain Connection embeds connections", spec="§3 rule 9")
def _plain_embeds(ctx: Context) -> Iterator[Hit]:
    """Only a VirtualConnection embeds connections; a plain Connection's connector never
    sees them."""
    for key, edges in ctx.out[EMBEDDED].items():
        if ctx.is_connection(key) and not ctx.is_virtual(key):
            children = sorted({ctx.name(v) for v, _, _ in edges})
            yield Hit(
                f"connection {ctx.name(key)} is not a VirtualConnection but embeds "
                f"{', '.join(children)}",
                "make it a VirtualConnection, or remove the EmbeddedConnection links",
                (ctx.name(key), *children),
                (key,),
            )


@rule("SB019", "error", "EmbeddedConnection cycle", spec="§3 rule 10")
def _embedding_cycles(ctx: Context) -> Iterator[Hit]:
    """Connections cannot embed themselves, directly or through others: building the
    connector would never end. One cycle is shown per strongly connected set, members
    in embedding order starting from the smallest qualifiedName."""
    embedded = ctx.edges[EMBEDDED]
    # a connection on a cycle both embeds and is embedded: prune the others (repeatedly)
    # and hand networkx only what is left (nothing, in a graph without cycles)
    candidates = {u for u, _, _, _ in embedded}
    while True:
        targets = {v for u, v, _, _ in embedded if u in candidates and v in candidates}
        sources = {u for u, v, _, _ in embedded if u in candidates and v in candidates}
        kept = targets & sources
        if kept == candidates:
            break
        candidates = kept
    dg = nx.DiGraph()
    edge_guid: dict[tuple[str, str], str | None] = {}
    for u, v, _, data in embedded:
        if u in candidates and v in candidates:
            dg.add_edge(u, v)
            edge_guid.setdefault((u, v), data["guid"])
    for component in nx.strongly_connected_components(dg):
        if len(component) == 1:
            (only,) = component
            if not dg.has_edge(only, only):
                continue
            cycle = [only]
        else:
            start = min(component, key=ctx.name)
            sub = dg.subgraph(component)
            # shortest path back to start from one of its successors: a simple cycle
            best: list[str] | None = None
            for succ in sorted(sub.successors(start), key=ctx.name):
                path = nx.shortest_path(sub, succ, start)
                if best is None or len(path) < len(best):
                    best = path
            assert best is not None
            cycle = [start, *best[:-1]]
        names = tuple(ctx.name(n) for n in cycle)
        ring = " -> ".join((*names, names[0]))
        yield Hit(
            (
                f"connection {names[0]} embeds itself"
                if len(cycle) == 1
                else f"embedding cycle of {len(cycle)} connections: {ring}"
            )
            + (
                f" ({len(component)} connections are caught in it)"
                if len(component) > len(cycle)
                else ""
            ),
            "remove one EmbeddedConnection of the cycle",
            names,
            tuple(cycle),
            relationship=edge_guid.get((cycle[-1], cycle[0])),
        )


@rule(
    "SB020", "error", "Connection embedded twice in the same parent", spec="§2 EmbeddedConnection"
)
def _embedded_twice(ctx: Context) -> Iterator[Hit]:
    """EmbeddedConnection allows one link per (parent, child) pair."""
    for parent, edges in ctx.out[EMBEDDED].items():
        counts: dict[str, list[str]] = defaultdict(list)
        for child, key, data in edges:
            counts[child].append(str(data["guid"] or key))
        for child, keys in counts.items():
            if len(keys) > 1:
                yield Hit(
                    f"{ctx.name(parent)} embeds {ctx.name(child)} {len(keys)} times "
                    f"(relationships {', '.join(sorted(keys))})",
                    "keep one EmbeddedConnection between them",
                    (ctx.name(parent), ctx.name(child)),
                    (parent,),
                )


@rule("SB021", "error", "EmbeddedConnection position negative or repeated", spec="§3 rule 11")
def _positions(ctx: Context) -> Iterator[Hit]:
    """position orders embedded connections: >= 0, 0 = unset, and each position > 0 is
    used once within one parent."""
    for parent, edges in ctx.out[EMBEDDED].items():
        by_position: dict[int, list[str]] = defaultdict(list)
        for child, _, data in edges:
            position = data["properties"].get("position") or 0
            if not isinstance(position, int) or position < 0:
                yield Hit(
                    f"{ctx.name(parent)} embeds {ctx.name(child)} at position {position!r}",
                    "use a position >= 0 (0 = unordered)",
                    (ctx.name(parent), ctx.name(child)),
                    (parent,),
                    relationship=data["guid"],
                )
            elif position > 0:
                by_position[position].append(child)
        for position, children in sorted(by_position.items()):
            if len(children) > 1:
                names = sorted(ctx.name(c) for c in children)
                yield Hit(
                    f"{ctx.name(parent)} embeds {', '.join(names)} all at position {position}",
                    "give each embedded connection its own position (or 0)",
                    (ctx.name(parent), *names),
                    (parent,),
                )


# ------------------------------------------------------------------ rule 12
@rule("SB022", "error", "CatalogTarget not from an IntegrationConnector", spec="§3 rule 12")
def _target_source(ctx: Context) -> Iterator[Hit]:
    """Only integration connectors have catalog targets; on anything else the link is
    never read."""
    connectors = ctx.labelled("IntegrationConnector")
    for u, v, _, data in ctx.edges[CATALOG_TARGET]:
        if u not in connectors:
            yield Hit(
                f"catalog target {ctx.name(v)} hangs off {ctx.node(u)['typeName']} {ctx.name(u)}, "
                "not an IntegrationConnector",
                "link the target from the IntegrationConnector that should process it",
                (ctx.name(u), ctx.name(v)),
                (u,),
                relationship=data["guid"],
            )


@rule("SB023", "warning", "catalogTargetName repeated within a connector", spec="§3 rule 12")
def _target_name_repeated(ctx: Context) -> Iterator[Hit]:
    """Connectors look catalog targets up by catalogTargetName; a repeated name makes the
    lookup ambiguous."""
    for connector, edges in ctx.out[CATALOG_TARGET].items():
        if len(edges) < 2:
            continue
        given = [data["properties"].get("catalogTargetName") for _, _, data in edges]
        if len(set(map(str, given))) == len(given):
            continue  # every name differs (blank ones included)
        by_name: dict[str, list[str]] = defaultdict(list)
        for target, _, data in edges:
            name = data["properties"].get("catalogTargetName")
            if not _blank(name):
                by_name[str(name)].append(ctx.name(target))
        for name, targets in sorted(by_name.items()):
            if len(targets) > 1:
                yield Hit(
                    f"{ctx.name(connector)} has {len(targets)} catalog targets named '{name}': "
                    f"{', '.join(sorted(targets))}",
                    "give each catalog target of the connector its own catalogTargetName",
                    (ctx.name(connector), *sorted(set(targets))),
                    (connector,),
                )


@rule(
    "SB024",
    "warning",
    "catalog target connectionName names no connection of the target",
    spec="§3 rule 12",
)
def _target_connection_name(ctx: Context) -> Iterator[Hit]:
    """connectionName picks one of the target element's own connections (by
    qualifiedName or displayName); a name that matches none is ignored."""
    assets = ctx.out[ASSET_CONNECTION]
    for u, v, _, data in ctx.edges[CATALOG_TARGET]:
        wanted = data["properties"].get("connectionName")
        if wanted is None or _blank(wanted):
            continue
        names = set(ctx.node(v)["connectionNames"])
        for conn, _, _ in assets.get(v, ()):
            names.add(ctx.node(conn)["qualifiedName"])
            names.add(ctx.props(conn).get("displayName"))
        if wanted not in names:
            yield Hit(
                f"catalog target {ctx.name(v)} of {ctx.name(u)} names connection '{wanted}', "
                "which is not one of the target's connections",
                "set connectionName to the qualifiedName or displayName of a connection linked "
                "to the target element, or clear it",
                (ctx.name(u), ctx.name(v)),
                (u,),
                relationship=data["guid"],
            )


# ------------------------------------------------------------------ rules 13-14
def _secret_references(props: Mapping[str, Any]) -> list[tuple[str, Any]]:
    refs = [(f"securedProperties.{k}", v) for k, v in _map(props.get("securedProperties")).items()]
    refs.extend((name, props[name]) for name in SECRET_PROPERTIES if props.get(name) is not None)
    return refs


def _purposes(ctx: Context, conn: str) -> set[str]:
    """displayNames of connections embedded in ``conn`` or in any connection embedding it."""
    purposes: set[str] = set()
    seen = {conn}
    stack = [conn]
    while stack:
        node = stack.pop()
        for _, _, data in ctx.out[EMBEDDED].get(node, ()):
            name = data["properties"].get("displayName")
            if isinstance(name, str) and name:
                purposes.add(name)
        for parent, _, _ in ctx.inn[EMBEDDED].get(node, ()):
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return purposes


def _secrets_store_embeddings(ctx: Context) -> list[tuple[str, str, dict[str, Any], bool, bool]]:
    """(parent, child, edge data, child has a secrets-store type, child has any type) of each
    embedding that is meant as a secrets store (computed once per validation)."""
    cached = ctx.cache.get("secrets_store_embeddings")
    if cached is None:
        cached = list(_find_secrets_store_embeddings(ctx))
        ctx.cache["secrets_store_embeddings"] = cached
    return cached


def _find_secrets_store_embeddings(
    ctx: Context,
) -> Iterator[tuple[str, str, dict[str, Any], bool, bool]]:
    out_types = ctx.out[CONNECTOR_TYPE]
    store_types: dict[str, bool] = {}
    for parent, edges in ctx.out[EMBEDDED].items():
        parent_props = ctx.props(parent)
        purposes_used: set[str] = set()
        if not _SECRET_PROPERTY_NAMES.isdisjoint(parent_props):
            purposes_used = {
                ref.partition(":")[0]
                for _, ref in _secret_references(parent_props)
                if isinstance(ref, str)
            }
        for child, _, data in edges:
            types = [ct for ct, _, _ in out_types.get(child, ())]
            store_type = False
            for ct in types:
                known = store_types.get(ct)
                if known is None:
                    known = store_types[ct] = is_secrets_store_connector_type(
                        ctx.props(ct), ctx.name(ct)
                    )
                store_type = store_type or known
            config = ctx.props(child).get("configurationProperties")
            purpose = data["properties"].get("displayName")
            meant = (
                store_type
                or (isinstance(config, Mapping) and SECRETS_COLLECTION in config)
                or (bool(purposes_used) and purpose in purposes_used)
            )
            if meant:
                yield parent, child, data, store_type, bool(types)


@rule(
    "SB025",
    "error",
    "Secrets-store connection without a secrets-store connector type",
    spec="§3 rule 13",
)
def _secrets_store_type(ctx: Context) -> Iterator[Hit]:
    """An embedded connection used as a secrets store (a secret reference names its
    purpose, or it has secretsCollectionName) must have a secrets-store connector type,
    or the daemon cannot open the store."""
    for parent, child, data, store_type, has_type in _secrets_store_embeddings(ctx):
        if has_type and not store_type:
            yield Hit(
                f"{ctx.name(child)}, embedded in {ctx.name(parent)} as secrets store "
                f"'{data['properties'].get('displayName')}', has no secrets-store connector type",
                "link it to a secrets-store ConnectorType (e.g. a YAML secrets store provider)",
                (ctx.name(parent), ctx.name(child)),
                (parent,),
                relationship=data["guid"],
            )


@rule("SB026", "error", "Secrets-store connection without secretsCollectionName", spec="§3 rule 13")
def _secrets_collection(ctx: Context) -> Iterator[Hit]:
    """A secrets-store connection says which collection of the store to read in
    configurationProperties.secretsCollectionName."""
    for parent, child, data, _, _ in _secrets_store_embeddings(ctx):
        config = _map(ctx.props(child).get("configurationProperties"))
        if _blank(config.get(SECRETS_COLLECTION)):
            yield Hit(
                f"secrets-store connection {ctx.name(child)} (embedded in {ctx.name(parent)}) "
                f"has no configurationProperties.{SECRETS_COLLECTION}",
                f"set configurationProperties.{SECRETS_COLLECTION} to the store's collection name",
                (ctx.name(parent), ctx.name(child)),
                (parent,),
                relationship=data["guid"],
            )


@rule("SB027", "error", "Plaintext secret stored in the graph", spec="§3 rule 14, §5")
def _plaintext_secrets(ctx: Context) -> Iterator[Hit]:
    """The graph holds secret references only: env:NAME, file:PATH, or the purpose of an
    embedded secrets-store connection (PURPOSE or PURPOSE:NAME). securedProperties,
    clearPassword and encryptedPassword must hold such a reference, and so must any map
    entry whose key names a secret (password, token, apiKey...). The value is never shown."""
    for key, data in ctx.nodes.items():
        props = data["properties"]
        if not props:
            continue
        if (
            _SECRET_PROPERTY_NAMES.isdisjoint(props)
            and not _has_secret_key(props.get("configurationProperties"))
            and not _has_secret_key(props.get("additionalProperties"))
        ):
            continue  # nothing below could find an entry
        entries: list[tuple[str, Any]] = []
        connection = ctx.is_connection(key)
        if connection:
            entries.extend(_secret_references(props))
            entries.extend(_secret_keyed(props, "configurationProperties"))
        entries.extend(_secret_keyed(props, "additionalProperties"))
        entries = [(name, value) for name, value in entries if not _is_reference(value, set())]
        if not entries:
            continue
        purposes = _purposes(ctx, key) if connection else set()
        bad = sorted(name for name, value in entries if not _is_reference(value, purposes))
        if bad:
            yield Hit(
                f"{data['typeName']} {ctx.name(key)} stores {', '.join(bad)} as a value, not a "
                "secret reference",
                "replace each value with env:NAME, file:PATH or the purpose of an embedded "
                "secrets-store connection, and rotate the exposed secret",
                (ctx.name(key),),
                (key,),
            )
    for kind, rel_type, map_name in (
        ("catalog target", CATALOG_TARGET, "configurationProperties"),
        ("embedded connection", EMBEDDED, "arguments"),
    ):
        for u, v, _, data in ctx.edges[rel_type]:
            if not _has_secret_key(data["properties"].get(map_name)):
                continue
            entries = _secret_keyed(data["properties"], map_name)
            bad = sorted(name for name, value in entries if not _is_reference(value, set()))
            if bad:
                yield Hit(
                    f"{kind} {ctx.name(u)} -> {ctx.name(v)} stores {', '.join(bad)} as a value, "
                    "not a secret reference",
                    "replace each value with env:NAME or file:PATH, and rotate the exposed secret",
                    (ctx.name(u), ctx.name(v)),
                    (u,),
                    relationship=data["guid"],
                )


@functools.lru_cache(maxsize=4096)
def _is_secret_key(key: str) -> bool:
    return key != SECRETS_COLLECTION and _SECRET_KEY.search(_normalised(key)) is not None


_SECRET_KEY_MEMO: dict[str, bool] = {}


def _has_secret_key(value: Any) -> bool:
    """Whether a map has a string key :func:`_is_secret_key` accepts (memoised per key:
    called for every map of the graph)."""
    if not value or (type(value) is not dict and not isinstance(value, Mapping)):
        return False
    memo = _SECRET_KEY_MEMO
    for key in value:
        found = memo.get(key) if type(key) is str else False
        if found is None:
            if len(memo) > 100_000:
                memo.clear()
            found = memo[key] = _is_secret_key(key)
        if found:
            return True
    return False


def _secret_keyed(props: Mapping[str, Any], map_name: str) -> list[tuple[str, Any]]:
    value = props.get(map_name)
    if not isinstance(value, Mapping):
        return []
    return [
        (f"{map_name}.{k}", v)
        for k, v in value.items()
        if isinstance(v, str) and isinstance(k, str) and _is_secret_key(k)
    ]


# ------------------------------------------------------------------ relationship ends, proxies
_ENDS: dict[str, tuple[str, str]] = {
    REGISTERED: ("IntegrationGroup", "IntegrationConnector"),
    ASSET_CONNECTION: ("Asset", "Connection"),
    CONNECTOR_TYPE: ("Connection", "ConnectorType"),
    ENDPOINT: ("Connection", "Endpoint"),
    EMBEDDED: ("Connection", "Connection"),
}


@rule("SB028", "error", "Relationship between elements of the wrong types", spec="§2")
def _wrong_ends(ctx: Context) -> Iterator[Hit]:
    """Each relationship joins the element types SPEC §2 gives (e.g. AssetConnection:
    Asset -> Connection); other ends are never read. CatalogTarget is rule SB022."""
    for rel_type, (start_label, end_label) in _ENDS.items():
        starts = ctx.labelled(start_label, or_type_name=True)
        ends = ctx.labelled(end_label, or_type_name=True)
        for u, v, _, data in ctx.edges[rel_type]:
            if u in starts and v in ends:
                continue
            wrong = [
                f"{ctx.name(n)} is a {ctx.node(n)['typeName']}, not a {label}"
                for n, label in ((u, start_label), (v, end_label))
                if not (ctx.has_label(n, label) or ctx.node(n)["typeName"] == label)
            ]
            if wrong:
                yield Hit(
                    f"{rel_type} {ctx.name(u)} -> {ctx.name(v)}: {'; '.join(wrong)}",
                    f"{rel_type} links a {start_label} to a {end_label}; relink or retype the element",
                    (ctx.name(u), ctx.name(v)),
                    (u, v),
                    relationship=data["guid"],
                )


@rule("SB029", "warning", "Connector type is only a proxy", spec="§6")
def _proxy_connector_type(ctx: Context) -> Iterator[Hit]:
    """An Egeria archive refers to connector types kept in other archives through proxies
    that carry little more than a guid; the real definition (provider class, recognised
    properties) is missing until that archive is imported."""
    for ct in ctx.runtime_connector_types():
        if ctx.node(ct)["isProxy"]:
            yield Hit(
                f"connector type {ctx.name(ct)} is only a proxy from an archive import",
                "import the archive that defines the connector type, or define it in a manifest",
                (ctx.name(ct),),
                (ct,),
            )


# ------------------------------------------------------------------ rule 15 (deep)
def integration_connector_provider_base() -> type | None:
    """The base class every integration connector provider subclasses
    (``engine.providers.sdk.ConnectorProvider``), or ``None`` while the daemon package
    does not define it (then SB031 only checks that the import path names a class)."""
    try:
        sdk = importlib.import_module("engine.providers.sdk")
    except ImportError:
        return None
    base = getattr(sdk, "ConnectorProvider", None)
    return base if isinstance(base, type) else None


def _import_path(path: str) -> Any:
    module_name, sep, attr = path.partition(":")
    if not sep:
        module_name, _, attr = path.rpartition(".")
    if not module_name or not attr:
        raise ValueError(f"'{path}' is not an import path like 'package.module:Class'")
    obj: Any = importlib.import_module(module_name)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


def load_provider(name: str) -> Any:
    """The provider a ``connectorProviderClassName`` names, as the daemon would load it.

    Uses the daemon's registry (``engine.providers.registry.load_provider``: aliases,
    ``package.module:Class``, entry points; returns a provider instance) when it is
    installed, else imports ``package.module:Class`` (returns the class). Raises
    whatever the loading raises, with the reason.
    """
    try:
        registry = importlib.import_module("engine.providers.registry")
    except ImportError:
        return _import_path(name)
    return registry.load_provider(name)


def _is_integration_provider(provider: Any) -> tuple[bool, str]:
    base = integration_connector_provider_base()
    if base is None:
        return isinstance(provider, type), "is not a class"
    if isinstance(provider, type):
        return issubclass(provider, base), f"is not a {base.__module__}.{base.__qualname__}"
    return isinstance(provider, base), (
        f"is a {type(provider).__name__}, not a {base.__module__}.{base.__qualname__}"
    )


def _top_connections(ctx: Context) -> dict[str, list[str]]:
    """registered connectors' own connections -> their connector types (in graph order)."""
    found: dict[str, list[str]] = {}
    for _, connector, _, _ in ctx.registrations():
        for conn, _, _ in ctx.out[ASSET_CONNECTION].get(connector, ()):
            found[conn] = [ct for ct, _, _ in ctx.out[CONNECTOR_TYPE].get(conn, ())]
    return found


class _Providers:
    """Providers loaded once per validation (by connectorProviderClassName)."""

    def __init__(self) -> None:
        self.loaded: dict[str, tuple[Any, Exception | None]] = {}

    def get(self, name: str) -> tuple[Any, Exception | None]:
        if name not in self.loaded:
            try:
                self.loaded[name] = (load_provider(name), None)
            except Exception as exc:  # any failure of foreign code is a finding
                self.loaded[name] = (None, exc)
        return self.loaded[name]


def _providers(ctx: Context) -> _Providers:
    cached = ctx.cache.get("providers")
    if not isinstance(cached, _Providers):
        cached = _Providers()
        ctx.cache["providers"] = cached
    return cached


@rule("SB030", "error", "Connector provider cannot be loaded", spec="§3 rule 15", deep=True)
def _provider_loadable(ctx: Context) -> Iterator[Hit]:
    """validate --deep loads each connectorProviderClassName the way the daemon does
    (an alias, 'package.module:Class' or an entry-point name); a provider that does
    not load cannot run."""
    providers = _providers(ctx)
    seen: set[str] = set()
    for conn in ctx.runtime_connections():
        for ct, _, _ in ctx.out[CONNECTOR_TYPE].get(conn, ()):
            name = ctx.props(ct).get("connectorProviderClassName")
            if ct in seen or _blank(name):
                continue
            seen.add(ct)
            _, error = providers.get(str(name))
            if error is not None:
                hint = getattr(error, "hint", None)
                yield Hit(
                    f"connector type {ctx.name(ct)}: provider '{name}' cannot be loaded "
                    f"({type(error).__name__}: {getattr(error, 'message', error)})",
                    hint
                    or "install the package that provides it, or fix connectorProviderClassName "
                    "('package.module:Class')",
                    (ctx.name(ct),),
                    (ct,),
                )


@rule(
    "SB031",
    "error",
    "Provider does not produce an integration connector",
    spec="§3 rule 15",
    deep=True,
)
def _provider_kind(ctx: Context) -> Iterator[Hit]:
    """The provider of a registered connector's own connection must be an integration
    connector provider (engine.providers.sdk.ConnectorProvider), not e.g. a secrets-store
    provider."""
    providers = _providers(ctx)
    seen: set[str] = set()
    for types in _top_connections(ctx).values():
        for ct in types:
            name = ctx.props(ct).get("connectorProviderClassName")
            if ct in seen or _blank(name):
                continue
            seen.add(ct)
            provider, error = providers.get(str(name))
            if error is not None:
                continue  # SB030
            ok, problem = _is_integration_provider(provider)
            if not ok:
                yield Hit(
                    f"connector type {ctx.name(ct)}: provider '{name}' {problem}",
                    "point connectorProviderClassName at an integration connector provider",
                    (ctx.name(ct),),
                    (ct,),
                )


@rule(
    "SB032",
    "error",
    "Connection configuration does not fit the provider's schema",
    spec="§3 rule 15",
    deep=True,
)
def _configuration_fits(ctx: Context) -> Iterator[Hit]:
    """A provider declares the configurationProperties it accepts; validate --deep
    checks each registered connector's connection against that schema."""
    providers = _providers(ctx)
    for conn, types in _top_connections(ctx).items():
        if len(types) != 1:
            continue  # SB013 / SB014
        name = ctx.props(types[0]).get("connectorProviderClassName")
        if _blank(name):
            continue
        provider, error = providers.get(str(name))
        parse = getattr(provider, "parse_configuration", None)
        if error is not None or not callable(parse) or isinstance(provider, type):
            continue
        config = _map(ctx.props(conn).get("configurationProperties"))
        try:
            parse(config, where=f"connection {ctx.name(conn)}")
        except Exception as exc:
            yield Hit(
                str(getattr(exc, "message", exc)),
                str(getattr(exc, "hint", None) or "fix the connection's configurationProperties"),
                (ctx.name(conn), ctx.name(types[0])),
                (conn,),
            )
