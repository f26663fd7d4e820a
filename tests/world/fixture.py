"""The small fixture world of the tests, and a builder for graphs the write API cannot make.

:class:`GraphBuilder` writes one element or relationship at a time through the graph
writer's bulk loads, following the storage conventions of :mod:`tests.world.rows` (guids
uuid5 of the qualifiedName or of a relationship key, fixed times), so resolved groups can be
compared byte for byte with golden files. It exists for tests that need graphs the write API
cannot (yet, or ever) produce, e.g. defects the validator must find.
:func:`build_fixture_world` builds the graph the resolution, query-library and validation
tests share.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from engine.graph import Store
from engine.graph.writer import bulk_create_elements, bulk_relate_by_name
from tests.world.rows import BASE_TIME, element_row, relationship_row, stable_guid

NAMESPACE = uuid.UUID("6f0b3d8e-6a1c-4a47-9a59-3c3a4d1f0e21")
LATER = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
"""The update time of the few elements changed after :data:`BASE_TIME`."""


def guid_for(key: str) -> str:
    """A stable guid derived from ``key`` (in the fixture world's namespace)."""
    return stable_guid(NAMESPACE, key)


class GraphBuilder:
    """Creates elements and relationships one statement at a time."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._rel_counts: dict[str, int] = {}

    # ------------------------------------------------------------- elements
    def element(
        self,
        type_name: str,
        qualified_name: str,
        *,
        guid: str | None = None,
        time: datetime = BASE_TIME,
        **properties: Any,
    ) -> str:
        element_guid = guid or guid_for(qualified_name)
        row = element_row(type_name, qualified_name, element_guid, properties, time=time)
        bulk_create_elements(self.store, [row])
        return element_guid

    def group(self, qn: str, **props: Any) -> str:
        props.setdefault("deployedImplementationType", "Dynamic Integration Group")
        return self.element("IntegrationGroup", qn, **props)

    def connector(self, qn: str, **props: Any) -> str:
        props.setdefault("usesBlockingCalls", False)
        return self.element("IntegrationConnector", qn, **props)

    def connection(self, qn: str, **props: Any) -> str:
        return self.element("Connection", qn, **props)

    def virtual_connection(self, qn: str, **props: Any) -> str:
        return self.element("VirtualConnection", qn, **props)

    def connector_type(self, qn: str, **props: Any) -> str:
        return self.element("ConnectorType", qn, **props)

    def endpoint(self, qn: str, **props: Any) -> str:
        return self.element("Endpoint", qn, **props)

    # -------------------------------------------------------- relationships
    def relate(
        self,
        relationship: str,
        from_qn: str,
        to_qn: str,
        *,
        guid: str | None = None,
        time: datetime = BASE_TIME,
        **properties: Any,
    ) -> str:
        base = f"{relationship}:{from_qn}->{to_qn}"
        self._rel_counts[base] = self._rel_counts.get(base, 0) + 1
        key = f"{base}:{self._rel_counts[base]}"  # stable when other links are added
        row = relationship_row(
            relationship, from_qn, to_qn, guid or guid_for(key), properties, time=time
        )
        guids = bulk_relate_by_name(self.store, [row])
        if not guids:
            raise LookupError(f"cannot relate {from_qn!r} -> {to_qn!r}: an end is missing")
        return guids[0]

    def register(self, group_qn: str, connector_qn: str, connector_name: str, **props: Any) -> str:
        props.setdefault("refreshTimeInterval", 60)
        props.setdefault("generateConnectorActivityReports", True)
        return self.relate(
            "RegisteredIntegrationConnector",
            group_qn,
            connector_qn,
            connectorName=connector_name,
            **props,
        )

    def asset_connection(self, connector_qn: str, connection_qn: str) -> str:
        return self.relate("AssetConnection", connector_qn, connection_qn)

    def connector_type_of(self, connection_qn: str, type_qn: str) -> str:
        return self.relate("ConnectionConnectorType", connection_qn, type_qn)

    def endpoint_of(self, connection_qn: str, endpoint_qn: str) -> str:
        return self.relate("ConnectToEndpoint", connection_qn, endpoint_qn)

    def embed(
        self,
        parent_qn: str,
        child_qn: str,
        *,
        position: int = 0,
        display_name: str | None = None,
        arguments: dict[str, Any] | None = None,
    ) -> str:
        return self.relate(
            "EmbeddedConnection",
            parent_qn,
            child_qn,
            position=position,
            displayName=display_name,
            arguments=arguments or {},
        )

    def catalog_target(self, connector_qn: str, element_qn: str, **props: Any) -> str:
        return self.relate("CatalogTarget", connector_qn, element_qn, **props)


def build_fixture_world(store: Store) -> GraphBuilder:
    """A small graph with every shape and defect resolution and the analysts' queries meet.

    * ``group.alpha``: ``files-watcher`` (connection with connector type, endpoint,
      two catalog targets, one overriding configuration and synchronization);
      ``db-sync`` (virtual connection embedding a depth-3 chain and a secrets
      store); ``two-connections`` (two connections, the first with two connector
      types and two endpoints); ``no-connection``.
    * ``group.beta``: ``cycle`` (e1 -> e2 -> e1 and e2 -> e2) and the files
      watcher again under another connectorName; ``lacks-provider``
      (connector type without a provider class).
    * ``group.empty``: no connectors.
    * Orphans: ``connector.orphan`` (in no group), ``conn.orphan`` (no asset),
      ``ep.unused`` and ``ct.unused``.
    """
    b = GraphBuilder(store)
    # connector types and endpoints
    b.connector_type(
        "ct.files",
        displayName="Folder connector",
        connectorProviderClassName="switchboard.connectors.files:FolderProvider",
        recognizedConfigurationProperties=["directory", "recursive"],
        supportedAssetTypeName="FileFolder",
    )
    b.connector_type(
        "ct.db",
        displayName="Database connector",
        connectorProviderClassName="switchboard.connectors.db:DatabaseProvider",
    )
    b.connector_type(
        "ct.secrets",
        displayName="YAML secrets store",
        connectorProviderClassName="switchboard.connectors.secrets:YamlSecretsStoreProvider",
    )
    b.connector_type("ct.noprovider", displayName="Connector type without provider")
    b.connector_type(
        "ct.unused", connectorProviderClassName="switchboard.connectors.unused:UnusedProvider"
    )
    b.endpoint("ep.data", networkAddress="/data", protocol="file")
    b.endpoint("ep.db", networkAddress="postgresql://db:5432/sales", protocol="postgresql")
    b.endpoint("ep.secrets", networkAddress="/etc/switchboard/secrets.yaml")
    b.endpoint("ep.unused", networkAddress="/nowhere")

    # catalog target elements
    b.element("FileFolder", "folder.inbox", displayName="Inbox", pathName="/data/inbox")
    b.element(
        "FileFolder", "folder.archive", displayName="Archive", pathName="/data/archive", time=LATER
    )
    b.element("Database", "db.sales", displayName="Sales database")
    b.connection("conn.db.sales.own", displayName="salesConnection")
    b.asset_connection("db.sales", "conn.db.sales.own")

    # groups
    b.group("group.alpha", displayName="Alpha group", additionalProperties={"team": "data"})
    b.group("group.beta", displayName="Beta group", time=LATER)
    b.group("group.empty", displayName="Empty group")

    # files-watcher: plain connection, two catalog targets
    b.connector("connector.files", displayName="Files watcher", resourceName="files")
    b.connection(
        "conn.files",
        configurationProperties={"directory": "/data", "recursive": True, "depth": 2},
        securedProperties={"token": "env:FILES_TOKEN"},
    )
    b.connector_type_of("conn.files", "ct.files")
    b.endpoint_of("conn.files", "ep.data")
    b.asset_connection("connector.files", "conn.files")
    b.register(
        "group.alpha",
        "connector.files",
        "files-watcher",
        guid=guid_for("reg.alpha.files"),
        permittedSynchronization="FROM_THIRD_PARTY",
        refreshTimeInterval=5,
        startDate=datetime(2026, 1, 2, tzinfo=UTC),
    )
    b.catalog_target(
        "connector.files",
        "folder.inbox",
        guid=guid_for("ct.files.inbox"),
        catalogTargetName="inbox",
        configurationProperties={"directory": "/data/inbox", "pattern": "*.csv"},
    )
    b.catalog_target(
        "connector.files",
        "folder.archive",
        guid=guid_for("ct.files.archive"),
        catalogTargetName="archive",
        permittedSynchronization="TO_THIRD_PARTY",
        deleteMethod="ARCHIVE",
        time=LATER,
    )

    # db-sync: virtual connection, depth-3 embedding chain and a secrets store
    b.connector("connector.db", displayName="Database sync", usesBlockingCalls=True)
    b.virtual_connection("vconn.db", configurationProperties={"batchSize": 100})
    b.connector_type_of("vconn.db", "ct.db")
    b.virtual_connection("vconn.db.level1", displayName="level 1")
    b.virtual_connection("vconn.db.level2", displayName="level 2")
    b.connection("conn.db.level3", displayName="level 3", configurationProperties={"leaf": True})
    b.connector_type_of("conn.db.level3", "ct.db")
    b.endpoint_of("conn.db.level3", "ep.db")
    b.connection(
        "conn.db.secrets",
        configurationProperties={"secretsCollectionName": "sales"},
    )
    b.connector_type_of("conn.db.secrets", "ct.secrets")
    b.endpoint_of("conn.db.secrets", "ep.secrets")
    b.asset_connection("connector.db", "vconn.db")
    b.embed("vconn.db", "conn.db.secrets", position=2, display_name="databaseSecrets")
    b.embed(
        "vconn.db",
        "vconn.db.level1",
        position=1,
        display_name="chain",
        arguments={"mode": "read"},
    )
    b.embed("vconn.db.level1", "vconn.db.level2", position=1)
    b.embed("vconn.db.level2", "conn.db.level3", position=1, display_name="leaf")
    b.register("group.alpha", "connector.db", "db-sync", guid=guid_for("reg.alpha.db"))
    b.catalog_target(
        "connector.db",
        "db.sales",
        guid=guid_for("ct.db.sales"),
        catalogTargetName="sales",
        connectionName="salesConnection",
        configurationProperties={"batchSize": 500},
        templates={"table": "template.table"},
    )

    # two-connections: two connections, the first with two connector types
    b.connector("connector.two")
    b.connection("conn.two.a", configurationProperties={"x": 1})
    b.connection("conn.two.b")
    b.connector_type_of("conn.two.a", "ct.files")
    b.connector_type_of("conn.two.a", "ct.noprovider")
    b.endpoint_of("conn.two.a", "ep.data")
    b.endpoint_of("conn.two.a", "ep.db")
    b.asset_connection("connector.two", "conn.two.a")
    b.asset_connection("connector.two", "conn.two.b")
    b.register("group.alpha", "connector.two", "two-connections", guid=guid_for("reg.alpha.two"))

    # no-connection
    b.connector("connector.none")
    b.register("group.alpha", "connector.none", "no-connection", guid=guid_for("reg.alpha.none"))

    # beta: an embedding cycle, a shared connector, a connector type without provider
    b.connector("connector.cycle")
    b.virtual_connection("vconn.e1")
    b.virtual_connection("vconn.e2")
    b.connector_type_of("vconn.e1", "ct.files")
    b.asset_connection("connector.cycle", "vconn.e1")
    b.embed("vconn.e1", "vconn.e2", position=1, display_name="second")
    b.embed("vconn.e2", "vconn.e1", position=1, display_name="back")
    b.embed("vconn.e2", "vconn.e2", position=2, display_name="self")
    b.register("group.beta", "connector.cycle", "cycle", guid=guid_for("reg.beta.cycle"))
    b.register(
        "group.beta",
        "connector.files",
        "files-watcher-beta",
        guid=guid_for("reg.beta.files"),
        time=LATER,
    )
    b.connector("connector.lacks", time=LATER)
    b.connection("conn.lacks")
    b.connector_type_of("conn.lacks", "ct.noprovider")
    b.asset_connection("connector.lacks", "conn.lacks")
    b.register("group.beta", "connector.lacks", "lacks-provider", guid=guid_for("reg.beta.lacks"))
    b.catalog_target(
        "connector.lacks",
        "folder.inbox",
        guid=guid_for("ct.lacks.inbox"),
        catalogTargetName="inbox",
    )

    # orphans
    b.connector("connector.orphan")
    b.connection("conn.orphan")
    b.connector_type_of("conn.orphan", "ct.files")
    return b
