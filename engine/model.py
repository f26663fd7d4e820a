"""Pydantic v2 models of SPEC.md §1-2: elements, relationships, enums, audit fields.

Field names are Egeria's property names (camelCase), which are also the graph
property names and the manifest keys, so one name means one thing everywhere.
Every model rejects unknown keys (``extra="forbid"``) so a misspelt property is
an error, not a silently dropped value.

Element models carry a class-level ``TYPE_NAME``; the generic :class:`Element`
(any catalog-target element) carries ``typeName`` as a field instead. The
engine-kept audit fields (``version``, ``createTime``, ``updateTime``,
``createdBy``, ``updatedBy``) live in :class:`Audit` and are never accepted
from input.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from engine import typesystem
from engine.typesystem import LABEL_PATTERN

IDENTITY_PROPERTIES: frozenset[str] = frozenset({"guid", "qualifiedName", "typeName"})
"""Node properties that identify an element rather than describe it."""


class PermittedSynchronization(StrEnum):
    """Which way a connector may synchronise metadata (default BOTH_DIRECTIONS)."""

    BOTH_DIRECTIONS = "BOTH_DIRECTIONS"
    TO_THIRD_PARTY = "TO_THIRD_PARTY"
    FROM_THIRD_PARTY = "FROM_THIRD_PARTY"
    OTHER = "OTHER"


class DeleteMethod(StrEnum):
    """How a connector removes metadata whose source disappeared (default LOOK_FOR_LINEAGE)."""

    ARCHIVE = "ARCHIVE"
    SOFT_DELETE = "SOFT_DELETE"
    LOOK_FOR_LINEAGE = "LOOK_FOR_LINEAGE"
    PURGE = "PURGE"
    OTHER = "OTHER"


DEFAULT_PERMITTED_SYNCHRONIZATION = PermittedSynchronization(
    typesystem.DEFAULT_PERMITTED_SYNCHRONIZATION
)
DEFAULT_DELETE_METHOD = DeleteMethod(typesystem.DEFAULT_DELETE_METHOD)


class SwitchboardModel(BaseModel):
    """Base of every model: camelCase names, unknown keys rejected, enums stored as values."""

    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        use_enum_values=True,
        validate_assignment=False,
        defer_build=True,
    )


def _utc(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC) if value is not None else None


class Audit(SwitchboardModel):
    """Engine-kept audit fields of an element or relationship (read-only)."""

    version: int = Field(ge=0, description="1 on create, +1 on every real change")
    createTime: datetime | None = None
    updateTime: datetime | None = None
    createdBy: str | None = None
    updatedBy: str | None = None


# ------------------------------------------------------------------ elements
class Referenceable(SwitchboardModel):
    """Properties every element has (SPEC §1)."""

    TYPE_NAME: ClassVar[str] = "Referenceable"

    guid: str | None = Field(
        default=None,
        min_length=1,
        description="Immutable identity; generated (uuid4) when omitted.",
    )
    qualifiedName: str = Field(
        min_length=1, description="Unique name across all elements: the natural key."
    )
    displayName: str | None = None
    description: str | None = None
    versionIdentifier: str | None = None
    category: str | None = None
    additionalProperties: dict[str, str] | None = None

    def type_name(self) -> str:
        """The most specific type of this element (its ``typeName`` on the graph)."""
        return self.TYPE_NAME

    def graph_properties(self) -> dict[str, Any]:
        """Descriptive properties as stored (identity and unset values left out)."""
        data = self.model_dump(exclude_none=True, exclude=set(IDENTITY_PROPERTIES))
        return data


class IntegrationGroup(Referenceable):
    """A named set of integration connectors run together (Egeria 0464)."""

    TYPE_NAME: ClassVar[str] = "IntegrationGroup"

    deployedImplementationType: str = "Dynamic Integration Group"
    deploymentStatus: str | None = None
    patchLevel: str | None = None
    source: str | None = None


class IntegrationConnector(Referenceable):
    """A connector that synchronises metadata with a third party."""

    TYPE_NAME: ClassVar[str] = "IntegrationConnector"

    usesBlockingCalls: bool = False
    resourceName: str | None = None
    deployedImplementationType: str | None = None
    implementationLanguage: str | None = None


class Connection(Referenceable):
    """How to create and configure a connector instance (Egeria 0201)."""

    TYPE_NAME: ClassVar[str] = "Connection"

    configurationProperties: dict[str, Any] | None = None
    securedProperties: dict[str, str] | None = Field(
        default=None,
        description="Secret references only: 'env:NAME', 'file:PATH' or a secrets-store purpose.",
    )
    userId: str | None = None
    clearPassword: str | None = Field(
        default=None, description="A secret reference, never the password itself (SPEC §5)."
    )
    encryptedPassword: str | None = Field(
        default=None, description="A secret reference, never the password itself (SPEC §5)."
    )


class VirtualConnection(Connection):
    """A connection that embeds other connections (e.g. a secrets store)."""

    TYPE_NAME: ClassVar[str] = "VirtualConnection"


class ConnectorType(Referenceable):
    """Which connector provider implements a connection (shared between connections)."""

    TYPE_NAME: ClassVar[str] = "ConnectorType"

    connectorProviderClassName: str | None = Field(
        default=None,
        description="'module:Class' (or a dotted name) of the provider; required to run.",
    )
    recognizedConfigurationProperties: list[str] | None = None
    recognizedSecuredProperties: list[str] | None = None
    recognizedAdditionalProperties: list[str] | None = None
    supportedAssetTypeName: str | None = None
    supportedDeployedImplementationType: str | None = None
    connectorFrameworkName: str | None = None
    connectorInterfaceLanguage: str | None = None
    targetTechnologyName: str | None = None


class Endpoint(Referenceable):
    """Where a connection's resource is (a file path, URL, host:port...)."""

    TYPE_NAME: ClassVar[str] = "Endpoint"

    networkAddress: str | None = None
    protocol: str | None = None
    encryptionMethod: str | None = None


