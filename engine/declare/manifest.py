"""Declarative integration groups: parse, check, plan (diff), apply and export manifests.

A manifest is a YAML or JSON document (format in docs/manifests.md; JSON Schema
from :func:`manifest_json_schema`) declaring integration groups with their
connectors, connections (inline or by qualifiedName reference), connector
types, endpoints, embedded connections and catalog targets.

Applying is declarative and all-or-nothing: the files are parsed and checked
(syntax, schema, duplicates, dangling references, plaintext secrets) before
anything is written; the plan (create / update / unchanged / delete, with
property diffs) is computed inside the one write transaction that then applies
it, runs the optional validator on the state about to be committed, and
commits. Declared elements get exactly the declared properties (replace
semantics); a declared connector's connection link and a declared
connection's connector type, endpoint and embedded connections are exactly the
declared ones. Registrations and catalog targets the files no longer declare
are deleted only with ``prune``.
"""

from __future__ import annotations

import difflib
import functools
import json
import typing
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, Union

import yaml
from neo4j import ManagedTransaction
from pydantic import BaseModel, Discriminator, Field, Tag, ValidationError

from engine.errors import ManifestError, NotFoundError
from engine.graph.graphmap import (
    FLAT_SEPARATOR,
    MAP_PROPERTIES,
    decode_properties,
    encode_properties,
    storable_problem,
    to_python,
)
from engine.graph.reader import (
    read_element_states_tx,
    read_elements_tx,
    read_outgoing_tx,
    read_relationship_states_tx,
)
from engine.graph.records import (
    EGERIA_NAME_BY_REL_TYPE,
    FIXED_KEYS,
    NEW_BATCH_SIZE,
    REL_TYPE_BY_MODEL,
    ElementRow,
    RelationshipRow,
    WriteResult,
    current_user,
)
from engine.graph.resolve import gc_paused
from engine.graph.schema import INDEXED_PROPERTIES, too_long_to_index
from engine.graph.store import Store
from engine.graph.writer import (
    create_elements_tx,
    create_new_elements_tx,
    create_new_relationships_tx,
    create_relationships_tx,
    delete_relationships_tx,
    write_elements_tx,
    write_relationships_tx,
    write_with_replan,
)
from engine.model import (
    IDENTITY_PROPERTIES,
    AssetConnection,
    CatalogTarget,
    Connection,
    ConnectionConnectorType,
    ConnectorType,
    ConnectToEndpoint,
    Element,
    EmbeddedConnection,
    Endpoint,
    IntegrationConnector,
    IntegrationGroup,
    Referenceable,
    RegisteredIntegrationConnector,
    Relationship,
    SwitchboardModel,
    element_from_properties,
    relationship_from_properties,
)
from engine.typesystem import RELATIONSHIP_TYPES

API_VERSION = "switchboard/v1"
DEFAULT_PRUNE_THRESHOLD = 0.5
"""Share of a scope's registrations and catalog targets ``--prune`` may delete without force."""

REG = RELATIONSHIP_TYPES["RegisteredIntegrationConnector"]
ASSET = RELATIONSHIP_TYPES["AssetConnection"]
CCT = RELATIONSHIP_TYPES["ConnectionConnectorType"]
CTE = RELATIONSHIP_TYPES["ConnectToEndpoint"]
EMB = RELATIONSHIP_TYPES["EmbeddedConnection"]
CAT = RELATIONSHIP_TYPES["CatalogTarget"]

SECRET_PREFIXES = ("env:", "file:")

_YamlLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML was built with it (much faster), else the pure one."""


# ---------------------------------------------------------------- the format
def _own_properties(spec: Referenceable, spec_fields: frozenset[str]) -> dict[str, Any]:
    """An element spec's graph properties: Referenceable.graph_properties without the
    fields that declare what hangs off it (left out of the dump, not dumped and dropped)."""
    return spec.model_dump(exclude_none=True, exclude={*IDENTITY_PROPERTIES, *spec_fields})


def _link_properties(spec: Relationship, spec_field: str) -> dict[str, Any]:
    """A relationship spec's graph properties: Relationship.graph_properties without the
    field naming its end 2."""
    data = spec.model_dump(exclude_none=True, exclude={"guid", spec_field})
    return {k: v.astimezone(UTC) if isinstance(v, datetime) else v for k, v in data.items()}


def _ref_or_inline(value: Any) -> str:
    return "ref" if isinstance(value, str) else "inline"


RefName = Annotated[str, Tag("ref"), Field(min_length=1)]
"""A qualifiedName of an element declared elsewhere in the files or already stored."""

ConnectorTypeRef = Annotated[
    RefName | Annotated[ConnectorType, Tag("inline")],
    Discriminator(_ref_or_inline),
]
EndpointRef = Annotated[
    RefName | Annotated[Endpoint, Tag("inline")],
    Discriminator(_ref_or_inline),
]
ConnectionRef = Annotated[
    Union[RefName, Annotated["ConnectionSpec", Tag("inline")]],  # noqa: UP007
    Discriminator(_ref_or_inline),
]
ElementRef = Annotated[
    RefName | Annotated[Element, Tag("inline")],
    Discriminator(_ref_or_inline),
]


class ConnectionSpec(Connection):
    """A connection (plain or virtual) with what hangs off it."""

    SPEC_FIELDS: ClassVar[frozenset[str]] = frozenset(
        {"connectorType", "endpoint", "embeddedConnections"}
    )

    typeName: Literal["Connection", "VirtualConnection"] = "Connection"
    connectorType: ConnectorTypeRef | None = None
    endpoint: EndpointRef | None = None
    embeddedConnections: list[EmbeddedConnectionSpec] = Field(
        default_factory=list, description="Only for typeName VirtualConnection."
    )

    def type_name(self) -> str:
        return self.typeName

    def graph_properties(self) -> dict[str, Any]:
        return _own_properties(self, self.SPEC_FIELDS)


class EmbeddedConnectionSpec(EmbeddedConnection):
    """A connection embedded in a virtual connection, with its role."""

    connection: ConnectionRef

    def graph_properties(self) -> dict[str, Any]:
        return _link_properties(self, "connection")


class CatalogTargetSpec(CatalogTarget):
    """A catalog target of a connector: the element (inline or referenced) and the link."""

    element: ElementRef

    def graph_properties(self) -> dict[str, Any]:
        return _link_properties(self, "element")


class ConnectorSpec(IntegrationConnector):
    """An integration connector, its registration in the group, connection and targets."""

    registration: RegisteredIntegrationConnector
    connection: ConnectionRef | None = None
    catalogTargets: list[CatalogTargetSpec] = Field(default_factory=list)

    def graph_properties(self) -> dict[str, Any]:
        return _own_properties(self, frozenset({"registration", "connection", "catalogTargets"}))


class ConnectorRegistrationSpec(SwitchboardModel):
    """Registers a connector declared elsewhere (in another group, another file, or
    already stored) in this group: a connector may be in many groups."""

    connector: str = Field(min_length=1, description="qualifiedName of the connector.")
    registration: RegisteredIntegrationConnector


def _connector_kind(value: Any) -> str:
    if isinstance(value, ConnectorRegistrationSpec) or (
        isinstance(value, dict) and "connector" in value
    ):
        return "ref"
    return "inline"


ConnectorEntry = Annotated[
    Annotated[ConnectorRegistrationSpec, Tag("ref")] | Annotated[ConnectorSpec, Tag("inline")],
    Discriminator(_connector_kind),
]


class GroupSpec(IntegrationGroup):
    """An integration group and its registered connectors."""

    connectors: list[ConnectorEntry] = Field(
        default_factory=list,
        description="Connectors declared here, or {connector: qualifiedName, registration: ...}"
        " to register one declared elsewhere.",
    )

    def graph_properties(self) -> dict[str, Any]:
        return _own_properties(self, frozenset({"connectors"}))


class Manifest(SwitchboardModel):
    """One manifest document: groups plus shared connector types, endpoints, connections
    and catalog-target elements that the groups reference by qualifiedName."""

    apiVersion: Literal["switchboard/v1"] = "switchboard/v1"
    integrationGroups: list[GroupSpec] = Field(default_factory=list)
    connectorTypes: list[ConnectorType] = Field(default_factory=list)
    endpoints: list[Endpoint] = Field(default_factory=list)
    connections: list[ConnectionSpec] = Field(default_factory=list)
    elements: list[Element] = Field(default_factory=list)


ConnectionSpec.model_rebuild()
EmbeddedConnectionSpec.model_rebuild()
ConnectorSpec.model_rebuild()
GroupSpec.model_rebuild()
Manifest.model_rebuild()


def manifest_json_schema() -> dict[str, Any]:
    """The JSON Schema of a manifest document, generated from the models."""
    schema = Manifest.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://switchboard.invalid/schemas/manifest-v1.json"
    return schema


# ------------------------------------------------------------------ loading
@dataclass(frozen=True)
class Document:
    """One parsed manifest document and where it came from."""

    source: str
    manifest: Manifest


def _syntax_error(path: str, exc: Exception) -> ManifestError:
    if isinstance(exc, json.JSONDecodeError):
        return ManifestError(
            f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}",
            hint="fix the syntax at that line and column",
        )
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if mark is not None:
        return ManifestError(
            f"{path}:{mark.line + 1}:{mark.column + 1}: invalid YAML: {problem}",
            hint="fix the syntax at that line and column",
        )
    return ManifestError(f"{path}: invalid YAML: {problem}")


def read_documents(path: str | Path) -> list[tuple[str, Any]]:
    """The raw documents of one ``.yaml``/``.yml``/``.json`` file (YAML may hold several)."""
    p = Path(path)
    name = str(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ManifestError(f"{name}: no such file", hint="check the path given to -f") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{name}: cannot read: {exc}") from exc
    try:
        if p.suffix.lower() == ".json":
            docs = [json.loads(text)]
        else:
            docs = [d for d in yaml.load_all(text, Loader=_YamlLoader) if d is not None]
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise _syntax_error(name, exc) from exc
    if len(docs) == 1:
        return [(name, docs[0])]
    return [(f"{name}#{i + 1}", d) for i, d in enumerate(docs)]


def _format_loc(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(document)"


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if isinstance(annotation, typing.ForwardRef | str):
        name = annotation if isinstance(annotation, str) else annotation.__forward_arg__
        found = globals().get(name)
        return found if isinstance(found, type) and issubclass(found, BaseModel) else None
    for arg in typing.get_args(annotation):
        found_model = _model_in(arg)
        if found_model is not None:
            return found_model
    return None


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    if isinstance(annotation, typing.ForwardRef | str):
        found = _model_in(annotation)
        return [found] if found is not None else []
    out: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        out.extend(m for m in _models_in(arg) if m not in out)
    return out


def _model_at(loc: Sequence[int | str]) -> type[BaseModel] | None:
    """The model whose keys are valid at ``loc`` (union members chosen by their tag)."""
    candidates: list[type[BaseModel]] = [Manifest]
    for part in loc:
        if isinstance(part, int):
            continue
        if part in ("ref", "inline"):
            if len(candidates) > 1:
                candidates = [candidates[0] if part == "ref" else candidates[-1]]
            continue
        if not candidates:
            return None
        info = candidates[-1].model_fields.get(part)
        if info is None:
            return None
        candidates = _models_in(info.annotation)
    return candidates[-1] if candidates else None


def _message(err: Mapping[str, Any]) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "greater_than_equal":
        return f"must be >= {ctx.get('ge')}"
    if kind == "greater_than":
        return f"must be > {ctx.get('gt')}"
    if kind == "missing":
        return "required"
    if kind == "string_too_short":
        return "must not be empty"
    if kind in ("literal_error", "enum"):
        return f"must be one of {ctx.get('expected')}"
    if kind == "timezone_aware":
        return "must include a timezone (e.g. 2026-01-01T00:00:00Z)"
    msg = str(err["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    return msg[:1].lower() + msg[1:]


def schema_errors(source: str, exc: ValidationError) -> list[str]:
    """Pydantic errors as ``source: path: message`` lines, unknown keys with a did-you-mean."""
    lines: list[str] = []
    for err in exc.errors():
        raw = list(err["loc"])
        loc = [p for p in raw if p not in ("ref", "inline")]
        path = _format_loc(loc)
        if err["type"] == "extra_forbidden":
            key = str(loc[-1])
            model = _model_at(raw[:-1])
            known = sorted(model.model_fields) if model is not None else []
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            tip = f"; did you mean '{close[0]}'?" if close else ""
            lines.append(f"{source}: {_format_loc(loc[:-1])}: unknown key '{key}'{tip}")
            continue
        if err["type"] in ("union_tag_invalid", "model_type", "model_attributes_type"):
            if err["type"] == "union_tag_invalid" or (raw and raw[-1] == "inline"):
                lines.append(f"{source}: {path}: must be a qualifiedName (string) or a mapping")
            else:
                lines.append(f"{source}: {path}: must be a mapping")
            continue
        lines.append(f"{source}: {path}: {_message(err)}")
    return lines


MAX_NESTING = 64
"""Deepest nesting of maps and lists accepted in a manifest (serialisers give up near 255)."""


def _too_deep(data: Any) -> list[int | str] | None:
    """The path of the first value nested deeper than :data:`MAX_NESTING`, if any."""
    # Depth first over the containers only; the path is worked out only when one is too deep.
    containers = (dict, list)
    if not isinstance(data, containers):
        return None
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value
        if depth >= MAX_NESTING and children:
            return _deep_path(data)
        stack.extend((v, depth + 1) for v in children if isinstance(v, containers))
    return None


def _deep_path(data: Any) -> list[int | str] | None:
    stack: list[tuple[Any, list[int | str]]] = [(data, [])]
    while stack:
        value, path = stack.pop()
        if len(path) > MAX_NESTING:
            return path[: MAX_NESTING + 1]
        if isinstance(value, dict):
            stack.extend((v, [*path, str(k)]) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, [*path, i]) for i, v in enumerate(value))
    return None


def parse_document(source: str, data: Any) -> Document:
    """Validate one raw document against :class:`Manifest`; raises :class:`ManifestError`."""
    if not isinstance(data, dict):
        raise ManifestError(
            f"{source}: a manifest must be a mapping with keys such as 'integrationGroups'",
            hint="see docs/manifests.md or 'switchboard schema'",
        )
    too_deep = _too_deep(data)
    if too_deep is not None:
        raise ManifestError(
            f"{source}: {_format_loc(too_deep)}: nested more than {MAX_NESTING} levels deep",
            hint="flatten the value; manifests need only a few levels",
        )
    try:
        return Document(source, Manifest.model_validate(data))
    except ValidationError as exc:
        lines = schema_errors(source, exc)
        raise ManifestError(
            "\n".join(lines), hint="see docs/manifests.md or 'switchboard schema'"
        ) from exc


def load_manifests(paths: Sequence[str | Path]) -> list[Document]:
    """Read, parse and schema-check every file; raises :class:`ManifestError` on the first bad one."""
    if not paths:
        raise ManifestError("no manifest files given", hint="pass one or more -f PATH")
    docs: list[Document] = []
    for path in paths:
        for source, data in read_documents(path):
            docs.append(parse_document(source, data))
    return docs


# ------------------------------------------------------------ desired state
@dataclass
class Desired:
    """Everything the documents declare, flattened into rows keyed by natural keys."""

    elements: dict[str, ElementRow] = field(default_factory=dict)
    element_models: dict[str, Referenceable] = field(default_factory=dict)
    where: dict[str, str] = field(default_factory=dict)
    relationships: dict[tuple[str, str, str, str], RelationshipRow] = field(default_factory=dict)
    rel_models: dict[tuple[str, str, str, str], Relationship] = field(default_factory=dict)
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
        if t == EMB:
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
                errors.append(f"{_rel_label(identity)}: {problem}")
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


# -------------------------------------------------------------------- plan
@dataclass
class Change:
    """One planned change to one element or relationship."""

    action: Literal["create", "update", "unchanged", "delete"]
    kind: Literal["element", "relationship"]
    name: str
    typeName: str
    diff: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    """property -> (stored value, declared value), for updates."""

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "action": self.action,
            "kind": self.kind,
            "name": self.name,
            "typeName": self.typeName,
        }
        if self.diff:
            out["diff"] = {k: {"from": a, "to": b} for k, (a, b) in sorted(self.diff.items())}
        return out


@dataclass
class Plan:
    """What applying the documents would do; computed inside the apply transaction."""

    changes: list[Change] = field(default_factory=list)
    deletes: list[tuple[str, str, str, str]] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    unchanged_elements: set[str] = field(default_factory=set)
    unchanged_relationships: set[tuple[str, str, str, str]] = field(default_factory=set)
    missing_relationships: set[tuple[str, str, str, str]] = field(default_factory=set)
    """Already as declared when planned: apply does not write them again."""
    element_ids: dict[str, str] = field(default_factory=dict)
    """qualifiedName -> Neo4j elementId of the stored elements the plan read (valid only
    inside the transaction that planned)."""

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)

    @property
    def summary(self) -> dict[str, int]:
        return {a: self.count(a) for a in ("create", "update", "unchanged", "delete")}

    @property
    def change_count(self) -> int:
        return sum(1 for c in self.changes if c.action != "unchanged")


def _comparable(props: Mapping[str, Any]) -> dict[str, Any]:
    return {k: to_python(v) for k, v in props.items() if k not in FIXED_KEYS}


def _diff(stored: Mapping[str, Any], wanted: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    a = decode_properties(_comparable(stored))
    b = decode_properties(dict(wanted))
    return {k: (a.get(k), b.get(k)) for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)}


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def make_plan(
    store: Store,
    tx: ManagedTransaction,
    d: Desired,
    *,
    prune: bool = False,
    force: bool = False,
    prune_threshold: float = DEFAULT_PRUNE_THRESHOLD,
) -> Plan:
    """Compare the desired state with the stored one (inside ``tx``).

    Raises :class:`ManifestError` for dangling references, references to an
    element of the wrong type, a guid that differs from the stored one, and a
    prune that would delete more than ``prune_threshold`` without ``force``.
    """
    plan = Plan(groups=list(d.groups))
    names = list(d.elements) + [qn for qn, _, _ in d.references]
    current = read_element_states_tx(store, tx, names)
    plan.element_ids = {qn: state.element_id for qn, state in current.items()}
    errors: list[str] = []
    for qn, where, accept in d.references:
        type_name: str | None
        if qn in d.elements:
            type_name = d.elements[qn].typeName
        elif qn in current:
            type_name = current[qn].typeName
        else:
            close = difflib.get_close_matches(qn, list(d.elements), n=1, cutoff=0.4)
            tip = f"; did you mean '{close[0]}'?" if close else ""
            errors.append(
                f"{where}: dangling reference '{qn}': declared in no file and not in the "
                f"database{tip}"
            )
            continue
        if accept and type_name not in accept:
            errors.append(f"{where}: '{qn}' is a {type_name}, expected {' or '.join(accept)}")
    for qn, erow in d.elements.items():
        stored = current.get(qn)
        if stored is None:
            plan.changes.append(Change("create", "element", qn, erow.typeName))
            continue
        if erow.guid is not None and stored.guid != erow.guid:
            errors.append(
                f"{d.where[qn]}: guid {erow.guid} differs from the stored {stored.guid}; "
                "a guid cannot change"
            )
            continue
        # Equal stored and declared encodings mean equal properties (the common case,
        # checked without decoding); otherwise the decoded values decide.
        same = stored.typeName == erow.typeName and stored.props == erow.props
        diff = {} if same else _diff(stored.props, erow.props)
        if stored.typeName != erow.typeName:
            diff["typeName"] = (stored.typeName, erow.typeName)
        if diff:
            plan.changes.append(
                Change("update", "element", qn, erow.typeName, _json_safe_diff(diff))
            )
        else:
            plan.changes.append(Change("unchanged", "element", qn, erow.typeName))
            plan.unchanged_elements.add(qn)
    if errors:
        raise ManifestError("\n".join(errors), hint="fix the manifest; nothing was written")

    # Relationships: what the declared owners have now.
    exact: dict[str, set[str]] = {ASSET: set(d.connectors), CCT: set(d.connections)}
    exact[CTE] = set(d.connections)
    exact[EMB] = set(d.connections)
    pruned: dict[str, set[str]] = {REG: set(d.groups), CAT: set(d.connectors)}
    owners = set(d.connectors) | set(d.connections) | set(d.groups)
    # Owners the plan did not find have no relationships yet: nothing to read for them.
    stored_rels = read_relationship_states_tx(
        store, tx, {qn: current[qn].element_id for qn in sorted(owners) if qn in current}
    )
    for identity, rel in d.relationships.items():
        stored_props = stored_rels.get(identity)
        name = _rel_label(identity)
        tname = _egeria(identity[0])
        if stored_props is None:
            plan.changes.append(Change("create", "relationship", name, tname))
            plan.missing_relationships.add(identity)
            continue
        diff = {} if stored_props == rel.props else _diff(stored_props, rel.props)
        if diff:
            plan.changes.append(
                Change("update", "relationship", name, tname, _json_safe_diff(diff))
            )
        else:
            plan.changes.append(Change("unchanged", "relationship", name, tname))
            plan.unchanged_relationships.add(identity)
    scope_total = 0
    prune_deletes: list[tuple[str, str, str, str]] = []
    for identity in stored_rels:
        rel_type, from_, _, _ = identity
        if identity in d.relationships:
            if rel_type in pruned and from_ in pruned[rel_type]:
                scope_total += 1
            continue
        if rel_type in exact and from_ in exact[rel_type]:
            plan.deletes.append(identity)
        elif rel_type in pruned and from_ in pruned[rel_type]:
            scope_total += 1
            if prune:
                prune_deletes.append(identity)
    if prune_deletes and not force and len(prune_deletes) > prune_threshold * scope_total:
        raise ManifestError(
            f"--prune would delete {len(prune_deletes)} of {scope_total} registrations and "
            f"catalog targets of these groups (more than {prune_threshold:.0%})",
            hint="check that all the group's files were given; add --force to delete anyway",
        )
    plan.deletes.extend(prune_deletes)
    for identity in plan.deletes:
        plan.changes.append(
            Change("delete", "relationship", _rel_label(identity), _egeria(identity[0]))
        )
    return plan


def _json_safe_diff(diff: dict[str, tuple[Any, Any]]) -> dict[str, tuple[Any, Any]]:
    return {k: (_json_safe(a), _json_safe(b)) for k, (a, b) in diff.items()}


def _egeria(rel_type: str) -> str:
    return EGERIA_NAME_BY_REL_TYPE.get(rel_type, rel_type)


def _rel_label(identity: tuple[str, str, str, str]) -> str:
    _, from_, to, key = identity
    return f"{from_} -> {to}" + (f" [{key}]" if key else "")


# ------------------------------------------------------------------- apply
Validator = Callable[[Store, ManagedTransaction, Sequence[str]], Sequence[Mapping[str, Any]] | None]
"""Called inside the apply transaction, after every write and before commit, with the
qualifiedNames of the applied groups; raise a SwitchboardError to roll everything back.
What it returns (findings that do not block the apply, e.g. warnings, as dicts) ends up in
:attr:`ApplyReport.warnings`."""

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total), called as batches are written."""


