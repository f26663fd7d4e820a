"""``switchboard db``: schema and database status."""

from __future__ import annotations

from typing import Any

import click
from rich.table import Table

from cli._common import console, handle_errors, print_json, store
from engine.graph import database_status, init_schema


@click.group("db")
def db_group() -> None:
    """Initialise and inspect the graph database."""


@db_group.command("init")
@click.option("--json", "as_json", is_flag=True, help="Print the check as JSON.")
@handle_errors
def init(as_json: bool) -> None:
    """Create constraints and indexes (idempotent) and verify them."""
    check = init_schema(store(quiet=as_json))
    if as_json:
        print_json(check.as_dict())
    else:
        console.print(f"schema ready: {len(check.present)} constraints and indexes verified")


def render_status(data: dict[str, Any]) -> None:
    server = data["server"]
    console.print(
        f"[bold]{server['name']} {server['version']}[/] ({server['edition']}) at {data['uri']}"
        f", database {data['database']}"
    )
    schema = data["schema"]
    if schema["ok"]:
        console.print(f"schema: [green]ok[/] ({len(schema['present'])} constraints and indexes)")
    else:
        console.print(
            f"schema: [red]missing[/] {', '.join(schema['missing'])} (run 'switchboard db init')"
        )
    table = Table("label", "elements", title="elements by label")
    for label, count in sorted(data["elements"].items()):
        table.add_row(label, str(count))
    if data["elements"]:
        console.print(table)
    else:
        console.print("no elements yet")


@db_group.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@handle_errors
def status(as_json: bool) -> None:
    """Server version and edition, the constraint check and element counts.

    Exit code 1 when constraints are missing.
    """
    data = database_status(store(quiet=as_json))
    if as_json:
        print_json(data)
    else:
        render_status(data)
    raise SystemExit(0 if data["schema"]["ok"] else 1)
