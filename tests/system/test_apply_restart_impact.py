"""'switchboard apply --dry-run' names the connectors running daemons would restart, with
the daemon holding each (under connector leases), before anything is written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from cli.main import cli
from engine.daemon import LeaseKeeper
from engine.declare import manifest as mf
from engine.graph import Store, resolve_groups


def manifest(timeout: int) -> dict[str, Any]:
    def connector(name: str, props: dict[str, Any]) -> dict[str, Any]:
        return {
            "qualifiedName": f"impact.connector.{name}",
            "registration": {"connectorName": name},
            "connection": {
                "qualifiedName": f"impact.connection.{name}",
                "connectorType": "impact.type",
                "configurationProperties": props,
            },
            "catalogTargets": [{"element": "impact.folder", "catalogTargetName": f"t-{name}"}],
        }

    return {
        "connectorTypes": [{"qualifiedName": "impact.type", "connectorProviderClassName": "m:P"}],
        "elements": [{"typeName": "FileFolder", "qualifiedName": "impact.folder"}],
        "integrationGroups": [
            {
                "qualifiedName": "impact.group",
                "connectors": [
                    connector("changed", {"timeout": timeout}),
                    connector("same", {"timeout": 1}),
                    connector("unheld", {"timeout": timeout}),
                ],
            }
        ],
    }


def test_dry_run_names_the_connectors_daemons_would_restart(
    store: Store, cli_env: dict[str, str], tmp_path: Path
) -> None:
    mf.apply_documents(store, [mf.Document("impact", mf.Manifest.model_validate(manifest(1)))])
    [group] = resolve_groups(store, ["impact.group"])
    regs = {c.connector_name: c.registration.guid for c in group.connectors}
    keeper = LeaseKeeper(store, name="daemon-a", api_url="http://a:7447")
    keeper.heartbeat()
    keeper.acquire([regs["changed"], regs["same"]])

    path = tmp_path / "impact.yaml"
    path.write_text(yaml.safe_dump(manifest(2)), encoding="utf-8")
    runner = CliRunner()
    args = ["apply", "--dry-run", "--no-validate", "-f", str(path)]
    result = runner.invoke(cli, [*args, "--json"], env=cli_env)
    assert result.exit_code == 0, result.output
    restarts = json.loads(result.output)["restarts"]
    assert [(r["connectorName"], r["holder"]) for r in restarts] == [
        ("changed", "daemon-a"),
        ("unheld", None),
    ]
    assert restarts[0]["holderId"] == keeper.daemon_id

    table = runner.invoke(cli, args, env=cli_env)
    assert table.exit_code == 0, table.output
    assert "running daemons would restart 2 connector(s)" in table.output
    assert "daemon-a" in table.output
    [after] = resolve_groups(store, ["impact.group"])  # nothing was written
    changed = next(c for c in after.connectors if c.connector_name == "changed")
    assert changed.connection is not None
    assert changed.connection.configuration_properties == {"timeout": 1}


def test_apply_shows_the_restarts_before_it_writes(
    store: Store, cli_env: dict[str, str], tmp_path: Path
) -> None:
    mf.apply_documents(store, [mf.Document("impact", mf.Manifest.model_validate(manifest(1)))])
    [group] = resolve_groups(store, ["impact.group"])
    keeper = LeaseKeeper(store, name="daemon-b")
    keeper.heartbeat()
    keeper.acquire([c.registration.guid for c in group.connectors])
    path = tmp_path / "impact.yaml"
    path.write_text(yaml.safe_dump(manifest(3)), encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["apply", "--no-validate", "-f", str(path)], env={**cli_env, "COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert "running daemons will restart 2 connector(s)" in result.output
    assert result.output.count("daemon-b") == 2
    [after] = resolve_groups(store, ["impact.group"])
    changed = next(c for c in after.connectors if c.connector_name == "changed")
    assert changed.connection is not None
    assert changed.connection.configuration_properties == {"timeout": 3}
