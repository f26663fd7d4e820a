"""Egeria's view-service paths over the session's Neo4j: the worked example built through them
alone resolves exactly as the manifest's, and every refusal comes in Egeria's envelope with
nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from cli.main import cli
from engine.graph import Store, find_element, get_element, get_relationships, group_fingerprints
from engine.graph.writer import wipe_database
from tests.server.conftest import SERVER_NAME
from tests.server.worked_example import (
    CONNECTOR,
    GROUP,
    MANIFEST,
    build_through_egeria,
    without_identity,
)

CONNECTION_MAKER = f"/servers/{SERVER_NAME}/api/open-metadata/connection-maker"
ASSET_MAKER = f"/servers/{SERVER_NAME}/api/open-metadata/asset-maker"
CURATION = f"/servers/{SERVER_NAME}/api/open-metadata/automated-curation"
CONFIG = (
    f"/servers/{SERVER_NAME}/open-metadata/framework-services/governance-engine"
    "/governance-configuration-service/users/garygeeke"
)


def poster(client: TestClient, base: str = CONNECTION_MAKER) -> Any:
    def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = client.post(base + path, json=body)
        assert response.status_code == 200
        document: dict[str, Any] = response.json()
        return document

    return post


def resolved_by_cli(env: dict[str, str]) -> str:
    result = CliRunner().invoke(cli, ["resolve", GROUP, "--format", "json"], env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_worked_example_built_through_egeria_paths_is_the_manifests_group(
    client: TestClient, store: Store, cli_env: dict[str, str]
) -> None:
    build_through_egeria(poster(client))
    through_egeria = resolved_by_cli(cli_env)
    wipe_database(store)
    applied = client.post(
        "/api/v1/apply", content=MANIFEST, headers={"content-type": "application/yaml"}
    )
    assert applied.status_code == 200
    through_manifest = resolved_by_cli(cli_env)
    assert without_identity(through_egeria) == without_identity(through_manifest)
    validated = client.post("/api/v1/validate", json={"groups": [GROUP]}).json()
    assert validated["errors"] == 0


def test_every_url_marker_answers_the_same_paths(client: TestClient, store: Store) -> None:
    for base in (CONNECTION_MAKER, ASSET_MAKER, CURATION):
        name = f"Example:Endpoint:{base.rsplit('/', 1)[1]}"
        body = {"properties": {"class": "EndpointProperties", "qualifiedName": name}}
        assert poster(client, base)("/endpoints", body)["relatedHTTPCode"] == 200
        assert find_element(store, name) is not None


def test_retrieve_by_name_and_search_return_root_elements(client: TestClient, store: Store) -> None:
    build_through_egeria(poster(client))
    post = poster(client)
    found = post(
        "/connections/by-name",
        {"class": "FilterRequestBody", "filter": "Example:VirtualConnection:warehouse"},
    )
    assert found["class"] == "OpenMetadataRootElementsResponse"
    [element] = found["elements"]
    assert element["elementHeader"]["type"]["typeName"] == "VirtualConnection"
    assert element["properties"]["clearPassword"] == "warehouse-secrets:password"
    guid = element["elementHeader"]["guid"]
    one = post(f"/connections/{guid}/retrieve", {})
    assert one["class"] == "OpenMetadataRootElementResponse"
    assert one["element"]["properties"] == element["properties"]
    retrieved = one["element"]
    assert retrieved["connectorType"]["relatedElement"]["properties"]["qualifiedName"] == (
        "Example:ConnectorType:SqlDatabaseCataloguer"
    )
    assert retrieved["endpoint"]["relatedElement"]["properties"]["qualifiedName"] == (
        "Example:Endpoint:warehouse-db"
    )
    [embedded] = retrieved["embeddedConnections"]
    assert embedded["relationshipProperties"]["position"] == 1
    assert embedded["relationshipProperties"]["displayName"] == "warehouse-secrets"
    searched = post(
        "/connector-types/by-search-string",
        {"class": "SearchStringRequestBody", "searchString": "Secrets"},
    )
    assert [e["properties"]["qualifiedName"] for e in searched["elements"]] == [
        "Example:ConnectorType:YamlSecretsStore"
    ]
    assets = post("/assets/by-name", {"filter": "Warehouse"})
    assert sorted(e["properties"]["typeName"] for e in assets["elements"]) == [
        "Database",
        "IntegrationGroup",
    ]


def test_update_merges_or_replaces_and_delete_cascades(client: TestClient, store: Store) -> None:
    build_through_egeria(poster(client))
    post = poster(client)
    connector = get_element(store, CONNECTOR)
    merged = post(
        f"/assets/{connector.guid}/update",
        {"class": "UpdateElementRequestBody", "properties": {"description": "catalogues"}},
    )
    assert merged == {"class": "BooleanResponse", "relatedHTTPCode": 200, "flag": True}
    after = get_element(store, CONNECTOR)
    assert (after.element.description, after.element.displayName) == (
        "catalogues",
        "Warehouse cataloguer",
    )
    post(
        f"/assets/{connector.guid}/update",
        {"mergePropertyUpdate": False, "properties": {"description": "only this"}},
    )
    assert get_element(store, CONNECTOR).element.displayName is None
    assert post(f"/assets/{connector.guid}/delete", {})["relatedHTTPCode"] == 200
    assert find_element(store, CONNECTOR) is None
    assert find_element(store, "Example:VirtualConnection:warehouse") is None
    assert find_element(store, "Example:ConnectorType:SqlDatabaseCataloguer") is not None


def test_catalog_targets_add_get_list_update_remove(client: TestClient, store: Store) -> None:
    build_through_egeria(poster(client))
    post = poster(client, CURATION)
    connector = get_element(store, CONNECTOR).guid
    listed = client.get(f"{CURATION}/integration-connectors/{connector}/catalog-targets").json()
    [target_element] = listed["elements"]
    assert target_element["properties"]["qualifiedName"] == "Example:Database:warehouse"
    assert target_element["properties"]["extendedProperties"] == {"pathName": "demo/warehouse.db"}
    database = target_element["elementHeader"]["guid"]
    added = post(
        f"/integration-connectors/{connector}/catalog-targets/{database}",
        {"properties": {"catalogTargetName": "second", "deleteMethod": "ARCHIVE"}},
    )
    relationship = added["guid"]
    one = post(f"/catalog-targets/{relationship}", {})
    assert one["class"] == "OpenMetadataRelationshipResponse"
    assert one["element"]["relationshipGUID"] == relationship
    assert one["element"]["elementGUIDAtEnd2"] == database
    assert one["element"]["relationshipProperties"]["deleteMethod"] == "ARCHIVE"
    updated = post(
        f"/catalog-targets/{relationship}/update", {"properties": {"deleteMethod": "PURGE"}}
    )
    assert updated["relatedHTTPCode"] == 200
    again = post(f"/catalog-targets/{relationship}", {})["element"]["relationshipProperties"]
    assert (again["deleteMethod"], again["catalogTargetName"]) == ("PURGE", "second")
    renamed = post(
        f"/catalog-targets/{relationship}/update", {"properties": {"catalogTargetName": "x"}}
    )
    assert renamed["relatedHTTPCode"] == 422
    assert post(f"/catalog-targets/{relationship}/remove", {})["relatedHTTPCode"] == 200
    assert post(f"/catalog-targets/{relationship}", {})["relatedHTTPCode"] == 404


def test_the_groups_of_a_connector_are_egerias_registrations(
    client: TestClient, store: Store
) -> None:
    build_through_egeria(poster(client))
    connector, group = get_element(store, CONNECTOR).guid, get_element(store, GROUP).guid
    path = f"/integration-connectors/{connector}/registrations"
    for base in (CURATION, CONFIG):
        document = client.get(base + path).json()
        assert document == {"class": "GUIDListResponse", "relatedHTTPCode": 200, "guids": [group]}
    missing = client.get(f"{CONFIG}/integration-connectors/nope/registrations").json()
    assert (missing["class"], missing["relatedHTTPCode"]) == ("GUIDListResponse", 404)


ENVELOPE_ERROR_FIELDS = {
    "class",
    "relatedHTTPCode",
    "exceptionClassName",
    "actionDescription",
    "exceptionErrorMessage",
    "exceptionErrorMessageId",
    "exceptionErrorMessageParameters",
    "exceptionSystemAction",
    "exceptionUserAction",
    "exceptionProperties",
}


@pytest.mark.parametrize(
    ("path", "body", "code", "response_class", "words"),
    [
        ("/connections", {}, 422, "GUIDResponse", "properties: required"),
        (
            "/connections",
            {"properties": {"class": "ConnectionProperties", "qualifiedName": "x", "bogus": 1}},
            422,
            "GUIDResponse",
            "bogus: unknown key",
        ),
        ("/assets", {"properties": {"qualifiedName": "x"}}, 422, "GUIDResponse", "typeName"),
        ("/connections/no-such-guid/retrieve", {}, 404, "OpenMetadataRootElementResponse", "guid"),
        ("/connections/no-such-guid/update", {"properties": {}}, 404, "BooleanResponse", "guid"),
        ("/endpoints/no-such-guid/delete", {}, 404, "VoidResponse", "guid"),
        ("/connections/by-name", {}, 422, "OpenMetadataRootElementsResponse", "filter"),
        (
            "/connections/by-search-string",
            {"searchString": "("},
            422,
            "OpenMetadataRootElementsResponse",
            "regular expression",
        ),
        ("/connections/a/connector-types/b/attach", {}, 404, "VoidResponse", "guid"),
        ("/connections/a/endpoints/b/detach", {}, 404, "VoidResponse", "guid"),
        ("/catalog-targets/nope/remove", {}, 404, "VoidResponse", "catalog target"),
        ("/catalog-targets/nope/update", {}, 404, "VoidResponse", "catalog target"),
        ("/catalog-targets/nope", {}, 404, "OpenMetadataRelationshipResponse", "catalog target"),
        ("/integration-connectors/a/catalog-targets/b", {}, 404, "GUIDResponse", "guid"),
        ("/integration-connectors/a/catalog-targets/b/detach", {}, 404, "VoidResponse", "guid"),
        (
            "/integration-groups/a/integration-connectors/b",
            {"properties": {"connectorName": "n"}},
            404,
            "VoidResponse",
            "guid",
        ),
        (
            "/integration-groups/a/integration-connectors/b",
            {},
            422,
            "VoidResponse",
            "connectorName",
        ),
        ("/integration-groups/a/integration-connectors/b/delete", {}, 404, "VoidResponse", "guid"),
        (
            "/connections",
            {"properties": {"qualifiedName": "y"}, "parentGUID": "nope"},
            422,
            "GUIDResponse",
            "parentRelationshipTypeName",
        ),
    ],
)
def test_refusals_come_in_egerias_envelope_and_write_nothing(
    client: TestClient,
    store: Store,
    path: str,
    body: dict[str, Any],
    code: int,
    response_class: str,
    words: str,
) -> None:
    response = client.post(CONNECTION_MAKER + path, json=body)
    assert response.status_code == 200
    document = response.json()
    assert set(document) <= ENVELOPE_ERROR_FIELDS
    assert (document["class"], document["relatedHTTPCode"]) == (response_class, code)
    assert words in document["exceptionErrorMessage"]
    assert document["exceptionErrorMessageId"] == f"SWITCHBOARD-SERVER-{code}-001"
    assert client.get("/api/v1/groups").json() == []
    assert find_element(store, "x") is None and find_element(store, "y") is None


def test_another_server_name_or_view_service_is_not_found(client: TestClient) -> None:
    body = {"properties": {"class": "EndpointProperties", "qualifiedName": "z"}}
    for base in (
        "/servers/other/api/open-metadata/connection-maker",
        f"/servers/{SERVER_NAME}/api/open-metadata/glossary-manager",
    ):
        document = client.post(f"{base}/endpoints", json=body).json()
        assert document["relatedHTTPCode"] == 404
        assert "no view service" in document["exceptionErrorMessage"]


def test_a_malformed_egeria_request_is_refused_in_the_envelope(client: TestClient) -> None:
    response = client.post(f"{CONNECTION_MAKER}/connections", json=["not", "a", "body"])
    assert response.status_code == 200
    document = response.json()
    assert set(document) <= ENVELOPE_ERROR_FIELDS
    assert document["relatedHTTPCode"] == 422


def test_changes_over_rest_change_what_a_daemon_polls(client: TestClient, store: Store) -> None:
    build_through_egeria(poster(client))
    before = group_fingerprints(store, [GROUP])
    connection = get_element(store, "Example:Connection:secrets-store").guid
    post = poster(client)
    post(
        f"/connections/{connection}/update",
        {"properties": {"configurationProperties": {"secretsCollectionName": "other"}}},
    )
    assert group_fingerprints(store, [GROUP]) != before


def test_a_connector_is_unregistered_from_its_group(client: TestClient, store: Store) -> None:
    build_through_egeria(poster(client))
    post = poster(client, ASSET_MAKER)
    group, connector = get_element(store, GROUP).guid, get_element(store, CONNECTOR).guid
    path = f"/integration-groups/{group}/integration-connectors/{connector}/delete"
    assert post(path, {}) == {"class": "VoidResponse", "relatedHTTPCode": 200}
    assert [g["connectors"] for g in client.get("/api/v1/groups").json()] == [0]
    assert find_element(store, CONNECTOR) is not None
    assert post(path, {})["relatedHTTPCode"] == 404


def test_creating_a_linked_element_under_a_taken_name_is_a_conflict(
    client: TestClient, store: Store
) -> None:
    build_through_egeria(poster(client))
    connector = get_element(store, CONNECTOR).guid
    before = get_element(store, "Example:Connection:secrets-store")
    refused = poster(client)(
        "/connections",
        {
            "properties": {"class": "ConnectionProperties", "qualifiedName": before.qualifiedName},
            "parentGUID": connector,
            "parentRelationshipTypeName": "AssetConnection",
        },
    )
    assert refused["relatedHTTPCode"] == 409
    after = get_element(store, before.qualifiedName)
    assert (after.version, after.element) == (before.version, before.element)


def test_registering_through_the_governance_configuration_service(
    client: TestClient, store: Store
) -> None:
    build_through_egeria(poster(client))
    group, connector = get_element(store, GROUP).guid, get_element(store, CONNECTOR).guid
    path = f"{CONFIG}/integration-groups/{group}/integration-connectors/{connector}"
    assert client.post(f"{path}/delete", json={}).json()["relatedHTTPCode"] == 200
    refused = client.post(path, json={"class": "RegisteredIntegrationConnectorProperties"}).json()
    assert (refused["class"], refused["relatedHTTPCode"]) == ("VoidResponse", 422)
    assert "connectorName" in refused["exceptionErrorMessage"]
    elsewhere = path.replace(f"/servers/{SERVER_NAME}/", "/servers/other/")
    bean = {
        "class": "RegisteredIntegrationConnectorProperties",
        "connectorName": "WarehouseCataloguer",
        "refreshTimeInterval": 30,
        "extendedProperties": {"metadataCollectionQualifiedName": "Example:Collection"},
    }
    assert client.post(elsewhere, json=bean).json()["relatedHTTPCode"] == 404
    assert [g["connectors"] for g in client.get("/api/v1/groups").json()] == [0]
    assert client.post(path, json=bean).json() == {"class": "VoidResponse", "relatedHTTPCode": 200}
    [registration] = get_relationships(store, GROUP, "RegisteredIntegrationConnector")
    assert registration.audit.createdBy == "garygeeke"  # the path's user, no token given
    assert registration.relationship.model_dump(exclude_none=True, exclude={"guid"}) == {
        "connectorName": "WarehouseCataloguer",
        "refreshTimeInterval": 30,
        "metadataCollectionQualifiedName": "Example:Collection",
        "generateConnectorActivityReports": True,
    }


def test_a_connectors_catalog_targets_to_an_element_are_detached(
    client: TestClient, store: Store
) -> None:
    build_through_egeria(poster(client))
    post = poster(client, ASSET_MAKER)
    connector = get_element(store, CONNECTOR).guid
    database = get_element(store, "Example:Database:warehouse").guid
    base = f"/integration-connectors/{connector}/catalog-targets/{database}"
    post(base, {"properties": {"class": "CatalogTargetProperties", "catalogTargetName": "b"}})
    assert len(get_relationships(store, CONNECTOR, "CatalogTarget")) == 2
    detached = post(f"{base}/detach", {"class": "DeleteRelationshipRequestBody"})
    assert detached == {"class": "VoidResponse", "relatedHTTPCode": 200}
    assert get_relationships(store, CONNECTOR, "CatalogTarget") == []
    assert post(f"{base}/detach", {})["relatedHTTPCode"] == 404


@pytest.mark.parametrize(
    ("base", "path", "response_class"),
    [
        (
            CURATION,
            "/integration-connectors/nope/catalog-targets",
            "OpenMetadataRootElementsResponse",
        ),
        (CURATION, "/integration-connectors/nope/registrations", "GUIDListResponse"),
        (CURATION, "/catalog-targets/nope", "OpenMetadataRelationshipResponse"),
        (CONFIG, "/integration-connectors/nope/registrations", "GUIDListResponse"),
    ],
)
def test_reads_by_get_refuse_an_unknown_guid_in_the_envelope(
    client: TestClient, base: str, path: str, response_class: str
) -> None:
    response = client.get(base + path)
    assert response.status_code == 200
    document = response.json()
    assert set(document) <= ENVELOPE_ERROR_FIELDS
    assert (document["class"], document["relatedHTTPCode"]) == (response_class, 404)
    assert "nope" in document["exceptionErrorMessage"]
