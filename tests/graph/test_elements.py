"""The write API against a real Neo4j: identity, versions, conflicts, cascades."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine import (
    CatalogTarget,
    ConflictError,
    Connection,
    ConnectorType,
    Element,
    EmbeddedConnection,
    Endpoint,
    IntegrationConnector,
    IntegrationGroup,
    NotFoundError,
    RegisteredIntegrationConnector,
    UsageError,
    VirtualConnection,
)
from engine.graph import Store
from engine.graph import elements as api


def _labels(store: Store) -> dict[str, int]:
    return {r["label"]: r["count"] for r in store.read("count_by_label")}


def _rels(store: Store) -> dict[str, int]:
    return {r["type"]: r["count"] for r in store.read("count_by_relationship_type")}


def _connector_graph(store: Store, connector: str = "c1", connection: str = "conn1") -> None:
    api.save_elements(
        store,
        [
            IntegrationGroup(qualifiedName="g1"),
            IntegrationConnector(qualifiedName=connector),
            Connection(qualifiedName=connection, configurationProperties={"dir": "/data"}),
            ConnectorType(qualifiedName="ct1", connectorProviderClassName="x.y:Provider"),
            Endpoint(qualifiedName=f"ep-{connection}", networkAddress="/data"),
            Element(typeName="FileFolder", qualifiedName="folder1", properties={"pathName": "/d"}),
        ],
    )
    api.register_connector(
        store, "g1", connector, RegisteredIntegrationConnector(connectorName=connector)
    )
    api.attach_connection(store, connector, connection)
    api.attach_connector_type(store, connection, "ct1")
    api.attach_endpoint(store, connection, f"ep-{connection}")
    api.add_catalog_target(store, connector, "folder1", CatalogTarget(catalogTargetName="t1"))


def test_create_sets_identity_labels_and_audit(store: Store) -> None:
    result = api.create_element(store, IntegrationConnector(qualifiedName="c1", displayName="C"))
    assert result.outcome == "created" and result.version == 1
    stored = api.get_element(store, "c1")
    assert stored.labels == (
        "Referenceable",
        "Asset",
        "Process",
        "DeployedSoftwareComponent",
        "DeployedConnector",
        "IntegrationConnector",
    )
    assert stored.typeName == "IntegrationConnector"
    assert stored.audit.version == 1
    assert isinstance(stored.audit.createTime, datetime)
    assert stored.audit.createTime == stored.audit.updateTime
    assert stored.audit.createdBy and stored.audit.createdBy == stored.audit.updatedBy
    assert api.get_element(store, guid=stored.guid).qualifiedName == "c1"


def test_identical_rewrite_does_not_bump_version(store: Store) -> None:
    element = Connection(qualifiedName="conn", configurationProperties={"a": 1, "b": "x"})
    first = api.save_element(store, element)
    again = api.save_element(store, element)
    created = api.create_element(store, element)
    assert (first.outcome, again.outcome, created.outcome) == ("created", "unchanged", "unchanged")
    assert api.get_element(store, "conn").version == 1


def test_each_real_change_bumps_version_by_one(store: Store) -> None:
    api.save_element(store, IntegrationGroup(qualifiedName="g", description="one"))
    api.save_element(store, IntegrationGroup(qualifiedName="g", description="two"))
    result = api.update_element(store, IntegrationGroup(qualifiedName="g", displayName="G"))
    assert result.version == 3
    stored = api.get_element(store, "g")
    assert stored.element.description == "two" and stored.element.displayName == "G"
    assert stored.audit.updateTime is not None and stored.audit.createTime is not None
    assert stored.audit.updateTime > stored.audit.createTime


def test_replace_drops_undeclared_properties_and_flattened_keys(store: Store) -> None:
    api.save_element(store, Connection(qualifiedName="c", configurationProperties={"a": 1}))
    api.update_element(store, Connection(qualifiedName="c", description="d"), mode="replace")
    stored = api.get_element(store, "c")
    assert stored.element.description == "d"
    assert getattr(stored.element, "configurationProperties", None) is None
    rows = store.read("elements_read", {"qualifiedNames": ["c"]})
    assert "configurationProperties.a" not in rows[0]["props"]


def test_expected_version_conflict_and_no_lost_update(store: Store) -> None:
    api.save_element(store, IntegrationGroup(qualifiedName="g", description="v1"))
    api.update_element(
        store, IntegrationGroup(qualifiedName="g", description="v2"), expected_version=1
    )
    with pytest.raises(ConflictError, match="expected version 1, but it is at version 2"):
        api.update_element(
            store, IntegrationGroup(qualifiedName="g", description="stale"), expected_version=1
        )
    stored = api.get_element(store, "g")
    assert stored.element.description == "v2" and stored.version == 2


def test_create_existing_with_other_properties_conflicts(store: Store) -> None:
    api.create_element(store, Endpoint(qualifiedName="e", networkAddress="a"))
    with pytest.raises(ConflictError, match="already exists"):
        api.create_element(store, Endpoint(qualifiedName="e", networkAddress="b"))
    assert api.get_element(store, "e").version == 1


def test_guid_is_kept_given_and_immutable(store: Store) -> None:
    api.save_element(store, Endpoint(qualifiedName="e", guid="guid-1"))
    assert api.get_element(store, "e").guid == "guid-1"
    with pytest.raises(ConflictError, match="a guid cannot change"):
        api.save_element(store, Endpoint(qualifiedName="e", guid="guid-2", protocol="x"))
    assert api.get_element(store, "e").guid == "guid-1"


def test_update_missing_and_get_missing_raise_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError):
        api.update_element(store, Endpoint(qualifiedName="nope"))
    with pytest.raises(NotFoundError):
        api.get_element(store, "nope")
    with pytest.raises(NotFoundError):
        api.delete_element(store, guid="no-such-guid")


def test_type_change_updates_labels(store: Store) -> None:
    api.save_element(store, Connection(qualifiedName="c"))
    api.save_element(store, VirtualConnection(qualifiedName="c"))
    stored = api.get_element(store, "c")
    assert stored.typeName == "VirtualConnection"
    assert set(stored.labels) == {"Referenceable", "Connection", "VirtualConnection"}
    api.save_element(store, Element(typeName="DataFile", qualifiedName="c"))
    assert "VirtualConnection" not in api.get_element(store, "c").labels


def test_relationships_have_guid_version_and_audit(store: Store) -> None:
    _connector_graph(store)
    rels = {r.type: r for r in api.get_relationships(store, "c1")}
    assert set(rels) == {"ASSET_CONNECTION", "CATALOG_TARGET"}
    for rel in rels.values():
        assert rel.guid and rel.audit.version == 1 and rel.audit.createdBy
    reg = RegisteredIntegrationConnector(connectorName="c1", refreshTimeInterval=5)
    first = api.register_connector(store, "g1", "c1", reg)
    again = api.register_connector(store, "g1", "c1", reg)
    assert (first.outcome, first.version) == ("updated", 2)
    assert (again.outcome, again.version) == ("unchanged", 2)
    with pytest.raises(ConflictError):
        api.register_connector(store, "g1", "c1", reg, expected_version=1)
    assert _rels(store)["REGISTERED_INTEGRATION_CONNECTOR"] == 1


def test_registration_dates_are_native_datetimes(store: Store) -> None:
    _connector_graph(store)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    api.register_connector(
        store,
        "g1",
        "c1",
        RegisteredIntegrationConnector(connectorName="c1", startDate=start),
    )
    (reg,) = api.get_relationships(store, "g1", "RegisteredIntegrationConnector")
    assert getattr(reg.relationship, "startDate", None) == start


def test_single_valued_links_are_replaced(store: Store) -> None:
    _connector_graph(store)
    api.save_element(store, Connection(qualifiedName="conn2"))
    result = api.attach_connection(store, "c1", "conn2")
    assert result.removed == 1
    targets = [r.to for r in api.get_relationships(store, "c1", "AssetConnection")]
    assert targets == ["conn2"]
    api.save_element(store, Endpoint(qualifiedName="ep2"))
    api.attach_endpoint(store, "conn1", "ep2")
    assert [r.to for r in api.get_relationships(store, "conn1", "ConnectToEndpoint")] == ["ep2"]


def test_catalog_targets_keyed_by_name(store: Store) -> None:
    _connector_graph(store)
    api.add_catalog_target(store, "c1", "folder1", CatalogTarget(catalogTargetName="t2"))
    updated = api.update_catalog_target(
        store, "c1", "folder1", CatalogTarget(catalogTargetName="t1", deleteMethod="ARCHIVE")
    )
    assert updated.outcome == "updated"
    names = sorted(
        r.relationship.catalogTargetName or ""  # type: ignore[attr-defined]
        for r in api.get_relationships(store, "c1", "CatalogTarget")
    )
    assert names == ["t1", "t2"]
    assert api.remove_catalog_target(store, "c1", "folder1", "t2") == 1
    assert _rels(store)["CATALOG_TARGET"] == 1


def test_relationship_to_missing_element_is_not_found(store: Store) -> None:
    api.save_element(store, IntegrationConnector(qualifiedName="c1"))
    with pytest.raises(NotFoundError, match="does not exist"):
        api.attach_connection(store, "c1", "missing")


def test_embedded_connection_properties_and_self_embedding(store: Store) -> None:
    api.save_elements(store, [VirtualConnection(qualifiedName="v"), Connection(qualifiedName="s")])
    api.embed_connection(
        store, "v", "s", EmbeddedConnection(position=1, displayName="vault", arguments={"k": 1})
    )
    (emb,) = api.get_relationships(store, "v", "EmbeddedConnection")
    assert emb.relationship.model_dump(exclude_none=True, exclude={"guid"}) == {
        "position": 1,
        "displayName": "vault",
        "arguments": {"k": 1},
    }
    with pytest.raises(UsageError, match="cannot embed itself"):
        api.embed_connection(store, "v", "v")
    assert api.unembed_connection(store, "v", "s") == 1


def test_delete_connector_cascades_only_to_what_it_alone_uses(store: Store) -> None:
    _connector_graph(store, "c1", "conn1")
    _connector_graph(store, "c2", "conn2")
    # conn2 shares conn1's endpoint too: that endpoint must stay.
    api.attach_endpoint(store, "conn2", "ep-conn1")
    api.save_elements(
        store,
        [VirtualConnection(qualifiedName="conn1", configurationProperties={"dir": "/data"})],
    )
    api.save_elements(store, [Connection(qualifiedName="secrets"), Endpoint(qualifiedName="sep")])
    api.embed_connection(store, "conn1", "secrets", EmbeddedConnection(displayName="vault"))
    api.attach_endpoint(store, "secrets", "sep")

    result = api.delete_element(store, "c1")
    remaining = {
        qn
        for qn in ["c1", "conn1", "secrets", "sep", "ep-conn1", "ct1", "folder1", "g1", "c2"]
        if api.find_element(store, qn) is not None
    }
    assert remaining == {"ep-conn1", "ct1", "folder1", "g1", "c2"}
    assert len(result.elements) == 4
    rels = _rels(store)
    assert rels["REGISTERED_INTEGRATION_CONNECTOR"] == 1
    assert rels["CATALOG_TARGET"] == 1


def test_delete_connector_keeps_connection_used_by_another_asset(store: Store) -> None:
    _connector_graph(store, "c1", "conn1")
    api.save_element(store, Element(typeName="Asset", qualifiedName="other-asset"))
    api.attach_connection(store, "other-asset", "conn1")
    api.delete_element(store, "c1")
    assert api.find_element(store, "conn1") is not None
    assert api.find_element(store, "ep-conn1") is not None


def test_delete_group_removes_registrations_not_connectors(store: Store) -> None:
    _connector_graph(store)
    before = _labels(store)
    result = api.delete_element(store, "g1", expected_version=1)
    assert len(result.elements) == 1
    after = _labels(store)
    assert after.get("IntegrationGroup", 0) == 0
    assert after["IntegrationConnector"] == before["IntegrationConnector"]
    assert "REGISTERED_INTEGRATION_CONNECTOR" not in _rels(store)


def test_delete_with_stale_expected_version_conflicts(store: Store) -> None:
    api.save_element(store, IntegrationGroup(qualifiedName="g", description="a"))
    api.save_element(store, IntegrationGroup(qualifiedName="g", description="b"))
    with pytest.raises(ConflictError):
        api.delete_element(store, "g", expected_version=1)
    assert api.find_element(store, "g") is not None


def test_bulk_save_uses_batches(store: Store) -> None:
    elements = [Endpoint(qualifiedName=f"e{i}", networkAddress=str(i)) for i in range(2500)]
    results = api.save_elements(store, elements)
    assert len(results) == 2500 and all(r.outcome == "created" for r in results)
    again = api.save_elements(store, elements)
    assert all(r.outcome == "unchanged" for r in again)
    assert _labels(store)["Endpoint"] == 2500
