"""What a terminal shows of a daemon: its status table, the run-once summary, and a
daemon process run in the foreground (``daemon run`` and ``demo``)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from rich.live import Live
from rich.table import Table

from cli._common import console, print_json, store

if TYPE_CHECKING:
    from engine.daemon import DaemonConfig, DaemonStatus, RunOnceReport

STATE_STYLES = {
    "WAITING": "green",
    "REFRESHING": "cyan",
    "RUNNING": "green",
    "INITIALIZED": "blue",
    "STOPPED": "dim",
    "FAILED": "bold red",
    "CONFIG_FAILED": "red",
    "INITIALIZE_FAILED": "yellow",
}


def _short_time(value: str | None) -> str:
    if not value:
        return "-"
    return value.replace("T", " ")[:19]


def status_table(status: DaemonStatus) -> Table:
    """A rich table of a daemon's status (as GET /status returns it)."""
    title = f"daemon {status.server_name}: " + (
        f"[bold red]degraded[/] ({status.degraded_reason})" if status.degraded else "[green]ok[/]"
    )
    table = Table(title=title, title_justify="left", expand=False)
    columns = (
        "group",
        "connector",
        "state",
        "last refresh",
        "next refresh",
        "restarts",
        "restarted for",
        "error",
    )
    for col in columns:
        table.add_column(col, overflow="fold")
    for group in status.groups:
        if not group.connectors:
            note = "group not found" if group.found is False else "no connectors"
            table.add_row(group.qualified_name, "-", f"[dim]{note}[/]", "", "", "", "", "")
        for c in group.connectors:
            state = c.state.value + (" (paused)" if c.paused else "")
            style = STATE_STYLES.get(c.state.value, "")
            last = _short_time(c.last_refresh_end)
            if c.last_refresh_duration is not None:
                last += f" ({c.last_refresh_duration:.1f} s)"
            error = c.last_error or ""
            table.add_row(
                group.qualified_name,
                c.connector_name,
                f"[{style}]{state}[/]" if style else state,
                last,
                _short_time(c.next_refresh),
                str(c.restart_count),
                c.change_set.short().replace("[", r"\[") if c.change_set else "",
                error.replace("[", r"\["),
            )
    return table


def once_summary(report: RunOnceReport) -> None:
    console.print(status_table(report))
    for c in report.connectors():
        last = c.last_report
        if not last:
            continue
        counters = ", ".join(f"{k}={v}" for k, v in sorted(last.counters.items()))
        console.print(
            f"{c.connector_name}: created {last.created}, updated {last.updated}, "
            f"deleted {last.deleted}" + (f"; {counters}" if counters else ""),
            soft_wrap=True,
        )
        for failure in last.failures:
            where = f" ({failure['element']})" if failure.get("element") else ""
            console.print(
                f"  [yellow]failure[/]{where}: {failure['message']}".replace("[(", r"\[("),
                soft_wrap=True,
            )


# --------------------------------------------------------------------- daemon run
def run_daemon(
    config: DaemonConfig, *, once: bool, as_json: bool, watch: bool, log_level: str
) -> None:
    """Run (or, with ``once``, run once and exit with the report's verdict) a daemon,
    showing log lines or (``watch``) a live status table."""
    # the daemon itself (supervisor, control API) only for the commands that run one
    from engine.daemon import DaemonProcess, configure_logging
    from engine.graph import init_schema

    configure_logging(log_level, quiet=watch or (once and as_json))
    st = store(quiet=as_json)
    init_schema(st)
    process = DaemonProcess(st, config)
    if once:
        report = process.run_once()
        if as_json:
            print_json(report.as_dict())
        else:
            once_summary(report)
        sys.exit(0 if report.ok else 1)
    with process:
        if watch and process.api_auth is not None:  # the log line is quiet under --watch
            console.print(
                f"control API and status page on {process.api_url()}; "
                f"{process.api_auth.notice(config.api.host)}",
                soft_wrap=True,
                markup=False,
            )
        if watch:
            with Live(
                status_table(process.status()), console=console, refresh_per_second=2
            ) as live:
                process.wait(lambda: live.update(status_table(process.status())))
        else:
            process.wait()
    console.print("daemon stopped; every connector disconnected")
