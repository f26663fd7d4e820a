"""The metadata server's Egeria bodies checked field by field against Egeria's Java classes.

Each set below is transcribed from the Java class named in its comment (the private fields
behind its JSON properties, its superclasses' included; ``class`` is Jackson's type property).
A request model may read only fields Egeria sends; a response may carry only fields Egeria's
class has. No Neo4j: the responses are built from model objects.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import BaseModel

from engine import (
    Audit,
    CatalogTarget,
    Connection,
    ConnectionConnectorType,
    ConnectorType,
    Element,
    NotFoundError,
)
from engine.graph import StoredElement, StoredRelationship
from engine.server import (
    EGERIA_REQUEST_BODIES,
    RELATED_FIELDS,
    DocumentError,
    NewElementRequestBody,
    UpdateElementRequestBody,
    egeria_problem,
    element_from_egeria,
    guid_response,
    relationship_response,
    root_element_response,
    root_elements_response,
    void_response,
)

TYPE_PROPERTY = {"class"}

# org.odpi.openmetadata.frameworks.openmetadata.search.BasicOptions
BASIC_OPTIONS = {"governanceZoneFilter", "forLineage", "forDuplicateProcessing", "effectiveTime"}
# ...search.MetadataSourceOptions extends BasicOptions
METADATA_SOURCE_OPTIONS = BASIC_OPTIONS | {"externalSourceGUID", "externalSourceName"}
# ...search.AnchorOptions extends MetadataSourceOptions
ANCHOR_OPTIONS = METADATA_SOURCE_OPTIONS | {"anchorGUID", "isOwnAnchor", "anchorScopeGUID"}
# ...search.NewLinkedElementOptions extends AnchorOptions
NEW_LINKED_ELEMENT_OPTIONS = ANCHOR_OPTIONS | {
    "parentGUID",
    "parentRelationshipTypeName",
    "parentAtEnd1",
}
# ...search.NewElementOptions extends NewLinkedElementOptions
NEW_ELEMENT_OPTIONS = NEW_LINKED_ELEMENT_OPTIONS | {"initialStatus"}
# ...search.UpdateOptions extends MetadataSourceOptions
UPDATE_OPTIONS = METADATA_SOURCE_OPTIONS | {"mergeUpdate"}
# ...search.MakeAnchorOptions extends MetadataSourceOptions
MAKE_ANCHOR_OPTIONS = METADATA_SOURCE_OPTIONS | {"makeAnchor", "anchorScopeGUID"}
# org.odpi.openmetadata.commonservices.ffdc.rest.ResultsRequestBody
RESULTS_REQUEST_BODY = {
    "forLineage",
    "forDuplicateProcessing",
    "effectiveTime",
    "limitResultsByStatus",
    "asOfTime",
    "sequencingOrder",
    "sequencingProperty",
    "templateFilter",
}

EGERIA_REQUEST_FIELDS: dict[str, set[str]] = {
    # ffdc.rest.NewElementRequestBody extends NewElementOptions
    "NewElementRequestBody": NEW_ELEMENT_OPTIONS
    | {"properties", "initialClassifications", "parentRelationshipProperties"},
    # ffdc.rest.UpdateElementRequestBody extends UpdateOptions
    "UpdateElementRequestBody": UPDATE_OPTIONS | {"properties"},
    # ffdc.rest.NewRelationshipRequestBody extends MakeAnchorOptions
    "NewRelationshipRequestBody": MAKE_ANCHOR_OPTIONS | {"properties"},
    # ffdc.rest.FilterRequestBody extends ResultsRequestBody
    "FilterRequestBody": RESULTS_REQUEST_BODY | {"filter"},
    # ffdc.rest.SearchStringRequestBody extends ResultsRequestBody
    "SearchStringRequestBody": RESULTS_REQUEST_BODY
    | {"searchString", "searchStringParameterName", "typeName"},
}

# ffdc.rest.FFDCResponseBase
FFDC_RESPONSE_BASE = TYPE_PROPERTY | {
    "relatedHTTPCode",
    "exceptionClassName",
    "exceptionCausedBy",
    "actionDescription",
    "exceptionErrorMessage",
    "exceptionErrorMessageId",
    "exceptionErrorMessageParameters",
    "exceptionSystemAction",
    "exceptionUserAction",
    "exceptionProperties",
}
EGERIA_RESPONSE_FIELDS: dict[str, set[str]] = {
    "GUIDResponse": FFDC_RESPONSE_BASE | {"guid"},  # ffdc.rest.GUIDResponse (getGUID)
    "VoidResponse": FFDC_RESPONSE_BASE,  # ffdc.rest.VoidResponse: the base's fields only
    # ffdc.rest.OpenMetadataRootElementResponse
    "OpenMetadataRootElementResponse": FFDC_RESPONSE_BASE | {"element"},
    # ffdc.rest.OpenMetadataRootElementsResponse
    "OpenMetadataRootElementsResponse": FFDC_RESPONSE_BASE | {"elements", "mermaidGraph"},
    # omf.rest.OpenMetadataRelationshipResponse: its source was not among the stored versions;
    # taken to carry its relationship in ``element`` as the response above does
    "OpenMetadataRelationshipResponse": FFDC_RESPONSE_BASE | {"element"},
}
# frameworks.openmetadata.metadataelements.OpenMetadataRootElement extends
# AttributedMetadataElement (elementHeader and the Area 2 relationship lists of this model)
OPEN_METADATA_ROOT_ELEMENT = TYPE_PROPERTY | {
    "properties",
    "elementHeader",
    "connections",
    "connectorType",
    "endpoint",
    "connectedAssets",
    "embeddedConnections",
    "parentConnections",
}
# metadataelements.ElementControlHeader, and ElementHeader extends it
ELEMENT_HEADER = TYPE_PROPERTY | {"status", "type", "origin", "versions", "guid"}
# metadataelements.ElementType
ELEMENT_TYPE = {"typeId", "typeName", "superTypeNames", "typeVersion", "typeDescription"}
# metadataelements.ElementVersions
ELEMENT_VERSIONS = {
    "createdBy",
    "updatedBy",
    "maintainedBy",
    "createTime",
    "updateTime",
    "version",
}
# frameworks.openmetadata.properties.OpenMetadataRootProperties: typeName, extendedProperties
OPEN_METADATA_ROOT_PROPERTIES = TYPE_PROPERTY | {"typeName", "extendedProperties"}
# frameworkservices.omf OpenMetadataRelationship extends ElementControlHeader
OPEN_METADATA_RELATIONSHIP = ELEMENT_HEADER - {"guid"} | {
    "relationshipGUID",
    "relationshipType",
    "effectiveFromTime",
    "effectiveToTime",
    "relationshipProperties",
    "labelAtEnd1",
    "elementGUIDAtEnd1",
    "elementAtEnd1",
    "labelAtEnd2",
    "elementGUIDAtEnd2",
    "elementAtEnd2",
}

# metadataelements.RelatedMetadataElementSummary
RELATED_METADATA_ELEMENT_SUMMARY = TYPE_PROPERTY | {
    "relationshipHeader",
    "relationshipProperties",
    "effectiveFromTime",
    "effectiveToTime",
    "relatedElement",
    "relatedElementAtEnd1",
}
# metadataelements.MetadataElementSummary extends ElementHeader (properties: Map<String, String>)
METADATA_ELEMENT_SUMMARY = ELEMENT_HEADER | {"properties"}

WHEN = datetime(2026, 1, 31, 9, 15, tzinfo=UTC)
AUDIT = Audit(version=3, createTime=WHEN, updateTime=WHEN, createdBy="ann", updatedBy="bob")


def aliases(model: type[BaseModel]) -> set[str]:
    return {field.alias or name for name, field in model.model_fields.items()}


@pytest.mark.parametrize("name", sorted(EGERIA_REQUEST_FIELDS))
def test_request_models_read_only_egerias_fields(name: str) -> None:
    model = EGERIA_REQUEST_BODIES[name]
    assert model.__name__ == name
    unknown = aliases(model) - EGERIA_REQUEST_FIELDS[name] - TYPE_PROPERTY
    assert unknown == set()


def test_every_request_model_is_checked() -> None:
    assert set(EGERIA_REQUEST_BODIES) == set(EGERIA_REQUEST_FIELDS)


def test_request_bodies_ignore_fields_they_do_not_use_as_egeria_does() -> None:
    body = NewElementRequestBody.model_validate(
        {
            "class": "NewElementRequestBody",
            "externalSourceName": "x",
            "initialStatus": "ACTIVE",
            "parentGUID": "p",
            "parentRelationshipTypeName": "AssetConnection",
            "parentAtEnd1": False,
            "properties": {"class": "ConnectionProperties", "qualifiedName": "c"},
        }
    )
    assert (body.parent_guid, body.parent_at_end1) == ("p", False)
    assert UpdateElementRequestBody.model_validate({}).merge_update is True


def stored(element: Any, type_name: str) -> StoredElement:
    return StoredElement(element, AUDIT, ("Referenceable", type_name), "guid-1", type_name)


def check_root_element(element: dict[str, Any]) -> None:
    assert set(element) <= OPEN_METADATA_ROOT_ELEMENT
    header = element["elementHeader"]
    assert set(header) <= ELEMENT_HEADER
    assert set(header["type"]) <= ELEMENT_TYPE
    assert set(header["versions"]) <= ELEMENT_VERSIONS
    assert header["versions"]["version"] == 3
    assert header["versions"]["createTime"] == "2026-01-31T09:15:00.000+00:00"
    assert OPEN_METADATA_ROOT_PROPERTIES - TYPE_PROPERTY - {"extendedProperties"} <= set(
        element["properties"]
    )


def test_responses_carry_only_the_fields_of_egerias_classes() -> None:
    connection = stored(Connection(qualifiedName="c", userId="u"), "Connection")
    database = stored(
        Element(qualifiedName="d", typeName="Database", properties={"pathName": "x.db"}),
        "Database",
    )
    documents = [
        guid_response("g"),
        void_response(),
        root_element_response(connection),
        root_elements_response([connection, database]),
    ]
    for document in documents:
        assert set(document) <= EGERIA_RESPONSE_FIELDS[document["class"]]
        assert document["relatedHTTPCode"] == 200
    check_root_element(documents[2]["element"])
    for element in documents[3]["elements"]:
        check_root_element(element)
    assert documents[2]["element"]["properties"]["class"] == "ConnectionProperties"
    assert documents[3]["elements"][1]["properties"]["extendedProperties"] == {"pathName": "x.db"}


def test_a_catalog_target_is_egerias_open_metadata_relationship() -> None:
    target = StoredRelationship(
        "CATALOG_TARGET",
        "c",
        "d",
        "Database",
        CatalogTarget(guid="r", catalogTargetName="t"),
        AUDIT,
    )
    document = relationship_response(target, "g1", "g2")
    assert set(document) <= EGERIA_RESPONSE_FIELDS["OpenMetadataRelationshipResponse"]
    assert set(document["element"]) <= OPEN_METADATA_RELATIONSHIP
    assert document["element"]["relationshipType"] == {"typeName": "CatalogTarget"}


def test_a_refusal_fills_ffdc_response_base() -> None:
    problem = egeria_problem(NotFoundError("no element with guid x", hint="check it"), 404)
    assert set(problem) <= FFDC_RESPONSE_BASE
    assert problem["relatedHTTPCode"] == 404
    assert problem["exceptionErrorMessageParameters"] == ["no element with guid x"]
    assert problem["exceptionUserAction"] == "check it"
    assert problem["exceptionClassName"].endswith("InvalidParameterException")


@pytest.mark.parametrize(
    ("properties", "type_name"),
    [
        ({"class": "ConnectionProperties", "qualifiedName": "q"}, "Connection"),
        ({"class": "VirtualConnectionProperties", "qualifiedName": "q"}, "VirtualConnection"),
        (
            {
                "class": "ConnectionProperties",
                "typeName": "VirtualConnection",
                "qualifiedName": "q",
            },
            "VirtualConnection",
        ),
        ({"class": "EndpointProperties", "qualifiedName": "q"}, "Endpoint"),
        ({"class": "ConnectorTypeProperties", "qualifiedName": "q"}, "ConnectorType"),
        (
            {"class": "AssetProperties", "typeName": "IntegrationConnector", "qualifiedName": "q"},
            "IntegrationConnector",
        ),
        ({"class": "AssetProperties", "typeName": "Database", "qualifiedName": "q"}, "Database"),
    ],
)
def test_the_properties_bean_picks_the_element_type(
    properties: dict[str, Any], type_name: str
) -> None:
    element = element_from_egeria(properties, default_type=None)
    assert element.type_name() == type_name


def test_extended_properties_of_a_modelled_type_are_its_own_properties() -> None:
    element = element_from_egeria(
        {
            "class": "AssetProperties",
            "typeName": "IntegrationConnector",
            "qualifiedName": "q",
            "extendedProperties": {"usesBlockingCalls": True},
            "effectiveFrom": "2026-01-01T00:00:00Z",
        },
        default_type=None,
    )
    assert element.model_dump()["usesBlockingCalls"] is True
    with pytest.raises(DocumentError, match="typeName: required"):
        element_from_egeria({"qualifiedName": "q"}, default_type=None)


def test_a_connections_relationships_are_egerias_related_element_summaries() -> None:
    connection = stored(Connection(qualifiedName="c"), "Connection")
    connector_type = StoredElement(
        ConnectorType(qualifiedName="t", displayName="T"),
        AUDIT,
        ("Referenceable", "ConnectorType"),
        "guid-t",
        "ConnectorType",
    )
    link = StoredRelationship(
        "CONNECTION_CONNECTOR_TYPE",
        "c",
        "t",
        "ConnectorType",
        ConnectionConnectorType(guid="r1"),
        AUDIT,
    )
    element = root_element_response(connection, [(link, connector_type)])["element"]
    check_root_element(element)
    summary = element["connectorType"]
    assert set(summary) <= RELATED_METADATA_ELEMENT_SUMMARY
    assert set(summary["relationshipHeader"]) <= ELEMENT_HEADER
    assert set(summary["relatedElement"]) <= METADATA_ELEMENT_SUMMARY
    assert summary["relatedElement"]["properties"] == {"qualifiedName": "t", "displayName": "T"}
    assert summary["relationshipHeader"]["type"]["typeName"] == "ConnectionConnectorType"
    assert {name for name, _ in RELATED_FIELDS.values()} <= OPEN_METADATA_ROOT_ELEMENT
