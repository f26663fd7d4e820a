"""``switchboard neo4j``: the embedded-default Neo4j server."""

from __future__ import annotations

import os

import click

from cli._common import console, handle_errors, print_json, progress_status
from engine import Neo4jSettings
from engine.local import LocalNeo4j

instance_option = click.option(
    "--instance",
    default=lambda: os.environ.get("SWITCHBOARD_INSTANCE", "default"),
    show_default="default (or $SWITCHBOARD_INSTANCE)",
    help="Which local instance to manage; each has its own data and port.",
)


@click.group("neo4j")
def neo4j_group() -> None:
    """Run the embedded-default Neo4j server (no Docker needed).

    The first start downloads Neo4j Community from Maven Central with Maven
    into $SWITCHBOARD_HOME (default ~/.cache/switchboard); later starts work
    offline. Set NEO4J_URI to use an existing server instead.
    """


@neo4j_group.command("start")
@instance_option
@click.option("--timeout", default=180.0, show_default=True, help="Seconds to wait for Bolt.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@handle_errors
def start(instance: str, timeout: float, as_json: bool) -> None:
    """Start the server (idempotent) and print its Bolt URI."""
    local = LocalNeo4j(instance=instance)
    with progress_status(not as_json) as progress:
        result = local.start(timeout=timeout, progress=progress)
    if as_json:
        print_json(
            {
                "uri": result.uri,
                "pid": result.pid,
                "port": result.port,
                "alreadyRunning": result.already_running,
                "downloaded": result.downloaded,
                "recoveredStale": result.recovered_stale,
                "seconds": round(result.seconds, 2),
                "browserUrl": result.browser_url,
            }
        )
        return
    if result.already_running:
        console.print(f"Neo4j '{instance}' is already running (pid {result.pid})")
    else:
        extra = " after an unclean shutdown" if result.recovered_stale else ""
        console.print(
            f"Neo4j '{instance}' started{extra} in {result.seconds:.1f} s (pid {result.pid})"
        )
    if result.browser_url:
        console.print(f"Neo4j Browser at {result.browser_url} ('switchboard browser' opens it)")
    if Neo4jSettings.from_env().uri:
        console.print("[yellow]note:[/] NEO4J_URI is set, so other commands use that server")
    click.echo(result.uri)


@neo4j_group.command("stop")
@instance_option
@handle_errors
def stop(instance: str) -> None:
    """Stop the server cleanly (SIGTERM, then wait)."""
    if LocalNeo4j(instance=instance).stop():
        console.print(f"Neo4j '{instance}' stopped")
    else:
        console.print(f"Neo4j '{instance}' was not running")


@neo4j_group.command("status")
@instance_option
@click.option("--show-password", is_flag=True, help="Also print the generated password.")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@handle_errors
def status(instance: str, show_password: bool, as_json: bool) -> None:
    """Say whether the server runs, where (Bolt and Neo4j Browser), and with which version.

    Exit code 0 when it runs, 1 when it does not.
    """
    local = LocalNeo4j(instance=instance)
    st = local.status()
    data = st.as_dict()
    if show_password:
        data["password"] = local.password()
    if as_json:
        print_json(data)
    else:
        state = "running" if st.running else ("stale (process gone)" if st.stale else "stopped")
        console.print(f"instance  {instance}: {state}")
        if st.running:
            console.print(f"pid       {st.pid}")
            console.print(f"bolt      {st.uri}")
            console.print(f"browser   {st.browser_url or 'off (SWITCHBOARD_NEO4J_HTTP=off)'}")
            console.print(f"user      {st.user}")
        console.print(
            f"version   Neo4j {st.version} ({'cached' if st.installed else 'not downloaded'})"
        )
        console.print(f"folder    {st.instance_dir}")
        if show_password:
            console.print(f"password  {data['password']}")
    raise SystemExit(0 if st.running else 1)


@neo4j_group.command("logs")
@instance_option
@click.option("-n", "--lines", default=50, show_default=True, help="How many lines to show.")
@handle_errors
def logs(instance: str, lines: int) -> None:
    """Show the end of the server's console log."""
    click.echo(LocalNeo4j(instance=instance).log_tail(lines))
