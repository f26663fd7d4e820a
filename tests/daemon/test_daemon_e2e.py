"""End to end through the daemon: real groups in Neo4j, real resolution and validation,
the built-in connectors on data each test creates, and change following."""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from engine.daemon import DaemonConfig, Supervisor
from engine.graph import Store
from engine.statements import query_text
from tests.support.daemon_helpers import wait_for
from tests.support.daemon_world import SECRET_VALUE, build_world, cypher
from tests.world import GraphBuilder

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def world(store: Store, tmp_path: Path) -> dict[str, Any]:
    return build_world(store, tmp_path)


def config(**extra: Any) -> DaemonConfig:
    return DaemonConfig.model_validate(
        {"groups": ["group.demo"], "pollInterval": 0.5, "refreshTimeout": 60, **extra}
    )


@pytest.fixture
def running(store: Store, world: dict[str, Any]) -> Iterator[Supervisor]:
    sup = Supervisor(store, config(), tick_seconds=0.05)
    thread = threading.Thread(target=sup.run, daemon=True)
    thread.start()
    try:
        yield sup
    finally:
        sup.stop()
        thread.join(30)


def data_files(store: Store) -> dict[str, dict[str, Any]]:
    rows = cypher(
        store,
        "MATCH (:FileFolder {qualifiedName: 'folder.landing'})-[:NESTED_FILE]->(f:DataFile) "
        "RETURN f.name AS name, properties(f) AS p",
    )
    return {r["name"]: r["p"] for r in rows}


def test_once_catalogues_files_and_database(store: Store, world: dict[str, Any]) -> None:
    sup = Supervisor(store, config())
    report = sup.run_once(timeout=60).as_dict()
    assert report["ok"], json.dumps(report, indent=1)
    files = data_files(store)
    assert set(files) == {"a.csv", "b.txt", "c.json"}
    a = files["a.csv"]
    assert a["fileExtension"] == "csv" and a["size"] == 8
    assert a["pathName"] == str(world["folder"] / "a.csv")
    assert a["metadataSourceQualifiedName"] == "connector.files"
    assert a["modifiedTime"] is not None
    columns = cypher(
        store,
        "MATCH (:Database)-[:DATA_CONTENT_FOR_DATA_SET]->(s:DeployedDatabaseSchema)"
        "-[:ATTRIBUTE_FOR_SCHEMA]->(t:RelationalTable)-[:NESTED_SCHEMA_ATTRIBUTE]->"
        "(c:RelationalColumn) WITH s, t, c ORDER BY t.name, c.position "
        "RETURN s.name AS schema, t.name AS tbl, c.name AS col, "
        "c.isPrimaryKey AS pk, c.dataType AS type, c.metadataSourceQualifiedName AS src",
    )
    assert [(r["tbl"], r["col"]) for r in columns] == [
        ("customers", "id"),
        ("customers", "name"),
        ("orders", "id"),
        ("orders", "customer"),
        ("orders", "total"),
    ]
    assert {r["schema"] for r in columns} == {"main"}
    assert columns[0]["pk"] is True and columns[0]["type"] == "INTEGER"
    assert {r["src"] for r in columns} == {"source.sales-db"}
    reports = cypher(
        store,
        "MATCH (r:ConnectorActivityReport) RETURN r.connectorName AS n, "
        "size(r.createdElements) AS created ORDER BY n",
    )
    assert [(r["n"], r["created"]) for r in reports] == [("files", 3), ("sql", 9)]
    connectors = {c["connectorName"]: c for g in report["groups"] for c in g["connectors"]}
    assert connectors["files"]["lastReport"]["created"] == 3


