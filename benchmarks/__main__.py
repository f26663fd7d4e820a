"""The benchmark suite: every benchmark of this folder at a modest size, one table.

    make bench                       # = .venv/bin/python -m benchmarks
    .venv/bin/python -m benchmarks --only apply,resolve --no-record

Runs ``apply``, ``resolve``, ``validate``, ``egeria_import``, ``daemon_poll``, ``history`` (each
builds its data from the seeded synthetic generators, so two runs measure the same graphs)
``rest`` (the metadata server's REST API beside the engine) and ``cli_latency`` (the commands as fresh processes against a floor, on examples/)
against two embedded instances it starts once (``bench-suite`` and ``bench-suite-small``,
wiped by the benchmarks) and stops at the end. Each benchmark's own report is collected;
the suite prints one table of every figure and ratio and appends it, with the command and
the machine, to benchmarks/RESULTS.md. The full-size runs are the modules themselves
(``python -m benchmarks.<name>``, defaults as documented there).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import platform
import re
import shlex
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from benchmarks.results import publish
from engine import NEO4J_VERSION, LocalNeo4j

INSTANCE = "bench-suite"
SMALL_INSTANCE = "bench-suite-small"


@dataclass(frozen=True)
class Benchmark:
    name: str
    args: list[str]
    run: Callable[[list[str]], object]


SUITE: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "apply",
        ("--groups", "10", "--per-group", "100", "--single", "100", "--instance", INSTANCE),
    ),
    (
        "resolve",
        (
            *("--groups", "100", "--small-groups", "10", "--iterations", "100"),
            *("--warmup", "20", "--ogm-iterations", "5"),
            *("--instance", INSTANCE, "--small-instance", SMALL_INSTANCE),
        ),
    ),
    (
        "validate",
        (
            *("--groups", "100", "--iterations", "50", "--big-iterations", "2"),
            *("--instance", INSTANCE),
        ),
    ),
    (
        "egeria_import",
        (
            *("--entities", "10000", "--per-entity-sample", "200", "--sample-repeats", "2"),
            *("--instance", INSTANCE),
        ),
    ),
    (
        "daemon_poll",
        (
            *("--groups", "20", "--daemon-groups", "5", "--iterations", "30"),
            *("--warmup", "5", "--instance", INSTANCE),
            # the issue-8 daemon at its full size (1,000 connectors in 100 groups),
            # shorter CPU windows and fewer timed changes than the module's defaults
            *("--scale-groups", "100", "--scale-per-group", "10", "--window", "20"),
            *("--repeats", "2", "--default-window", "30", "--trials", "4"),
        ),
    ),
    (
        "rest",
        (
            *("--groups", "10", "--per-group", "100", "--applies", "2"),
            *("--iterations", "50", "--instance", INSTANCE),
        ),
    ),
    (
        "history",
        (
            *("--groups", "10", "--per-group", "100", "--big-groups", "100"),
            *("--revisions", "10", "--iterations", "10", "--instance", INSTANCE),
        ),
    ),
    ("cli_latency", ("--runs", "5", "--instance", SMALL_INSTANCE)),
)
"""Every benchmark of the suite, in the order it runs, with its modest-size arguments."""


def _benchmarks() -> list[Benchmark]:
    from benchmarks import (
        apply,
        cli_latency,
        daemon_poll,
        egeria_import,
        history,
        resolve,
        rest,
        validate,
    )

    mains: dict[str, Callable[[list[str]], object]] = {
        "apply": apply.main,
        "resolve": resolve.main,
        "validate": validate.main,
        "egeria_import": egeria_import.main,
        "daemon_poll": daemon_poll.main,
        "rest": rest.main,
        "history": history.main,
        "cli_latency": cli_latency.main,
    }
    return [Benchmark(name, list(args), mains[name]) for name, args in SUITE]


_MARKDOWN = re.compile(r"\*\*|`")


def figures(report: str) -> list[tuple[str, str]]:
    """(figure, value) pairs from a benchmark's printed report.

    Table rows give the measurement and its columns; list items and plain lines (ratios,
    rates) are kept whole. Headings, commands and machine lines are left out.
    """
    out: list[tuple[str, str]] = []
    header: list[str] = []
    lines = [_MARKDOWN.sub("", raw).strip() for raw in report.splitlines()]
    for index, line in enumerate(lines):
        if not line or line.startswith(("#", "Command:", "Machine:", "Load average")):
            continue
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if set("".join(cells)) <= set("-: "):
                continue
            following = lines[index + 1] if index + 1 < len(lines) else ""
            if following.startswith("|") and set(following) <= set("|-: "):
                header = cells  # the row above a |---| separator names the columns
                continue
            values = ", ".join(
                f"{h} {v}" if h else v
                for h, v in zip(header[1:] or [""] * 9, cells[1:], strict=False)
            )
            out.append((cells[0], values))
            continue
        if line.startswith("- "):
            line = line[2:]
        name, sep, value = line.partition(": ")
        if sep and len(name) < 90:
            out.append((name, value))
        elif line[:1].islower() or line[:1].isdigit():
            out.append((line, ""))
    return out


def table(rows: list[tuple[str, str, str]]) -> str:
    lines = ["| benchmark | figure | value |", "|---|---|---|"]
    for bench, name, value in rows:
        lines.append(f"| {bench} | {name.replace('|', '/')} | {value.replace('|', '/')} |")
    return "\n".join(lines)


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--only", help="comma-separated benchmark names (default: all)")
    parser.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    parser.add_argument("--keep-running", action="store_true", help="leave the instances up")
    return parser.parse_args(argv)


def _chosen(only: str | None) -> list[Benchmark]:
    """The benchmarks ``--only`` names (all when it is not given)."""
    chosen = _benchmarks()
    if only:
        names = {n.strip() for n in only.split(",")}
        unknown = names - {b.name for b in chosen}
        if unknown:
            raise SystemExit(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
        chosen = [b for b in chosen if b.name in names]
    return chosen


def _run(bench: Benchmark) -> list[tuple[str, str, str]]:
    """Run ``bench`` without recording, echo its report to stderr, and return its
    figures as table rows, its wall time last."""
    print(f"== {bench.name}", file=sys.stderr, flush=True)
    out = io.StringIO()
    began = time.perf_counter()
    with contextlib.redirect_stdout(out):
        bench.run([*bench.args, "--no-record"])
    seconds = time.perf_counter() - began
    print(out.getvalue(), file=sys.stderr, flush=True)
    found = figures(out.getvalue())
    if not found:
        raise SystemExit(f"{bench.name}: no figures in its report")
    rows = [(bench.name, name, value) for name, value in found]
    rows.append((bench.name, "benchmark wall time (setup and data included)", f"{seconds:.0f} s"))
    return rows


def _section(
    command: str, rows: list[tuple[str, str, str]], load_start: float, suite_start: float
) -> str:
    """The suite's RESULTS.md section: command, machine, load and the table of figures."""
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return "\n".join(
        [
            f"## Benchmark suite ({when})",
            "",
            f"Command: `make bench` (`.venv/bin/{command}`)  ",
            f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}, Neo4j {NEO4J_VERSION} "
            "embedded (Community), client and server on the same machine  ",
            f"Load average (1 min) at start / end: {load_start:.1f} / {os.getloadavg()[0]:.1f}; "
            f"suite wall time {time.perf_counter() - suite_start:.0f} s. Sizes are the suite's "
            "modest defaults (see benchmarks/__main__.py); ratios are measured side by side "
            "within each benchmark.",
            "",
            table(rows),
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    given = argv if argv is not None else sys.argv[1:]
    command = "python -m benchmarks" + (" " + shlex.join(given) if given else "")
    if os.environ.get("NEO4J_URI"):
        raise SystemExit("the suite runs on embedded instances it wipes; unset NEO4J_URI")
    chosen = _chosen(args.only)

    locals_ = [LocalNeo4j(instance=INSTANCE), LocalNeo4j(instance=SMALL_INSTANCE)]
    started = [not local.start().already_running for local in locals_]
    rows: list[tuple[str, str, str]] = []
    load_start = os.getloadavg()[0]
    suite_start = time.perf_counter()
    try:
        for bench in chosen:
            rows.extend(_run(bench))
    finally:
        if not args.keep_running:
            for local, here in zip(locals_, started, strict=True):
                if here:
                    local.stop()
    publish(_section(command, rows, load_start, suite_start), record=not args.no_record)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
