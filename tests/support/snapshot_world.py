"""A clean integration group written straight to the graph, for the snapshot and CLI tests."""

from __future__ import annotations

from engine.graph import Store
from tests.support.validate_fixtures import GOOD_PROVIDER, STORE_PROVIDER
from tests.world import GraphBuilder


def clean_world(store: Store) -> GraphBuilder:
    """Group g1: 'files' (plain connection, endpoint, catalog targets) and 'db' (a virtual
    connection embedding a JDBC connection and a secrets store referenced by purpose)."""
    b = GraphBuilder(store)
    b.group("g1")
    b.connector("files::connector")
    b.connection("files::conn", configurationProperties={"dir": "/data"})
    b.connector_type("files::type", connectorProviderClassName=GOOD_PROVIDER)
    b.endpoint("files::ep", networkAddress="/data")
    b.register("g1", "files::connector", "files", permittedSynchronization="FROM_THIRD_PARTY")
    b.asset_connection("files::connector", "files::conn")
    b.connector_type_of("files::conn", "files::type")
    b.endpoint_of("files::conn", "files::ep")
    b.element("FileFolder", "folder-a")
    b.connection("folder-a::conn", displayName="landing connection")
    b.relate("AssetConnection", "folder-a", "folder-a::conn")
    b.catalog_target(
        "files::connector",
        "folder-a",
        catalogTargetName="landing",
        connectionName="landing connection",
        deleteMethod="ARCHIVE",
    )

    b.connector("db::connector")
    b.virtual_connection(
        "db::conn",
        securedProperties={"password": "vault:db-password", "token": "env:DB_TOKEN"},
        clearPassword="file:/run/secrets/db",
    )
    b.connector_type("db::type", connectorProviderClassName=GOOD_PROVIDER)
    b.connection("db::jdbc", userId="svc")
    b.connector_type("db::jdbc::type", connectorProviderClassName=GOOD_PROVIDER)
    b.connection("db::secrets", configurationProperties={"secretsCollectionName": "default"})
    b.connector_type("db::secrets::type", connectorProviderClassName=STORE_PROVIDER)
    b.endpoint("db::secrets::file", networkAddress="/run/secrets.yaml")
    b.register("g1", "db::connector", "db", refreshTimeInterval=0)
    b.asset_connection("db::connector", "db::conn")
    b.connector_type_of("db::conn", "db::type")
    b.connector_type_of("db::jdbc", "db::jdbc::type")
    b.connector_type_of("db::secrets", "db::secrets::type")
    b.endpoint_of("db::secrets", "db::secrets::file")
    b.embed("db::conn", "db::jdbc", position=1)
    b.embed("db::conn", "db::secrets", display_name="vault")
    return b
