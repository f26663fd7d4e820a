"""The ``switchboard`` entry point."""

from __future__ import annotations

import click

from cli._common import console, handle_errors, store
from cli.daemon_cmd import connectors_group, daemon_group
from cli.db_cmd import db_group, render_status
from cli.demo_cmd import demo_cmd
from cli.egeria_cmd import export_archive_cmd, import_cmd
from cli.manifest_cmd import apply_cmd, delete_cmd, export_cmd, get_cmd, schema_cmd
from cli.neo4j_cmd import neo4j_group
from cli.resolve_cmd import groups_group, query_cmd, resolve_cmd
from cli.validate_cmd import validate_cmd
from engine.graph import database_status, init_schema


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="switchboard")
def cli() -> None:
    """Switchboard: Egeria-style integration groups, stored in Neo4j and run.

    Without NEO4J_URI every command uses the embedded-default Neo4j server,
    downloaded and started on first use (see 'switchboard neo4j --help').

    \b
    Environment:
      NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE
                        use an existing server instead of the embedded one
      SWITCHBOARD_HOME  where Neo4j and its data live (~/.cache/switchboard)
    """


@cli.command("up")
@handle_errors
def up() -> None:
    """Bring everything up: start Neo4j, initialise the schema, show status."""
    st = store()
    init_schema(st)
    console.print(f"connected to {st.uri}")
    data = database_status(st)
    render_status(data)


cli.add_command(neo4j_group)
cli.add_command(db_group)
cli.add_command(import_cmd)
cli.add_command(export_archive_cmd)
cli.add_command(resolve_cmd)
cli.add_command(groups_group)
cli.add_command(query_cmd)
cli.add_command(apply_cmd)
cli.add_command(export_cmd)
cli.add_command(schema_cmd)
cli.add_command(get_cmd)
cli.add_command(delete_cmd)
cli.add_command(validate_cmd)
cli.add_command(daemon_group)
cli.add_command(connectors_group)
cli.add_command(demo_cmd)


def main() -> None:
    cli(prog_name="switchboard")
