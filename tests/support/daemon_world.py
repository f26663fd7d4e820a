"""A demo world for daemon tests: a group in Neo4j, a folder of files, a SQLite db."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from engine.graph import Store
from tests.world import GraphBuilder

FILES = "engine.connectors.files:DataFilesMonitorProvider"
SQL = "engine.connectors.sql:SqlDatabaseCataloguerProvider"
SECRETS = "engine.connectors.secrets:YamlSecretsStoreProvider"
SECRET_VALUE = "pa55-w0rd-never-shown"


def cypher(store: Store, text: str, **params: Any) -> list[dict[str, Any]]:
    """Plain Cypher, as an analyst would type it."""
    records, _, _ = store.driver.execute_query(text, params, database_=store.database)
    return [r.data() for r in records]


def build_world(store: Store, tmp_path: Path) -> dict[str, Any]:
    """A demo group: files monitor on a FileFolder target, SQL cataloguer whose password
    comes from an embedded YAML secrets store; the files, database and secrets it needs."""
    folder = tmp_path / "landing"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.csv").write_text("x,y\n1,2\n")
    (folder / "b.txt").write_text("hello")
    (folder / "sub" / "c.json").write_text("{}")
    db = tmp_path / "sales.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
        conn.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, customer INTEGER, total REAL)")
    secrets = tmp_path / "secrets.yaml"
    secrets.write_text(
        f"secretsCollections:\n  sales:\n    secrets:\n      password: {SECRET_VALUE}\n"
    )

    b = GraphBuilder(store)
    b.group("group.demo", displayName="Demo")
    # data files monitor on a FileFolder catalog target
    b.connector_type("ct.files", connectorProviderClassName=FILES)
    b.connector("connector.files")
    b.connection("conn.files", configurationProperties={"recursive": True})
    b.connector_type_of("conn.files", "ct.files")
    b.asset_connection("connector.files", "conn.files")
    b.register("group.demo", "connector.files", "files", refreshTimeInterval=60)
    b.element("FileFolder", "folder.landing", pathName=str(folder))
    b.catalog_target("connector.files", "folder.landing", catalogTargetName="landing")
    # SQL cataloguer, password from an embedded YAML secrets store
    b.connector_type("ct.sql", connectorProviderClassName=SQL)
    b.connector_type("ct.secrets", connectorProviderClassName=SECRETS)
    b.connector("connector.sql")
    b.virtual_connection("conn.sql", userId="analyst", clearPassword="dbSecrets:password")
    b.connector_type_of("conn.sql", "ct.sql")
    b.endpoint("ep.sql", networkAddress=str(db))
    b.endpoint_of("conn.sql", "ep.sql")
    b.connection("conn.secrets", configurationProperties={"secretsCollectionName": "sales"})
    b.connector_type_of("conn.secrets", "ct.secrets")
    b.endpoint("ep.secrets", networkAddress=str(secrets))
    b.endpoint_of("conn.secrets", "ep.secrets")
    b.embed("conn.sql", "conn.secrets", position=1, display_name="dbSecrets")
    b.asset_connection("connector.sql", "conn.sql")
    b.register(
        "group.demo",
        "connector.sql",
        "sql",
        refreshTimeInterval=60,
        metadataSourceQualifiedName="source.sales-db",
    )
    return {"folder": folder, "db": db, "builder": b}
