"""A connector restarted because its configuration changed names the change set that
changed it (docs/history.md): applied manifests with a user, links changed through the
write API, and edits made around Switchboard (no change set until a catch-up)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from fastapi.testclient import TestClient

from cli.main import cli
from engine import Endpoint
from engine.daemon import ApiServer, DaemonConfig, Supervisor, create_app
from engine.declare import manifest as mf
from engine.graph import Store, resolve_group
from engine.graph import elements as api
from engine.history import change_history, check_history, configuration_changes
from tests.support import daemon_fakes
from tests.support.daemon_helpers import FAKE, wait_for

pytestmark = pytest.mark.timeout(90)

GROUP = "g.changes"


def manifest(address: str = "host:1", port: int = 1) -> dict[str, Any]:
    """One group, connectors c1 and c2 (the fake provider), each with its connection and
    endpoint; ``address`` is c1's endpoint's, ``port`` in c1's configuration."""

    def connector(name: str, address: str, port: int) -> dict[str, Any]:
        return {
            "qualifiedName": name,
            "registration": {"connectorName": name, "refreshTimeInterval": 60},
            "connection": {
                "qualifiedName": f"{name}-conn",
                "connectorType": "ct.fake",
                "configurationProperties": {"key": name, "port": port},
                "endpoint": {"qualifiedName": f"{name}-ep", "networkAddress": address},
            },
        }

    return {
        "connectorTypes": [{"qualifiedName": "ct.fake", "connectorProviderClassName": FAKE}],
        "integrationGroups": [
            {
                "qualifiedName": GROUP,
                "connectors": [connector("c1", address, port), connector("c2", "host:2", 1)],
            }
        ],
    }


def apply(store: Store, tmp_path: Path, data: dict[str, Any], user: str | None = None) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    mf.apply(store, [path], user=user)


def plain_cypher(store: Store, text: str) -> None:
    """An analyst's edit made around Switchboard."""
    store.driver.execute_query(text)


@pytest.fixture(autouse=True)
def _reset_fakes() -> Iterator[None]:
    daemon_fakes.reset()
    yield
    daemon_fakes.reset()


@pytest.fixture
def running(store: Store, tmp_path: Path) -> Iterator[Supervisor]:
    apply(store, tmp_path, manifest(), user="setup")
    config = DaemonConfig.model_validate(
        {"groups": [GROUP], "pollInterval": 0.2, "refreshTimeout": 30, "disconnectTimeout": 5}
    )
    sup = Supervisor(store, config, tick_seconds=0.05)
    thread = threading.Thread(target=sup.run, daemon=True)
    thread.start()
    try:
        wait_for(
            lambda: (
                {c.connector_name: c.state.value for c in sup.worker.statuses()}
                == {
                    "c1": "WAITING",
                    "c2": "WAITING",
                }
            )
        )
        yield sup
    finally:
        sup.stop()
        thread.join(30)


def status_of(sup: Supervisor, name: str) -> dict[str, Any]:
    (status,) = [c for c in sup.status().connectors() if c.connector_name == name]
    return status.as_dict()