@dataclass
class ApplyReport:
    """What :func:`apply` planned and (unless ``dry_run``) did."""

    plan: Plan
    dry_run: bool
    results: list[WriteResult] = field(default_factory=list)
    deleted: int = 0
    warnings: list[dict[str, Any]] = field(default_factory=list)
    """Findings of the validator that did not block the apply (warnings)."""

    @property
    def counts(self) -> dict[str, int]:
        if self.dry_run:
            return self.plan.summary
        out = {
            "create": 0,
            "update": 0,
            "unchanged": len(self.plan.unchanged_elements) + len(self.plan.unchanged_relationships),
            "delete": self.deleted,
        }
        for r in self.results:
            out[{"created": "create", "updated": "update"}.get(r.outcome, "unchanged")] += 1
        return out

    @property
    def changes(self) -> int:
        c = self.counts
        return c["create"] + c["update"] + c["delete"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "dryRun": self.dry_run,
            "groups": self.plan.groups,
            "counts": self.counts,
            "changes": self.changes,
            "plan": [c.as_dict() for c in self.plan.changes if c.action != "unchanged"],
            "warnings": self.warnings,
        }


def validate_in_transaction(
    store: Store, tx: ManagedTransaction, groups: Sequence[str]
) -> list[dict[str, Any]]:
    """The structural rules (engine.validate) on the groups as they are about to be committed.

    Raises :class:`ManifestError` listing every error finding; returns the other findings
    (warnings), as dicts, for the report.
    """
    from engine.graph.resolve import RESOLVE_GROUPS_QUERY, group_from_row
    from engine.validate import validate_groups

    if not groups:
        return []
    rows = store.run(tx, RESOLVE_GROUPS_QUERY, {"qualifiedNames": list(dict.fromkeys(groups))})
    findings = validate_groups([group_from_row(r) for r in rows])
    errors = [f for f in findings if f.is_error]
    if errors:
        lines = [f"{f.rule} {f.group or ''} {f.connector or ''}: {f.message}" for f in errors]
        raise ManifestError(
            "validation failed; nothing was written:\n" + "\n".join(lines),
            hint="fix the findings (see 'switchboard validate'), or apply with --no-validate",
        )
    return [f.model_dump(mode="json") for f in findings if not f.is_error]


