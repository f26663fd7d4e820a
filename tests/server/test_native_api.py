"""The native REST API (/api/v1) against the session's Neo4j: ETags, If-Match, bad input
answered as the CLI reports it with nothing written, and the documents the CLI prints."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner
from fastapi.testclient import TestClient

from cli.main import cli
from engine.graph import Store, find_element
from tests.server.worked_example import CONNECTOR, GROUP, MANIFEST

YAML = {"content-type": "application/yaml"}


def apply(client: TestClient, text: str, **params: str) -> dict[str, object]:
    response = client.post("/api/v1/apply", content=text, headers=YAML, params=params)
    assert response.status_code == 200, response.text
    document: dict[str, object] = response.json()
    return document


def test_an_element_carries_its_version_as_etag_and_a_stale_if_match_is_refused(
    client: TestClient, store: Store
) -> None:
    created = client.post(
        "/api/v1/elements", json={"typeName": "IntegrationGroup", "qualifiedName": "g"}
    )
    assert created.status_code == 201
    assert created.headers["etag"] == '"1"'
    merged = client.patch(
        "/api/v1/elements/g", json={"description": "first"}, headers={"If-Match": '"1"'}
    )
    assert (merged.status_code, merged.headers["etag"]) == (200, '"2"')
    stale = client.patch(
        "/api/v1/elements/g", json={"description": "second"}, headers={"If-Match": '"1"'}
    )
    assert stale.status_code == 412
    assert stale.json()["errorType"] == "PreconditionFailed"
    stored = find_element(store, "g")
    assert stored is not None and stored.version == 2
    assert stored.element.description == "first"
    got = client.get("/api/v1/elements/g")
    assert got.headers["etag"] == '"2"'
    assert got.json()["description"] == "first"


def test_put_replaces_and_patch_merges(client: TestClient, store: Store) -> None:
    client.post(
        "/api/v1/elements",
        json={"typeName": "Endpoint", "qualifiedName": "e", "protocol": "file", "description": "d"},
    )
    client.patch("/api/v1/elements/e", json={"networkAddress": "/tmp/x"})
    merged = find_element(store, "e")
    assert merged is not None
    assert (merged.element.description, getattr(merged.element, "networkAddress", None)) == (
        "d",
        "/tmp/x",
    )
    replaced = client.put("/api/v1/elements/e", json={"protocol": "https"})
    assert replaced.status_code == 200
    stored = find_element(store, "e")
    assert stored is not None and stored.element.description is None
    assert getattr(stored.element, "protocol", None) == "https"


def test_delete_honours_if_match_and_by_guid(client: TestClient, store: Store) -> None:
    guid = client.post(
        "/api/v1/elements", json={"typeName": "IntegrationGroup", "qualifiedName": "g"}
    ).json()["guid"]
    assert client.delete("/api/v1/elements/g", headers={"If-Match": '"7"'}).status_code == 412
    assert find_element(store, "g") is not None
    gone = client.delete(f"/api/v1/elements/{guid}", params={"by": "guid"})
    assert gone.json() == {"deleted": [guid]}
    assert client.get("/api/v1/elements/g").status_code == 404


def test_a_bad_element_body_is_422_naming_the_path_and_writes_nothing(
    client: TestClient, store: Store
) -> None:
    response = client.post(
        "/api/v1/elements",
        json={"typeName": "IntegrationConnector", "qualifiedName": "c", "usesBlockingCall": True},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "request body: usesBlockingCall: unknown key"
    assert body["exitCode"] == 2
    assert find_element(store, "c") is None
    untyped = client.post("/api/v1/elements", json={"qualifiedName": "c"})
    assert untyped.status_code == 422
    assert untyped.json()["error"] == "request body: typeName: required"


def test_a_bad_if_match_is_400(client: TestClient) -> None:
    client.post("/api/v1/elements", json={"typeName": "IntegrationGroup", "qualifiedName": "g"})
    response = client.patch("/api/v1/elements/g", json={}, headers={"If-Match": "yesterday"})
    assert response.status_code == 400
    assert "If-Match" in response.json()["error"]


def test_a_bad_manifest_gets_the_clis_message_and_hint(
    client: TestClient, cli_env: dict[str, str], tmp_path: Path, store: Store
) -> None:
    text = "integrationGroups:\n  - displayName: no name\n    conectors: []\n"
    response = client.post("/api/v1/apply", content=text, headers=YAML)
    assert response.status_code == 422
    body = response.json()
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    result = CliRunner().invoke(cli, ["apply", "-f", str(path)], env=cli_env)
    assert result.exit_code == 2 == body["exitCode"]
    printed = " ".join(result.stderr.split())
    for line in body["error"].replace("request body", str(path)).splitlines():
        assert " ".join(line.split()) in printed
    assert " ".join(body["hint"].split()) in printed
    assert client.get("/api/v1/groups").json() == []


def test_apply_dry_run_writes_nothing_and_apply_writes_the_plan(
    client: TestClient, store: Store
) -> None:
    plan = apply(client, MANIFEST, dryRun="true")
    assert plan["dryRun"] is True and plan["changes"] == plan["counts"]["create"]  # type: ignore[index]
    assert find_element(store, GROUP) is None
    done = apply(client, MANIFEST)
    assert done["changes"] == plan["changes"]
    assert apply(client, MANIFEST)["changes"] == 0
    groups = client.get("/api/v1/groups").json()
    assert [(g["qualifiedName"], g["connectors"]) for g in groups] == [(GROUP, 1)]


def test_a_manifest_in_json_applies_too(client: TestClient, store: Store) -> None:
    document = yaml.safe_load(MANIFEST)
    response = client.post("/api/v1/apply", json=document)
    assert response.status_code == 200
    assert find_element(store, CONNECTOR) is not None


def test_resolved_group_is_what_switchboard_resolve_prints(
    client: TestClient, cli_env: dict[str, str]
) -> None:
    apply(client, MANIFEST)
    over_rest = client.get(f"/api/v1/groups/{GROUP}")
    result = CliRunner().invoke(cli, ["resolve", GROUP, "--format", "json"], env=cli_env)
    assert result.exit_code == 0
    assert over_rest.text == result.stdout
    missing = client.get("/api/v1/groups/no.such.group")
    assert missing.status_code == 404
    assert missing.json()["error"].startswith("no integration group")


def test_relationships_are_created_and_deleted_by_their_ends(
    client: TestClient, store: Store
) -> None:
    apply(client, MANIFEST)
    client.post("/api/v1/elements", json={"typeName": "IntegrationGroup", "qualifiedName": "g2"})
    registered = client.post(
        "/api/v1/relationships/RegisteredIntegrationConnector",
        json={"from": "g2", "to": CONNECTOR, "properties": {"connectorName": "Second"}},
    )
    assert registered.status_code == 201
    groups = {g["qualifiedName"]: g["connectors"] for g in client.get("/api/v1/groups").json()}
    assert groups == {GROUP: 1, "g2": 1}
    bad = client.post(
        "/api/v1/relationships/RegisteredIntegrationConnector",
        json={"from": "g2", "to": CONNECTOR, "properties": {"refreshTimeInterval": -1}},
    )
    assert bad.status_code == 422
    assert "refreshTimeInterval" in bad.json()["error"]
    params = {"from": "g2", "to": CONNECTOR}
    removed = client.delete("/api/v1/relationships/RegisteredIntegrationConnector", params=params)
    assert removed.json() == {"deleted": 1}
    again = client.delete("/api/v1/relationships/RegisteredIntegrationConnector", params=params)
    assert again.status_code == 404
    unknown = client.post("/api/v1/relationships/Friendship", json={"from": "a", "to": "b"})
    assert unknown.status_code == 422


def test_validate_queries_and_export(client: TestClient, store: Store) -> None:
    apply(client, MANIFEST)
    report = client.post("/api/v1/validate", json={"groups": [GROUP]}).json()
    assert report["ok"] is True and report["errors"] == 0
    unknown = client.post("/api/v1/validate", json={"groups": ["nope"]})
    assert unknown.status_code == 400
    rows = client.post(
        "/api/v1/queries/connector_groups", json={"parameters": {"connector": CONNECTOR}}
    ).json()
    assert [r["groupQualifiedName"] for r in rows] == [GROUP]
    unknown_query = client.post("/api/v1/queries/no_such_query", json={})
    assert unknown_query.status_code == 400
    assert unknown_query.json()["error"] == "no library query named 'no_such_query'"
    missing_param = client.post("/api/v1/queries/connector_groups", json={})
    assert missing_param.status_code == 400
    exported = client.get("/api/v1/export", params={"group": GROUP, "format": "yaml"})
    document = yaml.safe_load(exported.text)
    assert [g["qualifiedName"] for g in document["integrationGroups"]] == [GROUP]


def test_an_archive_exported_over_rest_imports_over_rest(client: TestClient, store: Store) -> None:
    apply(client, MANIFEST)
    archive = client.get("/api/v1/export", params={"group": GROUP, "format": "omarchive"}).content
    assert client.delete(f"/api/v1/elements/{GROUP}").status_code == 200
    dry = client.post("/api/v1/import", content=archive, params={"dryRun": "true"})
    assert dry.status_code == 200 and dry.json()["dryRun"] is True
    assert find_element(store, GROUP) is None
    imported = client.post("/api/v1/import", content=archive)
    assert imported.status_code == 200 and imported.json()["changed"] is True
    resolved = client.get(f"/api/v1/groups/{GROUP}").json()
    assert [c["registration"]["connectorName"] for c in resolved["connectors"]] == [
        "WarehouseCataloguer"
    ]
    broken = client.post("/api/v1/import", content=b'{"archiveInstanceStore": ')
    assert broken.status_code == 422
    assert broken.json()["error"].startswith("request body")
