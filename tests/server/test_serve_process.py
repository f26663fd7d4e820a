"""``switchboard serve`` as a real process: it answers on its port, publishes its OpenAPI
document, and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from engine.graph import Store
from engine.local import free_port
from tests.conftest import TestServer


def test_serve_answers_publishes_openapi_and_stops_on_sigterm(
    neo4j_server: TestServer, store: Store
) -> None:
    port = free_port()
    switchboard = Path(sys.executable).with_name("switchboard")
    process = subprocess.Popen(
        [str(switchboard), "serve", "--port", str(port), "--server-name", "proc"],
        env={**os.environ, **neo4j_server.env()},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        health = None
        while health is None and process.poll() is None and time.monotonic() < deadline:
            try:
                health = httpx.get(f"{url}/health").json()
            except httpx.TransportError:
                time.sleep(0.2)
        assert health == {"status": "ok", "serverName": "proc"}, process.stderr
        paths = httpx.get(f"{url}/openapi.json").json()["paths"]
        assert "/api/v1/apply" in paths
        assert "/servers/{serverName}/api/open-metadata/{urlMarker}/connections" in paths
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert f"serving on http://127.0.0.1:{port}" in err
