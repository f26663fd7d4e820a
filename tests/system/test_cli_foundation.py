"""The neo4j and db commands through click's CliRunner."""

from __future__ import annotations

import json

from click.testing import CliRunner

from cli.main import cli


def test_db_status_json_reports_kernel_and_constraints(cli_env: dict[str, str]) -> None:
    result = CliRunner().invoke(cli, ["db", "status", "--json"], env=cli_env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["server"]["name"] == "Neo4j Kernel"
    assert data["server"]["version"].startswith("5.")
    assert data["schema"]["ok"] is True
    assert "referenceable_qualified_name" in data["schema"]["present"]


def test_db_init_twice(cli_env: dict[str, str]) -> None:
    runner = CliRunner()
    for _ in range(2):
        result = runner.invoke(cli, ["db", "init", "--json"], env=cli_env)
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["ok"] is True


def test_unreachable_server_is_a_clean_error(cli_env: dict[str, str]) -> None:
    env = dict(cli_env, NEO4J_URI="bolt://127.0.0.1:9")
    result = CliRunner().invoke(cli, ["db", "status"], env=env)
    assert result.exit_code == 1
    assert "cannot reach Neo4j" in result.stderr
    assert "Traceback" not in result.output


def test_wrong_password_is_a_clean_error(cli_env: dict[str, str]) -> None:
    env = dict(cli_env, NEO4J_PASSWORD="not-the-password")
    result = CliRunner().invoke(cli, ["db", "status"], env=env)
    assert result.exit_code == 1
    assert "refused the credentials" in result.stderr


def test_neo4j_status_of_unknown_instance(tmp_path: object) -> None:
    result = CliRunner().invoke(cli, ["neo4j", "status", "--instance", "never-started", "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["running"] is False and "password" not in data


def test_neo4j_status_shows_password_only_when_asked(neo4j_server: object) -> None:
    from tests.conftest import TestServer

    assert isinstance(neo4j_server, TestServer)
    if neo4j_server.local is None:
        return
    runner = CliRunner()
    args = ["neo4j", "status", "--instance", neo4j_server.local.instance]
    plain = runner.invoke(cli, args)
    assert plain.exit_code == 0
    assert neo4j_server.local.password() not in plain.output
    shown = runner.invoke(cli, [*args, "--show-password"])
    assert neo4j_server.local.password() in shown.output


def test_bad_instance_name_is_rejected() -> None:
    result = CliRunner().invoke(cli, ["neo4j", "status", "--instance", "../etc"])
    assert result.exit_code == 1
    assert "instance name" in result.stderr
