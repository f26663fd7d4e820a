"""Headless Chromium for browser tests: Debian's ``chromium`` driven by Playwright.

Playwright is told to use the system browser (``executable_path``), so it never
downloads a browser build of its own. ``make test`` installs the ``chromium`` package
where it can (as root, with apt-get); where neither the package nor Playwright is
present, :func:`chromium_page` skips the test with the reason and the command that
would install it, so a missing browser is reported rather than passed silently.

Use::

    def test_page(tmp_path):
        with chromium_page(tmp_path) as page:
            page.goto(url)
            ...
            page.screenshot(path=tmp_path / "page.png")
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
"""Executable names tried on PATH, Debian's first; ``SWITCHBOARD_CHROMIUM`` overrides them."""

INSTALL_HINT = "install it with 'apt-get update && apt-get install -y chromium' (as root)"


def find_chromium() -> Path | None:
    """The Chromium executable to drive (``SWITCHBOARD_CHROMIUM``, else the first on PATH)."""
    forced = os.environ.get("SWITCHBOARD_CHROMIUM")
    if forced:
        return Path(forced) if Path(forced).exists() else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def require_chromium() -> Path:
    """The Chromium executable; skips the calling test, saying why, when there is none."""
    found = find_chromium()
    if found is None:
        why = (
            f"SWITCHBOARD_CHROMIUM={os.environ['SWITCHBOARD_CHROMIUM']} does not exist"
            if os.environ.get("SWITCHBOARD_CHROMIUM")
            else f"no Chromium on PATH (tried {', '.join(CHROMIUM_NAMES)})"
        )
        if os.geteuid() != 0:
            why += "; the test command installs it only when run as root"
        pytest.skip(f"browser test needs Chromium: {why}; {INSTALL_HINT}")
    return found


@contextmanager
def chromium_page(
    tmp_path: Path, *, width: int = 1400, height: int = 1000, timeout_ms: float = 60_000
) -> Iterator[Page]:
    """A fresh headless Chromium page (its own profile under ``tmp_path``), closed after.

    ``timeout_ms`` bounds every Playwright wait on the page. On an exception inside the
    block a screenshot ``failure.png`` is written under ``tmp_path`` first, so a failed
    run shows what the page looked like.
    """
    executable = require_chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("browser test needs Playwright: pip install -e '.[test]'")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=str(executable),
            headless=True,
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
            viewport={"width": width, "height": height},
        )
        context.set_default_timeout(timeout_ms)
        page = context.pages[0] if context.pages else context.new_page()
        try:
            yield page
        except BaseException:
            with suppress(Exception):
                page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
            raise
        finally:
            context.close()
