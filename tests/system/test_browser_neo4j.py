"""Neo4j Browser on the embedded default: its address in the CLI, the library guide it
serves, and a real headless Chromium that logs in and runs a library query from the guide.

The session's own embedded instance serves Browser (HTTP is on by default); when the
session uses ``NEO4J_URI``, or was started with ``SWITCHBOARD_NEO4J_HTTP=off``, a dedicated
embedded instance ``<test instance>-browser`` with HTTP on is started instead.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from cli.main import cli
from engine import Neo4jSettings, apply_manifests
from engine.graph import Store, init_schema
from engine.graph.writer import wipe_database
from engine.local import LocalNeo4j, free_port
from tests.support.browser import chromium_page
from tests.support.reliability_helpers import TEST_SERVER_CONF, instance_name

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.conftest import TestServer as SessionServer

ROOT = Path(__file__).resolve().parents[2]
QUERY_NAME = re.compile(r'data-query-name="([^"]+)"')


@pytest.fixture(scope="module")
def browser_instance(neo4j_server: SessionServer) -> Iterator[LocalNeo4j]:
    """An embedded instance serving Neo4j Browser: the session's when it does."""
    local = neo4j_server.local
    if local is not None and local.status().browser_url:
        yield local
        return
    dedicated = LocalNeo4j(
        instance=instance_name("browser"), port=free_port(), extra_conf=TEST_SERVER_CONF, http=True
    )
    dedicated.start()
    try:
        yield dedicated
    finally:
        dedicated.stop()


@pytest.fixture
def browser_store(
    browser_instance: LocalNeo4j, neo4j_server: SessionServer, request: pytest.FixtureRequest
) -> Iterator[Store]:
    """A wiped store on the Browser instance."""
    if browser_instance is neo4j_server.local:
        yield request.getfixturevalue("store")
        return
    store = Store.connect(
        Neo4jSettings(uri=browser_instance.uri, password=browser_instance.password())
    )
    init_schema(store)
    wipe_database(store)
    try:
        yield store
    finally:
        store.close()


def cli_env() -> dict[str, str | None]:
    """The CLI on the embedded default, with no display or $BROWSER to open a window on."""
    return {"NEO4J_URI": None, "DISPLAY": None, "WAYLAND_DISPLAY": None, "BROWSER": None}


def library_names() -> list[str]:
    result = CliRunner().invoke(cli, ["query", "--list", "--format", "json"])
    assert result.exit_code == 0, result.output
    return [query["name"] for query in json.loads(result.stdout)]


def test_neo4j_status_shows_the_browser_address(browser_instance: LocalNeo4j) -> None:
    url = browser_instance.status().browser_url
    assert url is not None and url.startswith("http://127.0.0.1:")
    args = ["neo4j", "status", "--instance", browser_instance.instance]
    as_json = CliRunner().invoke(cli, [*args, "--json"], env=cli_env())
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.stdout)
    assert (data["browserUrl"], data["user"]) == (url, "neo4j")
    assert "password" not in data
    plain = CliRunner().invoke(cli, args, env=cli_env())
    assert f"browser   {url}" in plain.stdout


def test_browser_command_prints_address_and_user_and_opens_nothing_without_a_display(
    browser_instance: LocalNeo4j,
) -> None:
    args = ["browser", "--instance", browser_instance.instance]
    result = CliRunner().invoke(cli, [*args, "--json"], env=cli_env())
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    status = browser_instance.status()
    assert data == {
        "url": status.browser_url,
        "guideUrl": status.guide_url,
        "user": "neo4j",
        "boltUri": status.uri,
        "opened": False,
    }
    plain = CliRunner().invoke(cli, args, env=cli_env())
    assert plain.exit_code == 0
    assert f"Neo4j Browser  {status.browser_url}" in plain.stdout
    assert "user           neo4j" in plain.stdout
    assert browser_instance.password() not in plain.stdout


def test_up_prints_the_browser_address_and_user(browser_instance: LocalNeo4j) -> None:
    """'switchboard up' (and so 'make run') names Browser's address and the user."""
    env = {**cli_env(), "SWITCHBOARD_INSTANCE": browser_instance.instance, "NEO4J_PASSWORD": None}
    result = CliRunner().invoke(cli, ["up"], env=env)
    assert result.exit_code == 0, result.output
    status = browser_instance.status()
    assert f"Neo4j Browser  {status.browser_url}  (user neo4j;" in result.stdout
    assert browser_instance.password() not in result.stdout


def test_browser_command_opens_the_web_browser_named_by_browser(
    browser_instance: LocalNeo4j, tmp_path: Path
) -> None:
    opened = tmp_path / "opened.txt"
    record = f"import sys; open({str(opened)!r}, 'w').write(sys.argv[1])"
    env = {
        k: v for k, v in os.environ.items() if k not in ("NEO4J_URI", "DISPLAY", "WAYLAND_DISPLAY")
    }
    env["BROWSER"] = f'{sys.executable} -c "{record}" %s'
    switchboard = str(Path(sys.executable).with_name("switchboard"))
    args = [switchboard, "browser", "--instance", browser_instance.instance, "--json"]
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["opened"] is True
    assert opened.read_text() == browser_instance.status().browser_url