def apply_documents(
    store: Store,
    docs: Sequence[Document],
    *,
    dry_run: bool = False,
    prune: bool = False,
    force: bool = False,
    prune_threshold: float = DEFAULT_PRUNE_THRESHOLD,
    validator: Validator | None = None,
    user: str | None = None,
    progress: Progress | None = None,
    on_plan: Callable[[Plan], None] | None = None,
) -> ApplyReport:
    """Plan and (unless ``dry_run``) apply parsed documents in ONE write transaction.

    All or nothing: any error (bad reference, conflict, validator) rolls back.
    What the plan finds missing is created with plain CREATE; when another writer commits
    one of those elements first, the uniqueness constraints refuse it, and the apply is
    planned again in a new transaction and written with MERGE throughout.
    ``on_plan`` sees the plan inside the transaction before anything is written
    (called again when the transaction is retried, after a transient error or that).
    Raises :class:`ManifestError` (exit 2) for bad input.
    """
    with gc_paused():
        # The desired state and the plan are ~10 long-lived objects per declared element
        # and relationship: automatic collections, each walking all of them, cost more
        # than the rest of the client's work (a third of a 10,000-connector re-apply).
        return _apply_documents(
            store, docs, dry_run, prune, force, prune_threshold, validator, user, progress, on_plan
        )


