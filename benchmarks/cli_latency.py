"""Benchmark of the CLI's whole-process time against a floor, side by side in one run.

The floor is a Python process that imports the Neo4j driver and runs ``RETURN 1`` against
the same server; the commands are the ones a user types first: ``switchboard --help``,
``groups list``, ``resolve`` and ``validate`` of a small group (examples/files-group.yaml)
and ``apply --dry-run`` of examples/. Every round runs the floor and each command once, in
a rotating order, as fresh processes (the installed ``switchboard`` script); the first
round is a warm-up. PYTHONDONTWRITEBYTECODE is not passed on: the warm-up writes the
bytecode caches of modules that have none, as a user's first run does (a process compiling
its modules from source on every run would measure the compiler). Reported: median and
lowest wall time, median CPU time (user + system of the process), and each median as a
multiple of the floor's. The issue's target: every command within 1.5x of the floor.
Reference rows (:data:`REFERENCES`, not held to the target) run the floor plus the imports
some commands cannot do without.

    .venv/bin/python -m benchmarks.cli_latency                # embedded instance bench-cli
    .venv/bin/python -m benchmarks.cli_latency --runs 20
    .venv/bin/python -m benchmarks.cli_latency --baseline ../old-checkout   # old and new side by side
    NEO4J_URI=... SWITCHBOARD_BENCH_ALLOW_WIPE=1 .venv/bin/python -m benchmarks.cli_latency
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shlex
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.results import publish
from engine import NEO4J_VERSION, LocalNeo4j, Neo4jSettings
from engine.graph import Store, init_schema
from engine.graph.writer import wipe_database

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SMALL_GROUP = "Switchboard:IntegrationGroup:files"
TARGET_RATIO = 1.5

FLOOR_SCRIPT = """
import os
import neo4j
auth = (os.environ["NEO4J_USERNAME"], os.environ["NEO4J_PASSWORD"])
with neo4j.GraphDatabase.driver(os.environ["NEO4J_URI"], auth=auth) as driver:
    driver.execute_query("RETURN 1")
"""
"""The floor: import the driver, run RETURN 1, close."""

FLOOR = "floor: python, import neo4j, RETURN 1"

REFERENCES = {
    "reference: floor + the CLI's base (click, rich, cli._common)": "import cli.main, cli._common",
    "reference: floor + the CLI's base + pydantic and YAML (no model declared)": (
        "import cli.main, cli._common, yaml, pydantic.main, pydantic.plugin._loader"
    ),
    "reference: floor + the CLI's base + the manifest layer (pydantic models, YAML)": (
        "import cli.main, cli._common, engine.declare.manifest"
    ),
}
"""Not commands: the floor plus what some commands cannot do without, to show how much of
a command's time its imports alone take (reported, not held to the target). The middle one
is what any command validating with pydantic pays before declaring a model: pydantic's own
modules, and the plugin loader it imports when it builds the first validator (which
imports importlib.metadata, with email and zipfile). The imports are done as the
``switchboard`` process does its command's (:meth:`cli.main.LazyCommand.load`): collector
paused, then what they loaded frozen, as it is again at the end (:func:`cli.main.main`)."""

REFERENCE_SCRIPT = """
import gc
gc.disable()
import neo4j
{imports}
gc.freeze()
gc.enable()
{floor}
gc.freeze()
"""


def switchboard_script() -> str:
    """The installed ``switchboard`` script, next to this Python."""
    return str(Path(sys.executable).parent / "switchboard")


def commands() -> dict[str, list[str]]:
    """What is measured: label -> argv (the floor first)."""
    switchboard = switchboard_script()
    return {
        FLOOR: [sys.executable, "-c", FLOOR_SCRIPT],
        "switchboard --help": [switchboard, "--help"],
        "switchboard groups list": [switchboard, "groups", "list"],
        "switchboard resolve (small group)": [switchboard, "resolve", SMALL_GROUP],
        "switchboard validate (one group)": [switchboard, "validate", SMALL_GROUP],
        "switchboard apply --dry-run -f examples/": [
            *(switchboard, "apply", "--dry-run", "-f", str(EXAMPLES)),
        ],
        **{
            label: [
                sys.executable,
                "-c",
                REFERENCE_SCRIPT.format(imports=imports, floor=FLOOR_SCRIPT),
            ]
            for label, imports in REFERENCES.items()
        },
    }


@dataclass
class Timings:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one process; fails loudly when it does not exit 0."""
    cpu_before = _children_cpu()
    began = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"{shlex.join(argv)} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return wall, _children_cpu() - cpu_before


