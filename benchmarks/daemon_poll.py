"""Benchmark: the daemon's change check (issue 6).

Every ``pollInterval`` seconds the daemon hashes the raw rows of the one-query
resolution of its groups (``cypher/resolve_groups.cypher``) and only decodes,
validates and reconciles when the hash changed. This measures, side by side in one run, on
the synthetic graph of benchmarks/synthetic.py, for a daemon running
``--daemon-groups`` groups of 100 connectors:

* one change check (resolution query + hash), what every quiet poll costs;
* what a poll would cost without it: resolve_groups (query + decoding) +
  validate_groups + building the per-connector specs the supervisor compares;
* a bare ``RETURN 1`` round trip (the floor).

Runs against its own embedded instance (default ``bench-daemon``), which it
wipes; results are appended to benchmarks/RESULTS.md with the command.

    .venv/bin/python -m benchmarks.daemon_poll
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import sys
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.resolve import Timing, connect, ms, timed
from benchmarks.synthetic import SyntheticSpec, group_qualified_name, load, run_bench_query, wipe
from engine.daemon.config import DaemonConfig
from engine.daemon.spec import specs_from_groups
from engine.daemon.supervisor import Supervisor
from engine.neo4j_local import NEO4J_VERSION
from engine.resolve import resolve_groups
from engine.schema import init_schema
from engine.validate import validate_groups

RESULTS = Path(__file__).parent / "RESULTS.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.daemon_poll", description=__doc__)
    parser.add_argument("--instance", default="bench-daemon", help="embedded instance to use")
    parser.add_argument("--groups", type=int, default=20, help="groups in the graph")
    parser.add_argument("--daemon-groups", type=int, default=5, help="groups the daemon runs")
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    args = parser.parse_args(argv)
    raw = argv if argv is not None else sys.argv[1:]
    command = "python -m benchmarks.daemon_poll" + (" " + shlex.join(raw) if raw else "")
    spec = SyntheticSpec(groups=args.groups)
    names = [group_qualified_name(i) for i in range(args.daemon_groups)]

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    load_start = os.getloadavg()[0]
    store, local, started_here = connect(args.instance)
    try:
        init_schema(store)
        say("wiping the benchmark database")
        wipe(store)
        stats = load(store, spec, range(args.groups), progress=say)
        sup = Supervisor(store, DaemonConfig.model_validate({"groups": names}))

        def check() -> None:
            sup._fingerprint()

        def full() -> None:
            groups = resolve_groups(store, names)
            specs_from_groups(groups, validate_groups(groups))

        connectors = sum(len(g.connectors) for g in resolve_groups(store, names))
        for _ in range(args.warmup):
            check()
            full()
        fp, rs, floor = [], [], []
        for _ in range(args.iterations):
            fp.append(timed(check))
            rs.append(timed(full))
            floor.append(timed(lambda: run_bench_query(store, "return_one")))
    finally:
        store.close()
        if local is not None and started_here:
            local.stop()

    t_fp, t_rs, t_floor = Timing(fp), Timing(rs), Timing(floor)
    lines = [
        f"### daemon_poll ({datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')})",
        "",
        f"Command: `.venv/bin/{command}`  ",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, Neo4j {NEO4J_VERSION} embedded (Community)  ",
        f"Load average (1 min, start / end): {load_start:.1f} / {os.getloadavg()[0]:.1f}  ",
        f"Graph: {spec.groups} groups, {stats.nodes} nodes, {stats.relationships} relationships; "
        f"the daemon runs {len(names)} groups = {connectors} connectors",
        "",
        "| per poll | p50 | p99 | mean | samples |",
        "|---|---|---|---|---|",
        f"| change check (query + hash) | {ms(t_fp.p50)} | {ms(t_fp.p99)} | "
        f"{ms(t_fp.mean)} | {len(fp)} |",
        f"| re-resolve + validate + specs | {ms(t_rs.p50)} | {ms(t_rs.p99)} | "
        f"{ms(t_rs.mean)} | {len(rs)} |",
        f"| `RETURN 1` round trip | {ms(t_floor.p50)} | {ms(t_floor.p99)} | "
        f"{ms(t_floor.mean)} | {len(floor)} |",
        "",
        f"- re-resolve / change check (p50): **{t_rs.p50 / t_fp.p50:.1f}x**",
        f"- change check / `RETURN 1` (p50): **{t_fp.p50 / t_floor.p50:.1f}x**",
        "",
    ]
    report = "\n".join(lines)
    print(report)
    if not args.no_record:
        with RESULTS.open("a", encoding="utf-8") as fh:
            fh.write(report + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
