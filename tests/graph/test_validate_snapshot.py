"""Validation from the database: the snapshot queries against a real Neo4j, with the data
created by plain Cypher (tests/world/fixture.py), and agreement with the resolved path."""

from __future__ import annotations

import networkx as nx

from engine.graph import Store, resolve_groups
from engine.validate import Finding, load_snapshot, validate_graph, validate_groups
from tests.support.snapshot_world import clean_world
from tests.world import guid_for


def keys(findings: list[Finding]) -> set[tuple[str, str, tuple[str, ...]]]:
    return {(f.rule, f.severity, f.elements) for f in findings}


def test_clean_database_has_no_findings(store: Store) -> None:
    clean_world(store)
    graph = load_snapshot(store)
    assert graph.number_of_nodes() == 15
    assert graph.number_of_edges() == 14
    assert validate_graph(graph, deep=True) == []
    assert validate_groups(resolve_groups(store, ["g1"]), deep=True) == []


def test_parallel_loading_gives_the_same_graph(store: Store) -> None:
    clean_world(store)
    one_transaction = load_snapshot(store)
    parallel = load_snapshot(store, parallel=True)
    assert nx.utils.graphs_equal(one_transaction, parallel)
    assert parallel.number_of_edges() == 14


def test_snapshot_node_and_edge_data(store: Store) -> None:
    clean_world(store)
    graph = load_snapshot(store)
    node = graph.nodes[guid_for("db::conn")]
    assert node["qualifiedName"] == "db::conn"
    assert node["typeName"] == "VirtualConnection"
    assert {"Referenceable", "Connection", "VirtualConnection"} <= node["labels"]
    assert node["properties"]["securedProperties"] == {
        "password": "vault:db-password",
        "token": "env:DB_TOKEN",
    }
    edges = graph.get_edge_data(guid_for("db::conn"), guid_for("db::secrets"))
    ((key, data),) = edges.items()
    assert key == data["guid"]
    assert data["type"] == "EMBEDDED_CONNECTION"
    assert data["properties"]["displayName"] == "vault"


def test_defects_only_a_snapshot_shows(store: Store) -> None:
    b = clean_world(store)
    # a catalog target hanging off a connector type (SB022)
    b.element("FileFolder", "folder-z")
    b.relate("CatalogTarget", "files::type", "folder-z", catalogTargetName="stray")
    # an orphan virtual connection that embeds nothing (SB017, no connector to blame)
    b.virtual_connection("orphan::conn")
    # a node without guid linked into the group (SB003)
    store.driver.execute_query(
        "MATCH (c:Referenceable {qualifiedName: 'files::conn'}) "
        "CREATE (c)-[:CONNECT_TO_ENDPOINT {guid: $rel}]->"
        "(:Referenceable:Endpoint {qualifiedName: 'files::ep2', typeName: 'Endpoint'})",
        {"rel": guid_for("no-guid endpoint link")},
        database_=store.database,
    )
    # a proxy connector type (SB029)
    store.driver.execute_query(
        "MATCH (t:ConnectorType {qualifiedName: 'db::jdbc::type'}) SET t.isProxy = true",
        database_=store.database,
    )
    findings = validate_graph(load_snapshot(store))
    assert keys(findings) == {
        ("SB022", "error", ("files::type", "folder-z")),
        ("SB017", "error", ("orphan::conn",)),
        ("SB003", "error", ("files::ep2",)),
        ("SB016", "error", ("files::conn", "files::ep", "files::ep2")),
        ("SB029", "warning", ("db::jdbc::type",)),
    }
    orphan = next(f for f in findings if f.rule == "SB017")
    assert (orphan.group, orphan.connector, orphan.registration) == (None, None, None)
    proxy = next(f for f in findings if f.rule == "SB029")
    assert (proxy.group, proxy.connector) == ("g1", "db")


def test_snapshot_and_resolution_agree_on_group_defects(store: Store) -> None:
    b = clean_world(store)
    b.group("g2")
    b.register("g2", "files::connector", "files")  # connectorName repeated across groups
    b.register("g1", "files::connector", "files-again")  # registered twice in g1
    b.embed("db::jdbc", "db::conn")  # cycle db::conn -> db::jdbc -> db::conn, plain embeds
    b.connector_type("extra::type", connectorProviderClassName="")
    b.connector_type_of("db::secrets", "extra::type")
    store.driver.execute_query(
        "MATCH (:Connection {qualifiedName: 'files::conn'})-[r:CONNECTION_CONNECTOR_TYPE]->() "
        "DELETE r",
        database_=store.database,
    )
    expected = {
        ("SB004", "error", ("g1", "files::connector")),
        ("SB006", "error", ("g1", "files::connector")),
        ("SB006", "error", ("g2", "files::connector")),
        ("SB013", "error", ("files::conn",)),
        ("SB014", "error", ("db::secrets", "db::secrets::type", "extra::type")),
        ("SB015", "error", ("extra::type",)),
        ("SB018", "error", ("db::jdbc", "db::conn")),
        ("SB019", "error", ("db::conn", "db::jdbc")),
    }
    from_snapshot = validate_graph(load_snapshot(store))
    from_resolution = validate_groups(resolve_groups(store, ["g1", "g2"]))
    assert keys(from_snapshot) == expected
    assert keys(from_resolution) == expected
    by_registration = {(f.rule, f.registration) for f in from_snapshot}
    assert by_registration == {(f.rule, f.registration) for f in from_resolution}