def _apply_documents(
    store: Store,
    docs: Sequence[Document],
    dry_run: bool,
    prune: bool,
    force: bool,
    prune_threshold: float,
    validator: Validator | None,
    user: str | None,
    progress: Progress | None,
    on_plan: Callable[[Plan], None] | None,
) -> ApplyReport:
    desired = collect(docs)
    user = user or current_user()
    if dry_run:
        return store.read_tx(
            "apply:plan",
            lambda tx: ApplyReport(
                make_plan(
                    store, tx, desired, prune=prune, force=force, prune_threshold=prune_threshold
                ),
                True,
            ),
        )

    def work(tx: ManagedTransaction, lean: bool) -> ApplyReport:
        plan = make_plan(
            store, tx, desired, prune=prune, force=force, prune_threshold=prune_threshold
        )
        report = ApplyReport(plan, False)
        if on_plan is not None:
            on_plan(plan)
        if plan.deletes:
            report.deleted = delete_relationships_tx(store, tx, plan.deletes)
        # What the plan found already as declared is not written again: a concurrent change
        # made after the plan read it simply commits after this transaction.
        creates = {c.name for c in plan.changes if c.kind == "element" and c.action == "create"}
        new_rows = [r for qn, r in desired.elements.items() if qn in creates]
        changed_rows = [
            r
            for qn, r in desired.elements.items()
            if qn not in creates and qn not in plan.unchanged_elements
        ]
        new_rels = [r for i, r in desired.relationships.items() if i in plan.missing_relationships]
        changed_rels = [
            r
            for i, r in desired.relationships.items()
            if i not in plan.missing_relationships and i not in plan.unchanged_relationships
        ]
        total = len(desired.elements) + len(desired.relationships)
        done = total - len(new_rows) - len(changed_rows) - len(new_rels) - len(changed_rels)
        step = NEW_BATCH_SIZE
        ids = dict(plan.element_ids)

        def told(stage: str, base: int) -> Callable[[int], None] | None:
            if progress is None:
                return None
            return lambda n: progress(stage, base + n, total)

        if lean:
            # What the plan found missing is created with plain CREATE; an element another
            # writer committed meanwhile breaks a uniqueness constraint, and the caller then
            # runs this again with lean=False.
            results, created = create_new_elements_tx(
                store, tx, new_rows, user=user, progress=told("elements", done)
            )
            ids.update(created)
            report.results.extend(results)
            done += len(new_rows)
        else:
            for start in range(0, len(new_rows), step):
                chunk = new_rows[start : start + step]
                # MERGE ... ON CREATE: falls back to the upsert for what exists by now.
                report.results.extend(create_elements_tx(store, tx, chunk, user=user))
                done += len(chunk)
                if progress:
                    progress("elements", done, total)
        report.results.extend(write_elements_tx(store, tx, changed_rows, user=user))
        done += len(changed_rows)
        # A relationship whose end 1 this transaction created cannot exist yet, nor be
        # written by anyone else: plain CREATE between elementIds. The others may have been
        # created by a concurrent writer since the plan: MERGE (create_relationships_tx).
        fresh = creates if lean else set()
        from_new = [r for r in new_rels if r.from_ in fresh]
        others = [r for r in new_rels if r.from_ not in fresh]
        if from_new:
            report.results.extend(
                create_new_relationships_tx(
                    store, tx, from_new, ids, user=user, progress=told("relationships", done)
                )
            )
            done += len(from_new)
        for start in range(0, len(others), step):
            rchunk = others[start : start + step]
            report.results.extend(create_relationships_tx(store, tx, rchunk, user=user))
            done += len(rchunk)
            if progress:
                progress("relationships", done, total)
        report.results.extend(write_relationships_tx(store, tx, changed_rels, user=user))
        if validator is not None:
            report.warnings = [dict(w) for w in validator(store, tx, desired.groups) or ()]
        return report

    timeout = max(store.query_timeout, 600.0)
    try:
        # Another transaction may commit an element (or relationship) this one's plan found
        # missing: the writer then plans again, in a new transaction, with MERGE throughout.
        return write_with_replan(store, "apply", work, timeout=timeout)
    except NotFoundError as exc:
        raise ManifestError(exc.message, hint=exc.hint) from exc


