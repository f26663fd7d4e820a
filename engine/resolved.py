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
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_PERMITTED_SYNCHRONIZATION = "BOTH_DIRECTIONS"


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
