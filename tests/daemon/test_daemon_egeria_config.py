"""The daemon run from an Egeria integration daemon's OMAGServerConfig: its defined groups
run, an undefined one is reported (and starts once it is created), and the Egeria paths
answer under its localServerName."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from engine.daemon import DaemonConfig, Supervisor, create_app
from engine.graph import Store
from tests.support.daemon_helpers import wait_for
from tests.support.daemon_world import build_world
from tests.world import GraphBuilder

pytestmark = pytest.mark.timeout(120)

SERVER = "egeria-daemon"


def egeria_config(tmp_path: Path, groups: list[str]) -> Path:
    """An integration daemon's server configuration naming ``groups``."""
    document: dict[str, Any] = {
        "class": "OMAGServerConfig",
        "versionId": "V2.0",
        "localServerName": SERVER,
        "localServerUserId": "daemonnpa",
        "dynamicIntegrationGroupsConfig": [
            {
                "class": "IntegrationGroupConfig",
                "integrationGroupQualifiedName": name,
                "omagserverName": "metadata-store",
            }
            for name in groups
        ],
        "repositoryServicesConfig": {"class": "RepositoryServicesConfig"},
    }
    path = tmp_path / "integration-daemon.config"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_defined_groups_run_undefined_ones_are_reported_under_the_server_name(
    store: Store, tmp_path: Path
) -> None:
    build_world(store, tmp_path)
    config, notes = DaemonConfig.load(egeria_config(tmp_path, ["group.demo", "group.later"]))
    assert [n.split(" ", 1)[0] for n in notes] == [
        "versionId",
        "localServerUserId",
        "repositoryServicesConfig",
    ]
    sup = Supervisor(store, config.model_copy(update={"poll_interval": 0.3}), tick_seconds=0.05)
    thread = threading.Thread(target=sup.run, daemon=True)
    thread.start()
    try:
        wait_for(
            lambda: (
                len(sup.worker.runtimes) == 2
                and all(h.stats.refreshes for h in sup.worker.runtimes.values())
            )
        )
        found = {g.qualified_name: g.found for g in sup.status().groups}
        assert found == {"group.demo": True, "group.later": False}

        client = TestClient(create_app(sup))
        base = f"/servers/{SERVER}/open-metadata/integration-daemon"
        doc = client.get(f"{base}/status").json()["integrationDaemonStatus"]
        summaries = {s["integrationGroupName"]: s for s in doc["integrationGroupSummaries"]}
        assert set(summaries) == {"group.demo", "group.later"}
        assert summaries["group.later"]["integrationGroupStatus"] == "FAILED"
        assert "integrationConnectorReports" not in summaries["group.later"]
        assert summaries["group.demo"]["integrationGroupGUID"]
        demo = summaries["group.demo"]["integrationConnectorReports"]
        assert {r["connectorName"] for r in demo} == {"files", "sql"}
        assert client.get(f"{base}/users/daemonnpa/status").json()["relatedHTTPCode"] == 200
        default_name = "/servers/switchboard/open-metadata/integration-daemon/status"
        assert client.get(default_name).json()["relatedHTTPCode"] == 404

        GraphBuilder(store).group("group.later", displayName="Later")
        wait_for(lambda: {g.qualified_name: g.found for g in sup.status().groups}["group.later"])
        assert all(h.stats.refreshes for h in sup.worker.runtimes.values())
    finally:
        sup.stop()
        thread.join(30)


def test_run_once_reports_the_undefined_group_and_is_not_ok(store: Store, tmp_path: Path) -> None:
    build_world(store, tmp_path)
    config, _ = DaemonConfig.load(egeria_config(tmp_path, ["group.absent", "group.demo"]))
    report = Supervisor(store, config, tick_seconds=0.05).run_once()
    assert report.server_name == SERVER
    groups = {g.qualified_name: g for g in report.groups}
    assert groups["group.absent"].found is False and groups["group.absent"].connectors == []
    assert groups["group.demo"].found is True
    assert {c.connector_name: c.state.value for c in groups["group.demo"].connectors} == {
        "files": "WAITING",
        "sql": "WAITING",
    }
    assert report.ok is False