def test_restart_names_the_applied_change_set(
    running: Supervisor, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert status_of(running, "c1")["changeSet"] is None  # started, not restarted
    monkeypatch.setenv("SWITCHBOARD_USER", "alice")
    apply(store, tmp_path, manifest(address="host:9"))
    wait_for(lambda: status_of(running, "c1")["restartCount"] == 1)
    newest = change_history(store, "c1-ep")[0]
    expected = {
        "id": newest.id,
        "time": newest.time.isoformat(),
        "user": "alice",
        "summary": newest.summary,
        "outside": False,
    }
    assert status_of(running, "c1")["changeSet"] == expected
    assert GROUP in newest.summary
    assert status_of(running, "c2")["restartCount"] == 0
    assert status_of(running, "c2")["changeSet"] is None

    # GET /status, the status page, `daemon status` (--json: all of it; the table: short)
    client = TestClient(create_app(running))
    (group,) = client.get("/status").json()["groups"]
    by_name = {c["connectorName"]: c for c in group["connectors"]}
    assert by_name["c1"]["changeSet"] == expected and by_name["c2"]["changeSet"] is None
    page = unescape(client.get("/").text)
    short = f"{newest.id[:8]} alice: {newest.summary}"
    assert short in page and page.count('class="change-set"') == 1
    server = ApiServer(create_app(running), "127.0.0.1", 0)
    server.start()
    try:
        url = ["--url", f"http://127.0.0.1:{server.port}"]
        runner = CliRunner()
        doc = json.loads(runner.invoke(cli, ["daemon", "status", *url, "--json"]).output)
        (c1,) = [c for c in doc["groups"][0]["connectors"] if c["connectorName"] == "c1"]
        assert c1["changeSet"] == expected
        table = runner.invoke(cli, ["daemon", "status", *url], env={"COLUMNS": "250"})
        assert table.exit_code == 0 and short in table.output, table.output
    finally:
        server.stop()

    # the next restart (requested, no change) clears it
    running.restart("c1")
    assert status_of(running, "c1")["changeSet"] is None


def test_restart_after_a_plain_cypher_edit_names_no_change_set(
    running: Supervisor, store: Store, tmp_path: Path
) -> None:
    plain_cypher(store, "MATCH (c:Connection {qualifiedName: 'c1-conn'}) SET c.description = 'x'")
    wait_for(lambda: status_of(running, "c1")["restartCount"] == 1)
    c1 = status_of(running, "c1")
    assert c1["changeSet"] == {
        "id": None,
        "time": None,
        "user": None,
        "summary": "changed outside Switchboard",
        "outside": True,
    }
    # restarted and healthy: between refreshes or in one (a refresh may start at once)
    assert c1["state"] in ("INITIALIZED", "WAITING", "REFRESHING") and c1["lastError"] is None
    assert status_of(running, "c2")["restartCount"] == 0


def test_each_part_of_a_configuration_leads_to_its_change_set(store: Store, tmp_path: Path) -> None:
    """The reader, without a daemon: an element's update, a moved link, a link made by an
    earlier change set than the newest, an edit made around Switchboard and its catch-up."""
    apply(store, tmp_path, manifest(), user="setup")
    (first,) = change_history(store)

    def causes() -> dict[str, Any]:
        views = {v.connector_name: v for v in resolve_group(store, GROUP).connectors}
        found = configuration_changes(store, list(views.values()))
        return {name: found[view.registration.guid] for name, view in views.items()}

    assert {
        n: (c.change_set.id if c.change_set else None, c.outside) for n, c in causes().items()
    } == {
        "c1": (first.id, False),
        "c2": (first.id, False),
    }

    apply(store, tmp_path, manifest(port=2), user="bob")
    port = change_history(store, "c1-conn")[0]
    found = causes()
    assert found["c1"].change_set is not None and found["c1"].change_set.id == port.id
    assert found["c1"].change_set.user == "bob" and not found["c1"].outside
    assert found["c2"].change_set is not None and found["c2"].change_set.id == first.id

    api.save_element(store, Endpoint(qualifiedName="other-ep", networkAddress="h:3"))
    api.detach_endpoint(store, "c1-conn", "c1-ep")
    detached = change_history(store, limit=1)[0]
    found = causes()
    assert found["c1"].change_set is not None and found["c1"].change_set.id == detached.id
    api.attach_endpoint(store, "c1-conn", "other-ep")
    attached = change_history(store, limit=1)[0]
    found = causes()
    assert found["c1"].change_set is not None and found["c1"].change_set.id == attached.id

    plain_cypher(store, "MATCH (e:Endpoint {qualifiedName: 'c2-ep'}) SET e.protocol = 'tcp'")
    found = causes()
    assert found["c2"].outside and not found["c1"].outside
    check_history(store, user="carol")
    catch_up = change_history(store, limit=1)[0]
    found = causes()
    assert not found["c2"].outside and found["c2"].change_set is not None
    assert found["c2"].change_set.id == catch_up.id and found["c2"].change_set.outside

    plain_cypher(
        store,
        "MATCH (c:Connection {qualifiedName: 'c2-conn'})-[l:CONNECT_TO_ENDPOINT]->() DELETE l",
    )
    assert causes()["c2"].outside