def measure(env: dict[str, str], runs: int, baseline: Path | None) -> dict[str, Timings]:
    """``runs`` rounds after one warm-up, the order rotating so no command always goes first;
    with ``baseline`` (another checkout), its commands too, in the same rounds."""
    todo = {label: (argv, env) for label, argv in commands().items()}
    if baseline is not None:
        baseline_env = {**env, "PYTHONPATH": str(baseline)}
        todo |= {
            f"baseline: {label}": (argv, baseline_env)
            for label, argv in commands().items()
            if label != FLOOR and label not in REFERENCES
        }
    labels = list(todo)
    timings = {label: Timings() for label in labels}
    for round_ in range(runs + 1):
        shift = round_ % len(labels)
        for label in labels[shift:] + labels[:shift]:
            wall, cpu = run_once(*todo[label])
            if round_ > 0:
                timings[label].wall.append(wall)
                timings[label].cpu.append(cpu)
        print(f"  round {round_}/{runs} done", file=sys.stderr, flush=True)
    return timings


def report(timings: dict[str, Timings]) -> list[str]:
    floor_wall = statistics.median(timings[FLOOR].wall)
    floor_cpu = statistics.median(timings[FLOOR].cpu)
    lines = [
        "| command | wall median | wall lowest | CPU median | wall / floor | CPU / floor |",
        "|---|---|---|---|---|---|",
    ]
    for label, t in timings.items():
        wall, cpu = statistics.median(t.wall), statistics.median(t.cpu)
        lines.append(
            f"| {label} | {wall * 1000:.0f} ms | {min(t.wall) * 1000:.0f} ms | "
            f"{cpu * 1000:.0f} ms | {wall / floor_wall:.2f}x | {cpu / floor_cpu:.2f}x |"
        )
    over = [
        label
        for label, t in timings.items()
        if not label.startswith(("baseline", "reference"))
        and statistics.median(t.wall) > TARGET_RATIO * floor_wall
    ]
    lines.append("")
    lines.append(
        f"within {TARGET_RATIO}x of the floor (wall, median): "
        + ("all" if not over else f"all but {', '.join(over)}")
    )
    return lines


def server(instance: str) -> tuple[Neo4jSettings, LocalNeo4j | None, bool]:
    """The server to measure against: NEO4J_URI (wiped only when allowed) or an embedded one."""
    if os.environ.get("NEO4J_URI"):
        if os.environ.get("SWITCHBOARD_BENCH_ALLOW_WIPE") != "1":
            raise SystemExit(
                "NEO4J_URI is set and this benchmark wipes the database; "
                "set SWITCHBOARD_BENCH_ALLOW_WIPE=1 if that is intended"
            )
        return Neo4jSettings.from_env(), None, False
    local = LocalNeo4j(instance=instance)
    result = local.start(progress=lambda m: print(f"  {m}", file=sys.stderr))
    settings = Neo4jSettings(uri=result.uri, password=local.password())
    return settings, local, not result.already_running


def prepare(settings: Neo4jSettings, env: dict[str, str]) -> None:
    """A wiped database with the schema and examples/ applied (through the CLI)."""
    with Store.connect(settings) as store:
        wipe_database(store)
        init_schema(store)
    run_once([switchboard_script(), "apply", "-f", str(EXAMPLES)], env)


def commit_of(checkout: Path) -> str:
    """The short commit id a checkout holds (``unknown`` when git cannot tell)."""
    done = subprocess.run(
        ["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.cli_latency", description=__doc__)
    parser.add_argument("--runs", type=int, default=10, help="timed rounds (after one warm-up)")
    parser.add_argument("--instance", default="bench-cli", help="embedded instance to use")
    parser.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    parser.add_argument("--keep-running", action="store_true", help="leave the instance up")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="a checkout of another version: its commands run in the same rounds "
        "(PYTHONPATH=BASELINE) and are reported as 'baseline: ...'",
    )
    args = parser.parse_args(argv)
    raw = argv if argv is not None else sys.argv[1:]
    command = "python -m benchmarks.cli_latency" + (" " + shlex.join(raw) if raw else "")
    if args.baseline is not None:  # recorded as the commit it holds, not a local path
        command = command.replace(str(args.baseline), f"<checkout of {commit_of(args.baseline)}>")
    settings, local, started_here = server(args.instance)
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        "NEO4J_URI": settings.uri or "",
        "NEO4J_USERNAME": settings.username,
        "NEO4J_PASSWORD": settings.password or "",
        "COLUMNS": "120",
    }
    load_start = os.getloadavg()[0]
    try:
        prepare(settings, env)
        timings = measure(env, args.runs, args.baseline)
    finally:
        if local is not None and started_here and not args.keep_running:
            local.stop()
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = "\n".join(
        [
            f"## CLI latency against the floor ({when})",
            "",
            f"Command: `.venv/bin/{command}`  ",
            f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
            f"{platform.python_version()}, Neo4j {NEO4J_VERSION}, client and server on the "
            f"same machine; load average (1 min) at start / end: {load_start:.1f} / "
            f"{os.getloadavg()[0]:.1f}; {args.runs} rounds after a warm-up (bytecode cached), order "
            "rotating.",
            "",
            *report(timings),
            "",
        ]
    )
    publish(section, record=not args.no_record)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
