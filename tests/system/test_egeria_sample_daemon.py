"""An Egeria user's move, end to end with the real ``switchboard`` commands: import Egeria's
three sample content packs, then ``switchboard daemon run --config`` on a server
configuration of the shape of Egeria's sample ``integration-daemon.config``. The daemon
runs every group the configuration names that the packs define, reports each one they do
not, and answers Egeria's REST paths under the configuration's ``localServerName``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from engine.daemon import TOKEN_ENV
from tests.support.daemon_process import ROOT, DaemonRun
from tests.support.egeria_fields import check_daemon_status, check_error, check_response
from tests.support.egeria_helpers import sample

pytestmark = pytest.mark.timeout(300)

SERVER = "integration-daemon"
SAMPLE_GROUPS = [
    "Egeria:IntegrationGroup:Default",
    "Egeria:IntegrationGroup:ApacheAtlas",
    "Egeria:IntegrationGroup:ApacheKafka",
    "Egeria:IntegrationGroup:OpenAPIs",
    "Egeria:IntegrationGroup:OpenMetadataObservability",
    "Egeria:IntegrationGroup:PostgreSQL",
    "Egeria:IntegrationGroup:UnityCatalog",
]
"""The groups Egeria's sample integration daemon names (Egeria 5.x/6.x sample configs)."""
DEFINED = {"Egeria:IntegrationGroup:OpenAPIs": 1}
"""Of those, the groups the three sample archives define, with their connector counts."""
ARCHIVES = [
    "APIsContentPack.omarchive",
    "OpenLineageContentPack.omarchive",
    "OrganizationInsightContentPack.omarchive",
]
SWITCHBOARD = Path(sys.executable).with_name("switchboard")
WAIT_SECONDS = 120.0
"""How long the daemon may take to report its groups (a bound on waiting, not a check)."""


def sample_config() -> dict[str, Any]:
    """A server configuration laid out as Egeria's sample: an OMAGServerConfig with the
    daemon's identity, its dynamic integration groups pointing at a metadata access
    server, an audit log connection and the audit trail."""
    platform = "https://localhost:9443"
    return {
        "class": "OMAGServerConfig",
        "versionId": "V2.0",
        "localServerId": "4f1d2c3b-5a69-4e7d-8b0a-1c2d3e4f5a6b",
        "localServerName": SERVER,
        "localServerDescription": "Runs integration connectors that exchange metadata.",
        "localServerURL": platform,
        "localServerUserId": "daemonnpa",
        "maxPageSize": 1000,
        "dynamicIntegrationGroupsConfig": [
            {
                "class": "IntegrationGroupConfig",
                "integrationGroupQualifiedName": name,
                "omagserverPlatformRootURL": platform,
                "omagserverName": "active-metadata-store",
            }
            for name in SAMPLE_GROUPS
        ],
        "repositoryServicesConfig": {
            "class": "RepositoryServicesConfig",
            "auditLogConnections": [
                {
                    "class": "Connection",
                    "headerVersion": 0,
                    "qualifiedName": "Console- default",
                    "displayName": "Console",
                    "connectorType": {
                        "class": "ConnectorType",
                        "headerVersion": 0,
                        "connectorProviderClassName": "org.example.ConsoleAuditLogStoreProvider",
                    },
                    "configurationProperties": {"supportedSeverities": ["Error", "Startup"]},
                }
            ],
        },
        "auditTrail": ["configuration for the integration groups updated"],
    }


def get_json(url: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """GET ``url``, or POST ``body`` to it as JSON; the JSON answer (HTTP 200 expected)."""
    request = urllib.request.Request(url)
    if body is not None:
        request.data = json.dumps(body).encode()
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200, url
        document: dict[str, Any] = json.loads(response.read())
        return document


@pytest.fixture
def env(cli_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    environment = {**os.environ, **cli_env, "SWITCHBOARD_HOME": str(tmp_path / "home")}
    environment.pop(TOKEN_ENV, None)
    return environment


@pytest.fixture
def daemon(env: dict[str, str], tmp_path: Path) -> Iterator[tuple[DaemonRun, str]]:
    archives = [str(sample(name)) for name in ARCHIVES]
    imported = subprocess.run(
        [str(SWITCHBOARD), "import", *archives],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert imported.returncode == 0, imported.stdout + imported.stderr
    config = tmp_path / "integration-daemon.config"
    config.write_text(json.dumps(sample_config()), encoding="utf-8")
    run = DaemonRun(
        ["--config", str(config), "--port", "0", "--poll-interval", "1"],
        env,
        tmp_path / "daemon.log",
    )
    try:
        yield run, run.wait_ready()
    finally:
        assert run.stop() == 0, run.log()


def reported_groups(base: str) -> dict[str, Any]:
    """The daemon's Egeria status once every defined group has its connectors reported."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        document = get_json(f"{base}/status")
        status = document["integrationDaemonStatus"]
        summaries = {s["integrationGroupName"]: s for s in status["integrationGroupSummaries"]}
        counts = {
            name: len(summaries.get(name, {}).get("integrationConnectorReports", []))
            for name in DEFINED
        }
        if counts == DEFINED or time.monotonic() > deadline:
            check_response(document, "IntegrationDaemonStatusResponse")
            check_daemon_status(status)
            return summaries
        time.sleep(0.5)


def test_egeria_sample_daemon_config_after_importing_the_sample_archives(
    daemon: tuple[DaemonRun, str],
) -> None:
    run, url = daemon
    base = f"{url}servers/{SERVER}/open-metadata/integration-daemon"
    summaries = reported_groups(base)

    assert list(summaries) == SAMPLE_GROUPS
    for name, summary in summaries.items():
        if name in DEFINED:
            assert summary["integrationGroupStatus"] == "RUNNING", summary
            assert "integrationGroupGUID" in summary, summary
            reports = summary["integrationConnectorReports"]
            assert len(reports) == DEFINED[name], summary
        else:
            assert summary["integrationGroupStatus"] == "FAILED", summary
            assert "integrationConnectorReports" not in summary, summary

    log = run.log()
    for name in SAMPLE_GROUPS:
        reported = f"integration group '{name}' is not in the graph"
        assert (reported in log) == (name not in DEFINED), (name, log)
    assert "repositoryServicesConfig ignored" in log, log

    underscore = f"{url}servers/{SERVER}/open-metadata/integration_daemon/users/garygeeke"
    old = get_json(f"{underscore}/integration-groups/summary")
    check_response(old, "IntegrationGroupSummariesResponse")
    names = [s["integrationGroupName"] for s in old["integrationGroupSummaries"]]
    assert names == SAMPLE_GROUPS
    [report] = summaries["Egeria:IntegrationGroup:OpenAPIs"]["integrationConnectorReports"]
    for action in ("refresh", "restart"):
        done = get_json(
            f"{underscore}/integration-connectors/{action}",
            {"class": "NameRequestBody", "name": report["connectorName"]},
        )
        assert done == {"class": "VoidResponse", "relatedHTTPCode": 200}, done

    other = get_json(f"{url}servers/switchboard/open-metadata/integration-daemon/status")
    check_error(
        other,
        "IntegrationDaemonStatusResponse",
        http_code=404,
        message_id="OMAG-MULTI-TENANT-404-001",
        parameter="serverName",
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        get_json(f"{url}servers/{SERVER}/open-metadata/integration-daemon/no-such-path")
    assert refused.value.code == 404