def test_files_are_incremental_and_removed_files_are_deleted(
    store: Store, world: dict[str, Any]
) -> None:
    folder: Path = world["folder"]
    Supervisor(store, config()).run_once(timeout=60)
    (folder / "b.txt").write_text("hello, longer")
    (folder / "d.csv").write_text("new")
    (folder / "sub" / "c.json").unlink()
    report = Supervisor(store, config()).run_once(timeout=60).as_dict()
    files_status = next(
        c for g in report["groups"] for c in g["connectors"] if c["connectorName"] == "files"
    )
    last = files_status["lastReport"]
    assert (last["created"], last["updated"], last["deleted"]) == (1, 1, 1)
    assert last["counters"]["files_unchanged"] == 1
    files = data_files(store)
    assert set(files) == {"a.csv", "b.txt", "d.csv"}
    assert files["b.txt"]["size"] == len("hello, longer")


def test_mass_deletion_is_refused(store: Store, world: dict[str, Any]) -> None:
    folder: Path = world["folder"]
    for i in range(12):
        (folder / f"bulk{i}.dat").write_text(str(i))
    Supervisor(store, config()).run_once(timeout=60)
    assert len(data_files(store)) == 15
    for i in range(12):
        (folder / f"bulk{i}.dat").unlink()
    report = Supervisor(store, config()).run_once(timeout=60).as_dict()
    assert not report["ok"]
    files_status = next(
        c for g in report["groups"] for c in g["connectors"] if c["connectorName"] == "files"
    )
    failures = files_status["lastReport"]["failures"]
    assert any("nothing deleted, as a safety measure" in f["message"] for f in failures)
    assert len(data_files(store)) == 15