def test_browser_command_refuses_an_external_server() -> None:
    result = CliRunner().invoke(
        cli, ["browser"], env={**cli_env(), "NEO4J_URI": "bolt://127.0.0.1:9"}
    )
    assert result.exit_code == 2
    assert "NEO4J_URI is set" in result.stderr


def test_the_served_guide_lists_exactly_the_library(browser_instance: LocalNeo4j) -> None:
    guide_url = browser_instance.status().guide_url
    assert guide_url is not None
    with urllib.request.urlopen(guide_url, timeout=30) as response:
        assert response.status == 200
        html = response.read().decode()
    assert QUERY_NAME.findall(html) == library_names()
    assert ":params {typeName: 'text'}" in unescape(
        html
    )  # catalog_targets_by_element_type's parameter


@pytest.mark.timeout(300)
def test_chromium_logs_in_and_runs_a_library_query_from_the_guide(
    browser_instance: LocalNeo4j, browser_store: Store, tmp_path: Path
) -> None:
    apply_manifests(browser_store, sorted((ROOT / "examples").glob("*.yaml")))
    status = browser_instance.status()
    assert status.browser_url is not None
    with chromium_page(tmp_path) as page:
        page.goto(status.browser_url)
        page.get_by_test_id("username").fill(status.user)
        page.get_by_test_id("password").fill(browser_instance.password())
        page.get_by_test_id("connect").click()
        # after login Browser plays the guide (browser.post_connect_cmd)
        guide = page.locator("section[data-query-name]")
        guide.first.wait_for()
        assert guide.evaluate_all("s => s.map(e => e.dataset.queryName)") == library_names()
        page.locator("[data-query-name=groups] pre.library-statement i.fa-play-circle-o").click()
        result = page.get_by_test_id("frame").filter(has=page.get_by_test_id("frameStatusbar"))
        result = result.filter(has_text='"Switchboard:IntegrationGroup:mixed"')
        result.wait_for()
        text = result.inner_text()
        screenshot = tmp_path / "neo4j-browser-library-query.png"
        page.screenshot(path=str(screenshot))
        changed = run_with_parameters(page, "elements_changed_since", "datetime($since)")
        page.screenshot(path=str(tmp_path / "neo4j-browser-parameterised-query.png"))
    for group in ("files", "mixed", "sql-databases"):
        assert f'"Switchboard:IntegrationGroup:{group}"' in text
    assert "Started streaming 3 records" in text
    assert screenshot.stat().st_size > 10_000
    # the example value (2026-01-31) precedes every element the examples just created
    assert '"Switchboard:IntegrationGroup:mixed"' in changed
    assert '"relationship"' in changed


def run_with_parameters(page: Page, query: str, statement_text: str) -> str:
    """Run a library query's :params block, then the query, from the guide; the result's
    text once its rows are shown."""
    section = page.locator(f"[data-query-name={query}]")
    section.locator("pre.library-params i.fa-play-circle-o").click()
    page.get_by_test_id("frameCommand").filter(has_text=":params {").first.wait_for()
    section.locator("pre.library-statement i.fa-play-circle-o").click()
    frames = page.get_by_test_id("frame").filter(has=page.get_by_test_id("frameStatusbar"))
    result = frames.filter(has=page.get_by_test_id("frameCommand").filter(has_text=statement_text))
    result = result.filter(has_text="Started streaming")
    result.wait_for()
    return result.inner_text()


@pytest.mark.timeout(300)
def test_http_off_starts_the_server_without_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWITCHBOARD_NEO4J_HTTP", "off")
    local = LocalNeo4j(
        instance=instance_name("no-http"), port=free_port(), extra_conf=TEST_SERVER_CONF
    )
    try:
        result = local.start()
        assert result.browser_url is None
        status = local.status()
        assert status.running and status.browser_url is None and status.http_port is None
        args = ["--instance", local.instance]
        plain = CliRunner().invoke(cli, ["neo4j", "status", *args], env=cli_env())
        assert "browser   off" in plain.stdout
        up_env = {**cli_env(), "SWITCHBOARD_INSTANCE": local.instance, "NEO4J_PASSWORD": None}
        up = CliRunner().invoke(cli, ["up"], env=up_env)
        assert up.exit_code == 0, up.output
        assert "connected to" in up.stdout and "Neo4j Browser" not in up.stdout
        refused = CliRunner().invoke(cli, ["browser", *args], env=cli_env())
        assert refused.exit_code == 1
        assert "without its HTTP connector" in refused.stderr
        assert "SWITCHBOARD_NEO4J_HTTP=off" in refused.stderr
    finally:
        local.stop()
