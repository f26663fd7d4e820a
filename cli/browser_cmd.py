"""``switchboard browser``: Neo4j Browser on the embedded default."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import click

from cli._common import console, handle_errors, print_json, progress_status
from engine import LocalNeo4jError, Neo4jSettings, UsageError
from engine.local import LocalNeo4j

if TYPE_CHECKING:
    from engine.graph import Store

HTTP_OFF_HINT = (
    "start it with Browser: 'switchboard neo4j stop', then 'switchboard neo4j start' "
    "without SWITCHBOARD_NEO4J_HTTP=off"
)


PASSWORD_HINT = "switchboard neo4j status --show-password"
"""Where the generated password is shown (never printed unasked)."""


def print_browser_address(st: Store) -> None:
    """Neo4j Browser's address and the user to log in as, when ``st`` is the embedded
    default running with its HTTP connector (nothing otherwise)."""
    if st.embedded is None:
        return
    status = st.embedded.status()
    if status.browser_url is None:
        return
    console.print(
        f"Neo4j Browser  {status.browser_url}  (user {status.user}; password: '{PASSWORD_HINT}')",
        soft_wrap=True,
    )


def can_open_browser() -> bool:
    """Whether a web browser can be shown: $BROWSER names one, a display runs, or macOS."""
    if os.environ.get("BROWSER"):
        return True
    if sys.platform == "darwin":
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


@click.command("browser")
@click.option(
    "--instance",
    default=lambda: os.environ.get("SWITCHBOARD_INSTANCE", "default"),
    show_default="default (or $SWITCHBOARD_INSTANCE)",
    help="Which local instance's Browser.",
)
@click.option("--no-open", is_flag=True, help="Only print the address; open no web browser.")
@click.option("--json", "as_json", is_flag=True, help="Print address and user as JSON.")
@handle_errors
def browser_cmd(instance: str, no_open: bool, as_json: bool) -> None:
    """Open Neo4j Browser on the embedded-default server (starting it if needed).

    Prints Browser's address and the user to log in as, and opens a web browser
    when one can be shown ($BROWSER, a display, or macOS). The password is
    printed by 'switchboard neo4j status --show-password'. After login Browser
    shows the analysts' library as a guide: every query of 'switchboard query
    --list', each runnable with one click.
    """
    if Neo4jSettings.from_env().uri:
        raise UsageError(
            "NEO4J_URI is set, so Switchboard uses that server, not the embedded default",
            hint="open that server's own Neo4j Browser, or unset NEO4J_URI",
        )
    local = LocalNeo4j(instance=instance)
    with progress_status(not as_json) as progress:
        local.start(progress=progress)
    status = local.status()
    if status.browser_url is None:
        raise LocalNeo4jError(
            f"Neo4j '{instance}' runs without its HTTP connector, so there is no Browser",
            hint=HTTP_OFF_HINT,
        )
    opened = False
    if not no_open and can_open_browser():
        import webbrowser

        opened = webbrowser.open(status.browser_url)
    if as_json:
        print_json(
            {
                "url": status.browser_url,
                "guideUrl": status.guide_url,
                "user": status.user,
                "boltUri": status.uri,
                "opened": opened,
            }
        )
        return
    console.print(f"Neo4j Browser  {status.browser_url}")
    console.print(f"user           {status.user}")
    console.print(f"password       {PASSWORD_HINT}")
    console.print(f"library guide  :play {status.guide_url}")
    if opened:
        console.print("opened in your web browser")