def apply(
    store: Store,
    paths: Sequence[str | Path],
    *,
    dry_run: bool = False,
    prune: bool = False,
    force: bool = False,
    prune_threshold: float = DEFAULT_PRUNE_THRESHOLD,
    validator: Validator | None = None,
    user: str | None = None,
    progress: Progress | None = None,
    on_plan: Callable[[Plan], None] | None = None,
) -> ApplyReport:
    """Load manifest files and apply them (see :func:`apply_documents`)."""
    with gc_paused():  # see apply_documents
        docs = load_manifests(paths)
        return apply_documents(
            store,
            docs,
            dry_run=dry_run,
            prune=prune,
            force=force,
            prune_threshold=prune_threshold,
            validator=validator,
            user=user,
            progress=progress,
            on_plan=on_plan,
        )


# ------------------------------------------------------------------ export
def _clean(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude_none=True, exclude_defaults=True)


def _element_doc(model: Referenceable) -> dict[str, Any]:
    data = _clean(model)
    if isinstance(model, Element):
        data["typeName"] = model.typeName
    return data


def export_groups(store: Store, groups: Sequence[str]) -> dict[str, Any]:
    """The manifest document declaring ``groups`` as stored (deterministic order).

    Connector types, endpoints and catalog-target elements are listed once at
    the top and referenced by qualifiedName; a connection is inline under the
    connector (or embedding connection) that uses it, or listed at the top when
    used more than once. Raises :class:`NotFoundError` for an unknown group.
    """

    def work(tx: ManagedTransaction) -> dict[str, Any]:
        names = list(dict.fromkeys(groups))
        found = read_elements_tx(store, tx, names, timestamps=False)
        missing = [n for n in names if n not in found or found[n]["typeName"] != "IntegrationGroup"]
        if missing:
            raise NotFoundError(
                f"no integration group {', '.join(repr(m) for m in missing)}",
                hint="list groups with 'switchboard groups' or check the qualifiedName",
            )
        rels: dict[str, list[dict[str, Any]]] = defaultdict(list)
        elements: dict[str, dict[str, Any]] = dict(found)
        frontier = names
        seen: set[str] = set(names)
        while frontier:
            out = read_outgoing_tx(store, tx, frontier, timestamps=False)
            nxt: list[str] = []
            for row in out:
                rels[row["from"]].append(row)
                follow = row["type"] in (REG, ASSET, CCT, CTE, EMB, CAT)
                if follow and row["to"] not in seen:
                    seen.add(row["to"])
                    nxt.append(row["to"])
            elements.update(read_elements_tx(store, tx, nxt, timestamps=False))
            # Catalog-target elements and connector types/endpoints are leaves.
            frontier = [
                qn
                for qn in nxt
                if elements.get(qn, {}).get("typeName")
                in ("IntegrationConnector", "Connection", "VirtualConnection")
            ]
        for rows in rels.values():
            rows.sort(
                key=lambda r: (r["type"], r["to"], str(r["props"].get("catalogTargetName", "")))
            )
        return _build_export(names, elements, rels)

    return store.read_tx("export", work)


