"""Secrets behind references never leak: not into the graph, logs (DEBUG included), CLI
output, manifest or omarchive exports, the daemon's report and status, or API responses.

Three secrets are planted, one per kind of reference (``env:``, ``file:`` and the purpose
of an embedded YAML secrets store); two of the connectors put their secret into an
exception message on purpose, which the daemon must redact.
"""

from __future__ import annotations

import json
import logging
import secrets
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from fastapi.testclient import TestClient

from cli.main import cli
from engine.daemon import DaemonConfig, Supervisor, create_app
from engine.declare import manifest as mf
from engine.graph import Store

GROUP = "secrets:group"
FAKE = "tests.support.daemon_fakes:FakeProvider"
STORE_PROVIDER = "engine.connectors.secrets:YamlSecretsStoreProvider"


@pytest.fixture
def planted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Three secret values behind references, and a manifest that refers to them."""
    values = {
        "env": "env-" + secrets.token_hex(12),
        "file": "file-" + secrets.token_hex(12),
        "store": "store-" + secrets.token_hex(12),
    }
    monkeypatch.setenv("SB_RELIABILITY_SECRET", values["env"])
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(values["file"] + "\n", encoding="utf-8")
    store_file = tmp_path / "secrets.yaml"
    store_file.write_text(
        yaml.safe_dump(
            {"secretsCollections": {"vault": {"secrets": {"password": values["store"]}}}}
        ),
        encoding="utf-8",
    )

    def connector(name: str, connection: dict[str, Any], mode: str) -> dict[str, Any]:
        return {
            "qualifiedName": f"secrets:connector:{name}",
            "registration": {"connectorName": name, "refreshTimeInterval": 60},
            "connection": {
                "qualifiedName": f"secrets:connection:{name}",
                "connectorType": "secrets:ct:fake",
                "configurationProperties": {"mode": mode, "key": f"secrets-{name}"},
                **connection,
            },
        }

    manifest = {
        "connectorTypes": [
            {"qualifiedName": "secrets:ct:fake", "connectorProviderClassName": FAKE},
            {"qualifiedName": "secrets:ct:store", "connectorProviderClassName": STORE_PROVIDER},
        ],
        "integrationGroups": [
            {
                "qualifiedName": GROUP,
                "connectors": [
                    connector(
                        "env",
                        {"securedProperties": {"password": "env:SB_RELIABILITY_SECRET"}},
                        "ok",
                    ),
                    connector(
                        "file",
                        {"userId": "reader", "clearPassword": f"file:{secret_file}"},
                        "leaks-secret",
                    ),
                    connector(
                        "store",
                        {
                            "typeName": "VirtualConnection",
                            "securedProperties": {"password": "vault:password"},
                            "embeddedConnections": [
                                {
                                    "position": 1,
                                    "displayName": "vault",
                                    "connection": {
                                        "qualifiedName": "secrets:connection:vault",
                                        "connectorType": "secrets:ct:store",
                                        "endpoint": {
                                            "qualifiedName": "secrets:endpoint:vault",
                                            "networkAddress": str(store_file),
                                        },
                                        "configurationProperties": {
                                            "secretsCollectionName": "vault"
                                        },
                                    },
                                }
                            ],
                        },
                        "leaks-secret",
                    ),
                ],
            }
        ],
    }
    path = tmp_path / "secrets.yaml.manifest.yaml"
    path.write_text(yaml.safe_dump(manifest), encoding="utf-8")
    return {"values": values, "manifest": path, "tmp": tmp_path}


def assert_clean(text: str, values: dict[str, str], where: str) -> None:
    for kind, value in values.items():
        assert value not in text, f"the {kind} secret appears in {where}"


def graph_text(store: Store) -> str:
    rows = store.read("db_snapshot")
    return json.dumps(rows, default=str, ensure_ascii=False)


def test_secrets_stay_out_of_graph_logs_cli_exports_and_api(
    store: Store,
    cli_env: dict[str, str],
    planted: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    values: dict[str, str] = planted["values"]
    tmp: Path = planted["tmp"]
    runner = CliRunner()
    env = {**cli_env, "SB_RELIABILITY_SECRET": values["env"]}
    caplog.set_level(logging.DEBUG)

    # apply, from the CLI and from Python
    applied = runner.invoke(cli, ["apply", "-f", str(planted["manifest"]), "--json"], env=env)
    assert applied.exit_code == 0, applied.output
    assert "secrets:connector:store" in applied.output
    assert_clean(applied.output, values, "apply output")
    assert mf.apply(store, [planted["manifest"]]).changes == 0
    graph = graph_text(store)
    assert "env:SB_RELIABILITY_SECRET" in graph and "vault:password" in graph  # references only
    assert_clean(graph, values, "the graph")

    # read commands and exports
    archive = tmp / "out.omarchive"
    exported_yaml = tmp / "out.yaml"
    commands = [
        ["export", GROUP],
        ["export", GROUP, "-o", str(exported_yaml)],
        ["export", GROUP, "--format", "omarchive", "-o", str(archive)],
        ["get", "secrets:connection:file", "--json"],
        ["get", "secrets:connection:store", "--json"],
        ["resolve", GROUP, "--format", "json"],
        ["validate", GROUP, "--format", "json"],
    ]
    for args in commands:
        result = runner.invoke(cli, args, env=env)
        assert result.exit_code in (0, 1), (args, result.output)
        assert_clean(result.output, values, " ".join(args))
    assert "file:" in exported_yaml.read_text(encoding="utf-8")
    assert_clean(exported_yaml.read_text(encoding="utf-8"), values, "the manifest export")
    assert "vault:password" in archive.read_text(encoding="utf-8")
    assert_clean(archive.read_text(encoding="utf-8"), values, "the omarchive export")

    # the daemon: one pass from the CLI (DEBUG logs), then in-process with its control API
    once = runner.invoke(
        cli,
        ["daemon", "run", "--group", GROUP, "--once", "--json", "--no-api", "--log-level", "DEBUG"],
        env=env,
    )
    assert once.exit_code == 1, once.output  # two connectors fail on purpose
    assert "********" in once.output  # the leaked secret was there, and was masked
    assert_clean(once.output, values, "daemon run --once")

    sup = Supervisor(store, DaemonConfig.model_validate({"groups": [GROUP]}))
    report = sup.run_once(timeout=60).as_dict()
    text = json.dumps(report, default=str)
    assert "secrets:connector:env" in text and "********" in text
    assert_clean(text, values, "the run-once report")
    client = TestClient(create_app(sup))
    prefix = "/servers/switchboard/open-metadata/integration-daemon"
    for path in (
        "/health",
        "/status",
        "/metrics",
        f"{prefix}/status",
        f"{prefix}/integration-groups/{GROUP}/summary",
    ):
        response = client.get(path)
        assert response.status_code == 200, (path, response.text)
        assert_clean(response.text, values, path)
    for path in ("/refresh", "/restart"):
        response = client.post(path, json={})
        assert response.status_code < 500, (path, response.text)
        assert_clean(response.text, values, path)

    assert_clean(caplog.text, values, "the logs")
    assert_clean(graph_text(store), values, "the graph after the daemon ran")


def test_plaintext_secret_is_refused_without_echoing_it(
    store: Store, cli_env: dict[str, str], tmp_path: Path
) -> None:
    value = "hunter2-" + secrets.token_hex(8)
    manifest = {
        "connectorTypes": [{"qualifiedName": "ct", "connectorProviderClassName": FAKE}],
        "integrationGroups": [
            {
                "qualifiedName": "g",
                "connectors": [
                    {
                        "qualifiedName": "c",
                        "registration": {"connectorName": "c"},
                        "connection": {
                            "qualifiedName": "conn",
                            "connectorType": "ct",
                            "clearPassword": value,
                            "securedProperties": {"token": value},
                        },
                    }
                ],
            }
        ],
    }
    path = tmp_path / "plain.yaml"
    path.write_text(yaml.safe_dump(manifest), encoding="utf-8")
    for args in (["apply", "-f", str(path)], ["apply", "-f", str(path), "--dry-run", "--json"]):
        result = CliRunner().invoke(cli, args, env=cli_env)
        assert result.exit_code == 2, result.output
        assert "plaintext secret" in result.output
        assert value not in result.output
    assert value not in graph_text(store)
