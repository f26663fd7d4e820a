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
    RegisteredIntegrationConnector,
)
from engine.graph import StoredElement, StoredRelationship
from engine.server import (
    EGERIA_REQUEST_BODIES,
    RELATED_FIELDS,
    RELATIONSHIP_BEAN_FIELDS,
    DocumentError,
    LoginRequest,
    NewElementRequestBody,
    UpdateElementRequestBody,
    boolean_response,
    egeria_problem,
    element_from_egeria,
    guid_list_response,
    guid_response,
    relationship_bean,
    relationship_from_egeria,
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
# ...search.UpdateOptions extends MetadataSourceOptions: mergePropertyUpdate in the current
# source; mergeUpdate in an earlier release (and as pyegeria's UpdateElementRequestBody sends it)
UPDATE_OPTIONS = METADATA_SOURCE_OPTIONS | {"mergePropertyUpdate", "mergeUpdate"}
# ...search.DeleteOptions extends MetadataSourceOptions
DELETE_OPTIONS = METADATA_SOURCE_OPTIONS | {
    "cascadedDelete",
    "deleteMethod",
    "archiveDate",
    "archiveProcess",
    "archiveProperties",
}
# ...search.GetOptions extends BasicOptions
GET_OPTIONS = BASIC_OPTIONS | {
    "asOfTime",
    "metadataElementTypeName",
    "metadataElementSubtypeNames",
    "skipRelationships",
    "includeOnlyRelationships",
    "skipClassifiedElements",
    "includeOnlyClassifiedElements",
    "graphQueryDepth",
}
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

# frameworks.openmetadata.properties.RelationshipProperties (effectiveFrom, effectiveTo) and
# RelationshipBeanProperties extends it (typeName, extendedProperties)
RELATIONSHIP_BEAN_PROPERTIES = TYPE_PROPERTY | {
    "effectiveFrom",
    "effectiveTo",
    "typeName",
    "extendedProperties",
}
# ...properties.assets.processes.connectors.CatalogTargetProperties extends
# RelationshipBeanProperties
CATALOG_TARGET_PROPERTIES = RELATIONSHIP_BEAN_PROPERTIES | {
    "catalogTargetName",
    "metadataSourceQualifiedName",
    "connectionName",
    "configurationProperties",
    "templates",
    "permittedSynchronization",
    "deleteMethod",
}
# ...RegisteredIntegrationConnectorProperties extends RelationshipBeanProperties
REGISTERED_INTEGRATION_CONNECTOR_PROPERTIES = RELATIONSHIP_BEAN_PROPERTIES | {
    "connectorName",
    "connectorUserId",
    "metadataSourceQualifiedName",
    "startDate",
    "refreshTimeInterval",
    "connectorShutdownDate",
    "permittedSynchronization",
    "generateConnectorActivityReports",
}
# userauthn.auth.model.LoginRequest (a record): the token endpoint's body
LOGIN_REQUEST = {"userId", "username", "password"}

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
    # ffdc.rest.UpdateRelationshipRequestBody extends UpdateOptions (properties: a
    # RelationshipProperties bean)
    "UpdateRelationshipRequestBody": UPDATE_OPTIONS | {"properties"},
    # ffdc.rest.GetRequestBody extends GetOptions
    "GetRequestBody": GET_OPTIONS,
    "ResultsRequestBody": RESULTS_REQUEST_BODY,
    # ffdc.rest.DeleteElementRequestBody / DeleteRelationshipRequestBody extend
    # DeleteRequestBody, which carries DeleteOptions
    "DeleteElementRequestBody": DELETE_OPTIONS,
    "DeleteRelationshipRequestBody": DELETE_OPTIONS,
    # ffdc.rest.NullRequestBody: no fields
    "NullRequestBody": set(),
    # the governance configuration service's registration body (see below)
    "RegisteredIntegrationConnectorProperties": REGISTERED_INTEGRATION_CONNECTOR_PROPERTIES,
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
    "GUIDListResponse": FFDC_RESPONSE_BASE | {"guids"},  # ffdc.rest.GUIDListResponse (getGUIDs)
    "BooleanResponse": FFDC_RESPONSE_BASE | {"flag"},  # ffdc.rest.BooleanResponse
    "VoidResponse": FFDC_RESPONSE_BASE,  # ffdc.rest.VoidResponse: the base's fields only
    # ffdc.rest.OpenMetadataRootElementResponse
    "OpenMetadataRootElementResponse": FFDC_RESPONSE_BASE | {"element"},
    # ffdc.rest.OpenMetadataRootElementsResponse
    "OpenMetadataRootElementsResponse": FFDC_RESPONSE_BASE | {"elements", "mermaidGraph"},
    # frameworkservices.omf.rest.OpenMetadataRelationshipResponse: its class file was not among
    # the stored versions; its one field is ``element`` by the services filling it
    # (``response.setElement(handler.getRelationshipByGUID(...))`` in the OMF and Asset Maker
    # REST services)
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
    assert UpdateElementRequestBody.model_validate({}).merge is True
    for flag in ("mergePropertyUpdate", "mergeUpdate"):
        assert UpdateElementRequestBody.model_validate({flag: False}).merge is False


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
        guid_list_response(["g1", "g2"]),
        boolean_response(True),
        void_response(),
        root_element_response(connection),
        root_elements_response([connection, database]),
    ]
    for document in documents:
        assert set(document) <= EGERIA_RESPONSE_FIELDS[document["class"]]
        assert document["relatedHTTPCode"] == 200
    assert documents[1]["guids"] == ["g1", "g2"] and documents[2]["flag"] is True
    check_root_element(documents[4]["element"])
    for element in documents[5]["elements"]:
        check_root_element(element)
    assert documents[4]["element"]["properties"]["class"] == "ConnectionProperties"
    assert documents[5]["elements"][1]["properties"]["extendedProperties"] == {"pathName": "x.db"}


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
    properties = document["element"]["relationshipProperties"]
    assert set(properties) <= CATALOG_TARGET_PROPERTIES
    assert properties == {
        "class": "CatalogTargetProperties",
        "typeName": "CatalogTarget",
        "catalogTargetName": "t",
    }


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