def _build_export(
    names: Sequence[str],
    elements: Mapping[str, Mapping[str, Any]],
    rels: Mapping[str, Sequence[Mapping[str, Any]]],
) -> dict[str, Any]:
    def model(qn: str) -> Referenceable:
        row = elements[qn]
        props = decode_properties(row["props"])
        return element_from_properties(row["typeName"] or "Referenceable", props)

    def rel_doc(row: Mapping[str, Any]) -> dict[str, Any]:
        rel = relationship_from_properties(_egeria(row["type"]), decode_properties(row["props"]))
        return _clean(rel)

    uses: dict[str, int] = defaultdict(int)
    for rows in rels.values():
        for row in rows:
            if row["type"] in (ASSET, EMB):
                uses[row["to"]] += 1
    top_types: set[str] = set()
    top_endpoints: set[str] = set()
    top_elements: set[str] = set()
    top_connections: set[str] = set()

    def connection_doc(qn: str, stack: tuple[str, ...]) -> dict[str, Any]:
        doc = {"typeName": elements[qn]["typeName"], **_element_doc(model(qn))}
        if doc["typeName"] == "Connection":
            del doc["typeName"]
        embedded: list[dict[str, Any]] = []
        for row in rels.get(qn, ()):
            if row["type"] == CCT:
                top_types.add(row["to"])
                doc["connectorType"] = row["to"]
            elif row["type"] == CTE:
                top_endpoints.add(row["to"])
                doc["endpoint"] = row["to"]
            elif row["type"] == EMB:
                item = rel_doc(row)
                item["connection"] = connection_ref(row["to"], (*stack, qn))
                embedded.append(item)
        if embedded:
            embedded.sort(key=lambda e: (e.get("position", 0), _ref_name(e["connection"])))
            doc["embeddedConnections"] = embedded
        return doc

    def connection_ref(qn: str, stack: tuple[str, ...]) -> str | dict[str, Any]:
        if uses[qn] > 1 or qn in stack:
            top_connections.add(qn)
            return qn
        return connection_doc(qn, stack)

    groups_out: list[dict[str, Any]] = []
    declared_connectors: set[str] = set()
    for gqn in sorted(names):
        gdoc = _element_doc(model(gqn))
        connectors: list[dict[str, Any]] = []
        for reg in rels.get(gqn, ()):
            if reg["type"] != REG:
                continue
            cqn = reg["to"]
            if cqn in declared_connectors:
                connectors.append({"connector": cqn, "registration": rel_doc(reg)})
                continue
            declared_connectors.add(cqn)
            cdoc = _element_doc(model(cqn))
            cdoc["registration"] = rel_doc(reg)
            targets: list[dict[str, Any]] = []
            for row in rels.get(cqn, ()):
                if row["type"] == ASSET:
                    cdoc["connection"] = connection_ref(row["to"], ())
                elif row["type"] == CAT:
                    tdoc = rel_doc(row)
                    tdoc["element"] = row["to"]
                    top_elements.add(row["to"])
                    targets.append(tdoc)
            if targets:
                targets.sort(key=lambda t: (t["element"], t.get("catalogTargetName", "")))
                cdoc["catalogTargets"] = targets
            connectors.append(cdoc)
        connectors.sort(key=lambda c: str(c.get("qualifiedName") or c.get("connector")))
        if connectors:
            gdoc["connectors"] = connectors
        groups_out.append(gdoc)

    # Top-level connections may themselves reference further top-level items.
    conn_docs: dict[str, dict[str, Any]] = {}
    pending = sorted(top_connections)
    while pending:
        qn = pending.pop()
        if qn not in conn_docs:
            conn_docs[qn] = connection_doc(qn, (qn,))
            pending.extend(sorted(top_connections - set(conn_docs)))
    doc: dict[str, Any] = {"apiVersion": API_VERSION}
    if top_types:
        doc["connectorTypes"] = [_element_doc(model(q)) for q in sorted(top_types)]
    if top_endpoints:
        doc["endpoints"] = [_element_doc(model(q)) for q in sorted(top_endpoints)]
    if conn_docs:
        doc["connections"] = [conn_docs[q] for q in sorted(conn_docs)]
    declared_elsewhere = set(names) | top_connections
    leaves = sorted(q for q in top_elements if q not in declared_elsewhere)
    if leaves:
        doc["elements"] = [_element_doc(model(q)) for q in leaves if q in elements]
    doc["integrationGroups"] = groups_out
    return doc


