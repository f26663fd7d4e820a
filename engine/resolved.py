"""Typed views of a resolved integration group (the output of resolution).

A :class:`ResolvedGroup` is the whole subgraph of one group as one document:
the group, each registered connector with its registration, connection
(connector type, endpoint, embedded connections to any depth) and catalog
targets. Property names are Egeria's. Defects stay visible instead of being
smoothed over, because the validator must see them: a connector with no
connection or two (``connection`` is ``None`` / ``additionalConnections`` is
non-empty), a connection with two connector types or endpoints, an embedding
cycle (the repeated connection appears with ``cycle=True`` and is not
expanded again).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from engine.typesystem import DEFAULT_PERMITTED_SYNCHRONIZATION


class View(BaseModel):
    """Base of every resolved view: camelCase names, extra keys rejected."""

    model_config = ConfigDict(extra="forbid", frozen=False, use_attribute_docstrings=True)


class ElementView(View):
    """Any element: identity, type, and every other stored property (decoded)."""

    guid: str
    qualifiedName: str
    typeName: str
    isProxy: bool = False
    properties: dict[str, Any] = Field(default_factory=dict)
    """Everything else stored on the node (displayName, audit fields, maps...)."""


class RegistrationView(View):
    """A RegisteredIntegrationConnector relationship (group -> connector)."""

    guid: str
    connectorName: str | None = None
    connectorUserId: str | None = None
    metadataSourceQualifiedName: str | None = None
    metadataCollectionQualifiedName: str | None = None
    startDate: datetime | None = None
    connectorShutdownDate: datetime | None = None
    refreshTimeInterval: int | None = None
    """Minutes between refreshes; 0 means no periodic refresh."""
    generateConnectorActivityReports: bool = True
    permittedSynchronization: str | None = None
    properties: dict[str, Any] = Field(default_factory=dict)
    """Audit fields and any other stored property."""


class ConnectionView(ElementView):
    """A Connection or VirtualConnection with what hangs off it."""

    connectorType: ElementView | None = None
    additionalConnectorTypes: list[ElementView] = Field(default_factory=list)
    endpoint: ElementView | None = None
    additionalEndpoints: list[ElementView] = Field(default_factory=list)
    embeddedConnections: list[EmbeddedConnectionView] = Field(default_factory=list)
    assetQualifiedNames: list[str] = Field(default_factory=list)
    """Every asset linked to this connection by AssetConnection (rule 7: at most one)."""

    @property
    def configuration_properties(self) -> dict[str, Any]:
        value = self.properties.get("configurationProperties") or {}
        return dict(value) if isinstance(value, dict) else {}


class EmbeddedConnectionView(View):
    """An EmbeddedConnection relationship and the connection it embeds."""

    guid: str
    position: int = 0
    displayName: str | None = None
    arguments: dict[str, Any] = Field(default_factory=dict)
    connection: ConnectionView
    cycle: bool = False
    """True when ``connection`` is already on the path from the root: not expanded again."""


class CatalogTargetView(View):
    """A CatalogTarget relationship, its target element and the effective settings."""

    relationship: dict[str, Any]
    """guid, catalogTargetName, connectionName, configurationProperties, templates,
    metadataSourceQualifiedName, metadataCollectionQualifiedName,
    permittedSynchronization, deleteMethod (as stored, decoded)."""
    element: ElementView
    elementConnectionNames: list[str] = Field(default_factory=list)
    """qualifiedNames and displayNames of the target element's own connections (rule 12)."""
    effectiveConfiguration: dict[str, Any] = Field(default_factory=dict)
    """The connection's configurationProperties overlaid by the target's."""
    effectivePermittedSynchronization: str = DEFAULT_PERMITTED_SYNCHRONIZATION
    """The target's permittedSynchronization, else the registration's, else the default."""

    @property
    def guid(self) -> str:
        return str(self.relationship["guid"])

    @property
    def name(self) -> str | None:
        value = self.relationship.get("catalogTargetName")
        return str(value) if value is not None else None


class ConnectorView(View):
    """One registered connector of a group."""

    registration: RegistrationView
    connector: ElementView
    usesBlockingCalls: bool = False
    connection: ConnectionView | None = None
    additionalConnections: list[ConnectionView] = Field(default_factory=list)
    """Connections beyond the first (rule 6: a connector needs exactly one)."""
    catalogTargets: list[CatalogTargetView] = Field(default_factory=list)

    @property
    def connector_name(self) -> str:
        return self.registration.connectorName or self.connector.qualifiedName