class Element(Referenceable):
    """Any other element, typically a catalog target (FileFolder, Database...).

    Properties beyond Referenceable's go in ``properties`` and are stored as
    ordinary node properties.
    """

    typeName: str = Field(description="The element's type, e.g. 'FileFolder' or 'Database'.")
    properties: dict[str, Any] | None = Field(
        default=None, description="Type-specific properties, stored as node properties."
    )

    @field_validator("typeName")
    @classmethod
    def _type_name_is_a_label(cls, value: str) -> str:
        if not LABEL_PATTERN.fullmatch(value):
            raise ValueError("must be a type name such as 'FileFolder' (letters and digits)")
        return value

    @field_validator("properties")
    @classmethod
    def _no_reserved_names(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value:
            reserved = sorted(set(value) & RESERVED_PROPERTY_NAMES)
            if reserved:
                raise ValueError(f"reserved property name(s): {', '.join(reserved)}")
        return value

    def type_name(self) -> str:
        return self.typeName

    def graph_properties(self) -> dict[str, Any]:
        data = self.model_dump(exclude_none=True, exclude={*IDENTITY_PROPERTIES, "properties"})
        for key, value in (self.properties or {}).items():
            data.setdefault(key, value)
        return data


ELEMENT_MODELS: dict[str, type[Referenceable]] = {
    model.TYPE_NAME: model
    for model in (
        IntegrationGroup,
        IntegrationConnector,
        Connection,
        VirtualConnection,
        ConnectorType,
        Endpoint,
    )
}
"""Type name -> model for the element types Switchboard models explicitly."""

AUDIT_FIELDS: frozenset[str] = frozenset(Audit.model_fields)
RESERVED_PROPERTY_NAMES: frozenset[str] = frozenset(
    {*IDENTITY_PROPERTIES, *AUDIT_FIELDS, "mapProperties", "isProxy"}
)


def element_from_properties(type_name: str, properties: dict[str, Any]) -> Referenceable:
    """Build the model of a stored element from its decoded properties.

    Audit fields are dropped; for the generic :class:`Element`, every property
    that is not a Referenceable field goes into ``properties``.
    """
    data = {k: v for k, v in properties.items() if k not in AUDIT_FIELDS and k != "typeName"}
    model = ELEMENT_MODELS.get(type_name)
    if model is not None:
        known = {k: v for k, v in data.items() if k in model.model_fields}
        return model.model_validate(known)
    base = {k: v for k, v in data.items() if k in Referenceable.model_fields}
    extra = {
        k: v
        for k, v in data.items()
        if k not in Referenceable.model_fields and k not in RESERVED_PROPERTY_NAMES
    }
    return Element.model_validate({**base, "typeName": type_name, "properties": extra or None})


# ------------------------------------------------------------- relationships
class Relationship(SwitchboardModel):
    """Properties every relationship has: its own guid (audit fields are engine-kept)."""

    TYPE_NAME: ClassVar[str] = "Relationship"

    guid: str | None = Field(default=None, min_length=1, exclude=False)

    def graph_properties(self) -> dict[str, Any]:
        """Properties as stored (guid and unset values left out; datetimes in UTC)."""
        data = self.model_dump(exclude_none=True, exclude={"guid"})
        return {k: _utc(v) if isinstance(v, datetime) else v for k, v in data.items()}


class RegisteredIntegrationConnector(Relationship):
    """IntegrationGroup -> IntegrationConnector: a connector's registration in a group."""

    TYPE_NAME: ClassVar[str] = "RegisteredIntegrationConnector"

    connectorName: str = Field(
        min_length=1, description="Unique across the groups one daemon runs."
    )
    connectorUserId: str | None = None
    metadataSourceQualifiedName: str | None = None
    metadataCollectionQualifiedName: str | None = None
    startDate: AwareDatetime | None = None
    connectorShutdownDate: AwareDatetime | None = None
    refreshTimeInterval: int | None = Field(
        default=None, ge=0, description="Minutes between refreshes; 0 = no periodic refresh."
    )
    generateConnectorActivityReports: bool = True
    permittedSynchronization: PermittedSynchronization | None = None

    @model_validator(mode="after")
    def _start_before_shutdown(self) -> RegisteredIntegrationConnector:
        if (
            self.startDate is not None
            and self.connectorShutdownDate is not None
            and self.startDate > self.connectorShutdownDate
        ):
            raise ValueError("startDate must not be after connectorShutdownDate")
        return self


class AssetConnection(Relationship):
    """Asset (the connector) -> Connection. No properties."""

    TYPE_NAME: ClassVar[str] = "AssetConnection"


class ConnectionConnectorType(Relationship):
    """Connection -> ConnectorType. No properties."""

    TYPE_NAME: ClassVar[str] = "ConnectionConnectorType"


class ConnectToEndpoint(Relationship):
    """Connection -> Endpoint. No properties."""

    TYPE_NAME: ClassVar[str] = "ConnectToEndpoint"


class EmbeddedConnection(Relationship):
    """VirtualConnection -> Connection, with the embedded connection's role."""

    TYPE_NAME: ClassVar[str] = "EmbeddedConnection"

    position: int = Field(default=0, ge=0, description="0 = unset, else unique within the parent.")
    displayName: str | None = Field(
        default=None, description="The role, e.g. the purpose of a secrets store."
    )
    arguments: dict[str, Any] | None = None


class CatalogTarget(Relationship):
    """IntegrationConnector -> any element the connector works on."""

    TYPE_NAME: ClassVar[str] = "CatalogTarget"

    catalogTargetName: str | None = None
    connectionName: str | None = None
    configurationProperties: dict[str, Any] | None = Field(
        default=None, description="Overrides the connection's configurationProperties."
    )
    templates: dict[str, str] | None = Field(
        default=None, description="Template name -> qualifiedName of the template element."
    )
    metadataSourceQualifiedName: str | None = None
    metadataCollectionQualifiedName: str | None = None
    permittedSynchronization: PermittedSynchronization | None = Field(
        default=None, description="Inherits the registration's when unset."
    )
    deleteMethod: DeleteMethod | None = Field(
        default=None, description="LOOK_FOR_LINEAGE when unset."
    )


RELATIONSHIP_MODELS: dict[str, type[Relationship]] = {
    model.TYPE_NAME: model
    for model in (
        RegisteredIntegrationConnector,
        AssetConnection,
        ConnectionConnectorType,
        ConnectToEndpoint,
        EmbeddedConnection,
        CatalogTarget,
    )
}
"""Egeria relationship name -> model (keys match engine.typesystem.RELATIONSHIP_TYPES)."""


def relationship_from_properties(type_name: str, properties: dict[str, Any]) -> Relationship:
    """Build the model of a stored relationship from its decoded properties."""
    model = RELATIONSHIP_MODELS[type_name]
    known = {k: v for k, v in properties.items() if k in model.model_fields}
    return model.model_validate(known)
