"""Egeria's request bodies and response documents for the view-service paths of this model.

Request bodies are read with Egeria's field names (``class``, ``properties``,
``parentGUID``, ``mergeUpdate``, ``filter``, ``searchString`` ...) and, as Egeria's
Jackson beans do, unknown fields are ignored. ``properties`` is Egeria's polymorphic
properties bean: its ``class`` (``ConnectionProperties``, ``EndpointProperties`` ...) or
``typeName`` picks the element type, ``extendedProperties`` carries the properties of
subtypes the bean does not name. Responses are Egeria's (``GUIDResponse``,
``VoidResponse``, ``OpenMetadataRootElement(s)Response``) in Egeria's envelope
(:func:`engine.egeria_rest.ffdc_envelope`), which also carries every refusal.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from engine.egeria_rest import (
    INVALID_PARAMETER_EXCEPTION,
    PROPERTY_SERVER_EXCEPTION,
    EgeriaMessage,
    EgeriaRequestError,
    egeria_time,
    ffdc_envelope,
)
from engine.errors import SwitchboardError
from engine.graph.records import EGERIA_NAME_BY_REL_TYPE, StoredElement, StoredRelationship
from engine.model import ELEMENT_MODELS, Referenceable, Relationship
from engine.server.elements_io import element_from_body, relationship_from_body
from engine.server.problems import DocumentError
from engine.typesystem import labels_for


class _EgeriaBody(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    class_: str | None = Field(default=None, alias="class")


class NewElementRequestBody(_EgeriaBody):
    """Egeria's NewElementRequestBody: the new element's properties and, optionally, the
    element it is linked to as it is created (``parentGUID``)."""

    properties: dict[str, Any] | None = None
    parent_guid: str | None = Field(default=None, alias="parentGUID")
    parent_relationship_type_name: str | None = Field(
        default=None, alias="parentRelationshipTypeName"
    )
    parent_at_end1: bool = Field(default=True, alias="parentAtEnd1")
    parent_relationship_properties: dict[str, Any] | None = Field(
        default=None, alias="parentRelationshipProperties"
    )


class UpdateElementRequestBody(_EgeriaBody):
    """Egeria's UpdateElementRequestBody: properties, merged (the default) or replacing.

    The flag of Egeria's UpdateOptions is ``mergePropertyUpdate`` in its current source and
    ``mergeUpdate`` in earlier releases and pyegeria; either is read (the first if both)."""

    properties: dict[str, Any] | None = None
    merge_property_update: bool | None = Field(default=None, alias="mergePropertyUpdate")
    merge_update: bool | None = Field(default=None, alias="mergeUpdate")

    @property
    def merge(self) -> bool:
        """Whether the properties are merged into the stored ones (else they replace them)."""
        for flag in (self.merge_property_update, self.merge_update):
            if flag is not None:
                return flag
        return True


class UpdateRelationshipRequestBody(UpdateElementRequestBody):
    """Egeria's UpdateRelationshipRequestBody (UpdateOptions and a relationship's properties
    bean): the fields of UpdateElementRequestBody, for a relationship."""


class NewRelationshipRequestBody(_EgeriaBody):
    """Egeria's NewRelationshipRequestBody: the relationship's properties bean."""

    properties: dict[str, Any] | None = None


class FilterRequestBody(_EgeriaBody):
    """Egeria's FilterRequestBody: the name to match."""

    filter: str | None = None


class SearchStringRequestBody(_EgeriaBody):
    """Egeria's SearchStringRequestBody: a regular expression, and optionally a type."""

    search_string: str | None = Field(default=None, alias="searchString")
    type_name: str | None = Field(default=None, alias="typeName")


class GetRequestBody(_EgeriaBody):
    """Egeria's GetRequestBody (GetOptions: as-of time, relationship filters ...): accepted,
    its options unused (an element is read as it is now, with this model's relationships)."""


class ResultsRequestBody(_EgeriaBody):
    """Egeria's ResultsRequestBody (paging and filters): accepted, its options unused."""