def test_no_resolved_secret_in_graph_logs_or_status(
    store: Store, world: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    sup = Supervisor(store, config())
    with caplog.at_level(logging.DEBUG):
        report = sup.run_once(timeout=60).as_dict()
    assert report["ok"], json.dumps(report, indent=1)
    assert SECRET_VALUE not in json.dumps(report, default=str)
    assert SECRET_VALUE not in caplog.text
    dump = cypher(store, "MATCH (n) RETURN collect(properties(n)) AS p")[0]["p"]
    rels = cypher(store, "MATCH ()-[r]->() RETURN collect(properties(r)) AS p")[0]["p"]
    assert SECRET_VALUE not in json.dumps([dump, rels], default=str)


def test_connectors_own_writes_are_not_group_changes(store: Store, world: dict[str, Any]) -> None:
    sup = Supervisor(store, config())
    assert sup.load()
    before = sup.herder.fingerprint
    wait_for(lambda: all(h.stats.refreshes >= 1 for h in sup.worker.runtimes.values()), sup)
    assert data_files(store)
    assert not sup.poll_changes()
    assert sup.herder.fingerprint == before
    sup.shutdown()


def test_reload_resolves_again_only_the_groups_that_changed(
    store: Store, world: dict[str, Any]
) -> None:
    b: GraphBuilder = world["builder"]
    b.group("group.other")
    b.connector("connector.other")
    b.connection("conn.other", configurationProperties={"recursive": False})
    b.connector_type_of("conn.other", "ct.files")
    b.asset_connection("connector.other", "conn.other")
    b.register("group.other", "connector.other", "other", refreshTimeInterval=60)
    sup = Supervisor(store, config(groups=["group.demo", "group.other"]))
    assert sup.load()
    demo, other = (
        sup.herder.resolution.cached("group.demo"),
        sup.herder.resolution.cached("group.other"),
    )
    specs = {h.name: h.spec for h in sup.worker.runtimes.values()}
    cypher(store, "MATCH (c:Connection {qualifiedName: 'conn.other'}) SET c.userId = 'someone'")
    assert sup.poll_changes()
    assert sup.herder.resolution.cached("group.demo") is demo  # not resolved again
    assert sup.herder.resolution.cached("group.other") is not other
    assert sup.find("other")[0].spec.view.connection is not None
    assert sup.find("other")[0].spec.view.connection.properties["userId"] == "someone"
    assert sup.find("other")[0].stats.restarts == 1
    assert all(sup.find(n)[0].spec is specs[n] for n in ("files", "sql"))
    assert all(sup.find(n)[0].stats.restarts == 0 for n in ("files", "sql"))
    assert not sup.poll_changes()
    sup.shutdown()


def test_plain_cypher_change_is_followed(running: Supervisor, store: Store) -> None:
    sup = running
    wait_for(
        lambda: (
            {h.name for h in sup.worker.runtimes.values() if h.stats.refreshes >= 1}
            == {"files", "sql"}
        )
    )
    files = sup.find("files")[0]
    sql = sup.find("sql")[0]
    assert (
        files.instance.context is not None and files.instance.context.configuration.pattern is None
    )  # type: ignore[attr-defined]
    cypher(
        store,
        "MATCH (c:Connection {qualifiedName: 'conn.files'}) "
        "SET c.configurationProperties = $json, c.`configurationProperties.pattern` = '*.csv'",
        json=json.dumps({"recursive": True, "pattern": "*.csv"}),
    )
    poll = sup.config.poll_interval
    wait_for(
        lambda: (
            files.instance.context is not None
            and getattr(files.instance.context.configuration, "pattern", None) == "*.csv"
        ),
        timeout=poll + 2,
    )
    assert files.stats.restarts == 1
    assert sql.stats.restarts == 0

    # a removed catalog target is noticed by the running connector
    changes = files.stats.target_changes
    cypher(store, "MATCH (:IntegrationConnector)-[t:CATALOG_TARGET]->() DELETE t")
    wait_for(lambda: files.stats.target_changes > changes, timeout=poll + 2)
    assert files.instance.context is not None and files.instance.context.catalog_targets == []
    assert files.stats.restarts == 1

    # a removed registration disconnects and forgets the connector
    cypher(
        store,
        "MATCH (:IntegrationGroup)-[r:REGISTERED_INTEGRATION_CONNECTOR {connectorName: 'sql'}]->() "
        "DELETE r",
    )
    wait_for(lambda: "sql" not in {h.name for h in sup.worker.runtimes.values()}, timeout=poll + 2)
    assert sql.state.value == "STOPPED"


@pytest.mark.parametrize(
    "change",
    [
        "MATCH (g:IntegrationGroup {qualifiedName: 'group.demo'}) SET g.description = 'x'",
        "MATCH ()-[r:REGISTERED_INTEGRATION_CONNECTOR {connectorName: 'files'}]->() "
        "SET r.refreshTimeInterval = 5",
        "MATCH (c:IntegrationConnector {qualifiedName: 'connector.sql'}) SET c.resourceName = 'x'",
        "MATCH (c:Connection {qualifiedName: 'conn.files'}) SET c.userId = 'someone'",
        "MATCH (t:ConnectorType {qualifiedName: 'ct.sql'}) SET t.description = 'x'",
        "MATCH (e:Endpoint {qualifiedName: 'ep.secrets'}) SET e.protocol = 'file'",
        "MATCH ()-[e:EMBEDDED_CONNECTION]->() SET e.position = 2",
        "MATCH (c:Connection {qualifiedName: 'conn.secrets'}) SET c.description = 'x'",
        "MATCH ()-[t:CATALOG_TARGET]->() SET t.deleteMethod = 'PURGE'",
        "MATCH (f:FileFolder {qualifiedName: 'folder.landing'}) SET f.description = 'x'",
        "MATCH ()-[t:CATALOG_TARGET]->() DELETE t",
        "MATCH (:Connection {qualifiedName: 'conn.sql'})-[l:CONNECT_TO_ENDPOINT]->() DELETE l",
    ],
)
def test_fingerprint_sees_every_part_of_a_group(
    store: Store, world: dict[str, Any], change: str
) -> None:
    sup = Supervisor(store, config())
    before = sup.herder.current_fingerprint()
    cypher(store, "CREATE (:Referenceable:DataFile {qualifiedName: 'unrelated', guid: 'u'})")
    assert sup.herder.current_fingerprint() == before
    cypher(store, change)
    assert sup.herder.current_fingerprint() != before


def test_fingerprint_query_is_the_resolution_query_without_audit_times() -> None:
    def statement(name: str) -> str:
        text = query_text(name)
        return "\n".join(line for line in text.splitlines() if not line.startswith("//"))

    resolution = statement("resolve_groups")
    expected = re.sub(r"toString\((\w+)\.(createTime|updateTime)\)", "null", resolution)
    assert expected != resolution
    assert statement("group_fingerprint") == expected


def test_deleted_group_disconnects_its_connectors(running: Supervisor, store: Store) -> None:
    sup = running
    wait_for(
        lambda: (
            len(sup.worker.runtimes) == 2
            and all(h.stats.refreshes for h in sup.worker.runtimes.values())
        )
    )
    handlers = list(sup.worker.runtimes.values())
    cypher(store, "MATCH (g:IntegrationGroup {qualifiedName: 'group.demo'}) DETACH DELETE g")
    wait_for(lambda: not sup.worker.runtimes, timeout=sup.config.poll_interval + 5)
    assert all(h.state.value == "STOPPED" for h in handlers)
    status = sup.status().as_dict()
    assert status["groups"][0]["found"] is False
    assert status["status"] == "ok"


def test_files_from_the_endpoint_without_catalog_targets(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "one.csv").write_text("1")
    (folder / "two.parquet").write_text("2")
    (folder / "skip.txt").write_text("3")
    b = GraphBuilder(store)
    b.group("group.ep")
    b.connector_type(
        "ct.files", connectorProviderClassName="engine.connectors.files:DataFilesMonitorProvider"
    )
    b.connector("connector.ep")
    b.connection("conn.ep", configurationProperties={"fileGlob": "*.[cp]*"})
    b.connector_type_of("conn.ep", "ct.files")
    b.endpoint("ep.drop", networkAddress=str(folder))
    b.endpoint_of("conn.ep", "ep.drop")
    b.asset_connection("connector.ep", "conn.ep")
    b.register("group.ep", "connector.ep", "ep-files")
    cfg = DaemonConfig.model_validate({"groups": ["group.ep"]})
    report = Supervisor(store, cfg).run_once(timeout=60).as_dict()
    assert report["ok"], json.dumps(report, indent=1)
    rows = cypher(
        store,
        "MATCH (d:FileFolder)-[:NESTED_FILE]->(f:DataFile) "
        "RETURN d.qualifiedName AS folder, d.pathName AS path, collect(f.name) AS files",
    )
    assert len(rows) == 1
    assert rows[0]["path"] == str(folder.resolve())
    assert sorted(rows[0]["files"]) == ["one.csv", "two.parquet"]


def test_dropped_table_is_removed_from_the_catalogue(store: Store, world: dict[str, Any]) -> None:
    Supervisor(store, config()).run_once(timeout=60)
    with sqlite3.connect(world["db"]) as conn:
        conn.execute("DROP TABLE orders")
        conn.execute("ALTER TABLE customers ADD COLUMN email TEXT")
    report = Supervisor(store, config()).run_once(timeout=60).as_dict()
    assert report["ok"], json.dumps(report, indent=1)
    rows = cypher(
        store,
        "MATCH (t:RelationalTable)-[:NESTED_SCHEMA_ATTRIBUTE]->(c:RelationalColumn) "
        "RETURN t.name AS tbl, collect(c.name) AS cols",
    )
    assert {r["tbl"]: sorted(r["cols"]) for r in rows} == {"customers": ["email", "id", "name"]}
    orphans = cypher(
        store, "MATCH (c:RelationalColumn) WHERE c.qualifiedName CONTAINS 'orders' RETURN c"
    )
    assert orphans == []
