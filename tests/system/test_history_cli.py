"""switchboard history / resolve --as-of / diff / rollback through click's CliRunner."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from cli.main import cli
from engine.graph import Store, canonical_json, resolve_group
from tests.support.history_manifests import group_manifest

GROUP = "g"


def manifest(port: int, *connectors: str) -> dict[str, Any]:
    return group_manifest(GROUP, connectors, port=port)


def run(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def apply(env: dict[str, str], tmp_path: Path, data: dict[str, Any]) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    code, _, err = run(env, "apply", "-f", str(path))
    assert code == 0, err


def moment() -> str:
    time.sleep(0.005)
    at = datetime.now(UTC).isoformat()
    time.sleep(0.005)
    return at


@pytest.fixture
def world(cli_env: dict[str, str], tmp_path: Path, store: Store) -> tuple[str, str]:
    """Two applies; returns the time between them and the group's JSON then."""
    env = {**cli_env, "SWITCHBOARD_USER": "alice"}
    apply(env, tmp_path, manifest(1, "c1"))
    between, then = moment(), canonical_json(resolve_group(store, GROUP))
    apply(env, tmp_path, manifest(2, "c1", "c2"))
    return between, then


def test_history_json_lists_change_sets_newest_first(
    cli_env: dict[str, str], world: tuple[str, str]
) -> None:
    code, out, _ = run(cli_env, "history", "--group", GROUP, "--json")
    assert code == 0
    newest, oldest = json.loads(out)
    assert newest["time"] > oldest["time"] and newest["user"] == "alice"
    assert newest["tool"] == "apply"
    (conn,) = [c for c in newest["changes"] if c["name"] == "c1-conn"]
    assert conn["action"] == "update" and (conn["versionBefore"], conn["versionAfter"]) == (1, 2)
    assert "configurationProperties" in conn["changedProperties"]
    code, out, _ = run(cli_env, "history", "c1-conn")
    assert code == 0 and "update element Connection c1-conn (v1 -> v2)" in out


def test_resolve_as_of_prints_the_document_of_that_time(
    cli_env: dict[str, str], world: tuple[str, str]
) -> None:
    between, then = world
    code, out, _ = run(cli_env, "resolve", GROUP, "--as-of", between, "--format", "json")
    assert code == 0 and out == then


def test_bad_time_is_a_usage_error(cli_env: dict[str, str], world: tuple[str, str]) -> None:
    code, _, err = run(cli_env, "resolve", GROUP, "--as-of", "yesterdayish")
    assert code == 2 and "not a time" in err and "2h" in err


def test_diff_and_rollback(cli_env: dict[str, str], world: tuple[str, str], store: Store) -> None:
    between, _ = world
    code, out, _ = run(cli_env, "diff", GROUP, "--from", between, "--json")
    assert code == 0
    changes = {c["name"]: c for c in json.loads(out)["changes"]}
    assert changes["c2"]["action"] == "create"
    assert changes["c1-conn"]["diff"]["configurationProperties"] == {
        "from": {"port": 1},
        "to": {"port": 2},
    }
    before = canonical_json(resolve_group(store, GROUP))
    code, out, _ = run(cli_env, "rollback", GROUP, "--to", between, "--dry-run")
    assert code == 0 and "would change" in out
    assert canonical_json(resolve_group(store, GROUP)) == before
    code, out, _ = run(cli_env, "rollback", GROUP, "--to", between)
    assert code == 0
    names = [c.connector.qualifiedName for c in resolve_group(store, GROUP).connectors]
    assert names == ["c1"]
    code, out, _ = run(cli_env, "history", "--json", "--limit", "1")
    assert json.loads(out)[0]["tool"] == "rollback"


def test_check_records_an_edit_made_around_switchboard(
    cli_env: dict[str, str], world: tuple[str, str], store: Store
) -> None:
    code, out, _ = run(cli_env, "history", "--check")
    assert code == 0 and "matches" in out
    store.driver.execute_query("MATCH (n:Referenceable {qualifiedName: 'c1'}) SET n.x = 1")
    code, out, _ = run(cli_env, "history", "--check", "--json")
    assert code == 1 and json.loads(out)["changed"] == 1
    code, out, _ = run(cli_env, "history", "c1")
    assert code == 0 and "changed outside Switchboard" in out


def test_history_caps_the_changes_shown_of_each_change_set(
    cli_env: dict[str, str], world: tuple[str, str]
) -> None:
    code, out, _ = run(cli_env, "history", "--json", "--changes", "1")
    assert code == 0
    newest, oldest = json.loads(out)
    assert len(oldest["changes"]) == 1 and oldest["changeCount"] > 1
    code, out, _ = run(cli_env, "history", "--json", "--changes", "0")
    assert [len(cs["changes"]) for cs in json.loads(out)] == [
        newest["changeCount"],
        oldest["changeCount"],
    ]
    code, out, _ = run(cli_env, "history", "--changes", "1")
    assert code == 0 and f"and {oldest['changeCount'] - 1} more change(s)" in out


def test_prune_needs_before(cli_env: dict[str, str], world: tuple[str, str]) -> None:
    code, _, err = run(cli_env, "history", "prune")
    assert code == 2 and "--before" in err
    code, out, _ = run(cli_env, "history", "prune", "--before", "1d", "--json")
    assert code == 0
    assert json.loads(out) == {"droppedStates": 0, "droppedChangeSets": 0, "dryRun": False}


def test_prune_dry_run_and_a_cut_in_the_future(
    cli_env: dict[str, str], world: tuple[str, str]
) -> None:
    code, out, _ = run(cli_env, "history", "--json")
    recorded = len(json.loads(out))
    assert code == 0 and recorded >= 1
    now = moment()
    code, out, _ = run(cli_env, "history", "prune", "--before", now, "--dry-run", "--json")
    planned = json.loads(out)
    assert code == 0 and planned["dryRun"] and planned["droppedChangeSets"] == recorded
    assert planned["droppedStates"] >= 1  # the second apply replaced states of the first
    code, _, err = run(cli_env, "history", "prune", "--before", "2999-01-01")
    assert code == 2 and "later than the server's clock" in err
    code, _, err = run(cli_env, "history", "--dry-run")
    assert code == 2 and "--dry-run" in err
    code, _, err = run(cli_env, "history", "--since", "1h", "--until", "2h")
    assert code == 2 and "--since" in err
    code, out, _ = run(cli_env, "history", "--json")
    assert len(json.loads(out)) == recorded  # neither the dry run nor a refusal dropped any
