"""The ``switchboard`` entry point.

Every command's module is imported only when that command runs (:class:`LazyGroup`), so a
command pays for the libraries it uses and no others; ``switchboard --help`` lists them all
from :data:`COMMANDS` without importing any (tests/unit/test_cli_commands.py keeps that
table's help equal to each command's own).
"""

from __future__ import annotations

import gc
import importlib
import os
from dataclasses import dataclass

import click

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


@dataclass(frozen=True)
class LazyCommand:
    """Where a top-level command lives, and its short help for ``switchboard --help``."""

    module: str
    attribute: str
    short_help: str

    def load(self, *, freeze: bool = False) -> click.Command:
        """The command, its module imported; with ``freeze`` (the process's own command, see
        :func:`main`), with the garbage collector paused during the import and the objects
        imported frozen (kept out of every later collection)."""
        if freeze:
            from engine import gc_paused

            with gc_paused():
                module = importlib.import_module(self.module)
                gc.freeze()  # before the collector is back on, so none of it is walked
        else:
            module = importlib.import_module(self.module)
        command = getattr(module, self.attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.module}.{self.attribute} is not a click command")
        return command


COMMANDS: dict[str, LazyCommand] = {
    "apply": LazyCommand(
        "cli.manifest_cmd", "apply_cmd", "Make the graph match manifest files, all or nothing."
    ),
    "browser": LazyCommand(
        "cli.browser_cmd",
        "browser_cmd",
        "Open Neo4j Browser on the embedded-default server (starting it if needed).",
    ),
    "connectors": LazyCommand(
        "cli.daemon_cmd",
        "connectors_group",
        "Connector providers: built in, from 'switchboard.connectors' entry points, and aliases.",
    ),
    "cypher": LazyCommand(
        "cli.cypher_cmd",
        "cypher_cmd",
        "Run ad-hoc Cypher against the graph: a read-only session unless --write.",
    ),
    "daemon": LazyCommand(
        "cli.daemon_cmd",
        "daemon_group",
        "Run the integration daemon, and watch or steer a running one.",
    ),
    "db": LazyCommand("cli.db_cmd", "db_group", "Initialise and inspect the graph database."),
    "delete": LazyCommand("cli.manifest_cmd", "delete_cmd", "Delete one element."),
    "demo": LazyCommand(
        "cli.demo_cmd",
        "demo_cmd",
        "Start Neo4j, create the demo data, apply the examples and run the daemon.",
    ),
    "diff": LazyCommand(
        "cli.history_cmd",
        "diff_cmd",
        "What changed in GROUP between two times, as 'apply --dry-run' shows a plan.",
    ),
    "export": LazyCommand(
        "cli.manifest_cmd",
        "export_cmd",
        "Write integration groups back as a manifest (qualifiedNames as arguments).",
    ),
    "export-archive": LazyCommand(
        "cli.egeria_cmd",
        "export_archive_cmd",
        "Write integration groups to an Egeria open metadata archive.",
    ),
    "get": LazyCommand(
        "cli.manifest_cmd",
        "get_cmd",
        "Show one element: properties, audit fields and outgoing relationships.",
    ),
    "groups": LazyCommand("cli.resolve_cmd", "groups_group", "List integration groups."),
    "history": LazyCommand(
        "cli.history_cmd",
        "history_cmd",
        "Who changed what and when: recorded change sets, newest first.",
    ),
    "import": LazyCommand(
        "cli.egeria_cmd",
        "import_cmd",
        "Load Egeria open metadata archives (.omarchive) into the graph.",
    ),
    "neo4j": LazyCommand(
        "cli.neo4j_cmd",
        "neo4j_group",
        "Run the embedded-default Neo4j server (no Docker needed).",
    ),
    "query": LazyCommand(
        "cli.resolve_cmd",
        "query_cmd",
        "Run a query of the analysts' library in cypher/ (read-only).",
    ),
    "resolve": LazyCommand(
        "cli.resolve_cmd",
        "resolve_cmd",
        "Show the whole subgraph of one integration group, fetched in one query.",
    ),
    "rollback": LazyCommand(
        "cli.history_cmd",
        "rollback_cmd",
        "Make GROUP's current state equal its state at a time.",
    ),
    "schema": LazyCommand(
        "cli.manifest_cmd",
        "schema_cmd",
        "Print the JSON Schema of manifest files (for editor completion and checks).",
    ),
    "serve": LazyCommand(
        "cli.serve_cmd",
        "serve_cmd",
        "Serve the graph over REST: a native API and Egeria's view-service paths.",
    ),
    "up": LazyCommand(
        "cli.up_cmd",
        "up_cmd",
        "Bring everything up: start Neo4j, initialise the schema, show status.",
    ),
    "validate": LazyCommand(
        "cli.validate_cmd",
        "validate_cmd",
        "Check integration groups for structural errors before anything runs.",
    ),
}
"""Every top-level command: name -> where it lives and its short help (sorted by name)."""


class LazyGroup(click.Group):
    """A click group whose commands are imported from :data:`COMMANDS` when invoked."""

    freeze_imports = False
    """Set by :func:`main`: the command's imports (the driver, pydantic and the models...)
    live as long as the process, so the collector need not walk them, neither while they
    load nor after. Off for a caller that runs the group inside its own process (tests)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in COMMANDS:
            command = COMMANDS[cmd_name].load(freeze=self.freeze_imports)
            self.add_command(command, cmd_name)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from :data:`COMMANDS`' help, importing no command."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            command = super().get_command(ctx, name)
            if command is None and name in COMMANDS:
                # a stand-in with the table's help, shortened to fit as click does
                command = click.Command(name, help=COMMANDS[name].short_help)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _configure_logging(ctx: click.Context, _: click.Parameter, level: str | None) -> None:
    """Log lines at ``level`` and above on stderr; Python's default (warnings) when unset."""
    if level is None or ctx.resilient_parsing:
        return
    from engine.daemon import configure_logging

    configure_logging(level, quiet=False)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="switchboard")
@click.option(
    "--log-level",
    type=click.Choice(LOG_LEVELS, case_sensitive=False),
    envvar="SWITCHBOARD_LOG_LEVEL",
    callback=_configure_logging,
    expose_value=False,
    is_eager=True,
    metavar="LEVEL",
    help="Log lines shown on stderr: DEBUG, INFO, WARNING (default) or ERROR; DEBUG "
    "includes the Neo4j server's notifications. Env: SWITCHBOARD_LOG_LEVEL.",
)
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


PYDANTIC_PLUGINS_ENV = "PYDANTIC_DISABLE_PLUGINS"
"""Switchboard uses no pydantic plugin, so the ``switchboard`` process does not look for any
(pydantic reads every installed distribution's entry points to find them when it builds
its first model). Set it, even to nothing, to have pydantic's own choice."""


def main() -> None:
    """The ``switchboard`` process: the command runs, then the process ends."""
    os.environ.setdefault(PYDANTIC_PLUGINS_ENV, "__all__")
    cli.freeze_imports = True
    try:
        cli(prog_name="switchboard")
    finally:
        # What the process holds goes with it: frozen, it is left out of the collector's
        # passes at interpreter exit, which otherwise walk every object still alive.
        gc.freeze()
