"""The CLI as a user runs it (a fresh process): quiet by default, and nesting deeper than a
parser can follow is bad input.

* The server's notifications (a label or property key that does not exist yet) never reach
  the terminal; ``--log-level DEBUG`` shows them.
* A manifest, an archive or a daemon configuration nested 100,000 levels deep exits 2 with
  the file named in a one-line message, no traceback, and nothing written.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from engine.graph import Store

SWITCHBOARD = str(Path(sys.executable).parent / "switchboard")
DEPTH = 100_000


def run(args: list[str], cli_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **cli_env, "COLUMNS": "200"}
    env.pop("SWITCHBOARD_LOG_LEVEL", None)
    return subprocess.run(
        [SWITCHBOARD, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def never_seen_query() -> str:
    """A read naming a label and a property key no test has created: the server notifies."""
    suffix = uuid.uuid4().hex[:12]
    return f"MATCH (n:Unseen{suffix}) RETURN n.unseen{suffix} AS value"


def test_server_notifications_stay_off_the_terminal(cli_env: dict[str, str]) -> None:
    done = run(["cypher", never_seen_query()], cli_env)
    assert done.returncode == 0, done.stderr
    for stream in (done.stdout, done.stderr):
        assert "GqlStatusObject" not in stream
        assert "notification" not in stream.lower()
        assert "does not exist" not in stream


def test_groups_list_on_a_wiped_database_prints_no_notification(cli_env: dict[str, str]) -> None:
    done = run(["groups", "list"], cli_env)
    assert done.returncode == 0, done.stderr
    assert "GqlStatusObject" not in done.stdout + done.stderr
    assert "no integration groups" in done.stdout


def test_log_level_debug_shows_the_notifications(cli_env: dict[str, str]) -> None:
    done = run(["--log-level", "DEBUG", "cypher", never_seen_query()], cli_env)
    assert done.returncode == 0, done.stderr
    assert "switchboard.neo4j.notifications" in done.stderr
    assert "property key does not exist" in done.stderr
    assert "label does not exist" in done.stderr
    assert "GqlStatusObject" not in done.stdout


def nested_json(depth: int) -> str:
    return '{"a": ' * depth + "1" + "}" * depth


def nested_yaml_flow(depth: int) -> str:
    return "groups: " + "[" * depth + "]" * depth + "\n"


def count_nodes(store: Store) -> int:
    return sum(row["count"] for row in store.read("count_by_label"))


def assert_bad_input(done: subprocess.CompletedProcess[str], path: Path) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "RecursionError" not in done.stderr
    error_lines = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(error_lines) == 1, done.stderr
    assert str(path) in error_lines[0]


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_manifest_nested_too_deep_exits_2_and_writes_nothing(
    cli_env: dict[str, str], store: Store, tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"deep{suffix}"
    path.write_text(nested_json(DEPTH) if suffix == ".json" else nested_yaml_flow(DEPTH))
    done = run(["apply", "-f", str(path)], cli_env)
    assert_bad_input(done, path)
    assert count_nodes(store) == 0


def test_archive_nested_too_deep_exits_2_and_writes_nothing(
    cli_env: dict[str, str], store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "deep.omarchive"
    nested = "[" * DEPTH + "]" * DEPTH
    path.write_text(
        '{"archiveProperties": {}, "archiveInstanceStore": {"entities": [' + nested + "]}}"
    )
    done = run(["import", str(path)], cli_env)
    assert_bad_input(done, path)
    assert count_nodes(store) == 0


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_daemon_configuration_nested_too_deep_exits_2(
    cli_env: dict[str, str], tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"daemon{suffix}"
    nested = "[" * DEPTH + "]" * DEPTH
    path.write_text('{"groups": ' + nested + "}" if suffix == ".json" else f"groups: {nested}\n")
    done = run(["daemon", "run", "--config", str(path), "--once", "--no-api"], cli_env)
    assert_bad_input(done, path)
