"""``switchboard up``: start Neo4j, initialise the schema, show the database status."""

from __future__ import annotations

import click

from cli._common import console, handle_errors, store
from cli.browser_cmd import print_browser_address
from cli.db_cmd import render_status
from engine.graph import database_status, init_schema


@click.command("up")
@handle_errors
def up_cmd() -> None:
    """Bring everything up: start Neo4j, initialise the schema, show status.

    With the embedded default and its HTTP connector on, also prints Neo4j Browser's
    address and the user to log in as.
    """
    st = store()
    init_schema(st)
    console.print(f"connected to {st.uri}")
    data = database_status(st)
    render_status(data)
    print_browser_address(st)
