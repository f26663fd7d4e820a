"""``switchboard daemon run`` on an Egeria OMAGServerConfig, and ``--server-name``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cli.main import cli
from tests.support.daemon_world import build_world
from tests.support.egeria_helpers import sample

pytestmark = pytest.mark.timeout(120)

DATA = Path(__file__).resolve().parents[1] / "data" / "egeria"


@pytest.fixture
def world(store: Any, tmp_path: Path) -> dict[str, Any]:
    return build_world(store, tmp_path)


def report_of(output: str) -> dict[str, Any]:
    report: dict[str, Any] = json.loads(output[output.index("{") :])
    return report


def test_run_once_on_an_egeria_config(
    cli_env: dict[str, str], world: dict[str, Any], tmp_path: Path
) -> None:
    document = json.loads((DATA / "integration-daemon.config").read_text(encoding="utf-8"))
    document["dynamicIntegrationGroupsConfig"][0]["integrationGroupQualifiedName"] = "group.demo"
    path = tmp_path / "integration-daemon.config"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["daemon", "run", "--config", str(path), "--once", "--json"], env=cli_env
    )
    assert result.exit_code == 1, result.output
    assert "note: repositoryServicesConfig ignored" in result.stderr
    assert "Neo4j replaces the metadata access server" in result.stderr
    assert result.stderr.count("note: ") == 8
    report = report_of(result.stdout)
    assert report["serverName"] == "example-daemon"
    found = {g["qualifiedName"]: g["found"] for g in report["groups"]}
    assert found == {"group.demo": True, "Example:IntegrationGroup:Databases": False}
    states = {c["connectorName"]: c["state"] for c in report["groups"][0]["connectors"]}
    assert states == {"files": "WAITING", "sql": "WAITING"}


def test_server_name_option(cli_env: dict[str, str], world: dict[str, Any]) -> None:
    runner = CliRunner()
    args = ["daemon", "run", "--group", "group.demo", "--once", "--json"]
    result = runner.invoke(cli, [*args, "--server-name", "sb-east"], env=cli_env)
    assert result.exit_code == 0, result.output
    assert report_of(result.stdout)["serverName"] == "sb-east"
    empty = runner.invoke(cli, [*args, "--server-name", " "], env=cli_env)
    assert empty.exit_code == 2 and "--server-name" in empty.output


SAMPLE_ARCHIVES = [
    "APIsContentPack.omarchive",
    "OpenLineageContentPack.omarchive",
    "OrganizationInsightContentPack.omarchive",
]


def test_egeria_daemon_config_after_importing_the_sample_archives(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    runner = CliRunner()
    archives = [str(sample(name)) for name in SAMPLE_ARCHIVES]
    imported = runner.invoke(cli, ["import", *archives], env=cli_env)
    assert imported.exit_code == 0, imported.output
    groups = [
        "Egeria:IntegrationGroup:Default",
        "Egeria:IntegrationGroup:OpenAPIs",
        "Egeria:IntegrationGroup:ApacheKafka",
        "Egeria:IntegrationGroup:OpenLineage",
    ]
    document = {
        "class": "OMAGServerConfig",
        "versionId": "V2.0",
        "localServerName": "integration-daemon",
        "localServerURL": "https://localhost:9443",
        "dynamicIntegrationGroupsConfig": [
            {
                "class": "IntegrationGroupConfig",
                "integrationGroupQualifiedName": name,
                "omagserverName": "active-metadata-store",
            }
            for name in groups
        ],
    }
    path = tmp_path / "integration-daemon.config"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = runner.invoke(
        cli, ["daemon", "run", "--config", str(path), "--once", "--json"], env=cli_env
    )
    assert result.exit_code == 1, result.output
    report = report_of(result.stdout)
    assert report["serverName"] == "integration-daemon"
    by_name = {g["qualifiedName"]: g for g in report["groups"]}
    assert list(by_name) == groups
    assert {name: g["found"] for name, g in by_name.items()} == {
        "Egeria:IntegrationGroup:Default": False,
        "Egeria:IntegrationGroup:OpenAPIs": True,
        "Egeria:IntegrationGroup:ApacheKafka": False,
        "Egeria:IntegrationGroup:OpenLineage": True,
    }
    assert len(by_name["Egeria:IntegrationGroup:OpenAPIs"]["connectors"]) == 1
    assert len(by_name["Egeria:IntegrationGroup:OpenLineage"]["connectors"]) == 5
    assert by_name["Egeria:IntegrationGroup:Default"]["connectors"] == []
