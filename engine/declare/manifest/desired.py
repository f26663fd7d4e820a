"""The desired state: manifest documents flattened into element and relationship rows,
checked for what needs no database (duplicates, embedding cycles and positions,
unstorable values, plaintext secrets)."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.declare.manifest.format import ConnectionSpec, ConnectorRegistrationSpec
from engine.declare.manifest.reading import Document
from engine.errors import ManifestError
from engine.graph.graphmap import (
    FLAT_SEPARATOR,
    MAP_PROPERTIES,
    encode_properties,
    storable_problem,
)
from engine.graph.records import (
    EGERIA_NAME_BY_REL_TYPE,
    REL_TYPE_BY_MODEL,
    ElementRow,
    RelationshipIdentity,
    RelationshipRow,
)
from engine.graph.schema import INDEXED_PROPERTIES, too_long_to_index
from engine.model import (
    AssetConnection,
    CatalogTarget,
    ConnectionConnectorType,
    ConnectToEndpoint,
    Element,
    Referenceable,
    Relationship,
)
from engine.typesystem import (
    EMBEDDED_CONNECTION,
)

SECRET_PREFIXES = ("env:", "file:")


def relationship_label(identity: RelationshipIdentity) -> str:
    """How plans and errors name a relationship: ``from -> to [catalogTargetName]``."""
    _, from_, to, key = identity
    return f"{from_} -> {to}" + (f" [{key}]" if key else "")


def egeria_name(rel_type: str) -> str:
    """The Egeria type name of a Neo4j relationship type."""
    return EGERIA_NAME_BY_REL_TYPE.get(rel_type, rel_type)


@dataclass
class Desired:
    """Everything the documents declare, flattened into rows keyed by natural keys."""

    elements: dict[str, ElementRow] = field(default_factory=dict)
    element_models: dict[str, Referenceable] = field(default_factory=dict)
    where: dict[str, str] = field(default_factory=dict)
    relationships: dict[RelationshipIdentity, RelationshipRow] = field(default_factory=dict)
    rel_models: dict[RelationshipIdentity, Relationship] = field(default_factory=dict)
    references: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)
    """(qualifiedName, where, acceptable type names) of each by-name reference."""
    groups: list[str] = field(default_factory=list)
    connectors: list[str] = field(default_factory=list)
    connections: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    purposes: set[str] = field(default_factory=set)
    secrets: list[tuple[str, str]] = field(default_factory=list)
    """(where, value) of every secret reference to check."""


CONNECTION_TYPES = ("Connection", "VirtualConnection")

_ASSET_LINK = AssetConnection()
_CONNECTOR_TYPE_LINK = ConnectionConnectorType()
_ENDPOINT_LINK = ConnectToEndpoint()
"""The links without properties of their own: one model each serves every declaration."""

_BARE_LINKS: frozenset[type[Relationship]] = frozenset(
    cls for cls in REL_TYPE_BY_MODEL if set(cls.model_fields) == {"guid"}
)
"""Relationship models with no property but their guid (which graph_properties leaves out)."""


@functools.cache
def _rel_type_of(model: type[Relationship]) -> str:
    """The Neo4j type of a relationship model or of a spec subclassing one."""
    for cls in model.__mro__:
        if cls in REL_TYPE_BY_MODEL:
            return REL_TYPE_BY_MODEL[cls]
    raise TypeError(f"{model.__name__} is not a relationship model")


class _Collector:
    def __init__(self) -> None:
        self.d = Desired()
        self.embedded_roles: list[tuple[str, str]] = []
        self.connection_set: set[str] = set()

    def secrets_purposes(self) -> set[str]:
        """displayNames of embedded connections that are secrets stores."""
        out: set[str] = set()
        for role, child in self.embedded_roles:
            model = self.d.element_models.get(child)
            config = getattr(model, "configurationProperties", None) or {}
            if "secretsCollectionName" in config:
                out.add(role)
        return out

    def element(self, model: Referenceable, where: str) -> str:
        qn = model.qualifiedName
        if qn in self.d.elements:
            self.d.errors.append(
                f"{where}: duplicate qualifiedName '{qn}' (also declared at {self.d.where[qn]})"
            )
            return qn
        self.d.elements[qn] = ElementRow.of(model)
        self.d.element_models[qn] = model
        self.d.where[qn] = where
        return qn

    def rel(self, model: Relationship, from_: str, to: str, where: str) -> None:
        # Specs (EmbeddedConnectionSpec, CatalogTargetSpec) are their relationship's model
        # plus the end 2: their type is their base class's, their properties the link's own.
        rel_type = _rel_type_of(type(model))
        key = (model.catalogTargetName or "") if isinstance(model, CatalogTarget) else ""
        props = {} if type(model) in _BARE_LINKS else encode_properties(model.graph_properties())
        identity = (rel_type, from_, to, key)
        if identity in self.d.relationships:
            self.d.errors.append(
                f"{where}: duplicate {model.TYPE_NAME} {from_} -> {to}"
                + (f" named '{key}'" if key else "")
            )
            return
        self.d.relationships[identity] = RelationshipRow(
            rel_type, from_, to, props, key, model.guid
        )
        self.d.rel_models[identity] = model

    def ref_or_inline(
        self,
        value: str | Referenceable,
        where: str,
        accept: tuple[str, ...],
    ) -> str:
        if isinstance(value, str):
            self.d.references.append((value, where, accept))
            return value
        if isinstance(value, ConnectionSpec):
            return self.connection(value, where)
        return self.element(value, where)

    def connection(self, spec: ConnectionSpec, where: str) -> str:
        qn = self.element(spec, where)
        if qn in self.connection_set:
            return qn
        self.connection_set.add(qn)
        self.d.connections.append(qn)
        for name, value in sorted((spec.securedProperties or {}).items()):
            self.d.secrets.append((f"{where}.securedProperties.{name}", value))
        for name in ("clearPassword", "encryptedPassword"):
            value = getattr(spec, name)
            if value is not None:
                self.d.secrets.append((f"{where}.{name}", value))
        if spec.connectorType is not None:
            ct = self.ref_or_inline(
                spec.connectorType, f"{where}.connectorType", ("ConnectorType",)
            )
            self.rel(_CONNECTOR_TYPE_LINK, qn, ct, f"{where}.connectorType")
        if spec.endpoint is not None:
            ep = self.ref_or_inline(spec.endpoint, f"{where}.endpoint", ("Endpoint",))
            self.rel(_ENDPOINT_LINK, qn, ep, f"{where}.endpoint")
        if spec.embeddedConnections and spec.typeName != "VirtualConnection":
            self.d.errors.append(
                f"{where}.embeddedConnections: only a VirtualConnection embeds connections"
                " (set typeName: VirtualConnection)"
            )
        positions: dict[int, int] = {}
        for i, emb in enumerate(spec.embeddedConnections):
            ewhere = f"{where}.embeddedConnections[{i}]"
            child = self.ref_or_inline(emb.connection, f"{ewhere}.connection", CONNECTION_TYPES)
            if child == qn:
                self.d.errors.append(f"{ewhere}: a connection cannot embed itself")
                continue
            if emb.position > 0:
                if emb.position in positions:
                    self.d.errors.append(
                        f"{ewhere}.position: {emb.position} is already used by "
                        f"embeddedConnections[{positions[emb.position]}]"
                    )
                positions[emb.position] = i
            if emb.displayName:
                self.embedded_roles.append((emb.displayName, child))
            self.rel(emb, qn, child, ewhere)
        return qn

    def document(self, doc: Document) -> None:
        s, m = doc.source, doc.manifest
        for i, ct in enumerate(m.connectorTypes):
            self.element(ct, f"{s}: connectorTypes[{i}]")
        for i, ep in enumerate(m.endpoints):
            self.element(ep, f"{s}: endpoints[{i}]")
        for i, el in enumerate(m.elements):
            self.element(el, f"{s}: elements[{i}]")
        for i, spec in enumerate(m.connections):
            self.connection(spec, f"{s}: connections[{i}]")
        for gi, group in enumerate(m.integrationGroups):
            gwhere = f"{s}: integrationGroups[{gi}]"
            gqn = self.element(group, gwhere)
            self.d.groups.append(gqn)
            for ci, connector in enumerate(group.connectors):
                cwhere = f"{gwhere}.connectors[{ci}]"
                if isinstance(connector, ConnectorRegistrationSpec):
                    ref = self.ref_or_inline(
                        connector.connector, f"{cwhere}.connector", ("IntegrationConnector",)
                    )
                    self.rel(connector.registration, gqn, ref, f"{cwhere}.registration")
                    continue
                cqn = self.element(connector, cwhere)
                self.d.connectors.append(cqn)
                self.rel(connector.registration, gqn, cqn, f"{cwhere}.registration")
                if connector.connection is not None:
                    target = self.ref_or_inline(
                        connector.connection, f"{cwhere}.connection", CONNECTION_TYPES
                    )
                    self.rel(_ASSET_LINK, cqn, target, f"{cwhere}.connection")
                for ti, cat in enumerate(connector.catalogTargets):
                    twhere = f"{cwhere}.catalogTargets[{ti}]"
                    target_qn = self.ref_or_inline(cat.element, f"{twhere}.element", ())
                    self.rel(cat, cqn, target_qn, twhere)


def _embedding_cycles(d: Desired) -> list[str]:
    children: dict[str, list[str]] = defaultdict(list)
    for t, f, to, _ in d.relationships:
        if t == EMBEDDED_CONNECTION:
            children[f].append(to)
    errors: list[str] = []
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for child in children.get(node, ()):
            if state.get(child) == 1:
                cycle = [*path[path.index(child) :], child] if child in path else [node, child]
                errors.append(
                    f"{d.where.get(child, child)}: embedded connections form a cycle: "
                    + " -> ".join(cycle)
                )
            elif child not in state:
                visit(child, [*path, child])
        state[node] = 2

    for node in list(children):
        if node not in state:
            visit(node, [node])
    return errors


def _value_problem(name: str, value: Any) -> str | None:
    """Why Neo4j would refuse ``value`` as the property ``name`` (None when it would not)."""
    kind = type(value)
    simple = kind is str or kind is bool or kind is float
    if simple and name not in INDEXED_PROPERTIES and name and "\x00" not in name:
        return None  # the common case, decided without the general checks
    return too_long_to_index(name, value) or (
        storable_problem(name, value) if value is not None else None
    )


def _unstorable(d: Desired) -> list[str]:
    """Values Neo4j would refuse: too long for an index, or not a property value at all."""
    errors: list[str] = []
    for qn, row in d.elements.items():
        for name, value in (("qualifiedName", qn), ("guid", row.guid), *row.props.items()):
            problem = _value_problem(name, value)
            if problem:
                errors.append(f"{d.where[qn]}: {problem}")
    for qn, model in d.element_models.items():
        if isinstance(model, Element) and model.properties:
            maps = MAP_PROPERTIES | {k for k, v in model.properties.items() if isinstance(v, dict)}
            for name in model.properties:
                head, dot, _ = name.partition(FLAT_SEPARATOR)
                if dot and head in maps:
                    errors.append(
                        f"{d.where[qn]}: property {name!r} has the name of an entry of the map "
                        f"{head!r} (maps are stored as JSON plus one '{head}.<key>' property "
                        "per entry); rename it"
                    )
    for identity, rel in d.relationships.items():
        for name, value in (("guid", rel.guid), *rel.props.items()):
            problem = _value_problem(name, value)
            if problem:
                errors.append(f"{relationship_label(identity)}: {problem}")
    return errors


def collect(docs: Sequence[Document]) -> Desired:
    """Flatten documents into the desired state and check what needs no database:
    duplicates, embedding cycles and positions, plaintext secrets.
    Raises :class:`ManifestError` listing every problem."""
    c = _Collector()
    for doc in docs:
        c.document(doc)
    d = c.d
    d.errors.extend(_embedding_cycles(d))
    d.errors.extend(_unstorable(d))
    d.purposes = c.secrets_purposes()
    for where, value in d.secrets:
        if value.startswith(SECRET_PREFIXES) and len(value.split(":", 1)[1]) > 0:
            continue
        if value.partition(":")[0] in d.purposes:
            continue
        known = ", ".join(sorted(d.purposes)) or "none declared"
        d.errors.append(
            f"{where}: looks like a plaintext secret; the graph holds only references "
            f"('env:NAME', 'file:PATH', or PURPOSE / PURPOSE:NAME of an embedded secrets-store "
            f"connection; "
            f"purposes: {known})"
        )
    if d.errors:
        raise ManifestError("\n".join(d.errors), hint="fix the manifest; nothing was written")
    return d
