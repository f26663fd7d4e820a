"""The validation context: the graph plus the indexes rules share, built once per validation."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from engine.typesystem import (
    ASSET_CONNECTION,
    CATALOG_TARGET,
    CONNECT_TO_ENDPOINT,
    CONNECTION_CONNECTOR_TYPE,
    EMBEDDED_CONNECTION,
    REGISTERED_INTEGRATION_CONNECTOR,
)
from engine.validate.graph import PlainGraph, element_name

if TYPE_CHECKING:
    import networkx as nx

Link = tuple[str, str, dict[str, Any]]
"""(other end, edge key, edge data) of one relationship, seen from one end."""

Edge = tuple[str, str, str, dict[str, Any]]
"""(start, end, edge key, edge data) of one relationship."""

_FEW_SUBJECTS = 8
"""Up to this many subjects a finding's registrations come from the per-subject memo."""


class EdgesByType(dict[str, list[Edge]]):
    """Edges by type; a type without edges reads as an empty list."""

    def __missing__(self, rel_type: str) -> list[Edge]:
        return []


class Adjacency:
    """Per relationship type, node -> its links one way, built the first time a rule asks."""

    def __init__(self, edges: Mapping[str, list[Edge]], *, outgoing: bool) -> None:
        self._edges = edges
        self._outgoing = outgoing
        self._built: dict[str, dict[str, list[Link]]] = {}

    def __getitem__(self, rel_type: str) -> dict[str, list[Link]]:
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
    """The graph plus indexes the rules share (built once per validation).

    ``graph`` is a :class:`~engine.validate.graph.PlainGraph` (what ``validate_groups``
    builds) or a networkx MultiDiGraph of the same layout (``build_graph``,
    ``load_snapshot``); rules read both the same way, through this context.
    """

    def __init__(self, graph: PlainGraph | nx.MultiDiGraph, *, deep: bool = False) -> None:
        self.deep = deep
        self.nodes: Mapping[str, dict[str, Any]]
        """Node key -> attributes (read only)."""
        self.attrs: Mapping[str, Any]
        """The graph's attributes: ``source``, ``guid_conflicts``, ``missing_guids``."""
        succ: Iterable[tuple[str, Mapping[str, Mapping[str, dict[str, Any]]]]]
        if isinstance(graph, PlainGraph):
            self.nodes, self.attrs, succ = graph.nodes, graph.attrs, graph.successors().items()
        else:
            raw_nodes = getattr(graph, "_node", None)
            # the same data without a view around each lookup
            self.nodes = raw_nodes if isinstance(raw_nodes, dict) else graph.nodes
            self.attrs, succ = graph.graph, graph.adjacency()
        self.successors: dict[str, Mapping[str, Mapping[str, dict[str, Any]]]] = {}
        """Start node -> end node -> edge key -> edge data."""
        edges: dict[str, list[Edge]] = defaultdict(list)
        for u, neighbours in succ:
            self.successors[u] = neighbours
            for v, keyed in neighbours.items():
                for key, data in keyed.items():
                    edges[data["type"]].append((u, v, key, data))
        self.edges: Mapping[str, list[Edge]] = EdgesByType(edges)
        """Relationship type -> (start, end, edge key, edge data) of each such edge."""
        self.out = Adjacency(self.edges, outgoing=True)
        """Relationship type -> start node -> [(end, edge key, edge data)] (built on demand)."""
        self.inn = Adjacency(self.edges, outgoing=False)
        """Relationship type -> end node -> [(start, edge key, edge data)] (built on demand)."""
        self._registrations: list[Edge] | None = None
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

    def edge(self, start: str, end: str, key: str) -> dict[str, Any]:
        """The data of the edge ``start -[key]-> end`` (read only)."""
        return self.successors[start][end][key]

    # ---- naming
    def name(self, key: str) -> str:
        return element_name(self.nodes[key])

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

    def registrations(self) -> list[Edge]:
        """(group key, connector key, registration edge key, properties) of every registration."""
        if self._registrations is None:
            self._registrations = [
                (u, v, key, data["properties"])
                for u, v, key, data in self.edges[REGISTERED_INTEGRATION_CONNECTOR]
            ]
        return self._registrations

    def connector_name(self, reg_key: str) -> str | None:
        for _u, v, key, data in self.edges[REGISTERED_INTEGRATION_CONNECTOR]:
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
            assets, embeds = self.out[ASSET_CONNECTION], self.out[EMBEDDED_CONNECTION]
            for connector in {v for _, v, _, _ in self.edges[REGISTERED_INTEGRATION_CONNECTOR]}:
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
            out = self.out[CONNECTION_CONNECTOR_TYPE]
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
        if cached is None:
            cached = self._owners[subject] = self._walk_to_registrations((subject,))
        return cached

    def owners_of_all(self, subjects: Iterable[str]) -> frozenset[str]:
        """The union of :meth:`owners` of ``subjects``: from the per-subject memo for a
        few, in one shared walk for many (a cycle of n connections: n walks of n steps
        each would take n^2)."""
        subjects = tuple(dict.fromkeys(subjects))
        if len(subjects) <= _FEW_SUBJECTS:
            return frozenset().union(*(self.owners(subject) for subject in subjects))
        return self._walk_to_registrations(subjects)

    def _walk_to_registrations(self, subjects: tuple[str, ...]) -> frozenset[str]:
        """Registrations reached walking up from ``subjects`` through embeddings, connector
        types and endpoints to a connector's connection or a catalog target."""
        registered = self.inn[REGISTERED_INTEGRATION_CONNECTOR]
        found: set[str] = set()
        seen = set(subjects)
        stack = list(subjects)
        while stack:
            node = stack.pop()
            found.update(key for _, key, _ in registered.get(node, ()))
            for rel_type in (EMBEDDED_CONNECTION, CONNECTION_CONNECTOR_TYPE, CONNECT_TO_ENDPOINT):
                for u, _, _ in self.inn[rel_type].get(node, ()):
                    if u not in seen:
                        seen.add(u)
                        stack.append(u)
            for rel_type in (ASSET_CONNECTION, CATALOG_TARGET):
                for u, _, _ in self.inn[rel_type].get(node, ()):
                    found.update(key for _, key, _ in registered.get(u, ()))
        return frozenset(found)
