"""Each command imports what it uses and nothing else (a fresh process per command).

``switchboard --help`` imports no command and no driver; the everyday commands leave the
daemon, FastAPI, SQLAlchemy and networkx unloaded unless they need them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine.graph import Store

REPORT_MODULES = """
import json, os, sys
from cli.main import cli
try:
    cli(sys.argv[1:], prog_name="switchboard", standalone_mode=False)
finally:
    with open(os.environ["MODULES_REPORT"], "w") as fh:
        json.dump(sorted(sys.modules), fh)
"""

DAEMON_AND_WEB = ["engine.daemon.supervisor", "engine.daemon.api", "fastapi", "uvicorn"]
HEAVY = [*DAEMON_AND_WEB, "sqlalchemy", "networkx", "engine.connectors", "prometheus_client"]
FILES_GROUP = "Switchboard:IntegrationGroup:files"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def loaded_modules(args: list[str], env: dict[str, str], tmp_path: Path) -> set[str]:
    report = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", REPORT_MODULES, *args],
        env={**os.environ, **env, "MODULES_REPORT": str(report)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(report.read_text()))


def loaded_of(modules: set[str], names: list[str]) -> list[str]:
    return [n for n in names if any(m == n or m.startswith(n + ".") for m in modules)]


def test_help_imports_no_command_and_no_driver(tmp_path: Path) -> None:
    modules = loaded_modules(["--help"], {}, tmp_path)
    commands = sorted(m for m in modules if m.startswith("cli.") and m != "cli.main")
    assert commands == []
    assert loaded_of(modules, ["neo4j", "pydantic", "rich", "engine"]) == []


@pytest.fixture
def applied_env(cli_env: dict[str, str], store: Store, tmp_path: Path) -> dict[str, str]:
    """The test server with examples/ applied."""
    modules = loaded_modules(["apply", "-f", str(EXAMPLES)], cli_env, tmp_path)
    assert "neo4j" in modules
    return cli_env


@pytest.mark.parametrize(
    ("args", "unused"),
    [
        (["groups", "list"], [*HEAVY, "pydantic", "engine.validate", "yaml"]),
        (["query", "--list"], [*HEAVY, "pydantic", "engine.validate"]),
        (["resolve", FILES_GROUP], [*HEAVY, "pydantic", "engine.validate", "engine.declare"]),
        (["validate", FILES_GROUP], [*HEAVY, "pydantic", "engine.declare", "engine.resolved"]),
        (
            ["apply", "--dry-run", "-f", str(EXAMPLES)],
            # nothing changes (the files are applied already): so nothing to restart, and
            # neither the daemon package nor the resolved views are loaded; a dry run
            # writes nothing, so nothing of the write path either
            [
                *HEAVY,
                *("engine.validate", "engine.resolved", "engine.daemon", "rich.progress"),
                *("engine.declare.manifest.write", "engine.graph.writer", "engine.graph.resolve"),
            ],
        ),
        (["db", "status"], [*HEAVY, "pydantic", "engine.validate"]),
    ],
    ids=["groups list", "query --list", "resolve", "validate", "apply --dry-run", "db status"],
)
def test_a_command_leaves_what_it_does_not_use_unloaded(
    applied_env: dict[str, str], tmp_path: Path, args: list[str], unused: list[str]
) -> None:
    modules = loaded_modules(args, applied_env, tmp_path)
    assert "neo4j" in modules
    assert loaded_of(modules, unused) == []
