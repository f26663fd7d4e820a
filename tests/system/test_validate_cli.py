"""switchboard validate through click's CliRunner, against a real Neo4j."""

from __future__ import annotations

import json

from click.testing import CliRunner

from cli.main import cli
from engine.graph import Store
from engine.validate import RULES
from tests.support.snapshot_world import clean_world
from tests.world import GraphBuilder


def run(env: dict[str, str] | None, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_rules_are_listed_in_text_and_json() -> None:
    code, out, _ = run(None, "validate", "--rules")
    assert code == 0
    for rule_id in RULES:
        assert rule_id in out
    code, out, _ = run(None, "validate", "--rules", "--format", "json")
    assert code == 0
    listed = json.loads(out)
    assert [r["id"] for r in listed] == list(RULES)
    assert {r["severity"] for r in listed} == {"error", "warning"}
    assert all(r["title"] and r["explanation"] for r in listed)


def test_usage_errors_exit_2(cli_env: dict[str, str]) -> None:
    code, _, err = run(cli_env, "validate")
    assert code == 2
    assert "nothing to validate" in err
    code, _, err = run(cli_env, "validate", "g1", "--all")
    assert code == 2
    assert "not both" in err
    code, _, err = run(cli_env, "validate", "--format", "yaml", "g1")
    assert code == 2


def test_unknown_group_is_bad_input(cli_env: dict[str, str], store: Store) -> None:
    clean_world(store)
    code, _, err = run(cli_env, "validate", "g9")
    assert code == 2
    assert "g9" in err


def test_clean_group_exits_0(cli_env: dict[str, str], store: Store) -> None:
    clean_world(store)
    code, out, _ = run(cli_env, "validate", "g1")
    assert code == 0
    assert "no findings" in out
    code, out, _ = run(cli_env, "validate", "g1", "--deep", "--strict", "--json")
    assert code == 0
    assert json.loads(out)["findings"] == []
    code, out, _ = run(cli_env, "validate", "--all")
    assert code == 0


def test_errors_exit_1_grouped_by_group_and_connector(
    cli_env: dict[str, str], store: Store
) -> None:
    b = clean_world(store)
    store.driver.execute_query(
        "MATCH ()-[r:REGISTERED_INTEGRATION_CONNECTOR {connectorName: 'files'}]->() "
        "SET r.refreshTimeInterval = -3",
        database_=store.database,
    )
    b.virtual_connection("orphan::conn")
    code, out, _ = run(cli_env, "validate", "g1")
    assert code == 1
    assert "group g1" in out
    assert "connector files" in out
    assert "SB007" in out and "-3" in out and "fix:" in out
    assert "orphan::conn" not in out  # not part of g1
    assert "1 error, 0 warnings" in out

    code, out, _ = run(cli_env, "validate", "--all", "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert (doc["ok"], doc["errors"], doc["warnings"], doc["scope"]) == (False, 2, 0, "all")
    by_rule = {f["rule"]: f for f in doc["findings"]}
    assert set(by_rule) == {"SB007", "SB017"}
    assert (by_rule["SB007"]["group"], by_rule["SB007"]["connector"]) == ("g1", "files")
    assert by_rule["SB017"]["group"] is None
    assert by_rule["SB017"]["elements"] == ["orphan::conn"]


def test_warnings_fail_only_with_strict(cli_env: dict[str, str], store: Store) -> None:
    b: GraphBuilder = clean_world(store)
    b.element("FileFolder", "folder-b")
    b.catalog_target("files::connector", "folder-b", catalogTargetName="landing")
    code, out, _ = run(cli_env, "validate", "g1")
    assert code == 0
    assert "SB023" in out and "warning" in out
    code, _, _ = run(cli_env, "validate", "g1", "--strict")
    assert code == 1


def test_deep_loads_providers(cli_env: dict[str, str], store: Store) -> None:
    b = clean_world(store)
    b.connector_type("broken::type", connectorProviderClassName="no_such_module_xyz:Provider")
    store.driver.execute_query(
        "MATCH (:Connection {qualifiedName: 'files::conn'})-[r:CONNECTION_CONNECTOR_TYPE]->() "
        "DELETE r",
        database_=store.database,
    )
    b.connector_type_of("files::conn", "broken::type")
    code, _, _ = run(cli_env, "validate", "g1")
    assert code == 0
    code, out, _ = run(cli_env, "validate", "g1", "--deep", "--json")
    assert code == 1
    (finding,) = json.loads(out)["findings"]
    assert finding["rule"] == "SB030"
    assert "no_such_module_xyz" in finding["message"]
