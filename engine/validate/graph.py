"""The validation graph: resolved groups -> one graph of plain dicts the rules read.

Nodes are keyed by element ``guid``, with ``guid``, ``qualifiedName``,
``typeName``, ``labels`` (frozenset), ``isProxy``, ``properties`` (decoded, see
:mod:`engine.graph.graphmap`), ``assetQualifiedNames`` and ``connectionNames``
(what resolution adds; empty frozensets in a snapshot). Edges are keyed by
relationship ``guid`` (or a stable synthetic key when the source does not carry
one), with ``type`` (the Neo4j relationship type of
:data:`engine.typesystem.RELATIONSHIP_TYPES`), ``guid`` and ``properties``.

:class:`GraphBuilder` collects both; :meth:`GraphBuilder.plain` gives them as a
:class:`PlainGraph` (what ``validate_groups`` checks, with no networkx loaded) and
:meth:`GraphBuilder.finish` as a :class:`networkx.MultiDiGraph` of the same layout
(``build_graph``, ``load_snapshot``). Both hold the same adjacency dicts
(:func:`adjacency`), so rules see the same data in the same order either way.

Resolved groups come as views (:mod:`engine.resolved`) or as their plain data
(:func:`engine.graph.resolve.resolve_groups_plain`): a view's ``__dict__`` holds exactly
its fields, so :func:`build_graph` reads both through :func:`_fields`, one code path.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engine.typesystem import (
    ASSET_CONNECTION,
    CATALOG_TARGET,
    CONNECT_TO_ENDPOINT,
    CONNECTION_CONNECTOR_TYPE,
    EMBEDDED_CONNECTION,
    REGISTERED_INTEGRATION_CONNECTOR,
    labels_for,
)

if TYPE_CHECKING:
    import networkx as nx

    from engine.graph.document import PlainGroup
    from engine.resolved import ResolvedGroup

Adjacency = dict[str, dict[str, dict[str, dict[str, Any]]]]
"""start node -> end node -> edge key -> edge data (networkx's ``_adj`` layout)."""


@functools.cache
def labels_of_type(type_name: str) -> frozenset[str]:
    try:
        return frozenset(labels_for(type_name))
    except ValueError:
        return frozenset(("Referenceable",))


@dataclass
class GraphBuilder:
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
                self.conflict("element", key, [element_name(existing), qualified_name or "?"])
            if asset_names:
                existing["assetQualifiedNames"].update(asset_names)
            if connection_names:
                existing["connectionNames"].update(connection_names)
            return key
        self.nodes[key] = {
            "guid": guid or None,
            "qualifiedName": qualified_name,
            "typeName": type_name,
            "labels": frozenset(labels) if labels is not None else labels_of_type(type_name),
            "isProxy": is_proxy,
            "properties": dict(properties) if properties else {},
            "assetQualifiedNames": set(asset_names),
            "connectionNames": set(connection_names),
        }
        return key

    def view(
        self,
        view: Any,
        asset_names: Iterable[str] = (),
        connection_names: Iterable[str] = (),
    ) -> str:
        """Add the element of a resolved view or its plain data (see :func:`_fields`)."""
        fields = _fields(view)
        key: str = fields["guid"]
        existing = self.nodes.get(key) if key else None
        if (
            existing is not None
            and existing["qualifiedName"] == fields["qualifiedName"]
            and existing["typeName"] == fields["typeName"]
            and not asset_names
            and not connection_names
        ):
            return key  # a shared element seen before: nothing to merge
        return self.node(
            key,
            guid=key,
            qualified_name=fields["qualifiedName"],
            type_name=fields["typeName"],
            is_proxy=fields["isProxy"],
            properties=fields["properties"],
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
        return element_name(data) if data is not None else key

    def plain(self, source: str, bulk: Sequence[EdgeColumns] = ()) -> PlainGraph:
        """The graph of everything collected, plus ``bulk`` edges (checked by the caller:
        both ends known, guids unique strings not used by :meth:`edge`), as plain data."""
        edges: list[EdgeColumns] = list(bulk)
        if self.edges:
            us, vs, keys = (list(c) for c in zip(*self.edges, strict=True))
            datas = list(self.edges.values())
            edges.append((us, vs, keys, datas))
        attrs = {
            "source": source,
            "guid_conflicts": self.conflicts,
            "missing_guids": self.missing_guids,
        }
        return PlainGraph(self.nodes, edges, attrs)

    def finish(self, source: str, bulk: Sequence[EdgeColumns] = ()) -> nx.MultiDiGraph:
        """:meth:`plain` as a networkx MultiDiGraph."""
        return self.plain(source, bulk).to_networkx()


EdgeColumns = tuple[Sequence[str], Sequence[str], Sequence[str], Sequence[dict[str, Any]]]
"""Parallel columns of edges: starts, ends, keys, data dicts."""


@dataclass(frozen=True)
class PlainGraph:
    """The validation graph as plain data: node key -> attributes, edge columns, and the
    graph's attributes (``source``, ``guid_conflicts``, ``missing_guids``)."""

    nodes: dict[str, dict[str, Any]]
    edges: Sequence[EdgeColumns]
    attrs: dict[str, Any]

    def successors(self) -> Adjacency:
        """The edges as :data:`Adjacency`, in networkx's order (see :func:`adjacency`)."""
        return adjacency(self.nodes, self.edges, predecessors=False)[0]

    def to_networkx(self) -> nx.MultiDiGraph:
        """The same graph as a :class:`networkx.MultiDiGraph` (imports networkx)."""
        import networkx as nx

        graph = nx.MultiDiGraph(**self.attrs)
        fill_graph(graph, self.nodes, self.edges)
        return graph


def adjacency(
    nodes: Mapping[str, Any], edges: Sequence[EdgeColumns], *, predecessors: bool = True
) -> tuple[Adjacency, Adjacency]:
    """Successors and (unless not ``predecessors``: left empty) predecessors of ``edges``
    between ``nodes``, laid out as networkx's ``_adj`` and ``_pred`` (nodes in their order,
    a (u, v) pair's key dict shared between the two; a repeated (u, v, key) keeps the last
    data)."""
    succ: Adjacency = {key: {} for key in nodes}
    pred: Adjacency = {key: {} for key in nodes} if predecessors else {}
    for us, vs, keys, datas in edges:
        for u, v, k, data in zip(us, vs, keys, datas, strict=True):
            out = succ[u]
            keyed = out.get(v)
            if keyed is None:
                keyed = out[v] = {}
                if predecessors:
                    pred[v][u] = keyed
            keyed[k] = data
    return succ, pred


def fill_graph(
    graph: nx.MultiDiGraph, nodes: dict[str, dict[str, Any]], edges: Sequence[EdgeColumns]
) -> None:
    """Add ``nodes`` and ``edges`` to the empty ``graph``.

    Writes networkx's adjacency dicts directly (``_node``, and :func:`adjacency`'s
    ``_adj`` = successors and ``_pred``), the layout ``MultiDiGraph.add_edges_from``
    builds, at a third of its cost on the 100,000-connector graph;
    tests/unit/test_validate.py checks the result equals the one
    add_nodes_from/add_edges_from give. Both ends of every edge must be in ``nodes``.
    """
    import networkx as nx

    if len(graph) or not (isinstance(graph._adj, dict) and isinstance(graph._pred, dict)):
        graph.add_nodes_from(nodes.items())
        for us, vs, keys, datas in edges:
            graph.add_edges_from(zip(us, vs, keys, datas, strict=True))
        return
    graph._node.update(nodes)
    succ, pred = adjacency(nodes, edges)
    graph._adj.update(succ)
    graph._pred.update(pred)
    nx._clear_cache(graph)


def element_name(data: Mapping[str, Any]) -> str:
    qn = data.get("qualifiedName")
    if isinstance(qn, str) and qn.strip():
        return qn
    return f"guid:{data.get('guid')}"


def _fields(item: Any) -> dict[str, Any]:
    """The fields of a resolved view, or the plain dict that stands for it: a view's
    ``__dict__`` holds exactly its fields (pydantic keeps them there; views of plain data
    are wrapped around those very dicts, see :func:`engine.resolved.views_from_plain`)."""
    if type(item) is dict:
        return item
    fields: dict[str, Any] = item.__dict__
    return fields


def build_graph(groups: Sequence[ResolvedGroup | PlainGroup]) -> nx.MultiDiGraph:
    """:func:`build_plain` as a networkx MultiDiGraph."""
    return build_plain(groups).to_networkx()


def build_plain(groups: Sequence[ResolvedGroup | PlainGroup]) -> PlainGraph:
    """The graph of ``groups`` (views or plain data; shared elements merged by guid).

    Relationships the resolved views carry without a guid (AssetConnection,
    ConnectionConnectorType, ConnectToEndpoint) get the key
    ``<TYPE>:<start guid>-><end guid>`` and ``guid=None``.
    """
    b = GraphBuilder()
    done: set[int] = set()
    for group in groups:
        resolved = _fields(group)
        group_key = b.view(resolved["group"])
        for connector in map(_fields, resolved["connectors"]):
            _add_connector(b, group_key, connector, done)
    return b.plain("resolved")


_REGISTRATION_LEFT_OUT = ("guid", "properties")


def _add_connector(
    b: GraphBuilder, group_key: str, connector: dict[str, Any], done: set[int]
) -> None:
    reg = _fields(connector["registration"])
    connector_key = b.view(connector["connector"])
    b.nodes[connector_key]["properties"].setdefault(
        "usesBlockingCalls", connector["usesBlockingCalls"]
    )
    reg_props = {k: v for k, v in reg.items() if k not in _REGISTRATION_LEFT_OUT and v is not None}
    b.edge(
        group_key,
        connector_key,
        REGISTERED_INTEGRATION_CONNECTOR,
        reg["guid"],
        {**reg["properties"], **reg_props},
    )
    first = connector["connection"]
    roots = [_fields(c) for c in (first, *connector["additionalConnections"]) if c]
    for root in roots:
        root_key = b.view(root, asset_names=root["assetQualifiedNames"])
        b.edge(connector_key, root_key, ASSET_CONNECTION, None, guid_expected=False)
    _add_connections(b, roots, done)
    for target in map(_fields, connector["catalogTargets"]):
        target_key = b.view(target["element"], connection_names=target["elementConnectionNames"])
        relationship = target["relationship"]
        props = {k: v for k, v in relationship.items() if k != "guid"}
        b.edge(connector_key, target_key, CATALOG_TARGET, str(relationship["guid"]), props)


def _add_connections(b: GraphBuilder, roots: Sequence[dict[str, Any]], done: set[int]) -> None:
    stack = list(roots)
    while stack:
        conn = stack.pop()
        if id(conn) in done:
            continue
        done.add(id(conn))
        key = b.view(conn, asset_names=conn["assetQualifiedNames"])
        for ct in (conn["connectorType"], *conn["additionalConnectorTypes"]):
            if ct is not None:
                b.edge(key, b.view(ct), CONNECTION_CONNECTOR_TYPE, None, guid_expected=False)
        for ep in (conn["endpoint"], *conn["additionalEndpoints"]):
            if ep is not None:
                b.edge(key, b.view(ep), CONNECT_TO_ENDPOINT, None, guid_expected=False)
        for emb in map(_fields, conn["embeddedConnections"]):
            child = _fields(emb["connection"])
            child_key = b.view(child, asset_names=child["assetQualifiedNames"])
            props = {"position": emb["position"], "arguments": emb["arguments"]}
            if emb["displayName"] is not None:
                props["displayName"] = emb["displayName"]
            b.edge(key, child_key, EMBEDDED_CONNECTION, emb["guid"], props)
            if not emb["cycle"]:
                stack.append(child)
