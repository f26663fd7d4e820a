"""The daemon's status page in a real headless Chromium: sign in with the token, see a failing
connector's error, press its restart button and see its state change. Screenshots of both
moments are written under the test's temporary folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from engine.daemon import TOKEN_ENV
from engine.graph import Store
from tests.support.browser import chromium_page
from tests.support.daemon_process import DaemonRun
from tests.support.daemon_world import build_world

pytestmark = pytest.mark.timeout(300)

TOKEN = "browser-t0ken-for-tests"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WAIT_MS = 90_000
"""How long the page may take to show a state (a bound on waiting, not a timing check)."""


@pytest.fixture
def failing_sql(store: Store, tmp_path: Path) -> dict[str, Any]:
    """The demo world with its SQLite database file replaced by a folder: the SQL cataloguer
    fails every refresh (and, being FAILED, waits for a restart) until the file is back."""
    world = build_world(store, tmp_path)
    database: Path = world["db"]
    kept = database.with_name("sales.db.kept")
    database.rename(kept)
    database.mkdir()
    return {**world, "kept": kept}


@pytest.fixture
def daemon_url(
    failing_sql: dict[str, Any], cli_env: dict[str, str], tmp_path: Path
) -> Iterator[str]:
    env = {
        **os.environ,
        **cli_env,
        "SWITCHBOARD_HOME": str(tmp_path / "home"),
        TOKEN_ENV: TOKEN,
    }
    daemon = DaemonRun(
        ["--group", "group.demo", "--port", "0", "--poll-interval", "1"],
        env,
        tmp_path / "daemon.log",
    )
    try:
        yield daemon.wait_ready()
    finally:
        assert daemon.stop() == 0, daemon.log()


def test_restart_a_failing_connector_from_the_status_page(
    daemon_url: str, failing_sql: dict[str, Any], tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT_MS)
    with chromium_page(tmp_path) as page:
        page.goto(daemon_url)
        page.fill("input[name=token]", TOKEN)
        page.click("button[type=submit]")

        sql = page.locator('tr[data-connector="sql"]')
        expect(sql).to_have_attribute("data-state", "FAILED")
        expect(sql.locator(".last-error")).to_contain_text("cannot inspect sqlite:///")
        expect(sql.locator(".restarts")).to_have_text("0")
        expect(page.locator('tr[data-connector="files"]')).to_have_attribute(
            "data-state", "WAITING"
        )
        sql.locator("details summary").click()
        expect(sql.locator("details pre")).to_contain_text("RuntimeError")
        page.screenshot(path=str(tmp_path / "status-failing.png"), full_page=True)

        database: Path = failing_sql["db"]
        database.rmdir()
        failing_sql["kept"].rename(database)
        sql.locator('button[data-op="restart"]').click()

        expect(page.locator("#message")).to_contain_text("restart: sql")
        expect(sql).to_have_attribute("data-state", "WAITING")
        expect(sql.locator(".restarts")).to_have_text("1")
        expect(sql.locator(".last-error")).to_have_count(0)
        page.screenshot(path=str(tmp_path / "status-restarted.png"), full_page=True)

    for name in ("status-failing.png", "status-restarted.png"):
        assert (tmp_path / name).read_bytes()[:8] == PNG_SIGNATURE