class ResolvedGroup(View):
    """The whole subgraph of one integration group, in deterministic order
    (connectors by connectorName, embedded connections by position, catalog
    targets by catalogTargetName)."""

    group: ElementView
    connectors: list[ConnectorView] = Field(default_factory=list)

    @property
    def qualified_name(self) -> str:
        return self.group.qualifiedName


ConnectionView.model_rebuild()
EmbeddedConnectionView.model_rebuild()


# ------------------------------------------------------------------ from plain data
# Resolution decodes a group into plain data (engine.graph.resolve), then wraps it here:
# views are built with _new (no validation) from dicts holding exactly their fields, of
# their declared types (the decoder checks the types it cannot vouch for, and sends a
# view with another through coerced_fields). A resolved group holds ~900 views;
# validating each costs more than the query.
_V = TypeVar("_V", bound=BaseModel)
# BaseModel's slots, set through their descriptors (object.__setattr__ looks each name up
# on every call; ~1,400 views per group make that measurable)
_object_new = object.__new__
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__
_FIELDS_SETS: dict[type[BaseModel], set[str]] = {}


def _new(cls: type[_V], fields: dict[str, Any]) -> _V:
    """``cls`` holding ``fields`` (every field of ``cls``, of its declared type), unvalidated.

    What ``cls.model_construct(**fields)`` does, without its per-field default handling.
    Every view of a class shares one ``__pydantic_fields_set__`` (all its fields are set,
    and pydantic only ever adds a field name that is already there), so that a group
    holds ~1,400 fewer sets for the garbage collector to walk.
    """
    fields_set = _FIELDS_SETS.get(cls)
    if fields_set is None:
        fields_set = _FIELDS_SETS[cls] = set(cls.model_fields)
    view = _object_new(cls)
    _set_dict(view, fields)
    _set_fields_set(view, fields_set)
    _set_extra(view, None)
    _set_private(view, None)
    return view


VIEW_CLASSES: dict[str, type[View]] = {
    "registration": RegistrationView,
    "embedded": EmbeddedConnectionView,
    "catalogTarget": CatalogTargetView,
}
"""The views whose plain fields may need pydantic's coercion, by the decoder's name."""


def coerced_fields(
    kind: str, fields: dict[str, Any], nested: tuple[str, ...] = ()
) -> dict[str, Any]:
    """``fields`` of a view of :data:`VIEW_CLASSES` ``kind`` as pydantic's validation
    coerces them (or raises its ValidationError); the ``nested`` fields keep the plain
    values given."""
    view = VIEW_CLASSES[kind](**fields)
    out = dict(view.__dict__)
    for name in nested:
        out[name] = fields[name]
    return out


def views_from_plain(plain: dict[str, Any]) -> ResolvedGroup:
    """The :class:`ResolvedGroup` of a group's plain data (see
    :func:`engine.graph.resolve.resolve_group_plain`). The plain dicts become the views'
    own: ``plain`` is used up."""
    plain["group"] = _new(ElementView, plain["group"])
    plain["connectors"] = [_connector_view(c) for c in plain["connectors"]]
    return _new(ResolvedGroup, plain)


def _connector_view(plain: dict[str, Any]) -> ConnectorView:
    plain["registration"] = _new(RegistrationView, plain["registration"])
    plain["connector"] = _new(ElementView, plain["connector"])
    first = plain["connection"]
    plain["connection"] = _connection_view(first) if first is not None else None
    plain["additionalConnections"] = [_connection_view(c) for c in plain["additionalConnections"]]
    targets = plain["catalogTargets"]
    for target in targets:
        target["element"] = _new(ElementView, target["element"])
    plain["catalogTargets"] = [_new(CatalogTargetView, t) for t in targets]
    return _new(ConnectorView, plain)


def _connection_view(plain: dict[str, Any]) -> ConnectionView:
    connector_type, endpoint = plain["connectorType"], plain["endpoint"]
    if connector_type is not None:
        plain["connectorType"] = _new(ElementView, connector_type)
    plain["additionalConnectorTypes"] = [
        _new(ElementView, e) for e in plain["additionalConnectorTypes"]
    ]
    if endpoint is not None:
        plain["endpoint"] = _new(ElementView, endpoint)
    plain["additionalEndpoints"] = [_new(ElementView, e) for e in plain["additionalEndpoints"]]
    embedded = plain["embeddedConnections"]
    for link in embedded:
        link["connection"] = _connection_view(link["connection"])
    plain["embeddedConnections"] = [_new(EmbeddedConnectionView, e) for e in embedded]
    return _new(ConnectionView, plain)