class DeleteElementRequestBody(_EgeriaBody):
    """Egeria's DeleteElementRequestBody (DeleteOptions): accepted, its options unused - an
    element is deleted with the cascades of this model's rules."""


class DeleteRelationshipRequestBody(_EgeriaBody):
    """Egeria's DeleteRelationshipRequestBody (DeleteOptions): accepted, its options unused."""


class NullRequestBody(_EgeriaBody):
    """Egeria's NullRequestBody: nothing."""


class RegisteredIntegrationConnectorProperties(_EgeriaBody):
    """Egeria's RegisteredIntegrationConnectorProperties, the body of the governance
    configuration service's registration (a properties bean, not wrapped in a request body).
    Every field is kept (:func:`relationship_from_egeria` reads them)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


EGERIA_REQUEST_BODIES: dict[str, type[BaseModel]] = {
    model.__name__: model
    for model in (
        NewElementRequestBody,
        UpdateElementRequestBody,
        UpdateRelationshipRequestBody,
        NewRelationshipRequestBody,
        FilterRequestBody,
        SearchStringRequestBody,
        GetRequestBody,
        ResultsRequestBody,
        DeleteElementRequestBody,
        DeleteRelationshipRequestBody,
        NullRequestBody,
        RegisteredIntegrationConnectorProperties,
    )
}
"""Egeria's class name -> the model that reads it."""

PROPERTIES_CLASS_TYPES: dict[str, str] = {
    "ConnectionProperties": "Connection",
    "VirtualConnectionProperties": "VirtualConnection",
    "ConnectorTypeProperties": "ConnectorType",
    "EndpointProperties": "Endpoint",
}
"""Egeria's properties bean -> the element type it describes (when ``typeName`` is absent)."""

_BEAN_ONLY = frozenset({"class", "typeName", "effectiveFrom", "effectiveTo", "extendedProperties"})
"""Keys of Egeria's properties beans that are not element properties."""


def _flatten(properties: dict[str, Any], where: str) -> dict[str, Any]:
    extended = properties.get("extendedProperties") or {}
    if not isinstance(extended, dict):
        raise DocumentError(f"{where}: extendedProperties: must be a mapping")
    plain = {k: v for k, v in properties.items() if k not in _BEAN_ONLY}
    return {**extended, **plain}


def element_type_of(properties: dict[str, Any], default_type: str | None) -> str | None:
    """The element type an Egeria properties bean describes: its ``typeName``, else its
    ``class``, else ``default_type``."""
    given = properties.get("typeName")
    if isinstance(given, str) and given and given not in {"OpenMetadataRoot", "Referenceable"}:
        return given
    bean = properties.get("class")
    return PROPERTIES_CLASS_TYPES.get(bean, default_type) if isinstance(bean, str) else default_type


def element_from_egeria(
    properties: dict[str, Any] | None,
    *,
    default_type: str | None,
    qualified_name: str | None = None,
    stored_type: str | None = None,
) -> Referenceable:
    """The element an Egeria properties bean describes (:class:`DocumentError` if it cannot)."""
    where = "request body: properties"
    if not properties:
        raise DocumentError(f"{where}: required", hint="send the element's properties bean")
    type_name = stored_type or element_type_of(properties, default_type)
    data = _flatten(properties, where)
    if type_name is not None and type_name not in ELEMENT_MODELS:
        known = set(Referenceable.model_fields)
        extra = {k: v for k, v in data.items() if k not in known}
        data = {k: v for k, v in data.items() if k in known}
        if extra:
            data["properties"] = extra
    if type_name is not None:
        data["typeName"] = type_name
    return element_from_body(
        data, qualified_name=qualified_name, type_name=stored_type, where=where
    )


def relationship_from_egeria(type_name: str, properties: dict[str, Any] | None) -> Relationship:
    """Relationship ``type_name`` from an Egeria relationship properties bean."""
    where = "request body"
    return relationship_from_body(type_name, _flatten(properties or {}, where), where=where)


