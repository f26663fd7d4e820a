"""The ``switchboard`` process keeps what it imports out of the garbage collector's passes
(it lives as long as the process) and looks for no pydantic plugin unless told to; a caller
running the CLI inside its own process keeps its collector as it was."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys

from cli.main import COMMANDS

LOAD_AS_THE_PROCESS = """
import click, gc, json
from cli.main import cli
cli.freeze_imports = True  # as main() sets it
before = gc.get_freeze_count()
command = cli.get_command(click.Context(cli), "groups")
print(json.dumps({"name": command.name, "before": before, "after": gc.get_freeze_count(),
                  "enabled": gc.isenabled()}))
"""

HELP_AS_THE_PROCESS = """
import gc, json, sys
from cli.main import main
sys.argv = ["switchboard", "--help"]
try:
    main()
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "after": gc.get_freeze_count()}))
"""


def run(script: str, env: dict[str, str] | None = None) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env=env,
    )
    report: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


def test_the_process_freezes_its_command_s_imports_and_collects_again_after() -> None:
    report = run(LOAD_AS_THE_PROCESS)
    assert report["name"] == "groups"
    assert report["before"] == 0
    after = report["after"]
    assert isinstance(after, int) and after > 10_000  # the command's modules, the driver...
    assert report["enabled"] is True  # paused only while the command's module loaded


def test_the_process_freezes_what_it_holds_when_the_command_is_done() -> None:
    report = run(HELP_AS_THE_PROCESS)
    assert report["code"] == 0
    after = report["after"]
    assert isinstance(after, int) and after > 0


def test_loading_a_command_in_another_process_leaves_its_collector_alone() -> None:
    before = gc.get_freeze_count()
    command = COMMANDS["groups"].load()
    assert command.name == "groups"
    assert gc.get_freeze_count() == before
    assert gc.isenabled()


PLUGINS_AS_THE_PROCESS = """
import json, os, sys
from cli.main import main
sys.argv = ["switchboard", "--help"]
try:
    main()
except SystemExit:
    pass
print(json.dumps({"plugins": os.environ.get("PYDANTIC_DISABLE_PLUGINS")}))
"""


def test_the_process_looks_for_no_pydantic_plugin_unless_told() -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    assert run(PLUGINS_AS_THE_PROCESS, env)["plugins"] == "__all__"
    assert run(PLUGINS_AS_THE_PROCESS, {**env, "PYDANTIC_DISABLE_PLUGINS": ""})["plugins"] == ""
