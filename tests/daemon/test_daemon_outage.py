"""Neo4j goes away for 30 s during a run: no crash, degraded status, full recovery."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from engine.daemon import DaemonConfig, Supervisor
from engine.graph import Store
from tests.support.daemon_helpers import wait_for
from tests.support.daemon_world import build_world

if TYPE_CHECKING:
    from tests.conftest import TestServer
    from tests.support.reliability_helpers import DedicatedServer

OUTAGE_SECONDS = 30


@pytest.mark.slow
@pytest.mark.long
@pytest.mark.timeout(600)
def test_neo4j_outage_degrades_and_recovers(
    store: Store, neo4j_server: TestServer, restartable_server: DedicatedServer, tmp_path: Path
) -> None:
    if neo4j_server.local is None:
        pytest.fail("this test stops and restarts the server: run it on the embedded test instance")
    build_world(store, tmp_path)
    sup = Supervisor(
        store,
        DaemonConfig.model_validate(
            {
                "groups": ["group.demo"],
                "pollInterval": 0.5,
                "storeRetryInterval": 1,
                "refreshTimeout": 120,
            }
        ),
        tick_seconds=0.05,
    )
    thread = threading.Thread(target=sup.run, daemon=True)
    thread.start()
    try:
        wait_for(
            lambda: (
                len(sup.worker.runtimes) == 2
                and all(h.stats.refreshes for h in sup.worker.runtimes.values())
            )
        )
        restartable_server.stop()
        stopped = time.monotonic()
        try:
            wait_for(lambda: sup.status().status == "degraded", timeout=120)
            files = sup.find("files")[0]
            before = files.stats.refreshes
            sup.request_refresh("files")
            wait_for(lambda: files.stats.refreshes > before, timeout=120)
            assert files.state.value == "WAITING"
            assert "cannot reach Neo4j" in (files.failure.last_error or "")
            # the outage lasts OUTAGE_SECONDS in all (the refresh above already waited
            # out the driver's retries, which take about as long)
            time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - stopped)))
            assert thread.is_alive()
            assert sup.health().status == "degraded"
        finally:
            restartable_server.start()
        wait_for(lambda: sup.status().status == "ok", timeout=180)
        files = sup.find("files")[0]
        wait_for(
            lambda: files.failure.last_error is None and files.state.value == "WAITING", timeout=120
        )
        assert {h.name: h.state.value for h in sup.worker.runtimes.values()} == {
            "files": "WAITING",
            "sql": "WAITING",
        }
        assert all(h.stats.restarts == 0 for h in sup.worker.runtimes.values())
        before = files.stats.refreshes
        sup.request_refresh()
        wait_for(
            lambda: files.stats.refreshes > before and files.failure.last_error is None, timeout=60
        )
    finally:
        sup.stop()
        thread.join(60)