SAMPLES: dict[str, Any] = {
    "properties": {},
    "parentRelationshipProperties": {},
    "parentAtEnd1": False,
    "mergeUpdate": False,
    "mergePropertyUpdate": False,
    "initialClassifications": {},
    "cascadedDelete": True,
    "forLineage": True,
    "graphQueryDepth": 2,
    "archiveProperties": {},
}
"""A value of the right JSON type for each Egeria field the models read (others: text)."""


@pytest.mark.parametrize("name", sorted(EGERIA_REQUEST_FIELDS))
def test_request_models_accept_every_field_egeria_sends(name: str) -> None:
    body = {field: SAMPLES.get(field, "x") for field in EGERIA_REQUEST_FIELDS[name]}
    parsed = EGERIA_REQUEST_BODIES[name].model_validate({"class": name, **body})
    read = parsed.model_dump(by_alias=True, exclude_none=True, exclude={"class_"})
    for field, value in read.items():
        assert field in EGERIA_REQUEST_FIELDS[name] and value == body[field]


def test_the_token_request_is_egerias_login_request() -> None:
    assert aliases(LoginRequest) == LOGIN_REQUEST
    by_user_id = LoginRequest.model_validate({"userId": "erin", "password": "p"})
    by_username = LoginRequest.model_validate({"username": "erin", "password": "p"})
    assert by_user_id.user == by_username.user == "erin"
    assert LoginRequest.model_validate({"password": "p"}).user == ""
    with pytest.raises(ValueError, match="password"):
        LoginRequest.model_validate({"userId": "erin"})


BEANS = {
    "CatalogTarget": CATALOG_TARGET_PROPERTIES,
    "RegisteredIntegrationConnector": REGISTERED_INTEGRATION_CONNECTOR_PROPERTIES,
}
FULL_RELATIONSHIPS: dict[str, Any] = {
    "CatalogTarget": CatalogTarget(
        guid="r",
        catalogTargetName="t",
        connectionName="c",
        configurationProperties={"a": 1},
        templates={"Database": "Template:Database"},
        metadataSourceQualifiedName="source",
        metadataCollectionQualifiedName="collection",
        permittedSynchronization="FROM_THIRD_PARTY",
        deleteMethod="ARCHIVE",
    ),
    "RegisteredIntegrationConnector": RegisteredIntegrationConnector(
        connectorName="n",
        connectorUserId="u",
        metadataSourceQualifiedName="source",
        metadataCollectionQualifiedName="collection",
        startDate=WHEN,
        connectorShutdownDate=WHEN,
        refreshTimeInterval=5,
        generateConnectorActivityReports=False,
        permittedSynchronization="BOTH_DIRECTIONS",
    ),
}


@pytest.mark.parametrize("type_name", sorted(BEANS))
def test_relationship_beans_are_egerias_both_ways(type_name: str) -> None:
    egeria_own = BEANS[type_name] - RELATIONSHIP_BEAN_PROPERTIES
    assert RELATIONSHIP_BEAN_FIELDS[type_name] == egeria_own
    model = type(FULL_RELATIONSHIPS[type_name])
    assert egeria_own <= set(model.model_fields)  # every property Egeria's bean carries
    relationship = FULL_RELATIONSHIPS[type_name]
    bean = relationship_bean(relationship)
    assert set(bean) <= BEANS[type_name]
    assert (bean["class"], bean["typeName"]) == (f"{type_name}Properties", type_name)
    assert bean["extendedProperties"] == {"metadataCollectionQualifiedName": "collection"}
    back = relationship_from_egeria(type_name, bean)
    assert back == relationship.model_copy(update={"guid": None})
