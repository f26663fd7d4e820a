"""Concurrent writers: 8 processes applying overlapping manifests at once."""

from __future__ import annotations

import multiprocessing
from typing import Any

import pytest

from engine import ConflictError, IntegrationGroup, Neo4jSettings
from engine.declare import manifest as mf
from engine.graph import Store, get_element, update_element
from tests import conftest
from tests.support.concurrency import concurrent_manifest, server_settings

PROCESSES = 8
ROUNDS = 3


def _apply_rounds(args: tuple[dict[str, Any], int]) -> int:
    settings, worker = args
    store = Store.connect(Neo4jSettings(**settings))
    try:
        changes = 0
        for round_ in range(ROUNDS):
            doc = mf.Document(
                f"worker-{worker}", mf.Manifest.model_validate(concurrent_manifest(worker, round_))
            )
            changes += mf.apply_documents(store, [doc]).changes
        return changes
    finally:
        store.close()


def _versioned_update(args: tuple[dict[str, Any], int]) -> str:
    settings, worker = args
    store = Store.connect(Neo4jSettings(**settings))
    try:
        update_element(
            store,
            IntegrationGroup(qualifiedName="contested", description=f"worker {worker}"),
            expected_version=1,
        )
        return "ok"
    except ConflictError:
        return "conflict"
    finally:
        store.close()


@pytest.mark.slow
def test_eight_processes_overlapping_applies(
    store: Store, neo4j_server: conftest.TestServer
) -> None:
    ctx = multiprocessing.get_context("spawn")
    args = [(server_settings(neo4j_server), w) for w in range(PROCESSES)]
    with ctx.Pool(PROCESSES) as pool:
        pool.map(_apply_rounds, args)

    dupes = store.read("duplicate_qualified_names")
    assert dupes == []
    counts = {r["label"]: r["count"] for r in store.read("count_by_label")}
    assert counts["IntegrationConnector"] == 1 + PROCESSES * 3
    assert counts["IntegrationGroup"] == 3
    assert counts["ConnectorType"] == 1 and counts["Endpoint"] == 1
    rels = {r["type"]: r["count"] for r in store.read("count_by_relationship_type")}
    connectors = 1 + PROCESSES * 3
    assert rels["REGISTERED_INTEGRATION_CONNECTOR"] == connectors
    assert rels["ASSET_CONNECTION"] == connectors
    assert rels["CONNECTION_CONNECTOR_TYPE"] == connectors
    assert rels["CONNECT_TO_ENDPOINT"] == connectors
    assert rels["CATALOG_TARGET"] == connectors
    # Every apply changed the counter exactly once: created once, then one update each.
    assert get_element(store, "counter").version == PROCESSES * ROUNDS
    # Identical declarations never count as changes.
    for name in ("ct", "ep", "folder", "c-shared", "conn-shared", "g-shared"):
        assert get_element(store, name).version == 1, name


@pytest.mark.slow
def test_conflicting_versioned_updates_one_wins(
    store: Store, neo4j_server: conftest.TestServer
) -> None:
    from engine.graph import save_element

    save_element(store, IntegrationGroup(qualifiedName="contested"))
    ctx = multiprocessing.get_context("spawn")
    args = [(server_settings(neo4j_server), w) for w in range(PROCESSES)]
    with ctx.Pool(PROCESSES) as pool:
        outcomes = pool.map(_versioned_update, args)
    assert sorted(outcomes) == ["conflict"] * (PROCESSES - 1) + ["ok"]
    assert get_element(store, "contested").version == 2