# ------------------------------------------------------------------ responses
def guid_response(guid: str) -> dict[str, Any]:
    """Egeria's GUIDResponse."""
    return ffdc_envelope("GUIDResponse", guid=guid)


def guid_list_response(guids: list[str]) -> dict[str, Any]:
    """Egeria's GUIDListResponse (``guids`` left out when there are none)."""
    return ffdc_envelope("GUIDListResponse", guids=guids)


def boolean_response(flag: bool) -> dict[str, Any]:
    """Egeria's BooleanResponse."""
    return ffdc_envelope("BooleanResponse", flag=flag)


RELATIONSHIP_BEAN_FIELDS: dict[str, frozenset[str]] = {
    "CatalogTarget": frozenset(
        {
            "catalogTargetName",
            "metadataSourceQualifiedName",
            "connectionName",
            "configurationProperties",
            "templates",
            "permittedSynchronization",
            "deleteMethod",
        }
    ),
    "RegisteredIntegrationConnector": frozenset(
        {
            "connectorName",
            "connectorUserId",
            "metadataSourceQualifiedName",
            "startDate",
            "refreshTimeInterval",
            "connectorShutdownDate",
            "permittedSynchronization",
            "generateConnectorActivityReports",
        }
    ),
}
"""A relationship of this model -> the properties its Egeria bean (CatalogTargetProperties,
RegisteredIntegrationConnectorProperties) names; the model's other properties (such as
``metadataCollectionQualifiedName``) travel in the bean's ``extendedProperties``, both ways.
Relationships not listed carry all their properties in the bean."""


def relationship_bean(relationship: Relationship) -> dict[str, Any]:
    """``relationship``'s properties as Egeria's bean ``<type>Properties``."""
    type_name = relationship.TYPE_NAME
    data = relationship.model_dump(mode="json", exclude_none=True, exclude={"guid"})
    named = RELATIONSHIP_BEAN_FIELDS.get(type_name)
    extended = {k: data.pop(k) for k in list(data) if named is not None and k not in named}
    bean = {"class": f"{type_name}Properties", "typeName": type_name, **data}
    return {**bean, "extendedProperties": extended} if extended else bean


def void_response() -> dict[str, Any]:
    """Egeria's VoidResponse."""
    return ffdc_envelope("VoidResponse")


def _versions(audit: Any) -> dict[str, Any]:
    return {
        "createdBy": audit.createdBy,
        "updatedBy": audit.updatedBy,
        "createTime": egeria_time(audit.createTime),
        "updateTime": egeria_time(audit.updateTime),
        "version": audit.version,
    }


RELATED_FIELDS: dict[str, tuple[str, bool]] = {
    "AssetConnection": ("connections", True),
    "ConnectionConnectorType": ("connectorType", False),
    "ConnectToEndpoint": ("endpoint", False),
    "EmbeddedConnection": ("embeddedConnections", True),
}
"""An outgoing relationship of this model -> the field of Egeria's OpenMetadataRootElement
(AttributedMetadataElement) that lists it, and whether that field is a list."""


def _header(guid: str, type_name: str, audit: Any) -> dict[str, Any]:
    return {
        "class": "ElementHeader",
        "guid": guid,
        "status": "ACTIVE",
        "type": {
            "typeName": type_name,
            "superTypeNames": [t for t in _supertypes(type_name) if t != type_name],
        },
        "versions": _versions(audit),
    }


def related_summary(relationship: StoredRelationship, target: StoredElement) -> dict[str, Any]:
    """Egeria's RelatedMetadataElementSummary: an outgoing relationship and its end 2."""
    type_name = EGERIA_NAME_BY_REL_TYPE[relationship.type]
    names = {
        k: str(v)
        for k, v in (
            ("qualifiedName", target.qualifiedName),
            ("displayName", target.element.displayName),
        )
        if v is not None
    }
    return {
        "class": "RelatedMetadataElementSummary",
        "relationshipHeader": _header(relationship.guid, type_name, relationship.audit),
        "relationshipProperties": relationship_bean(relationship.relationship),
        "relatedElement": {
            "class": "MetadataElementSummary",
            **_header(target.guid, target.typeName, target.audit),
            "properties": names,
        },
        "relatedElementAtEnd1": False,
    }


