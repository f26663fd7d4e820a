"""8 processes at once, for several rounds, each applying overlapping manifests AND doing
versioned updates of shared elements through the engine's write API.

The data makes the outcome exactly checkable:

* every manifest declares the same shared elements identically (never a change), a
  ``counter`` element whose description names the worker and round (every apply changes
  it once) and connectors of the worker's own;
* the versioned updates touch four ``contested`` groups that no manifest declares; each
  attempt reads the current version and updates with it as the expected version, with a
  description no other attempt uses, so an accepted update always changes something.

Afterwards: no qualifiedName or guid on two nodes, no relationship twice; every contested
element's version is 1 + the updates accepted for it; the counter's version counts every
apply; every rejected update was a ConflictError and nothing else was raised.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from typing import Any

import pytest

from engine import ConflictError, IntegrationGroup, Neo4jSettings
from engine.declare import manifest as mf
from engine.graph import Store, get_element, save_element, update_element
from tests import conftest
from tests.support.concurrency import concurrent_manifest, server_settings
from tests.support.daemon_world import cypher

PROCESSES = 8
ROUNDS = 5
CONTESTED = [f"contested-{k}" for k in range(4)]
UPDATES_PER_ROUND = 2
"""Versioned update passes over the contested elements per round (before and after the
round's apply), so updates and applies overlap."""

DUPLICATE_GUIDS = """
MATCH (n:Referenceable) WHERE n.guid IS NOT NULL
WITH n.guid AS guid, count(*) AS count WHERE count > 1
RETURN guid, count
"""
DUPLICATE_RELATIONSHIPS = """
MATCH (a)-[r]->(b)
WITH type(r) AS type, a.qualifiedName AS start, b.qualifiedName AS end,
     r.catalogTargetName AS key, count(*) AS count
WHERE count > 1
RETURN type, start, end, key, count
"""
DUPLICATE_RELATIONSHIP_GUIDS = """
MATCH ()-[r]->() WHERE r.guid IS NOT NULL
WITH r.guid AS guid, count(*) AS count WHERE count > 1
RETURN guid, count
"""


def _worker(args: tuple[dict[str, Any], int]) -> dict[str, Any]:
    """Rounds of versioned updates and an overlapping apply; what was accepted and rejected."""
    settings, worker = args
    store = Store.connect(Neo4jSettings(**settings))
    accepted: Counter[str] = Counter()
    rejected: Counter[str] = Counter()
    errors: list[str] = []
    applies = 0
    attempt = 0
    try:
        for round_ in range(ROUNDS):
            for part in range(UPDATES_PER_ROUND):
                for name in CONTESTED:
                    attempt += 1
                    version = get_element(store, name).version
                    try:
                        result = update_element(
                            store,
                            IntegrationGroup(
                                qualifiedName=name,
                                description=f"worker {worker} round {round_} attempt {attempt}",
                            ),
                            expected_version=version,
                        )
                    except ConflictError:
                        rejected[name] += 1
                    except Exception as exc:
                        errors.append(f"{name}: {type(exc).__name__}: {exc}")
                    else:
                        if result.outcome != "updated":
                            errors.append(f"{name}: accepted update reported {result.outcome}")
                        accepted[name] += 1
                if part == 0:
                    doc = mf.Document(
                        f"worker-{worker}",
                        mf.Manifest.model_validate(concurrent_manifest(worker, round_)),
                    )
                    try:
                        mf.apply_documents(store, [doc])
                        applies += 1
                    except Exception as exc:
                        errors.append(f"apply: {type(exc).__name__}: {exc}")
        return {
            "accepted": dict(accepted),
            "rejected": dict(rejected),
            "errors": errors,
            "applies": applies,
        }
    finally:
        store.close()


@pytest.mark.slow
def test_eight_processes_mixing_applies_and_versioned_updates(
    store: Store, neo4j_server: conftest.TestServer
) -> None:
    for name in CONTESTED:
        save_element(store, IntegrationGroup(qualifiedName=name, description="initial"))
    ctx = multiprocessing.get_context("spawn")
    args = [(server_settings(neo4j_server), w) for w in range(PROCESSES)]
    with ctx.Pool(PROCESSES) as pool:
        outcomes = pool.map(_worker, args)

    errors = [e for o in outcomes for e in o["errors"]]
    assert errors == [], "\n".join(errors)
    assert all(o["applies"] == ROUNDS for o in outcomes)
    accepted: Counter[str] = Counter()
    rejected: Counter[str] = Counter()
    for o in outcomes:
        accepted.update(o["accepted"])
        rejected.update(o["rejected"])
    attempts = PROCESSES * ROUNDS * UPDATES_PER_ROUND
    for name in CONTESTED:
        assert accepted[name] + rejected[name] == attempts, name
        assert accepted[name] >= 1, name
        # no lost update, none counted twice
        assert get_element(store, name).version == 1 + accepted[name], name
    print(
        f"\nversioned updates accepted {sum(accepted.values())}, "
        f"rejected as conflicts {sum(rejected.values())}"
    )

    assert store.read("duplicate_qualified_names") == []
    assert cypher(store, DUPLICATE_GUIDS) == []
    assert cypher(store, DUPLICATE_RELATIONSHIPS) == []
    assert cypher(store, DUPLICATE_RELATIONSHIP_GUIDS) == []
    counts = {r["label"]: r["count"] for r in store.read("count_by_label")}
    connectors = 1 + PROCESSES * 3
    assert counts["IntegrationConnector"] == connectors
    assert counts["IntegrationGroup"] == 3 + len(CONTESTED)
    rels = {r["type"]: r["count"] for r in store.read("count_by_relationship_type")}
    for rel in ("REGISTERED_INTEGRATION_CONNECTOR", "ASSET_CONNECTION", "CATALOG_TARGET"):
        assert rels[rel] == connectors, rel
    # every apply changed the counter exactly once; identical declarations never changed
    assert get_element(store, "counter").version == PROCESSES * ROUNDS
    for name in ("ct", "ep", "folder", "c-shared", "conn-shared", "g-shared"):
        assert get_element(store, name).version == 1, name
    # the contested elements hold one of the accepted descriptions, untouched by applies
    for name in CONTESTED:
        description = get_element(store, name).element.description
        assert description is not None and description.startswith("worker "), name
