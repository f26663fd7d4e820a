"""Every file in cypher/ parses; every analysts' query runs on fixture data with a known answer."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from engine.graph import Store, run_library_query
from engine.graph.writer import RELATIONSHIP_KINDS, RELATIONSHIP_TEMPLATES, relationship_statement
from engine.statements import (
    PARAMETER_TYPES,
    bind,
    get_query,
    library,
    query_names,
    query_text,
)
from tests.world import build_fixture_world, guid_for

Rows = list[dict[str, Any]]


def cols(rows: Rows, *names: str) -> list[tuple[Any, ...]]:
    return [tuple(row[n] for n in names) for row in rows]


def check_groups(rows: Rows) -> None:
    assert cols(rows, "qualifiedName", "connectors", "lastUpdate") == [
        ("group.alpha", 4, datetime(2026, 3, 1, 12, 0, tzinfo=UTC)),
        ("group.beta", 3, datetime(2026, 3, 1, 12, 0, tzinfo=UTC)),
        ("group.empty", 0, datetime(2026, 1, 1, tzinfo=UTC)),
    ]
    assert rows[0]["displayName"] == "Alpha group"


def check_connector_groups(rows: Rows) -> None:
    assert cols(rows, "groupQualifiedName", "connectorName", "refreshTimeInterval") == [
        ("group.alpha", "files-watcher", 5),
        ("group.beta", "files-watcher-beta", 60),
    ]
    assert rows[0]["registrationGuid"] == guid_for("reg.alpha.files")


def check_targeting(rows: Rows) -> None:
    assert cols(rows, "connectorQualifiedName", "catalogTargetName", "groups") == [
        (
            "connector.files",
            "inbox",
            ["group.alpha/files-watcher", "group.beta/files-watcher-beta"],
        ),
        ("connector.lacks", "inbox", ["group.beta/lacks-provider"]),
    ]


def check_sharing(rows: Rows) -> None:
    assert cols(rows, "connectorTypeQualifiedName", "connectorCount", "connectors") == [
        ("ct.files", 3, ["connector.cycle", "connector.files", "connector.two"]),
        ("ct.noprovider", 2, ["connector.lacks", "connector.two"]),
    ]


def check_lacking(rows: Rows) -> None:
    assert cols(
        rows,
        "connectorQualifiedName",
        "connectionQualifiedName",
        "connectorTypeQualifiedName",
        "problem",
    ) == [
        ("connector.lacks", "conn.lacks", "ct.noprovider", "no provider class"),
        ("connector.none", None, None, "no connection"),
        ("connector.orphan", None, None, "no connection"),
        ("connector.two", "conn.two.a", "ct.noprovider", "no provider class"),
        ("connector.two", "conn.two.b", None, "no connector type"),
    ]


def check_orphans(rows: Rows) -> None:
    assert cols(rows, "kind", "qualifiedName", "typeName") == [
        ("connection", "conn.orphan", "Connection"),
        ("connector", "connector.orphan", "IntegrationConnector"),
        ("connectorType", "ct.unused", "ConnectorType"),
        ("endpoint", "ep.unused", "Endpoint"),
    ]


def check_changed(rows: Rows) -> None:
    assert cols(rows, "kind", "typeName", "qualifiedName") == [
        ("element", "IntegrationConnector", "connector.lacks"),
        ("element", "FileFolder", "folder.archive"),
        ("element", "IntegrationGroup", "group.beta"),
        ("relationship", "CATALOG_TARGET", "connector.files -> folder.archive"),
        ("relationship", "REGISTERED_INTEGRATION_CONNECTOR", "group.beta -> connector.files"),
    ]
    assert {row["updateTime"] for row in rows} == {datetime(2026, 3, 1, 12, 0, tzinfo=UTC)}


def check_by_type(rows: Rows) -> None:
    assert cols(
        rows,
        "elementTypeName",
        "elementQualifiedName",
        "connectorQualifiedName",
        "catalogTargetName",
    ) == [
        ("Database", "db.sales", "connector.db", "sales"),
        ("FileFolder", "folder.archive", "connector.files", "archive"),
        ("FileFolder", "folder.inbox", "connector.files", "inbox"),
        ("FileFolder", "folder.inbox", "connector.lacks", "inbox"),
    ]


def check_resolve_group(rows: Rows) -> None:
    assert [(row["part"], row["start"]) for row in rows] == [
        ("group", 0),
        ("elements", 0),
        ("connections", 0),
        ("connectors", 0),
    ]
    parts = {row["part"]: row["items"] for row in rows}
    assert [g["qualifiedName"] for g in parts["group"]] == ["group.alpha"]
    assert [c["registration"]["connectorName"] for c in parts["connectors"]] == [
        "db-sync",
        "files-watcher",
        "no-connection",
        "two-connections",
    ]
    guids = [e["node"]["guid"] for e in parts["elements"]]
    assert guids == sorted(guids) and len(guids) == len(set(guids)) > 0
    reachable = sorted(c["node"]["qualifiedName"] for c in parts["connections"])
    assert reachable == sorted(
        [
            "conn.db.level3",
            "conn.db.secrets",
            "conn.files",
            "conn.two.a",
            "conn.two.b",
            "vconn.db",
            "vconn.db.level1",
            "vconn.db.level2",
        ]
    )


def check_resolve_groups(rows: Rows) -> None:
    assert [row["group"]["qualifiedName"] for row in rows] == ["group.alpha", "group.beta"]
    beta_connections = {c["node"]["qualifiedName"] for c in rows[1]["connections"]}
    assert {"vconn.e1", "vconn.e2", "conn.files", "conn.lacks"} == beta_connections


CASES: dict[str, tuple[dict[str, str], Callable[[Rows], None]]] = {
    "groups": ({}, check_groups),
    "connector_groups": ({"connector": "files-watcher-beta"}, check_connector_groups),
    "connectors_targeting_element": ({"qualifiedName": "folder.inbox"}, check_targeting),
    "connectors_sharing_connector_type": ({}, check_sharing),
    "connectors_lacking_provider": ({}, check_lacking),
    "orphans": ({}, check_orphans),
    "elements_changed_since": ({"since": "2026-02-01T00:00:00Z"}, check_changed),
    "catalog_targets_by_element_type": ({"typeName": "Asset"}, check_by_type),
    "resolve_group": ({"qualifiedName": "group.alpha"}, check_resolve_group),
    "resolve_groups": ({"qualifiedNames": "group.beta,nope,group.alpha"}, check_resolve_groups),
}


@pytest.fixture
def world(store: Store) -> Store:
    build_fixture_world(store)
    return store


def test_every_library_query_has_a_case() -> None:
    assert sorted(q.name for q in library()) == sorted(CASES)


def test_library_headers_declare_parameters_and_columns() -> None:
    for query in library():
        assert query.description, query.name
        assert query.returns, query.name
        body = "\n".join(line for line in query.text.splitlines() if not line.startswith("//"))
        used = set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", body))
        assert {p.name for p in query.parameters} == used, query.name
        assert all(p.type in PARAMETER_TYPES for p in query.parameters), query.name


@pytest.mark.parametrize("name", sorted(CASES))
def test_library_query_answers(world: Store, name: str) -> None:
    raw, check = CASES[name]
    params = bind(get_query(name), raw)
    check(run_library_query(world, name, params))


def test_every_cypher_file_plans(world: Store) -> None:
    """EXPLAIN every file (catches syntax and planning errors); library files are read-only,
    and every read-only file that needs no parameter runs."""
    library_names = {q.name for q in library()}
    ran = []
    for name in query_names():
        if name in RELATIONSHIP_TEMPLATES:  # a template: plan it for every relationship type
            for rel_type in RELATIONSHIP_KINDS:
                with world.driver.session(database=world.database) as session:
                    text = relationship_statement(name, rel_type)
                    assert "w" in session.run("EXPLAIN " + text).consume().query_type, name
            continue
        text = query_text(name)
        with world.driver.session(database=world.database) as session:
            summary = session.run("EXPLAIN " + text).consume()
        needs_params = any(status.gql_status == "01N60" for status in summary.gql_status_objects)
        if name in library_names:
            assert summary.query_type == "r", f"{name} must be read-only"
        if summary.query_type in ("r", "s") and not needs_params:
            world.read(name)
            ran.append(name)
    assert {"groups", "orphans", "connectors_lacking_provider"} <= set(ran)
