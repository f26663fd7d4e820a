"""The apply's lean write path against a real Neo4j: what the plan found missing is created
with plain CREATE, and relationships from new elements with plain CREATE between elementIds.
Concurrent writers that act between the plan and the writes must still end in a correct,
duplicate-free graph (or a clean rollback); plans must still see equal values as equal when
their stored encoding differs."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from engine import ConnectorType, IntegrationConnector, ManifestError
from engine.declare import manifest as mf
from engine.graph import Store, delete_element, get_element, get_relationships, save_element


def checksum(store: Store) -> str:
    rows = store.read("db_snapshot")
    return hashlib.sha256(json.dumps(rows, sort_keys=True, default=str).encode()).hexdigest()


def doc(data: dict[str, Any]) -> mf.Document:
    return mf.Document("test", mf.Manifest.model_validate(data))


def connectors(names: list[str], connector_type: str = "ct") -> dict[str, Any]:
    return {
        "integrationGroups": [
            {
                "qualifiedName": "g",
                "connectors": [
                    {
                        "qualifiedName": name,
                        "displayName": f"declared {name}",
                        "registration": {
                            "connectorName": name,
                            "refreshTimeInterval": 5,
                            "startDate": "2026-01-01T00:00:00Z",
                        },
                        "connection": {
                            "qualifiedName": f"conn-{name}",
                            "connectorType": connector_type,
                            "endpoint": {"qualifiedName": f"ep-{name}", "networkAddress": "/d"},
                            "configurationProperties": {"b": 2, "a": "x"},
                        },
                        "catalogTargets": [
                            {"element": "folder", "catalogTargetName": "t1"},
                            {"element": "folder", "catalogTargetName": "t2"},
                        ],
                    }
                    for name in names
                ],
            }
        ],
    }


def full(names: list[str]) -> dict[str, Any]:
    data = connectors(names)
    data["connectorTypes"] = [{"qualifiedName": "ct", "connectorProviderClassName": "m:P"}]
    data["elements"] = [{"typeName": "FileFolder", "qualifiedName": "folder"}]
    return data


def counts(store: Store) -> tuple[dict[str, int], dict[str, int]]:
    labels = {r["label"]: r["count"] for r in store.read("count_by_label")}
    types = {r["type"]: r["count"] for r in store.read("count_by_relationship_type")}
    return labels, types


def test_lean_create_writes_what_was_declared(store: Store) -> None:
    report = mf.apply_documents(store, [doc(full(["c1", "c2"]))])
    assert report.counts["create"] == report.changes == 3 + 2 * 3 + 2 * 6
    labels, types = counts(store)
    assert labels["IntegrationConnector"] == 2 and labels["Asset"] == 3  # + the FileFolder
    assert labels["Connection"] == 2 and labels["Endpoint"] == 2 and labels["FileFolder"] == 1
    assert types == {
        "REGISTERED_INTEGRATION_CONNECTOR": 2,
        "ASSET_CONNECTION": 2,
        "CONNECTION_CONNECTOR_TYPE": 2,
        "CONNECT_TO_ENDPOINT": 2,
        "CATALOG_TARGET": 4,
    }
    c1 = get_element(store, "c1")
    assert c1.version == 1 and c1.audit.createdBy and c1.audit.createTime is not None
    assert c1.labels[-1] == "IntegrationConnector" and "Referenceable" in c1.labels
    assert c1.element.displayName == "declared c1"
    conn = get_element(store, "conn-c1")
    assert conn.element.configurationProperties == {"a": "x", "b": 2}  # type: ignore[attr-defined]
    regs = get_relationships(store, "g", "RegisteredIntegrationConnector")
    assert sorted(r.to for r in regs) == ["c1", "c2"]
    assert all(r.audit.version == 1 and r.guid for r in regs)
    targets = get_relationships(store, "c1", "CatalogTarget")
    assert sorted(t.relationship.catalogTargetName for t in targets) == ["t1", "t2"]  # type: ignore[attr-defined]
    again = mf.apply_documents(store, [doc(full(["c1", "c2"]))])
    assert again.changes == 0


def test_element_created_by_another_writer_after_the_plan(store: Store) -> None:
    """The plan finds c1 missing; another transaction commits c1 before the apply creates
    it. The apply's CREATE breaks the uniqueness constraint, the apply is planned again and
    written with MERGE: one c1, with the declared properties, versions counted once each."""
    calls: list[mf.Plan] = []

    def meanwhile(plan: mf.Plan) -> None:
        calls.append(plan)
        if len(calls) == 1:
            assert any(c.name == "c1" and c.action == "create" for c in plan.changes)
            save_element(store, IntegrationConnector(qualifiedName="c1", displayName="other"))

    report = mf.apply_documents(store, [doc(full(["c1", "c2"]))], on_plan=meanwhile)
    assert len(calls) == 2
    assert store.read("duplicate_qualified_names") == []
    c1 = get_element(store, "c1")
    assert c1.element.displayName == "declared c1"
    assert c1.version == 2  # created by the other writer, then updated once by the apply
    assert report.counts["update"] == 1
    labels, types = counts(store)
    assert labels["IntegrationConnector"] == 2
    assert types["REGISTERED_INTEGRATION_CONNECTOR"] == 2 and types["CATALOG_TARGET"] == 4
    assert mf.apply_documents(store, [doc(full(["c1", "c2"]))]).changes == 0


def test_end_2_created_by_another_writer_after_the_plan(store: Store) -> None:
    """Same, for an element that is only an end 2 (the shared connector type)."""
    calls: list[mf.Plan] = []

    def meanwhile(plan: mf.Plan) -> None:
        calls.append(plan)
        if len(calls) == 1:
            save_element(store, ConnectorType(qualifiedName="ct", connectorProviderClassName="m:P"))

    report = mf.apply_documents(store, [doc(full(["c1"]))], on_plan=meanwhile)
    assert len(calls) == 2
    assert report.counts["unchanged"] >= 1  # ct was already as declared on the second plan
    assert store.read("duplicate_qualified_names") == []
    labels, types = counts(store)
    assert labels["ConnectorType"] == 1 and types["CONNECTION_CONNECTOR_TYPE"] == 1
    assert get_element(store, "ct").version == 1


def test_referenced_element_deleted_after_the_plan_rolls_back(store: Store) -> None:
    """c1's connection references the stored connector type ct, which another transaction
    deletes after the plan read it: the relationship to it cannot be created, and the
    whole apply rolls back."""
    mf.apply_documents(
        store,
        [doc({"connectorTypes": [{"qualifiedName": "ct", "connectorProviderClassName": "m:P"}]})],
    )
    data = connectors(["c1"])
    data["elements"] = [{"typeName": "FileFolder", "qualifiedName": "folder"}]
    before: list[str] = []

    def meanwhile(plan: mf.Plan) -> None:
        delete_element(store, "ct")
        before.append(checksum(store))

    with pytest.raises(ManifestError, match="lost an end"):
        mf.apply_documents(store, [doc(data)], on_plan=meanwhile)
    assert checksum(store) == before[0]
    labels, _ = counts(store)
    assert "IntegrationConnector" not in labels


def test_equal_values_stored_in_another_encoding_are_unchanged(store: Store) -> None:
    """A map stored as JSON text other than the canonical one (e.g. written by another
    tool) decodes to the declared value: the plan reports it unchanged, writes nothing."""
    mf.apply_documents(store, [doc(full(["c1"]))])
    store.driver.execute_query(
        "MATCH (n:Connection {qualifiedName: 'conn-c1'}) "
        'SET n.configurationProperties = \'{"b": 2, "a": "x"}\'',
        database_=store.database,
    )
    snapshot = checksum(store)
    report = mf.apply_documents(store, [doc(full(["c1"]))])
    assert report.changes == 0
    assert checksum(store) == snapshot


def test_changed_value_is_planned_with_its_diff(store: Store) -> None:
    mf.apply_documents(store, [doc(full(["c1"]))])
    data = full(["c1"])
    connection = data["integrationGroups"][0]["connectors"][0]["connection"]
    connection["configurationProperties"] = {"b": 3, "a": "x"}
    data["integrationGroups"][0]["connectors"][0]["registration"]["refreshTimeInterval"] = 7
    report = mf.apply_documents(store, [doc(data)])
    diffs = {c.name: c.diff for c in report.plan.changes if c.action == "update"}
    assert diffs["conn-c1"] == {"configurationProperties": ({"a": "x", "b": 2}, {"a": "x", "b": 3})}
    assert diffs["g -> c1"] == {"refreshTimeInterval": (5, 7)}
    assert report.changes == 2
    assert get_element(store, "conn-c1").version == 2
