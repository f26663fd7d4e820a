"""``switchboard daemon``: run the integration daemon and steer a running one;
``switchboard connectors``: the connector providers this installation knows."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click
import httpx
from rich.live import Live
from rich.markup import escape
from rich.table import Table

from cli._common import console, err_console, handle_errors, print_json
from cli.daemon_view import run_daemon, status_table
from engine import DaemonUnreachableError, UsageError
from engine.daemon import (
    DEFAULT_PORT,
    TOKEN_ENV,
    DaemonConfig,
    DaemonStatus,
    LeaseConfig,
    LeaseStatus,
)

URL_ENV = "SWITCHBOARD_DAEMON_URL"


@click.group("daemon")
def daemon_group() -> None:
    """Run the integration daemon, and watch or steer a running one.

    \b
    Start it on groups or a configuration file:
      switchboard daemon run --group demo.group
      switchboard daemon run --config daemon.yaml --port 7447
      switchboard daemon run --config integration-daemon.config   (Egeria's)
    Then, from another terminal:
      switchboard daemon status --watch
      switchboard daemon restart --only-failed
    """


@daemon_group.command("run")
@click.option(
    "--group",
    "groups",
    multiple=True,
    metavar="QN",
    help="An integration group qualifiedName (repeatable).",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path),
    help="Daemon configuration (YAML or JSON), or an Egeria integration daemon's OMAGServerConfig.",
)
@click.option(
    "--server-name",
    help="The server name Egeria's paths answer to (default: the configuration's, or switchboard).",
)
@click.option(
    "--once",
    is_flag=True,
    help="Start, refresh every connector once, print the report, exit (0 only if all succeeded).",
)
@click.option(
    "--port", type=int, help=f"Control API port (default {DEFAULT_PORT}; 0 = any free port)."
)
@click.option("--host", help="Control API address (default 127.0.0.1).")
@click.option("--no-api", is_flag=True, help="Do not serve the control API.")
@click.option(
    "--shared",
    is_flag=True,
    help="Share the groups with other daemons under connector leases (as 'leases:' in the "
    "configuration): each runs its share, and takes over those of a daemon that dies.",
)
@click.option(
    "--all-groups",
    is_flag=True,
    help="Run every integration group in the graph, following groups as they come and go "
    "(implies --shared).",
)
@click.option(
    "--insecure-no-token",
    is_flag=True,
    help="Serve the control API beyond loopback without a bearer token (warned at every "
    "start). Without it, a non-loopback --host needs the configured token or uses a "
    "generated one ('switchboard daemon token' shows it).",
)
@click.option(
    "--poll-interval", type=float, help="Seconds between checks for group changes (default 10)."
)
@click.option("--watch", is_flag=True, help="Show a live status table instead of log lines.")
@click.option("--json", "as_json", is_flag=True, help="With --once: print the report as JSON.")
@click.option(
    "--log-level",
    default="INFO",
    show_default=True,
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]),
)
@handle_errors
def run_cmd(
    groups: tuple[str, ...],
    config_file: Path | None,
    server_name: str | None,
    once: bool,
    port: int | None,
    host: str | None,
    no_api: bool,
    shared: bool,
    all_groups: bool,
    insecure_no_token: bool,
    poll_interval: float | None,
    watch: bool,
    as_json: bool,
    log_level: str,
) -> None:
    """Run the connectors of integration groups until SIGTERM or Ctrl-C.

    Resolves each group, validates it (a connector with errors is not
    started; its status says why), starts every registered connector and
    refreshes it on its refreshTimeInterval, and follows every change to
    the groups. SIGTERM/SIGINT disconnect every connector and exit 0.

    An Egeria OMAGServerConfig runs its dynamic integration groups under its
    localServerName; every other section is noted as ignored, and a group
    not in the graph is reported while the others run.

    The control API (and the status page at its root, for a web browser)
    listens on 127.0.0.1:7447. On any other --host it needs a bearer token:
    the configured one (api.token or SWITCHBOARD_DAEMON_TOKEN), or else one
    generated once and stored in a file only you can read; the start message
    says where, 'switchboard daemon token' shows it. --insecure-no-token
    serves without one.
    """

    config = config_from_options(groups, config_file, all_groups)
    updates = option_updates(config, shared, all_groups, server_name, poll_interval)
    api_updates: dict[str, Any] = {}
    if port is not None:
        api_updates["port"] = port
    if host is not None:
        api_updates["host"] = host
    if no_api:
        api_updates["enabled"] = False
    if insecure_no_token:
        api_updates["insecure_no_token"] = True
    if api_updates:
        updates["api"] = config.api.model_copy(update=api_updates)
    config = config.model_copy(update=updates)
    run_daemon(config, once=once, as_json=as_json, watch=watch, log_level=log_level)


def config_from_options(
    groups: tuple[str, ...], config_file: Path | None, all_groups: bool
) -> DaemonConfig:
    """The daemon configuration named by exactly one source: --group, --all-groups or
    --config (--config with --all-groups is allowed); the configuration's notes go to
    stderr."""
    sources = bool(groups) + bool(config_file) + all_groups
    if sources != 1 and not (sources == 2 and config_file and all_groups):
        raise UsageError(
            "give either --group QN (one or more), --all-groups or --config FILE",
            hint="e.g. 'switchboard daemon run --group demo.group'",
        )
    if config_file is None:
        return DaemonConfig.model_validate({"groups": list(groups)})
    config, notes = DaemonConfig.load(config_file)
    for note in notes:
        err_console.print(f"[yellow]note:[/] {escape(note)}", soft_wrap=True)
    return config


def option_updates(
    config: DaemonConfig,
    shared: bool,
    all_groups: bool,
    server_name: str | None,
    poll_interval: float | None,
) -> dict[str, Any]:
    """What the command line's options change in ``config`` (its API section aside)."""
    updates: dict[str, Any] = {}
    if all_groups:
        updates["all_groups"] = True
    if (shared or all_groups) and config.leases is None:
        updates["leases"] = LeaseConfig.model_validate({})
    if server_name is not None:
        if not server_name.strip():
            raise UsageError("--server-name must not be empty")
        updates["server_name"] = server_name
    if poll_interval is not None:
        if poll_interval <= 0:
            raise UsageError("--poll-interval must be > 0 seconds")
        updates["poll_interval"] = poll_interval
    return updates


# --------------------------------------------------------------------- client
def _client_options(func: Any) -> Any:
    func = click.option(
        "--url",
        envvar=URL_ENV,
        default=f"http://127.0.0.1:{DEFAULT_PORT}",
        show_default=True,
        help=f"The daemon's control API (env {URL_ENV}).",
    )(func)
    func = click.option(
        "--token",
        envvar=TOKEN_ENV,
        default=None,
        help=f"Bearer token (env {TOKEN_ENV}; default: the token a daemon of this user "
        "generated, if any, as 'switchboard daemon token' shows).",
    )(func)
    return func


def call(
    url: str, token: str | None, method: str, path: str, body: dict[str, Any] | None = None
) -> Any:
    """One request to the control API with ``token`` (or the stored generated one);
    raises DaemonUnreachableError / UsageError."""
    from engine.daemon import stored_api_token

    token = token or stored_api_token(create=False)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        response = httpx.request(
            method, url.rstrip("/") + path, json=body, headers=headers, timeout=15
        )
    except httpx.HTTPError as exc:
        raise DaemonUnreachableError(
            f"cannot reach the daemon at {url}: {exc}",
            hint="start it with 'switchboard daemon run', or pass --url / set "
            f"{URL_ENV} to where it listens",
        ) from None
    if response.status_code == 401:
        raise DaemonUnreachableError(
            f"the daemon at {url} refused the request: missing or wrong bearer token",
            hint=f"pass --token or set {TOKEN_ENV}; for a daemon of yours bound beyond "
            "loopback, run the command as the user who started it",
        )
    data = response.json() if response.content else {}
    if response.status_code == 404:
        raise UsageError(
            str(data.get("error") or data.get("detail") or "not found"), hint=data.get("hint")
        )
    if response.status_code >= 400 and isinstance(data, dict) and data.get("error"):
        raise DaemonUnreachableError(str(data["error"]), hint=data.get("hint"))
    if response.status_code >= 400:
        raise DaemonUnreachableError(f"the daemon answered {response.status_code}: {data}")
    return data


@daemon_group.command("status")
@_client_options
@click.option(
    "--watch", is_flag=True, help="Keep the table on screen, updated every 2 s, until Ctrl-C."
)
@click.option("--json", "as_json", is_flag=True, help="Print the status document as JSON.")
@handle_errors
def status_cmd(url: str, token: str | None, watch: bool, as_json: bool) -> None:
    """Show every group and connector of a running daemon: state, last and
    next refresh, restarts (and the change set that caused the last one) and the
    last error."""
    doc = call(url, token, "GET", "/status")
    if as_json:
        print_json(doc)
        return
    status = DaemonStatus.model_validate(doc)
    if not watch:
        console.print(status_table(status))
        if status.leases is not None:  # under connector leases: lost, and who holds what
            render_leases(status.leases)
        return
    with Live(status_table(status), console=console, refresh_per_second=1) as live:
        try:
            while True:
                time.sleep(2)
                doc = call(url, token, "GET", "/status")
                live.update(status_table(DaemonStatus.model_validate(doc)))
        except KeyboardInterrupt:
            pass


def _control(op: str, help_text: str, *, only_failed: bool = False) -> click.Command:
    @click.command(op, help=help_text)
    @click.argument("connector", required=False)
    @_client_options
    @click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
    @handle_errors
    def command(
        connector: str | None, url: str, token: str | None, as_json: bool, **kw: Any
    ) -> None:
        body: dict[str, Any] = {"connector": connector}
        if kw.get("only_failed"):
            body["onlyFailed"] = True
        data = call(url, token, "POST", f"/{op}", body)
        if as_json:
            print_json(data)
            return
        names = data.get("connectors") or []
        console.print(f"{op}: {', '.join(names) if names else 'no connector affected'}")

    if only_failed:
        command = click.option(
            "--only-failed",
            is_flag=True,
            help="Only connectors in FAILED, CONFIG_FAILED or INITIALIZE_FAILED.",
        )(command)
    return command


daemon_group.add_command(
    _control("refresh", "Refresh CONNECTOR (a connectorName), or every connector, now.")
)
daemon_group.add_command(
    _control(
        "restart", "Restart CONNECTOR, every connector, or --only-failed ones.", only_failed=True
    )
)
daemon_group.add_command(_control("pause", "Stop scheduled refreshes of CONNECTOR (or all)."))
daemon_group.add_command(_control("resume", "Resume scheduled refreshes of CONNECTOR (or all)."))


@daemon_group.command("list")
@_client_options
@click.option("--json", "as_json", is_flag=True, help="Print the document of GET /daemons.")
@handle_errors
def daemons_list_cmd(url: str, token: str | None, as_json: bool) -> None:
    """Show the live daemons that share groups under connector leases, and which daemon
    holds each connector (UNASSIGNED when none does).

    Any daemon of the set answers the same: it reads the graph. Daemons run under leases
    when their configuration has 'leases' (see 'switchboard daemon run --help').

    \b
      switchboard daemon list
      switchboard daemon list --url http://other-host:7447 --json
    """
    doc = call(url, token, "GET", "/daemons")
    if as_json:
        print_json(doc)
        return
    render_cluster(doc)


def render_leases(leases: LeaseStatus) -> None:
    """This daemon's id, the connectors whose lease it lost, then who holds what."""
    console.print(f"daemon process {leases.daemon_id}: {leases.held} connector lease(s) held")
    if leases.lost:
        lost = Table(title="lost connectors (not held, stopped)", title_justify="left")
        for col in ("connector", "epoch", "lost at", "why"):
            lost.add_column(col, overflow="fold")
        for entry in leases.lost:
            lost.add_row(
                f"[red]{entry.connector_name}[/]", str(entry.epoch), entry.lost_at, entry.reason
            )
        console.print(lost)
    if leases.cluster is not None:
        render_cluster(leases.cluster.model_dump(by_alias=True))
    elif leases.cluster_error:
        console.print(f"who holds what: {leases.cluster_error}")


def render_cluster(doc: dict[str, Any]) -> None:
    """The live daemons and each connector's holder (the document of GET /daemons)."""
    daemons = Table(title="live daemons", title_justify="left")
    for col in ("name", "id", "control API", "connectors held", "heartbeat"):
        daemons.add_column(col, overflow="fold")
    for d in doc["daemons"]:
        daemons.add_row(d["name"], d["id"], d["apiUrl"] or "-", str(d["held"]), d["heartbeatAt"])
    console.print(daemons)
    connectors = Table(title="connectors", title_justify="left")
    for col in ("group", "connector", "holder", "epoch", "lease expires", "desired"):
        connectors.add_column(col, overflow="fold")
    for c in doc["connectors"]:
        holder = c["holder"] if c["holderId"] else f"[red]{c['holder']}[/]"
        connectors.add_row(
            c["group"],
            c["connectorName"],
            holder,
            str(c["epoch"]),
            c["leaseExpires"] or "-",
            c["desiredState"] or "-",
        )
    console.print(connectors)


@daemon_group.command("token")
@click.option("--json", "as_json", is_flag=True, help='Print {"token": ..., "file": ...}.')
@handle_errors
def token_cmd(as_json: bool) -> None:
    """Show the generated bearer token of this user's daemons.

    A daemon whose control API is bound beyond loopback (e.g. --host 0.0.0.0)
    without a configured token uses this one; it is generated once (now, if
    there is none yet) and kept in a file only you can read. The CLI's daemon
    commands send it unless --token says otherwise; in the status page, paste
    it into the sign-in form.

    \b
      switchboard daemon token
      curl -H "Authorization: Bearer $(switchboard daemon token)" http://HOST:7447/status
    """
    from engine.daemon import api_token_file, stored_api_token

    path = api_token_file()
    existed = path.exists()
    token = stored_api_token(create=True)
    if as_json:
        print_json({"token": token, "file": str(path)})
        return
    if not existed:
        err_console.print(f"generated a new control API token in {escape(str(path))}")
    click.echo(token)


# --------------------------------------------------------------------- connectors
@click.group("connectors")
def connectors_group() -> None:
    """Connector providers: built in, from 'switchboard.connectors' entry points, and aliases."""


@connectors_group.command("list")
@click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path),
    help="Daemon configuration whose aliases to include.",
)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@handle_errors
def list_cmd(config_file: Path | None, as_json: bool) -> None:
    """Every provider, enabled or disabled with the reason (import error, not a provider)."""
    from engine.providers import list_providers  # the registry only for this command

    aliases = DaemonConfig.from_file(config_file).aliases if config_file else None
    infos = list_providers(aliases)
    if as_json:
        print_json([i.as_dict() for i in infos])
        return
    table = Table(title="connector providers", title_justify="left")
    for col in ("name", "source", "status", "kind", "provides"):
        table.add_column(col, overflow="fold")
    for info in infos:
        status = "[green]enabled[/]" if info.enabled else f"[red]disabled[/]: {info.reason}"
        table.add_row(info.name, info.source, status, info.kind or "-", info.target)
    console.print(table)
