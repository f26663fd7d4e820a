"""Neo4j goes away for 30 s during a run: no crash, degraded status, full recovery."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import pytest

from engine.daemon import DaemonConfig, Supervisor
from engine.graph.store import Store
from engine.local.server import LocalNeo4j
from tests.daemon_helpers import wait_for
from tests.daemon_world import build_world

if TYPE_CHECKING:
    from tests.conftest import TestServer

OUTAGE_SECONDS = 30


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_neo4j_outage_degrades_and_recovers(
    store: Store, neo4j_server: TestServer, tmp_path: Path
) -> None:
    if neo4j_server.local is None:
        pytest.fail("this test stops and restarts the server: run it on the embedded test instance")
    build_world(store, tmp_path)
    port = urlparse(neo4j_server.settings.uri or "").port
    local = LocalNeo4j(instance=neo4j_server.local.instance, port=port)
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
        local.stop()
        try:
            wait_for(lambda: sup.status().status == "degraded", timeout=120)
            files = sup.find("files")[0]
            before = files.stats.refreshes
            sup.request_refresh("files")
            wait_for(lambda: files.stats.refreshes > before, timeout=120)
            assert files.state.value == "WAITING"
            assert "cannot reach Neo4j" in (files.failure.last_error or "")
            time.sleep(OUTAGE_SECONDS)
            assert thread.is_alive()
            assert sup.health().status == "degraded"
        finally:
            local.start()
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
