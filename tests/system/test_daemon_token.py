"""Safe by default off loopback: a daemon whose control API is bound beyond loopback without a
token generates one, stores it where only its user can read it, says where (never what it is),
and answers 401 to every control request without it and 200 with it; --insecure-no-token is
the explicit way out and is warned about at start."""

from __future__ import annotations

import json
import os
import socket
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from cli.main import cli
from engine.daemon import TOKEN_ENV
from engine.graph import Store
from tests.support.daemon_process import DaemonRun
from tests.support.daemon_world import build_world

pytestmark = pytest.mark.timeout(240)

GROUP = "group.demo"


def own_address() -> str:
    """This machine's non-loopback IPv4 address (the one its default route uses); loopback
    only on a machine without any other interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))  # no packet is sent for a UDP connect
            return str(probe.getsockname()[0])
        except OSError:
            return "127.0.0.1"


@pytest.fixture
def daemon_env(cli_env: dict[str, str], store: Store, tmp_path: Path) -> dict[str, str]:
    build_world(store, tmp_path)
    env = {**os.environ, **cli_env, "SWITCHBOARD_HOME": str(tmp_path / "home")}
    env.pop(TOKEN_ENV, None)
    return env


@pytest.fixture
def open_daemon(daemon_env: dict[str, str], tmp_path: Path) -> Iterator[tuple[DaemonRun, str]]:
    """A daemon on 0.0.0.0 (every interface), started without a token; its base URL on
    this machine's own non-loopback address."""
    daemon = DaemonRun(
        ["--group", GROUP, "--host", "0.0.0.0", "--port", "0", "--poll-interval", "1"],
        daemon_env,
        tmp_path / "daemon.log",
    )
    try:
        announced = daemon.wait_ready()
        port = int(announced.rstrip("/").rsplit(":", 1)[1])
        yield daemon, f"http://{own_address()}:{port}"
    finally:
        assert daemon.stop() == 0, daemon.log()


def concrete(path: str) -> str:
    return (
        path.replace("{serverName}", "switchboard")
        .replace("{userId}", "operator")
        .replace("{name}", GROUP)
    )


def control_requests(openapi: dict[str, Any]) -> dict[tuple[str, str], int]:
    """Every operation the control API publishes but the open liveness check, and the paths
    FastAPI and the status page add outside the document, each with the status it answers
    when the token is right: 200, or 400 for an operation whose body is required (sent
    without one, it gets past the token and is refused for its missing body)."""
    expected: dict[tuple[str, str], int] = {}
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "post") or path == "/health":
                continue
            needs_body = operation.get("requestBody", {}).get("required", False)
            expected[(method.upper(), concrete(path))] = 400 if needs_body else 200
    for path in ("/openapi.json", "/docs", "/redoc", "/"):
        expected[("GET", path)] = 200
    return expected


def test_a_daemon_beyond_loopback_needs_the_generated_token(
    open_daemon: tuple[DaemonRun, str], daemon_env: dict[str, str]
) -> None:
    daemon, base = open_daemon
    runner = CliRunner()
    shown = runner.invoke(cli, ["daemon", "token", "--json"], env=daemon_env)
    assert shown.exit_code == 0, shown.output
    document = json.loads(shown.output)
    token, token_file = document["token"], Path(document["file"])
    assert token_file == Path(daemon_env["SWITCHBOARD_HOME"]) / "daemon" / "token"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    log = daemon.log()
    assert str(token_file) in log and "switchboard daemon token" in log
    assert token not in log

    bearer = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, timeout=30) as client:
        assert client.get("/health").status_code == 200  # liveness stays open
        openapi = client.get("/openapi.json", headers=bearer).json()
        expected = control_requests(openapi)
        assert expected[("POST", "/restart")] == 200 and expected[("GET", "/status")] == 200
        assert len(expected) >= 20
        refused = {
            (method, path): client.request(method, path).status_code for method, path in expected
        }
        assert {k: v for k, v in refused.items() if v != 401} == {}
        wrong = {"Authorization": "Bearer not-the-token"}
        assert all(
            client.request(method, path, headers=wrong).status_code == 401
            for method, path in expected
        )
        answered = {
            (method, path): client.request(method, path, headers=bearer).status_code
            for method, path in expected
        }
        assert answered == expected

    status = runner.invoke(cli, ["daemon", "status", "--json", "--url", base], env=daemon_env)
    assert status.exit_code == 0, status.output  # the CLI sends the stored token itself
    assert {c["connectorName"] for c in json.loads(status.output)["groups"][0]["connectors"]} == {
        "files",
        "sql",
    }
    elsewhere = {**daemon_env, "SWITCHBOARD_HOME": daemon_env["SWITCHBOARD_HOME"] + "-other"}
    denied = runner.invoke(cli, ["daemon", "status", "--url", base], env=elsewhere)
    assert denied.exit_code == 1 and "bearer token" in denied.output


def test_insecure_no_token_serves_without_one_and_warns(
    daemon_env: dict[str, str], tmp_path: Path
) -> None:
    daemon = DaemonRun(
        ["--group", GROUP, "--host", "0.0.0.0", "--port", "0", "--insecure-no-token"],
        daemon_env,
        tmp_path / "daemon.log",
    )
    try:
        port = int(daemon.wait_ready().rstrip("/").rsplit(":", 1)[1])
        response = httpx.get(f"http://{own_address()}:{port}/status", timeout=30)
        assert response.status_code == 200
        warnings = [ln for ln in daemon.log().splitlines() if " WARNING " in ln]
        assert any("--insecure-no-token" in ln for ln in warnings), daemon.log()
        assert not (Path(daemon_env["SWITCHBOARD_HOME"]) / "daemon" / "token").exists()
    finally:
        assert daemon.stop() == 0, daemon.log()


def test_insecure_no_token_with_a_token_is_refused(daemon_env: dict[str, str]) -> None:
    result = CliRunner().invoke(
        cli,
        ["daemon", "run", "--group", GROUP, "--host", "0.0.0.0", "--insecure-no-token"],
        env={**daemon_env, TOKEN_ENV: "given"},
    )
    assert result.exit_code == 2, result.output
    assert TOKEN_ENV in result.output and "--insecure-no-token" in result.output


def test_daemon_token_generates_once_and_prints_only_the_token(tmp_path: Path) -> None:
    env = {"SWITCHBOARD_HOME": str(tmp_path / "home")}
    runner = CliRunner()
    first = runner.invoke(cli, ["daemon", "token"], env=env)
    assert first.exit_code == 0, first.output
    token = first.stdout.strip()
    token_file = tmp_path / "home" / "daemon" / "token"
    assert token and token_file.read_text().strip() == token
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert "generated a new control API token" in first.stderr and token not in first.stderr
    again = runner.invoke(cli, ["daemon", "token"], env=env)
    assert again.exit_code == 0 and again.stdout.strip() == token and not again.stderr
