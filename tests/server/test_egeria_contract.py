"""Every Egeria path the server answers, checked against Egeria's own resource classes: the
method and path, the request body's class and the response's class.

The table is transcribed from Egeria's Spring resources (ConnectionMakerResource,
AssetMakerResource - whose catalog-target paths automated-curation answers too - and the
governance configuration service's GovernanceConfigurationResource); the server's OpenAPI
document names the body model of each path and, as ``x-egeria-response``, its response class.
Each response class and body class is itself checked field by field in
tests/unit/test_egeria_server_bodies.py, and the answers' ``class`` in test_egeria_paths.py.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from engine.server import CONFIG_PREFIX, VIEW_PREFIX

COLLECTIONS = ("connections", "connector-types", "endpoints", "assets")
LINKS = (
    "/connections/{guid1}/connector-types/{guid2}",
    "/connections/{guid1}/endpoints/{guid2}",
    "/connections/{guid1}/embedded-connections/{guid2}",
    "/assets/{guid1}/connections/{guid2}",
)
VIEW_PATHS: dict[tuple[str, str], tuple[str | None, str]] = {
    **{
        key: value
        for c in COLLECTIONS
        for key, value in {
            # create<X>(NewElementRequestBody) -> GUIDResponse
            ("post", f"/{c}"): ("NewElementRequestBody", "GUIDResponse"),
            # update<X>(UpdateElementRequestBody) -> BooleanResponse
            ("post", f"/{c}/{{guid}}/update"): ("UpdateElementRequestBody", "BooleanResponse"),
            # delete<X>(DeleteElementRequestBody) -> VoidResponse
            ("post", f"/{c}/{{guid}}/delete"): ("DeleteElementRequestBody", "VoidResponse"),
            # get<X>sByName(FilterRequestBody)
            ("post", f"/{c}/by-name"): ("FilterRequestBody", "OpenMetadataRootElementsResponse"),
            # find<X>s(SearchStringRequestBody)
            ("post", f"/{c}/by-search-string"): (
                "SearchStringRequestBody",
                "OpenMetadataRootElementsResponse",
            ),
            # get<X>ByGUID(GetRequestBody)
            ("post", f"/{c}/{{guid}}/retrieve"): (
                "GetRequestBody",
                "OpenMetadataRootElementResponse",
            ),
        }.items()
    },
    # link...(NewRelationshipRequestBody) / detach...(DeleteRelationshipRequestBody)
    **{
        ("post", f"{link}/attach"): ("NewRelationshipRequestBody", "VoidResponse") for link in LINKS
    },
    **{
        ("post", f"{link}/detach"): ("DeleteRelationshipRequestBody", "VoidResponse")
        for link in LINKS
    },
    # addCatalogTarget, removeCatalogTarget (by ends), getCatalogTargets
    ("post", "/integration-connectors/{connectorGUID}/catalog-targets/{elementGUID}"): (
        "NewRelationshipRequestBody",
        "GUIDResponse",
    ),
    ("post", "/integration-connectors/{connectorGUID}/catalog-targets/{elementGUID}/detach"): (
        "DeleteRelationshipRequestBody",
        "VoidResponse",
    ),
    ("get", "/integration-connectors/{connectorGUID}/catalog-targets"): (
        "ResultsRequestBody",
        "OpenMetadataRootElementsResponse",
    ),
    # updateCatalogTarget, getCatalogTarget, removeCatalogTarget
    ("post", "/catalog-targets/{relationshipGUID}/update"): (
        "UpdateRelationshipRequestBody",
        "VoidResponse",
    ),
    ("post", "/catalog-targets/{relationshipGUID}"): (
        "GetRequestBody",
        "OpenMetadataRelationshipResponse",
    ),
    ("post", "/catalog-targets/{relationshipGUID}/remove"): (
        "DeleteRelationshipRequestBody",
        "VoidResponse",
    ),
    # not Egeria's view services' (they have none): the governance configuration service's
    # registration paths with the view services' bodies
    ("post", "/integration-groups/{groupGUID}/integration-connectors/{connectorGUID}"): (
        "NewRelationshipRequestBody",
        "VoidResponse",
    ),
    ("post", "/integration-groups/{groupGUID}/integration-connectors/{connectorGUID}/delete"): (
        "NullRequestBody",
        "VoidResponse",
    ),
    ("get", "/integration-connectors/{connectorGUID}/registrations"): (None, "GUIDListResponse"),
}
CONFIG_PATHS: dict[tuple[str, str], tuple[str | None, str]] = {
    # registerIntegrationConnectorWithGroup(RegisteredIntegrationConnectorProperties)
    ("post", "/integration-groups/{groupGUID}/integration-connectors/{connectorGUID}"): (
        "RegisteredIntegrationConnectorProperties",
        "VoidResponse",
    ),
    # unregisterIntegrationConnectorFromGroup(NullRequestBody)
    ("post", "/integration-groups/{groupGUID}/integration-connectors/{connectorGUID}/delete"): (
        "NullRequestBody",
        "VoidResponse",
    ),
    # getIntegrationConnectorRegistrations -> GUIDListResponse
    ("get", "/integration-connectors/{connectorGUID}/registrations"): (None, "GUIDListResponse"),
}
EGERIA_PATHS = {
    **{(m, VIEW_PREFIX + p): v for (m, p), v in VIEW_PATHS.items()},
    **{(m, CONFIG_PREFIX + p): v for (m, p), v in CONFIG_PATHS.items()},
}


def body_class(operation: dict[str, Any]) -> str | None:
    """The name of the model an operation's JSON body is read into."""
    schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    refs = [
        s["$ref"].rsplit("/", 1)[1]
        for s in [schema.get("schema", {}), *schema.get("schema", {}).get("anyOf", [])]
        if "$ref" in s
    ]
    return refs[0] if refs else None


def test_every_egeria_path_has_egerias_request_and_response_classes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    served = {
        (method, path): (body_class(operation), operation.get("x-egeria-response"))
        for path, operations in paths.items()
        if path.startswith("/servers/")
        for method, operation in operations.items()
    }
    assert served == EGERIA_PATHS
