"""The control API (in process and over HTTP), the daemon CLI, and signals."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from cli.main import cli
from engine.daemon import ApiServer, DaemonConfig, Supervisor, create_app
from engine.graph import Store
from tests.support.daemon_helpers import wait_for
from tests.support.daemon_world import SECRET_VALUE, build_world
from tests.support.egeria_fields import ISO_WITH_OFFSET, check_daemon_status

pytestmark = pytest.mark.timeout(120)

TOKEN = "t0ken-for-tests"


@pytest.fixture
def world(store: Store, tmp_path: Path) -> dict[str, Any]:
    return build_world(store, tmp_path)


@pytest.fixture
def daemon(store: Store, world: dict[str, Any]) -> Iterator[Supervisor]:
    sup = Supervisor(
        store,
        DaemonConfig.model_validate({"groups": ["group.demo"], "pollInterval": 0.5}),
        tick_seconds=0.05,
    )
    thread = threading.Thread(target=sup.run, daemon=True)
    thread.start()
    wait_for(
        lambda: (
            len(sup.worker.runtimes) == 2
            and all(h.stats.refreshes for h in sup.worker.runtimes.values())
        )
    )
    try:
        yield sup
    finally:
        sup.stop()
        thread.join(30)


def test_status_health_and_openapi(daemon: Supervisor) -> None:
    client = TestClient(create_app(daemon))
    assert client.get("/health").json()["status"] == "ok"
    doc = client.get("/status").json()
    (group,) = doc["groups"]
    assert group["qualifiedName"] == "group.demo"
    by_name = {c["connectorName"]: c for c in group["connectors"]}
    assert set(by_name) == {"files", "sql"}
    files = by_name["files"]
    for key in (
        "state",
        "lastStatusChange",
        "lastRefreshStart",
        "lastRefreshEnd",
        "lastRefreshDuration",
        "nextRefresh",
        "lastError",
        "restartCount",
        "statistics",
    ):
        assert key in files
    assert files["state"] == "WAITING" and files["statistics"]["refreshes"] >= 1
    spec = client.get("/openapi.json").json()
    assert "/status" in spec["paths"]
    assert "/servers/{serverName}/open-metadata/integration-daemon/status" in spec["paths"]


def test_control_operations(daemon: Supervisor) -> None:
    client = TestClient(create_app(daemon))
    files = daemon.find("files")[0]
    before = files.stats.refreshes
    assert client.post("/refresh", json={"connector": "files"}).json()["connectors"] == ["files"]
    wait_for(lambda: files.stats.refreshes > before)
    assert sorted(client.post("/pause", json={}).json()["connectors"]) == ["files", "sql"]
    assert all(h.schedule.paused for h in daemon.worker.runtimes.values())
    client.post("/resume")
    assert not any(h.schedule.paused for h in daemon.worker.runtimes.values())
    assert client.post("/restart", json={"onlyFailed": True}).json()["connectors"] == []
    assert client.post("/restart", json={"connector": "sql"}).json()["connectors"] == ["sql"]
    assert daemon.find("sql")[0].stats.restarts == 1
    missing = client.post("/refresh", json={"connector": "nope"})
    assert missing.status_code == 404 and "nope" in missing.json()["error"]


def test_metrics(daemon: Supervisor) -> None:
    text = TestClient(create_app(daemon)).get("/metrics").text
    assert (
        'switchboard_connector_state{connector="files",group="group.demo",state="WAITING"} 1.0'
        in text
    )
    assert "switchboard_connector_refreshes_total" in text
    assert "switchboard_daemon_degraded 0.0" in text


def test_egeria_paths(daemon: Supervisor) -> None:
    client = TestClient(create_app(daemon))
    base = "/servers/switchboard/open-metadata/integration-daemon"
    doc = client.get(f"{base}/status").json()
    assert doc["class"] == "IntegrationDaemonStatusResponse" and doc["relatedHTTPCode"] == 200
    status = doc["integrationDaemonStatus"]
    check_daemon_status(status)
    (summary,) = status["integrationGroupSummaries"]
    assert summary["integrationGroupName"] == "group.demo"
    reports = {r["connectorName"]: r for r in status["integrationConnectorReports"]}
    assert set(reports) == {"files", "sql"}
    report = reports["files"]
    assert report["connectorStatus"] == "WAITING"
    assert report["minMinutesBetweenRefresh"] == 60
    assert ISO_WITH_OFFSET.match(report["lastRefreshTime"])
    assert report["statistics"]["refreshes"] >= 1
    assert client.get(f"{base}/users/garygeeke/status").json()["relatedHTTPCode"] == 200
    files = daemon.find("files")[0]
    before = files.stats.refreshes
    answer = client.post(
        f"{base}/integration-connectors/refresh",
        json={"class": "NameRequestBody", "name": "files"},
    ).json()
    assert answer == {"class": "VoidResponse", "relatedHTTPCode": 200}
    wait_for(lambda: files.stats.refreshes > before)
    assert client.post(f"{base}/integration-connectors/restart").json()["relatedHTTPCode"] == 200
    assert all(h.stats.restarts == 1 for h in daemon.worker.runtimes.values())
    group = client.get(f"{base}/integration-groups/group.demo/summary").json()
    assert group["integrationGroupSummary"]["integrationGroupName"] == "group.demo"
    unknown_group = client.get(f"{base}/integration-groups/nope/summary")
    assert unknown_group.status_code == 200
    assert unknown_group.json()["relatedHTTPCode"] == 400
    other = client.get("/servers/other/open-metadata/integration-daemon/status")
    assert other.status_code == 200 and other.json()["relatedHTTPCode"] == 404


def test_bearer_token(daemon: Supervisor) -> None:
    client = TestClient(create_app(daemon, token=TOKEN))
    assert client.get("/health").status_code == 200
    assert client.get("/status").status_code == 401
    assert client.get("/status", headers={"Authorization": "Bearer wrong"}).status_code == 401
    ok = client.get("/status", headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200


def test_cli_against_a_served_daemon(daemon: Supervisor) -> None:
    server = ApiServer(create_app(daemon, token=TOKEN), "127.0.0.1", 0)
    server.start()
    try:
        url = f"http://127.0.0.1:{server.port}"
        runner = CliRunner()
        args = ["--url", url, "--token", TOKEN]
        result = runner.invoke(cli, ["daemon", "status", *args, "--json"])
        assert result.exit_code == 0, result.output
        doc = json.loads(result.output)
        assert {c["connectorName"] for c in doc["groups"][0]["connectors"]} == {"files", "sql"}
        assert SECRET_VALUE not in result.output
        table = runner.invoke(cli, ["daemon", "status", *args], env={"COLUMNS": "200"})
        assert table.exit_code == 0 and "WAITING" in table.output and "files" in table.output
        refreshed = runner.invoke(cli, ["daemon", "refresh", "files", *args])
        assert refreshed.exit_code == 0 and "refresh: files" in refreshed.output
        restarted = runner.invoke(cli, ["daemon", "restart", "--only-failed", *args])
        assert restarted.exit_code == 0 and "no connector affected" in restarted.output
        paused = runner.invoke(cli, ["daemon", "pause", *args])
        assert paused.exit_code == 0 and daemon.find("sql")[0].schedule.paused
        resumed = runner.invoke(cli, ["daemon", "resume", "sql", *args])
        assert resumed.exit_code == 0 and not daemon.find("sql")[0].schedule.paused
        unknown = runner.invoke(cli, ["daemon", "refresh", "nope", *args])
        assert unknown.exit_code == 2 and "no connector named 'nope'" in unknown.output
        denied = runner.invoke(cli, ["daemon", "status", "--url", url, "--token", "bad"])
        assert denied.exit_code == 1 and "bearer token" in denied.output
    finally:
        server.stop()


def test_cli_unreachable_daemon() -> None:
    result = CliRunner().invoke(cli, ["daemon", "status", "--url", "http://127.0.0.1:9"])
    assert result.exit_code == 1
    assert "cannot reach the daemon" in result.output


def test_run_once_cli(cli_env: dict[str, str], world: dict[str, Any]) -> None:
    runner = CliRunner()
    result = runner.invoke(
        cli, ["daemon", "run", "--group", "group.demo", "--once", "--json"], env=cli_env
    )
    assert result.exit_code == 0, result.output
    assert SECRET_VALUE not in result.output
    report = json.loads(result.output[result.output.index("{") :])
    assert report["ok"] is True
    text = runner.invoke(
        cli, ["daemon", "run", "--group", "group.demo", "--once"], env={**cli_env, "COLUMNS": "200"}
    )
    assert text.exit_code == 0 and "files" in text.output and SECRET_VALUE not in text.output


def test_run_once_fails_when_a_connector_fails(
    cli_env: dict[str, str], world: dict[str, Any], store: Store
) -> None:
    store.driver.execute_query(
        "MATCH (e:Endpoint {qualifiedName: 'ep.sql'}) SET e.networkAddress = '/no/such/dir/x.db'"
    )
    result = CliRunner().invoke(
        cli, ["daemon", "run", "--group", "group.demo", "--once", "--json"], env=cli_env
    )
    assert result.exit_code == 1
    report = json.loads(result.output[result.output.index("{") :])
    states = {c["connectorName"]: c["state"] for c in report["groups"][0]["connectors"]}
    assert states == {"files": "WAITING", "sql": "FAILED"}


def test_run_usage_errors(cli_env: dict[str, str], tmp_path: Path) -> None:
    runner = CliRunner()
    neither = runner.invoke(cli, ["daemon", "run"], env=cli_env)
    assert neither.exit_code == 2 and "--group" in neither.output
    bad = tmp_path / "d.yaml"
    bad.write_text("groups: []\npollInterval: -1\n")
    result = runner.invoke(cli, ["daemon", "run", "--config", str(bad)], env=cli_env)
    assert result.exit_code == 2 and "pollInterval" in result.output
    missing = runner.invoke(cli, ["daemon", "run", "--group", "no.such", "--once"], env=cli_env)
    assert missing.exit_code == 1 and "no.such" in missing.output


def test_connectors_list() -> None:
    result = CliRunner().invoke(cli, ["connectors", "list", "--json"])
    assert result.exit_code == 0
    infos = {i["name"]: i for i in json.loads(result.output)}
    assert infos["data-files-monitor"]["enabled"] is True
    assert infos["yaml-secrets-store"]["kind"] == "secrets-store"


def test_connectors_list_shows_disabled_aliases(tmp_path: Path) -> None:
    cfg = tmp_path / "d.yaml"
    cfg.write_text(
        "groups: [g]\naliases:\n  com.example.Broken: no.such.module:Provider\n"
        "  com.example.Wrong: tests.support.daemon_fakes:NotAProvider\n"
    )
    result = CliRunner().invoke(cli, ["connectors", "list", "--json", "--config", str(cfg)])
    assert result.exit_code == 0
    infos = {i["name"]: i for i in json.loads(result.output)}
    assert infos["com.example.Broken"]["enabled"] is False
    assert "cannot import module 'no.such.module'" in infos["com.example.Broken"]["reason"]
    assert "is not a connector provider" in infos["com.example.Wrong"]["reason"]


def test_sigterm_disconnects_and_exits_zero(cli_env: dict[str, str], world: dict[str, Any]) -> None:
    env = {**os.environ, **cli_env}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from cli.main import main; main()",
            "daemon",
            "run",
            "--group",
            "group.demo",
            "--no-api",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not any("REFRESHING -> WAITING" in ln for ln in lines):
        time.sleep(0.1)
    assert any("REFRESHING -> WAITING" in ln for ln in lines), "".join(lines)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    reader.join(10)
    assert proc.stdout is not None
    out = proc.stdout.read()
    assert proc.returncode == 0, f"rc={proc.returncode}\n{out}\n{''.join(lines)}"
    assert "every connector disconnected" in out, f"{out}\n{''.join(lines)}"
    log = "".join(lines)
    assert "-> STOPPED (disconnect)" in log
    assert SECRET_VALUE not in log and SECRET_VALUE not in out
