"""A process that races others for the same connector leases (tests/graph/test_leases.py)."""

from __future__ import annotations

from typing import Any

from engine import Neo4jSettings
from engine.graph import Store
from engine.graph.writer import acquire_leases


def race_for_leases(
    settings: dict[str, Any],
    daemon_id: str,
    registrations: list[str],
    rounds: int,
    barrier: Any,
    results: Any,
) -> None:
    """Once every racer is connected (``barrier``): ``rounds`` acquires of every lease with an already expired
    lease (so each acquire may take every lease from whoever holds it), then, once every
    racer has done its rounds (``barrier`` again), one acquire with a long lease. Puts ``(daemon_id, phase, registration, epoch, changed)`` per grant
    on ``results``, then ``(daemon_id, "done", "", 0, False)``."""
    store = Store.connect(Neo4jSettings(**settings))
    try:
        barrier.wait(120)
        for _ in range(rounds):
            for grant in acquire_leases(
                store, registrations, daemon_id=daemon_id, lease_seconds=-1
            ):
                results.put((daemon_id, "expired", grant.registration, grant.epoch, grant.changed))
        barrier.wait(120)
        for grant in acquire_leases(store, registrations, daemon_id=daemon_id, lease_seconds=60):
            results.put((daemon_id, "long", grant.registration, grant.epoch, grant.changed))
    finally:
        store.close()
        results.put((daemon_id, "done", "", 0, False))