def _ref_name(value: str | Mapping[str, Any]) -> str:
    return value if isinstance(value, str) else str(value.get("qualifiedName", ""))


def dump_document(doc: Mapping[str, Any], fmt: Literal["yaml", "json"] = "yaml") -> str:
    """Serialise an exported document (stable: same input, same text)."""
    if fmt == "json":
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    return yaml.dump(
        dict(doc), Dumper=_ExportDumper, sort_keys=False, allow_unicode=True, width=100
    )


_LINE_BREAKS = ("\x85", "\u2028", "\u2029")


class _ExportDumper(yaml.SafeDumper):
    """SafeDumper that double-quotes strings holding Unicode line breaks: with
    ``allow_unicode`` PyYAML writes a NEL raw inside single quotes, and reading the file
    back folds it into a space."""


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    if any(c in data for c in _LINE_BREAKS):
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style='"')
    return yaml.SafeDumper.represent_str(dumper, data)


_ExportDumper.add_representer(str, _represent_str)


__all__ = [
    "API_VERSION",
    "ApplyReport",
    "Change",
    "Document",
    "Manifest",
    "Plan",
    "Validator",
    "apply",
    "apply_documents",
    "collect",
    "dump_document",
    "export_groups",
    "load_manifests",
    "make_plan",
    "manifest_json_schema",
    "parse_document",
    "read_documents",
    "validate_in_transaction",
]
