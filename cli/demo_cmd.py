"""``switchboard demo``: the main job in one command.

Starts the embedded Neo4j (unless NEO4J_URI is set), creates the demo data
the example manifests point at (a landing folder of files, two SQLite
databases, a secrets file), applies ``examples/`` and runs the daemon on
every group they define, showing its status until Ctrl-C.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from pathlib import Path

import click

from cli._common import console, err_console, handle_errors, store
from cli.daemon_view import run_daemon
from engine import UsageError
from engine.daemon import DEFAULT_PORT, DaemonConfig

LANDING_FILES = {
    "customers.csv": "id,name,country\n1,Ada,UK\n2,Grace,US\n3,Linus,FI\n",
    "orders.csv": "id,customer,total\n10,1,99.50\n11,2,12.00\n12,1,7.25\n",
    "README.txt": "Partners drop their daily extracts here.\n",
}


def create_demo_data(root: Path) -> list[str]:
    """The files, databases and secrets the examples refer to (under ``root``).

    Existing files are kept (the demo can be run again); returns what was created.
    """
    created: list[str] = []
    landing = root / "landing"
    landing.mkdir(parents=True, exist_ok=True)
    for name, text in LANDING_FILES.items():
        path = landing / name
        if not path.exists():
            path.write_text(text, encoding="utf-8")
            created.append(str(path))
    databases = {
        "warehouse.db": [
            "CREATE TABLE IF NOT EXISTS customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
            "country TEXT)",
            "CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, "
            "customer INTEGER REFERENCES customers(id), total NUMERIC(10, 2))",
            "CREATE VIEW IF NOT EXISTS customer_totals AS SELECT customer, sum(total) AS total "
            "FROM orders GROUP BY customer",
        ],
        "archive.db": [
            "CREATE TABLE IF NOT EXISTS old_orders (id INTEGER PRIMARY KEY, customer INTEGER, "
            "total NUMERIC(10, 2), archived_on TEXT)",
        ],
    }
    for name, statements in databases.items():
        path = root / name
        existed = path.exists()
        with sqlite3.connect(path) as conn:
            for statement in statements:
                conn.execute(statement)
        if not existed:
            created.append(str(path))
    secrets_file = root / "secrets.yaml"
    if not secrets_file.exists():
        password = secrets.token_urlsafe(16)
        secrets_file.write_text(
            "# Demo secrets store (YAML secrets store format). Never commit real secrets.\n"
            "secretsCollections:\n"
            "  warehouse:\n"
            "    secrets:\n"
            f"      password: {password}\n",
            encoding="utf-8",
        )
        os.chmod(secrets_file, 0o600)
        created.append(str(secrets_file))
    return created


@click.command("demo")
@click.option(
    "--examples",
    "examples_dir",
    default="examples",
    show_default=True,
    type=click.Path(path_type=Path),
    help="Folder of example manifests to apply.",
)
@click.option(
    "--data",
    "data_dir",
    default="demo",
    show_default=True,
    type=click.Path(path_type=Path),
    help="Where to create the demo files (the examples use the relative path 'demo/').",
)
@click.option("--port", type=int, default=DEFAULT_PORT, show_default=True, help="Control API port.")
@click.option("--once", is_flag=True, help="Refresh every connector once, print the report, exit.")
@click.option(
    "--poll-interval",
    type=float,
    default=2.0,
    show_default=True,
    help="Seconds between change checks.",
)
@handle_errors
def demo_cmd(
    examples_dir: Path, data_dir: Path, port: int, once: bool, poll_interval: float
) -> None:
    """Start Neo4j, create the demo data, apply the examples and run the daemon.

    The status table stays on screen until Ctrl-C. Meanwhile, from another
    terminal: add a file to demo/landing, or change a connection with
    'switchboard apply' or plain Cypher, and watch the daemon follow.
    """
    from engine.declare.manifest import apply, validate_in_transaction
    from engine.graph import init_schema

    manifests = (
        sorted(p for p in examples_dir.glob("*") if p.suffix.lower() in (".yaml", ".yml", ".json"))
        if examples_dir.is_dir()
        else []
    )
    if not manifests:
        raise UsageError(
            f"no example manifests in {examples_dir}",
            hint="run from the repository root, or pass --examples DIR",
        )
    created = create_demo_data(data_dir)
    if created:
        err_console.print(f"created demo data: {', '.join(created)}", soft_wrap=True)
    st = store()
    init_schema(st)
    report = apply(st, manifests, validator=validate_in_transaction)
    counts = report.counts
    err_console.print(
        f"applied {len(manifests)} manifest(s): {counts['create']} created, "
        f"{counts['update']} updated, {counts['unchanged']} unchanged",
        soft_wrap=True,
    )
    groups = list(dict.fromkeys(report.plan.groups))
    if not groups:
        raise UsageError(f"the manifests in {examples_dir} define no integration group")
    config = DaemonConfig.model_validate(
        {
            "groups": groups,
            "pollInterval": poll_interval,
            "api": {"port": port},
        }
    )
    if not once:
        console.print(
            f"control API on http://127.0.0.1:{port} (try 'switchboard daemon status'); "
            "Ctrl-C to stop"
        )
    run_daemon(config, once=once, as_json=False, watch=not once, log_level="INFO")
