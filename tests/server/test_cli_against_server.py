"""The CLI with SWITCHBOARD_URL: groups list, resolve, get, validate, query and apply go through
the metadata server, with Neo4j out of the CLI's reach, and print what they print locally."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from engine.graph import Store, canonical_json, find_element, resolve_group
from tests.server.worked_example import CONNECTOR, GROUP, MANIFEST

UNREACHABLE_NEO4J = "bolt://127.0.0.1:9"
"""Where the CLI's own Neo4j settings point: any command that used them would fail."""


@pytest.fixture
def remote_env(live_url: str) -> dict[str, str | None]:
    return {
        "SWITCHBOARD_URL": live_url,
        "NEO4J_URI": UNREACHABLE_NEO4J,
        "NEO4J_USERNAME": "nobody",
        "NEO4J_PASSWORD": "wrong",
    }


def run(env: dict[str, str | None], *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def applied(remote_env: dict[str, str | None], tmp_path: Path) -> dict[str, str | None]:
    path = tmp_path / "example.yaml"
    path.write_text(MANIFEST)
    code, out, err = run(remote_env, "apply", "-f", str(path), "--json")
    assert code == 0, err
    assert json.loads(out)["counts"]["create"] > 0
    return remote_env


def test_apply_and_the_read_commands_go_through_the_server(
    applied: dict[str, str | None], store: Store
) -> None:
    assert find_element(store, CONNECTOR) is not None
    code, out, _ = run(applied, "resolve", GROUP, "--format", "json")
    assert code == 0 and out == canonical_json(resolve_group(store, GROUP))
    code, out, _ = run(applied, "resolve", GROUP)
    assert code == 0 and "WarehouseCataloguer" in out
    code, out, _ = run(applied, "groups", "list", "--json")
    assert code == 0 and [g["qualifiedName"] for g in json.loads(out)] == [GROUP]
    code, out, _ = run(applied, "get", CONNECTOR, "--json")
    assert code == 0 and json.loads(out)["version"] == 1
    code, out, _ = run(applied, "query", "connector_groups", "-p", f"connector={CONNECTOR}")
    assert code == 0 and GROUP in out
    code, out, _ = run(applied, "validate", GROUP, "--json")
    assert code == 0 and json.loads(out)["errors"] == 0


def test_the_servers_refusals_keep_the_clis_exit_codes(
    applied: dict[str, str | None], tmp_path: Path
) -> None:
    code, _, err = run(applied, "validate", "no.such.group")
    assert code == 2 and "no integration group" in err
    code, _, err = run(applied, "resolve", "no.such.group")
    assert code == 1 and "no integration group" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("integrationGroups: [{displayName: x}]\n")
    code, _, err = run(applied, "apply", "-f", str(bad))
    assert code == 2 and str(bad) in err


def test_an_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    env: dict[str, str | None] = {"SWITCHBOARD_URL": "http://127.0.0.1:9", "NEO4J_URI": None}
    code, _, err = run(env, "groups", "list")
    assert code == 1
    assert "cannot reach the metadata server" in err


def test_names_that_need_escaping_reach_the_server_intact(
    remote_env: dict[str, str | None], live_url: str
) -> None:
    import httpx

    name = "odd name/with #hash?and%percent"
    created = httpx.post(
        f"{live_url}/api/v1/elements", json={"typeName": "Endpoint", "qualifiedName": name}
    )
    assert created.status_code == 201
    code, out, err = run(remote_env, "get", name, "--json")
    assert code == 0, err
    assert json.loads(out)["qualifiedName"] == name
