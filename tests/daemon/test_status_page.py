"""The operators' status page at ``/``: what it shows of a running daemon, how it asks for
the token, and that it never shows a secret."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient

from engine.daemon import DaemonConfig, Supervisor, create_app
from engine.declare import manifest as mf
from engine.graph import Store
from tests.support import daemon_fakes
from tests.support.daemon_helpers import wait_for

GROUP = "page:group"
TOKEN = "page-t0ken/with+odd=chars"
FAKE = "tests.support.daemon_fakes:FakeProvider"
SECRET = "s3cret-value-never-on-the-page"


def fake_connector(name: str, **config: Any) -> dict[str, Any]:
    return {
        "qualifiedName": f"page:connector:{name}",
        "registration": {"connectorName": name, "refreshTimeInterval": 60},
        "connection": {
            "qualifiedName": f"page:connection:{name}",
            "connectorType": "page:ct",
            "configurationProperties": {"key": f"page-{name}", **config},
        },
    }


@pytest.fixture
def supervisor(store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[Supervisor]:
    monkeypatch.setenv("PAGE_TEST_PASSWORD", SECRET)
    leaky = fake_connector("leaky", mode="leaks-secret")
    leaky["connection"]["clearPassword"] = "env:PAGE_TEST_PASSWORD"
    manifest = {
        "connectorTypes": [{"qualifiedName": "page:ct", "connectorProviderClassName": FAKE}],
        "integrationGroups": [
            {
                "qualifiedName": GROUP,
                "connectors": [
                    fake_connector("healthy"),
                    fake_connector("broken", mode="raises"),
                    leaky,
                ],
            }
        ],
    }
    mf.apply_documents(store, [mf.parse_document("page", manifest)])
    daemon_fakes.reset()
    config = {"groups": [GROUP, "page:missing"], "missingGroups": "report", "backoffBase": 3600}
    sup = Supervisor(store, DaemonConfig.model_validate(config), tick_seconds=0.05)
    thread = threading.Thread(target=sup.run, daemon=True)
    thread.start()
    expected = {"healthy": "WAITING", "broken": "FAILED", "leaky": "INITIALIZE_FAILED"}
    wait_for(
        lambda: {c.connector_name: c.state.value for c in sup.status().connectors()} == expected
    )
    try:
        yield sup
    finally:
        sup.stop()
        thread.join(30)
        daemon_fakes.reset()


def row(page: str, connector: str) -> str:
    """The table row of ``connector``."""
    match = re.search(rf'<tr data-connector="{connector}".*?</tr>', page, re.S)
    assert match, f"no row for {connector}"
    return match.group(0)


def test_the_page_shows_groups_connectors_states_and_the_last_error(
    supervisor: Supervisor,
) -> None:
    response = TestClient(create_app(supervisor)).get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert f"<h2>{GROUP}" in page
    assert "page:missing" in page and "group not found in the graph" in page
    healthy = row(page, "healthy")
    status = {c.connector_name: c for c in supervisor.status().connectors()}
    assert 'data-state="WAITING"' in healthy and "page:connector:healthy" in healthy
    broken = row(page, "broken")
    assert 'data-state="FAILED"' in broken
    assert "refresh exploded" in broken
    trace = status["broken"].last_error_trace
    assert trace and "ValueError" in trace
    assert "<details><summary>trace</summary>" in broken and "ValueError" in unescape(broken)
    for op in ("refresh", "restart", "pause"):
        assert f'data-op="{op}" data-connector="broken"' in broken
    assert f'<td class="restarts">{status["broken"].restart_count}</td>' in broken
    assert "holder" not in page  # one daemon: no holder column
    assert '<meta http-equiv="refresh" content="5">' in page


def test_the_page_never_shows_a_secret(supervisor: Supervisor) -> None:
    page = TestClient(create_app(supervisor)).get("/").text
    leaky = row(page, "leaky")
    assert "bad password" in leaky
    assert SECRET not in page


def test_refresh_interval_and_paused_connectors(supervisor: Supervisor) -> None:
    client = TestClient(create_app(supervisor))
    assert "http-equiv" not in client.get("/?refresh=0").text
    assert '<meta http-equiv="refresh" content="30">' in client.get("/?refresh=30").text
    assert client.get("/?refresh=-1").status_code == 422
    supervisor.pause("healthy")
    healthy = row(client.get("/").text, "healthy")
    assert "(paused)" in healthy and 'data-op="resume" data-connector="healthy"' in healthy


def test_with_a_token_the_page_asks_for_it_and_keeps_it_in_a_cookie(
    supervisor: Supervisor,
) -> None:
    client = TestClient(create_app(supervisor, token=TOKEN))
    login = client.get("/")
    assert login.status_code == 401
    assert 'name="token"' in login.text and GROUP not in login.text
    wrong = client.post("/login", data={"token": "wrong"}, follow_redirects=False)
    assert wrong.status_code == 401 and "not this daemon's token" in unescape(wrong.text)
    assert not client.cookies
    signed_in = client.post("/login", data={"token": TOKEN}, follow_redirects=False)
    assert signed_in.status_code == 303
    cookie = signed_in.headers["set-cookie"]
    assert "samesite=strict" in cookie.lower() and "path=/" in cookie.lower()
    page = client.get("/")
    assert page.status_code == 200 and GROUP in page.text
    assert 'data-token-cookie="switchboard_token_' in page.text
    assert TOKEN not in page.text
    # the JSON API itself takes the token only as a bearer header, never from the cookie
    assert client.get("/status").status_code == 401
    assert client.post("/restart", json={"connector": "broken"}).status_code == 401
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    assert client.get("/status", headers=bearer).status_code == 200
    client.post("/logout", follow_redirects=False)
    assert client.get("/").status_code == 401
    assert (
        TestClient(create_app(supervisor, token=TOKEN)).get("/", headers=bearer).status_code == 200
    )


def test_the_page_is_not_part_of_the_openapi_document(supervisor: Supervisor) -> None:
    paths = create_app(supervisor).openapi()["paths"]
    assert "/" not in paths and "/login" not in paths and "/status" in paths
