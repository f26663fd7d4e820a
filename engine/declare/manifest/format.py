"""The manifest format: the pydantic models of a manifest document and its JSON Schema.

A manifest declares integration groups with their connectors, connections
(inline or by qualifiedName reference), connector types, endpoints, embedded
connections and catalog targets (docs/manifests.md). The models here are the
element and relationship models of :mod:`engine.model` plus the fields that
declare what hangs off each element.
"""

from __future__ import annotations

import typing
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import BaseModel, Discriminator, Field, Tag

from engine.model import (
    IDENTITY_PROPERTIES,
    CatalogTarget,
    Connection,
    ConnectorType,
    Element,
    EmbeddedConnection,
    Endpoint,
    IntegrationConnector,
    IntegrationGroup,
    Referenceable,
    RegisteredIntegrationConnector,
    Relationship,
    SwitchboardModel,
)

API_VERSION = "switchboard/v1"

SCHEMA_NAMES: dict[str, str] = {"ConnectorDeclaration": "ConnectorSpec"}
"""Model name -> the name the JSON Schema gives it (kept stable for editors and users)."""


def _own_properties(spec: Referenceable, spec_fields: frozenset[str]) -> dict[str, Any]:
    """An element spec's graph properties: Referenceable.graph_properties without the
    fields that declare what hangs off it (left out of the dump, not dumped and dropped)."""
    return spec.model_dump(exclude_none=True, exclude={*IDENTITY_PROPERTIES, *spec_fields})


def _link_properties(spec: Relationship, spec_field: str) -> dict[str, Any]:
    """A relationship spec's graph properties: Relationship.graph_properties without the
    field naming its end 2."""
    data = spec.model_dump(exclude_none=True, exclude={"guid", spec_field})
    return {k: v.astimezone(UTC) if isinstance(v, datetime) else v for k, v in data.items()}


def _no_items() -> list[Any]:
    """An empty list: the default of the list fields. Not ``default_factory=list``: building
    a model, pydantic reads its default factories' signatures, and the builtin ``list``'s is
    parsed from text by the tokenizer (its patterns compiled on first use, ~2 ms of every
    command that loads the format)."""
    return []


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
        default_factory=_no_items, description="Only for typeName VirtualConnection."
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


class ConnectorDeclaration(IntegrationConnector):
    """An integration connector, its registration in the group, connection and targets."""

    registration: RegisteredIntegrationConnector
    connection: ConnectionRef | None = None
    catalogTargets: list[CatalogTargetSpec] = Field(default_factory=_no_items)

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
    Annotated[ConnectorRegistrationSpec, Tag("ref")]
    | Annotated[ConnectorDeclaration, Tag("inline")],
    Discriminator(_connector_kind),
]


class GroupSpec(IntegrationGroup):
    """An integration group and its registered connectors."""

    connectors: list[ConnectorEntry] = Field(
        default_factory=_no_items,
        description="Connectors declared here, or {connector: qualifiedName, registration: ...}"
        " to register one declared elsewhere.",
    )

    def graph_properties(self) -> dict[str, Any]:
        return _own_properties(self, frozenset({"connectors"}))


class Manifest(SwitchboardModel):
    """One manifest document: groups plus shared connector types, endpoints, connections
    and catalog-target elements that the groups reference by qualifiedName."""

    apiVersion: Literal["switchboard/v1"] = "switchboard/v1"
    integrationGroups: list[GroupSpec] = Field(default_factory=_no_items)
    connectorTypes: list[ConnectorType] = Field(default_factory=_no_items)
    endpoints: list[Endpoint] = Field(default_factory=_no_items)
    connections: list[ConnectionSpec] = Field(default_factory=_no_items)
    elements: list[Element] = Field(default_factory=_no_items)


# Every model a manifest is made of, built here (the element and relationship models defer
# theirs until first used) and parts before the models containing them: a part's schema is
# then generated once and reused by the models containing it, where built on first use it
# would be generated inside each of them and again when the part itself is first dumped.
# ConnectionSpec and EmbeddedConnectionSpec contain each other: ConnectionSpec goes first.
for _model in (
    ConnectorType,
    Endpoint,
    Element,
    RegisteredIntegrationConnector,
    CatalogTargetSpec,
    ConnectionSpec,
    EmbeddedConnectionSpec,
    ConnectorDeclaration,
    GroupSpec,
    Manifest,
):
    _model.model_rebuild()


def manifest_json_schema() -> dict[str, Any]:
    """The JSON Schema of a manifest document, generated from the models."""
    schema: dict[str, Any] = _renamed(Manifest.model_json_schema(by_alias=True))
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://switchboard.invalid/schemas/manifest-v1.json"
    return schema


def _renamed(value: Any) -> Any:
    """``value`` (part of a generated schema) with the models named as :data:`SCHEMA_NAMES` says:
    definition keys, ``$ref`` targets and titles."""
    if isinstance(value, list):
        return [_renamed(item) for item in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key == "$defs":
            out[key] = {SCHEMA_NAMES.get(k, k): _renamed(v) for k, v in item.items()}
        elif key == "$ref" and isinstance(item, str):
            prefix, _, name = item.rpartition("/")
            out[key] = f"{prefix}/{SCHEMA_NAMES.get(name, name)}"
        elif key == "title" and isinstance(item, str):
            out[key] = SCHEMA_NAMES.get(item, item)
        else:
            out[key] = _renamed(item)
    return out


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


def model_at(loc: Sequence[int | str]) -> type[BaseModel] | None:
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
