"""Importing Egeria open metadata archives: the repository's own archives and Egeria's samples."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cli.main import cli
from engine import ArchiveError
from engine.declare import egeria
from engine.declare.egeria import (
    import_archive,
    import_archives,
    parse_archive,
    read_archive,
)
from engine.graph import Store, resolve_groups
from engine.graph.writer import wipe_database
from engine.validate import validate_groups
from tests.support.egeria_helpers import ARCHIVES, MALFORMED, checksum, dump, guid, sample

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def load(store: Store, *names: str) -> None:
    import_archives(store, [ARCHIVES / n for n in names])


def node(store: Store, g: str) -> dict[str, Any]:
    found = dump(store)["nodes"].get(g)
    assert found is not None, f"no node with guid {g}"
    return found  # type: ignore[no-any-return]


# ----------------------------------------------------------- own archives


def test_virtual_connection_with_embedded_secrets_store(store: Store) -> None:
    report = import_archive(store, read_archive(ARCHIVES / "virtual_connection.omarchive"))
    assert report.loaded == {
        "IntegrationGroup": 1,
        "IntegrationConnector": 1,
        "VirtualConnection": 1,
        "ConnectorType": 1,
        "Connection": 2,
        "Endpoint": 1,
        "FileFolder": 1,
    }
    assert report.skipped_entities == {"SolutionComponent": 1, "GovernanceActionType": 1}
    assert report.skipped_relationships == {"ImplementedBy": 1}
    assert [p["qualifiedName"] for p in report.proxies_created] == [
        "test:connector-type:yaml-secrets-store"
    ]
    assert report.elements_created == 8 and report.relationships_created == 7
    assert report.warnings == []

    vconn = node(store, guid(3))
    assert vconn["labels"] == ["Connection", "Referenceable", "VirtualConnection"]
    props = vconn["props"]
    assert props["typeName"] == "VirtualConnection"
    assert props["qualifiedName"] == "test:connection:folder-watcher"
    assert json.loads(props["configurationProperties"]) == {
        "depth": 3,
        "directory": "/data/in",
        "recursive": True,
    }
    assert props["configurationProperties.directory"] == "/data/in"
    assert props["securedProperties.password"] == "secrets-store"
    # the archive's instance header is kept
    assert props["version"] == 3
    assert props["createTime"] == T0.isoformat()
    assert props["createdBy"] == "test-archive"

    ctype = node(store, guid(4))["props"]
    assert ctype["recognizedConfigurationProperties"] == ["directory", "recursive", "depth"]

    rows = store.read("graph_dump_by_guid")
    rels = {r["guid"]: r for r in rows if r["kind"] == "relationship"}
    reg = rels[guid(101)]
    assert reg["labelsOrType"] == ["REGISTERED_INTEGRATION_CONNECTOR"]
    assert (reg["start"], reg["end"]) == (guid(1), guid(2))
    assert reg["props"]["refreshTimeInterval"] == 5
    assert reg["props"]["permittedSynchronization"] == "FROM_THIRD_PARTY"
    assert reg["props"]["startDate"].to_native() == T0
    assert reg["props"]["version"] == 2
    embedded = rels[guid(104)]
    assert embedded["labelsOrType"] == ["EMBEDDED_CONNECTION"]
    assert (embedded["start"], embedded["end"]) == (guid(3), guid(5))
    assert embedded["props"]["position"] == 1
    assert embedded["props"]["displayName"] == "secrets-store"
    assert embedded["props"]["arguments.mode"] == "read"
    secrets_type = rels[guid(105)]
    assert secrets_type["end"] == guid(11)
    proxy = node(store, guid(11))["props"]
    assert proxy["isProxy"] is True
    assert proxy["qualifiedName"] == "test:connector-type:yaml-secrets-store"
    target = rels[guid(107)]
    assert target["labelsOrType"] == ["CATALOG_TARGET"]
    assert (target["start"], target["end"]) == (guid(2), guid(7))
    assert target["props"]["deleteMethod"] == "ARCHIVE"
    assert target["props"]["templates.DataFile"] == "test:template:data-file"
    assert target["props"]["configurationProperties.pattern"] == "*.csv"
    folder = node(store, guid(7))
    assert folder["labels"] == ["Asset", "DataStore", "FileFolder", "Referenceable"]
    assert folder["props"]["displayName"] == "inbox"  # Referenceable 'name', an old name


def test_classifications_anchor_and_template(store: Store) -> None:
    load(store, "virtual_connection.omarchive")
    connector = node(store, guid(2))["props"]
    assert connector["anchorGUID"] == guid(2)
    assert json.loads(connector["classifications"]) == [
        {
            "typeName": "Anchors",
            "properties": {"anchorGUID": guid(2), "anchorTypeName": "IntegrationConnector"},
        }
    ]
    assert connector["activityStatus"] == "IN_PROGRESS"
    template = node(store, guid(8))
    assert "Template" in template["labels"]
    assert json.loads(template["props"]["classifications"])[0]["typeName"] == "Template"


def test_reimport_changes_nothing(store: Store) -> None:
    load(store, "virtual_connection.omarchive", "old_names.omarchive")
    before = checksum(store)
    reports = import_archives(
        store, [ARCHIVES / "virtual_connection.omarchive", ARCHIVES / "old_names.omarchive"]
    )
    assert [r.changed for r in reports] == [False, False]
    assert reports[0].elements_unchanged == 8 and reports[0].relationships_unchanged == 7
    assert reports[0].proxies_created == []
    assert checksum(store) == before


def test_changed_archive_updates_only_what_changed(store: Store) -> None:
    load(store, "virtual_connection.omarchive")
    doc = json.loads((ARCHIVES / "virtual_connection.omarchive").read_text())
    for entity in doc["archiveInstanceStore"]["entities"]:
        if entity["guid"] == guid(1):
            entity["properties"]["instanceProperties"]["displayName"]["primitiveValue"] = "Renamed"
    for rel in doc["archiveInstanceStore"]["relationships"]:
        if rel["guid"] == guid(101):
            rel["properties"]["instanceProperties"]["refreshTimeInterval"]["primitiveValue"] = 15
    before = dump(store)
    report = import_archive(store, parse_archive(json.dumps(doc), source="changed"))
    assert (report.elements_updated, report.elements_unchanged) == (1, 7)
    assert (report.relationships_updated, report.relationships_unchanged) == (1, 6)
    after = dump(store)
    group = after["nodes"][guid(1)]["props"]
    assert group["displayName"] == "Renamed"
    assert group["version"] == 4
    assert group["updateTime"] > before["nodes"][guid(1)]["props"]["updateTime"]
    assert group["createTime"] == before["nodes"][guid(1)]["props"]["createTime"]
    assert after["relationships"][guid(101)]["props"]["refreshTimeInterval"] == 15
    assert after["relationships"][guid(101)]["props"]["version"] == 3
    for g in (guid(2), guid(3), guid(7)):
        assert after["nodes"][g] == before["nodes"][g]


def test_old_names_are_read(store: Store) -> None:
    report = import_archive(store, read_archive(ARCHIVES / "old_names.omarchive"))
    assert report.relationships_loaded == {
        "RegisteredIntegrationConnector": 1,
        "AssetConnection": 1,
        "ConnectToEndpoint": 1,
        "ConnectionConnectorType": 1,
    }
    graph = dump(store)
    rels = graph["relationships"]
    # ConnectionToAsset: Connection -> Asset in the archive, Asset -> Connection here
    assert rels[guid(122)]["type"] == "ASSET_CONNECTION"
    assert (rels[guid(122)]["start"], rels[guid(122)]["end"]) == (guid(22), guid(23))
    # ConnectionEndpoint: Endpoint at end 1 in the archive, Connection -> Endpoint here
    assert rels[guid(123)]["type"] == "CONNECT_TO_ENDPOINT"
    assert (rels[guid(123)]["start"], rels[guid(123)]["end"]) == (guid(23), guid(24))
    reg = rels[guid(121)]["props"]
    assert reg["connectorShutdownDate"] == datetime(2026, 1, 2, tzinfo=UTC).isoformat()
    assert reg["generateConnectorActivityReports"] is False
    assert "stopDate" not in reg and "generateIntegrationReports" not in reg
    assert graph["nodes"][guid(24)]["props"]["networkAddress"] == "https://h:9443"
    assert "address" not in graph["nodes"][guid(24)]["props"]
    assert graph["nodes"][guid(22)]["props"]["displayName"] == "Legacy connector"
    # a proxy without unique properties gets a derived, stable qualifiedName
    proxy = graph["nodes"][guid(25)]["props"]
    assert proxy["qualifiedName"] == f"ConnectorType::{guid(25)}"
    assert proxy["qualifiedNameDerived"] is True and proxy["isProxy"] is True
    assert report.proxies_created[0]["qualifiedNameDerived"] is True


def test_proxies_are_created_then_filled_in_place(store: Store) -> None:
    first = import_archive(store, read_archive(ARCHIVES / "proxy_refs.omarchive"))
    assert sorted(p["qualifiedName"] for p in first.proxies_created) == [
        "test:connector-type:shared",
        "test:connector:elsewhere",
    ]
    proxy = node(store, guid(35))
    assert proxy["props"]["isProxy"] is True
    assert proxy["labels"] == ["ConnectorType", "Referenceable"]
    assert "connectorProviderClassName" not in proxy["props"]
    elsewhere = node(store, guid(36))
    assert elsewhere["props"]["isProxy"] is True
    assert "IntegrationConnector" in elsewhere["labels"]

    second = import_archive(store, read_archive(ARCHIVES / "proxy_defs.omarchive"))
    assert second.proxies_filled == 2 and second.elements_created == 0
    graph = dump(store)
    filled = graph["nodes"][guid(35)]["props"]
    assert "isProxy" not in filled
    assert filled["connectorProviderClassName"] == "switchboard.connectors.shared:Provider"
    rel = graph["relationships"][guid(133)]
    assert (rel["start"], rel["end"]) == (guid(33), guid(35))
    assert "isProxy" not in graph["nodes"][guid(36)]["props"]
    assert len(graph["nodes"]) == 6  # no duplicate was made

    # importing the referencing archive again leaves the filled elements alone
    again = import_archive(store, read_archive(ARCHIVES / "proxy_refs.omarchive"))
    assert not again.changed
    assert "isProxy" not in node(store, guid(35))["props"]


def test_proxy_matched_by_qualified_name(store: Store) -> None:
    load(store, "proxy_defs.omarchive")
    doc = json.loads((ARCHIVES / "proxy_refs.omarchive").read_text())
    rel = doc["archiveInstanceStore"]["relationships"][2]
    rel["entityTwoProxy"]["guid"] = guid(77)  # same qualifiedName, another guid
    report = import_archive(store, parse_archive(json.dumps(doc), source="renamed-proxy"))
    assert [p["qualifiedName"] for p in report.proxies_created] == []
    assert any("matched by qualifiedName" in w for w in report.warnings)
    assert dump(store)["relationships"][guid(133)]["end"] == guid(35)


def test_qualified_name_conflict_writes_nothing(store: Store) -> None:
    load(store, "virtual_connection.omarchive")
    before = checksum(store)
    doc = json.loads((ARCHIVES / "proxy_defs.omarchive").read_text())
    props = doc["archiveInstanceStore"]["entities"][0]["properties"]["instanceProperties"]
    props["qualifiedName"]["primitiveValue"] = "test:connector-type:folder-watcher"
    with pytest.raises(ArchiveError) as caught:
        import_archive(store, parse_archive(json.dumps(doc), source="conflict.omarchive"))
    assert "conflict.omarchive" in caught.value.message
    assert guid(35) in caught.value.message and guid(4) in caught.value.message
    assert checksum(store) == before


def test_dry_run_writes_nothing(store: Store) -> None:
    report = import_archive(
        store, read_archive(ARCHIVES / "virtual_connection.omarchive"), dry_run=True
    )
    assert report.dry_run and report.elements_created == 8 and report.relationships_created == 7
    assert dump(store) == {"nodes": {}, "relationships": {}}


def test_progress_is_reported(store: Store) -> None:
    calls: list[tuple[str, int, int]] = []
    import_archive(
        store,
        read_archive(ARCHIVES / "virtual_connection.omarchive"),
        progress=lambda phase, done, total: calls.append((phase, done, total)),
    )
    assert {c[0] for c in calls} == {"elements", "proxies", "relationships"}
    assert calls[-1][1] == calls[-1][2] == 8 + 1 + 7


# ----------------------------------------------------------- malformed archives

MALFORMED_CASES = [
    ("bad_json.omarchive", ["bad_json.omarchive", "not valid JSON", "line 12, column 3"]),
    ("missing_guid.omarchive", ["entity #2", "IntegrationConnector", "has no guid"]),
    (
        "unknown_value_class.omarchive",
        [guid(42), "'displayName'", "unknown property value class 'FancyPropertyValue'"],
    ),
    (
        "missing_end.omarchive",
        [guid(142), "AssetConnection", guid(49), "not defined in the archive"],
    ),
    ("no_end_proxy.omarchive", [guid(143), "end 2 has no entityTwoProxy"]),
    (
        "relationship_missing_guid.omarchive",
        ["relationship #1", "RegisteredIntegrationConnector", "has no guid"],
    ),
]


@pytest.mark.parametrize(("name", "fragments"), MALFORMED_CASES)
def test_malformed_archive_is_refused(
    store: Store, cli_env: dict[str, str], name: str, fragments: list[str]
) -> None:
    load(store, "virtual_connection.omarchive")
    before = checksum(store)
    with pytest.raises(ArchiveError) as caught:
        read_archive(MALFORMED / name)
    for fragment in fragments:
        assert fragment in caught.value.message
    result = CliRunner().invoke(cli, ["import", str(MALFORMED / name)], env=cli_env)
    assert result.exit_code == 2, result.output
    flat = " ".join(result.output.split())
    assert "error:" in flat
    for fragment in fragments:
        assert fragment in flat
    assert checksum(store) == before


def test_one_malformed_file_stops_every_file(store: Store, cli_env: dict[str, str]) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "import",
            str(ARCHIVES / "virtual_connection.omarchive"),
            str(MALFORMED / "missing_guid.omarchive"),
        ],
        env=cli_env,
    )
    assert result.exit_code == 2
    assert dump(store) == {"nodes": {}, "relationships": {}}


def test_missing_file_is_a_usage_error(store: Store, cli_env: dict[str, str]) -> None:
    result = CliRunner().invoke(cli, ["import", "no/such/file.omarchive"], env=cli_env)
    assert result.exit_code == 2
    assert "no such archive file" in result.output


# ----------------------------------------------------------- CLI


def test_cli_import_reports_and_json(store: Store, cli_env: dict[str, str]) -> None:
    path = str(ARCHIVES / "virtual_connection.omarchive")
    result = CliRunner().invoke(cli, ["import", path], env=cli_env)
    assert result.exit_code == 0, result.output
    assert "8 created" in result.output
    assert "proxies created: 1" in result.output
    assert "skipped" in result.output
    result = CliRunner().invoke(cli, ["import", "--json", path], env=cli_env)
    assert result.exit_code == 0, result.output
    reports = json.loads(result.output)
    assert reports[0]["changed"] is False
    assert reports[0]["elements"] == {"created": 0, "updated": 0, "unchanged": 8}
    assert reports[0]["skippedEntities"] == {"GovernanceActionType": 1, "SolutionComponent": 1}


def test_cli_dry_run(store: Store, cli_env: dict[str, str]) -> None:
    path = str(ARCHIVES / "old_names.omarchive")
    result = CliRunner().invoke(cli, ["import", "--dry-run", "--json", path], env=cli_env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["elements"]["created"] == 4
    assert dump(store) == {"nodes": {}, "relationships": {}}


# ----------------------------------------------------------- Egeria's samples


def connectors_with_connections(store: Store, group: str) -> dict[str, list[str]]:
    rows = store.read("graph_dump_by_guid")
    nodes = {r["guid"]: r for r in rows if r["kind"] == "node"}
    rels = [r for r in rows if r["kind"] == "relationship"]
    group_guid = next(g for g, n in nodes.items() if n["props"]["qualifiedName"] == group)
    out: dict[str, list[str]] = {}
    for reg in rels:
        if (
            reg["labelsOrType"] == ["REGISTERED_INTEGRATION_CONNECTOR"]
            and reg["start"] == group_guid
        ):
            out[reg["props"]["connectorName"]] = [
                nodes[r["end"]]["props"]["qualifiedName"]
                for r in rels
                if r["labelsOrType"] == ["ASSET_CONNECTION"] and r["start"] == reg["end"]
            ]
    return out


def test_open_lineage_sample_yields_group_with_five_connectors(store: Store) -> None:
    path = sample("OpenLineageContentPack.omarchive")
    report = import_archive(store, read_archive(path))
    assert report.warnings == []
    registered = connectors_with_connections(store, "Egeria:IntegrationGroup:OpenLineage")
    assert sorted(registered) == [
        "OpenLineageAPIPublisher",
        "OpenLineageCataloguer",
        "OpenLineageFilePublisher",
        "OpenLineageGovernanceActionPublisher",
        "OpenLineageKafkaListener",
    ]
    assert all(len(connections) == 1 for connections in registered.values())
    # connector types live in Egeria's core content pack: here they are proxies
    assert len(report.proxies_created) == 5
    assert {p["typeName"] for p in report.proxies_created} == {"ConnectorType"}
    rows = store.read("graph_dump_by_guid")
    endpoints = [r for r in rows if r["labelsOrType"] == ["CONNECT_TO_ENDPOINT"]]
    assert len(endpoints) == 1


def test_organization_insight_sample_targets_non_assets(store: Store) -> None:
    path = sample("OrganizationInsightContentPack.omarchive")
    report = import_archive(store, read_archive(path))
    assert report.relationships_loaded["CatalogTarget"] == 2
    graph = dump(store)
    targets = [r for r in graph["relationships"].values() if r["type"] == "CATALOG_TARGET"]
    assert len(targets) == 2
    for target in targets:
        element = graph["nodes"][target["end"]]
        assert element["props"]["typeName"] == "GovernanceActionType"
        assert "Asset" not in element["labels"]
        source = graph["nodes"][target["start"]]
        assert source["props"]["isProxy"] is True
        assert "IntegrationConnector" in source["labels"]
    assert sorted(t["props"]["catalogTargetName"] for t in targets) == [
        "Award Karma Points",
        "Build Zone Membership Profile",
    ]
    # governance services are the assets of connections, so they are loaded too
    assert report.loaded["WatchdogActionService"] == 1
    assert report.loaded["GovernanceActionService"] == 1


def test_apis_sample_imports_cleanly(store: Store) -> None:
    path = sample("APIsContentPack.omarchive")
    report = import_archive(store, read_archive(path))
    assert report.warnings == []
    assert report.loaded == {"IntegrationGroup": 1, "IntegrationConnector": 1, "Connection": 1}
    assert report.relationships_loaded == {
        "RegisteredIntegrationConnector": 1,
        "AssetConnection": 1,
        "ConnectionConnectorType": 1,
    }
    assert connectors_with_connections(store, "Egeria:IntegrationGroup:OpenAPIs") == {
        "OpenAPICataloguer": [
            "Egeria:IntegrationGroup:OpenAPIs::OpenAPIIntegrationConnector_implementation"
        ]
    }


def test_samples_reimport_changes_nothing(store: Store, cli_env: dict[str, str]) -> None:
    paths: list[Path] = [
        sample("APIsContentPack.omarchive"),
        sample("OpenLineageContentPack.omarchive"),
        sample("OrganizationInsightContentPack.omarchive"),
    ]
    import_archives(store, paths)
    before = checksum(store)
    result = CliRunner().invoke(cli, ["import", "--json", *map(str, paths)], env=cli_env)
    assert result.exit_code == 0, result.output
    assert [r["changed"] for r in json.loads(result.output)] == [False, False, False]
    assert checksum(store) == before


def test_samples_resolve_and_validate_with_only_proxy_findings(store: Store) -> None:
    paths = [
        sample("APIsContentPack.omarchive"),
        sample("OpenLineageContentPack.omarchive"),
        sample("OrganizationInsightContentPack.omarchive"),
    ]
    reports = import_archives(store, paths)
    proxy_types = {
        p["qualifiedName"]
        for r in reports
        for p in r.proxies_created
        if p["typeName"] == "ConnectorType"
    }
    groups = resolve_groups(
        store, ["Egeria:IntegrationGroup:OpenLineage", "Egeria:IntegrationGroup:OpenAPIs"]
    )
    lineage = groups[0]
    assert len(lineage.connectors) == 5
    for connector in lineage.connectors:
        assert connector.connection is not None
        assert connector.additionalConnections == []
        assert connector.connection.connectorType is not None
        assert connector.connection.connectorType.isProxy
    findings = validate_groups(groups)
    assert findings
    # what is really missing: the connector types defined in Egeria's core content pack
    assert {f.rule for f in findings} <= {"SB015", "SB029"}
    assert {e for f in findings for e in f.elements} <= proxy_types


def test_relationship_moved_to_another_end(store: Store) -> None:
    load(store, "virtual_connection.omarchive")
    doc = json.loads((ARCHIVES / "virtual_connection.omarchive").read_text())
    for rel in doc["archiveInstanceStore"]["relationships"]:
        if rel["guid"] == guid(107):  # the catalog target now points at the template connection
            rel["entityTwoProxy"]["guid"] = guid(8)
            rel["entityTwoProxy"]["type"]["typeDefName"] = "Connection"
    report = import_archive(store, parse_archive(json.dumps(doc), source="moved"))
    assert (report.relationships_updated, report.relationships_unchanged) == (1, 6)
    moved = dump(store)["relationships"][guid(107)]
    assert (moved["start"], moved["end"]) == (guid(2), guid(8))
    assert moved["props"]["version"] == 3
    assert moved["props"]["catalogTargetName"] == "inbox"


def test_invalid_type_name_is_refused_before_writing(store: Store) -> None:
    doc = json.loads((ARCHIVES / "proxy_defs.omarchive").read_text())
    doc["archiveInstanceStore"]["entities"][0]["type"]["typeDefName"] = "Connector Type"
    with pytest.raises(ArchiveError) as caught:
        parse_archive(json.dumps(doc), source="bad-type")
    assert "'Connector Type' is not a valid type name" in caught.value.message
    assert guid(35) in caught.value.message


def test_element_committed_meanwhile_falls_back_to_merge(store: Store) -> None:
    """Another import commits the archive's elements between this one's lookup and its
    writes: the lean path's CREATE hits the uniqueness constraint, and the import plans
    again and writes with MERGE instead of failing."""
    archive = read_archive(ARCHIVES / "virtual_connection.omarchive")
    plain_run = store.run
    interleaved: list[str] = []

    def run(tx: Any, name: str, params: Any = None) -> list[dict[str, Any]]:
        rows = plain_run(tx, name, params)
        if name == "import_lookup_nodes" and not interleaved:
            interleaved.append(name)
            store.run = plain_run  # type: ignore[method-assign]
            try:
                import_archive(store, archive)  # commits in its own session meanwhile
            finally:
                store.run = run  # type: ignore[method-assign]
        return rows

    store.run = run  # type: ignore[method-assign]
    try:
        report = import_archive(store, archive)
    finally:
        store.run = plain_run  # type: ignore[method-assign]
    assert interleaved == ["import_lookup_nodes"]
    assert not report.changed
    assert report.elements_unchanged == 8 and report.relationships_unchanged == 7
    after = dump(store)
    wipe_database(store)
    import_archive(store, archive)
    assert dump(store) == after


def test_relationship_rows_prepared_on_a_thread_give_the_same_graph(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Large archives prepare their relationship rows on a second thread; the result
    (graph, report, warnings and their order) is the same as on one thread."""
    archives = [ARCHIVES / "virtual_connection.omarchive", ARCHIVES / "old_names.omarchive"]
    plain = [r.as_dict() for r in import_archives(store, archives)]
    expected = dump(store)
    wipe_database(store)
    monkeypatch.setattr(egeria.planning, "THREADED_RELATIONSHIPS", 1)
    threaded = [r.as_dict() for r in import_archives(store, archives)]
    for report in (*plain, *threaded):
        report.pop("seconds")
    assert threaded == plain
    assert dump(store) == expected
    again = import_archives(store, archives)
    assert [r.changed for r in again] == [False, False]


@pytest.mark.parametrize(
    ("value", "fragment"),
    [(2**64, "does not fit in 64 bits"), (float("nan"), "not valid JSON")],
)
def test_numbers_neo4j_cannot_store_are_refused(store: Store, value: Any, fragment: str) -> None:
    doc = json.loads((ARCHIVES / "virtual_connection.omarchive").read_text())
    entity = doc["archiveInstanceStore"]["entities"][0]
    entity["properties"]["instanceProperties"]["refreshCount"] = {
        "class": "PrimitivePropertyValue",
        "primitiveDefCategory": "OM_PRIMITIVE_TYPE_LONG",
        "primitiveValue": value,
    }
    with pytest.raises(ArchiveError) as caught:
        import_archive(store, parse_archive(json.dumps(doc), source="numbers.omarchive"))
    assert caught.value.exit_code == 2
    assert "numbers.omarchive" in caught.value.message and fragment in caught.value.message
    assert dump(store) == {"nodes": {}, "relationships": {}}