def root_element(
    found: StoredElement,
    related: list[tuple[StoredRelationship, StoredElement]] | None = None,
) -> dict[str, Any]:
    """Egeria's OpenMetadataRootElement for a stored element: its header and properties, and
    the outgoing relationships of this model (``related``: each with its end 2) in the
    fields Egeria lists them in (:data:`RELATED_FIELDS`)."""
    properties = found.element.model_dump(mode="json", exclude_none=True)
    properties.pop("guid", None)
    extended = properties.pop("properties", None)
    properties.pop("typeName", None)
    bean = {v: k for k, v in PROPERTIES_CLASS_TYPES.items()}.get(found.typeName)
    links: dict[str, Any] = {}
    for relationship, target in related or []:
        where = RELATED_FIELDS.get(EGERIA_NAME_BY_REL_TYPE[relationship.type])
        if where is not None:
            summary = related_summary(relationship, target)
            if where[1]:
                links.setdefault(where[0], []).append(summary)
            else:
                links[where[0]] = summary
    return {
        "class": "OpenMetadataRootElement",
        "elementHeader": _header(found.guid, found.typeName, found.audit),
        **links,
        "properties": {
            "class": bean or "ReferenceableProperties",
            "typeName": found.typeName,
            **properties,
            **({"extendedProperties": extended} if extended else {}),
        },
    }


def _supertypes(type_name: str) -> list[str]:
    try:
        return list(labels_for(type_name))
    except ValueError:
        return []


def root_element_response(
    found: StoredElement,
    related: list[tuple[StoredRelationship, StoredElement]] | None = None,
) -> dict[str, Any]:
    """Egeria's OpenMetadataRootElementResponse (with ``related``, see :func:`root_element`)."""
    return ffdc_envelope("OpenMetadataRootElementResponse", element=root_element(found, related))


def root_elements_response(found: list[StoredElement]) -> dict[str, Any]:
    """Egeria's OpenMetadataRootElementsResponse (``elements`` left out when there are none)."""
    return ffdc_envelope(
        "OpenMetadataRootElementsResponse", elements=[root_element(f) for f in found]
    )


def relationship_response(
    relationship: StoredRelationship, end1_guid: str, end2_guid: str
) -> dict[str, Any]:
    """Egeria's OpenMetadataRelationshipResponse for one relationship (a catalog target)."""
    element = {
        "relationshipGUID": relationship.guid,
        "relationshipType": {"typeName": EGERIA_NAME_BY_REL_TYPE[relationship.type]},
        "relationshipProperties": relationship_bean(relationship.relationship),
        "elementGUIDAtEnd1": end1_guid,
        "elementGUIDAtEnd2": end2_guid,
        "versions": _versions(relationship.audit),
    }
    return ffdc_envelope("OpenMetadataRelationshipResponse", element=element)


def egeria_problem(
    exc: SwitchboardError, status: int, response_class: str = "VoidResponse", action: str = ""
) -> dict[str, Any]:
    """A refusal in Egeria's envelope: the engine's message, what was done, the hint."""
    message = EgeriaMessage(
        http_code=status,
        message_id=f"SWITCHBOARD-SERVER-{status}-001",
        template="{0}",
        system_action="The request was refused; nothing was written.",
        user_action=exc.hint or "Correct the request and send it again.",
    )
    error = EgeriaRequestError(
        message,
        [exc.message],
        PROPERTY_SERVER_EXCEPTION if status >= 500 else INVALID_PARAMETER_EXCEPTION,
        {"errorType": type(exc).__name__},
    )
    return ffdc_envelope(response_class, error, action=action or None)
