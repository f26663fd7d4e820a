"""switchboard resolve / groups list / query through click's CliRunner."""

from __future__ import annotations

import csv
import io
import json

import pytest
import yaml
from click.testing import CliRunner

from cli.main import cli
from engine.graph import Store, canonical_json, resolve_group
from tests.world import build_fixture_world


@pytest.fixture
def env(cli_env: dict[str, str], store: Store) -> dict[str, str]:
    build_fixture_world(store)
    return cli_env


def run(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_resolve_json_is_the_canonical_document(env: dict[str, str], store: Store) -> None:
    code, out, _ = run(env, "resolve", "group.alpha", "--format", "json")
    assert code == 0
    assert out == canonical_json(resolve_group(store, "group.alpha"))


def test_resolve_yaml_carries_the_same_data(env: dict[str, str]) -> None:
    code, out, _ = run(env, "resolve", "group.beta", "--format", "yaml")
    assert code == 0
    data = yaml.safe_load(out)
    assert [c["registration"]["connectorName"] for c in data["connectors"]] == [
        "cycle",
        "files-watcher-beta",
        "lacks-provider",
    ]


def test_resolve_tree_shows_defects(env: dict[str, str]) -> None:
    code, out, _ = run(env, "resolve", "group.alpha")
    assert code == 0
    assert "group.alpha" in out and "4 connectors" in out
    assert "no connection" in out
    assert "another connection conn.two.b" in out
    assert "another connector type: ct.noprovider" in out
    assert "inbox -> folder.inbox" in out and "sync FROM_THIRD_PARTY" in out
    code, out, _ = run(env, "resolve", "group.beta")
    assert "cycle: already on this path" in out
    assert "no connectorProviderClassName" in out


def test_resolve_mermaid_and_dot(env: dict[str, str]) -> None:
    code, out, _ = run(env, "resolve", "group.beta", "--format", "mermaid")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "flowchart LR"
    assert any("EmbeddedConnection #1 back (cycle)" in line for line in lines)
    assert sum("-->" in line for line in lines) >= 10
    code, out, _ = run(env, "resolve", "group.beta", "--format", "dot")
    assert code == 0
    assert out.startswith('digraph "group.beta" {') and out.rstrip().endswith("}")
    assert "color=red" in out  # the cycle edge
    assert 'label="ConnectorType\\nct.noprovider"' in out


def test_resolve_unknown_group_exits_1_with_closest_names(env: dict[str, str]) -> None:
    code, out, err = run(env, "resolve", "group.alfa")
    assert code == 1
    assert "no integration group 'group.alfa'" in err
    assert "group.alpha" in err
    assert out == ""


def test_groups_list(env: dict[str, str]) -> None:
    code, out, _ = run(env, "groups", "list", "--json")
    assert code == 0
    data = json.loads(out)
    assert [(g["qualifiedName"], g["connectors"]) for g in data] == [
        ("group.alpha", 4),
        ("group.beta", 3),
        ("group.empty", 0),
    ]
    assert data[0]["lastUpdate"] == "2026-03-01T12:00:00+00:00"
    code, out, _ = run(env, "groups", "list")
    assert code == 0 and "group.empty" in out


def test_query_list(env: dict[str, str]) -> None:
    code, out, _ = run(env, "query", "--list", "--format", "json")
    assert code == 0
    names = {q["name"]: q for q in json.loads(out)}
    assert "orphans" in names and "resolve_group" in names
    assert names["elements_changed_since"]["parameters"] == [
        {
            "name": "since",
            "type": "datetime",
            "description": "ISO 8601 text, e.g. '2026-02-01T00:00:00Z'",
        }
    ]
    assert "wipe_all" not in names


def test_query_runs_with_parameters_in_every_format(env: dict[str, str]) -> None:
    args = ("query", "connectors_targeting_element", "-p", "qualifiedName=folder.inbox")
    code, out, _ = run(env, *args, "--format", "json")
    assert code == 0
    assert [r["connectorQualifiedName"] for r in json.loads(out)] == [
        "connector.files",
        "connector.lacks",
    ]
    code, out, _ = run(env, *args, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["groups"] == '["group.alpha/files-watcher", "group.beta/files-watcher-beta"]'
    code, out, _ = run(env, *args)
    assert code == 0 and "connectors_targeting_element (2 rows)" in out


def test_query_bad_input_exits_2(env: dict[str, str]) -> None:
    code, _, err = run(env, "query", "orphan")
    assert code == 2 and "no library query named 'orphan'" in err and "orphans" in err
    code, _, err = run(env, "query", "connector_groups")
    assert code == 2 and "-p connector=" in err
    code, _, err = run(env, "query", "orphans", "-p", "x=1")
    assert code == 2 and "no parameter 'x'" in err
    code, _, err = run(env, "query", "orphans", "-p", "novalue")
    assert code == 2 and "expected key=value" in err
    code, _, err = run(env, "query", "wipe_all")
    assert code == 2
    code, _, err = run(env, "query")
    assert code == 2
