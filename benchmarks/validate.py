"""Benchmark of structural validation (engine/validate/).

Two paths, measured in one run:

* in memory: resolved groups made in Python (the shape of tests/world/synthetic.py:
  100 connectors per group, 20% virtual connections embedding two connections,
  3 catalog targets each, connector types shared from a pool of 50), validated with
  ``validate_groups`` the way ``apply`` and the daemon call it - one 100-connector
  group, and 1,000 groups (100,000 connectors) at once;
* from Neo4j: the same shape bulk-loaded by tests/world/synthetic.py, then
  ``resolve_group`` + ``validate_groups`` for one group, and ``load_snapshot`` +
  ``validate_graph`` for the whole database (what ``switchboard validate --all`` runs),
  with its loading in one transaction (the CLI's way) and in parallel interleaved,
  reporting wall time, this process's CPU and the Neo4j server's CPU (/proc).

Targets from the issue: a 100-connector group in at most 20 ms, the whole
100,000-connector graph in at most 3 s including loading. Results are appended to
benchmarks/RESULTS.md with the command.

    .venv/bin/python -m benchmarks.validate                 # full size, loading needs ~10 min
    .venv/bin/python -m benchmarks.validate --reuse         # keep a 100,000-connector graph
    .venv/bin/python -m benchmarks.validate --groups 50     # quick
    .venv/bin/python -m benchmarks.validate --no-neo4j      # in-memory part only
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import shlex
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import networkx as nx

from benchmarks.proc import cpu_seconds
from benchmarks.queries import run_bench_query
from benchmarks.results import publish, say
from engine import NEO4J_VERSION, LocalNeo4j, Neo4jSettings, gc_paused
from engine.graph import Store, init_schema, resolve_group
from engine.validate import build_graph, load_snapshot, validate_graph, validate_groups
from tests.world import (
    SyntheticSpec,
    group_qualified_name,
    load_synthetic,
    synthetic_groups,
    wipe_synthetic,
)


# ------------------------------------------------------------------ timing
class Samples(list[float]):
    """Wall-clock seconds per run, with this process's CPU seconds per run in ``cpu``
    (the CPU time is what other load on the machine does not inflate)."""

    def __init__(self) -> None:
        super().__init__()
        self.cpu: list[float] = []


def samples(fn: Callable[[], object], n: int, warmup: int = 0) -> Samples:
    for _ in range(warmup):
        fn()
    out = Samples()
    for _ in range(n):
        started, cpu = time.perf_counter(), time.process_time()
        fn()
        out.append(time.perf_counter() - started)
        out.cpu.append(time.process_time() - cpu)
    return out


def p50(values: list[float]) -> float:
    return statistics.median(values)


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.1f} s"


def checked(findings: list[Any]) -> None:
    if findings:
        raise SystemExit(f"the synthetic graph should be clean, got {len(findings)} findings")


def connect(instance: str) -> tuple[Store, LocalNeo4j | None, bool]:
    if os.environ.get("NEO4J_URI"):
        if os.environ.get("SWITCHBOARD_BENCH_ALLOW_WIPE") != "1":
            raise SystemExit(
                "NEO4J_URI is set and this benchmark wipes the database; "
                "set SWITCHBOARD_BENCH_ALLOW_WIPE=1 if that is intended"
            )
        return Store.connect(Neo4jSettings.from_env()), None, False
    local = LocalNeo4j(instance=instance)
    result = local.start(progress=lambda m: say(f"  {m}"))
    settings = Neo4jSettings(uri=result.uri, password=local.password(), query_timeout=600.0)
    return Store.connect(settings), local, not result.already_running


def measure_big(
    groups: int, cpg: int, iterations: int
) -> tuple[Samples, Samples, Samples, int, int]:
    """build_graph, rules and validate_groups timings for ``groups`` groups in memory."""
    many = synthetic_groups(groups, cpg)
    checked(validate_groups(many))
    gc.collect()
    build = samples(lambda: build_graph(many), iterations)
    graph = build_graph(many)
    rules = samples(lambda: validate_graph(graph), iterations)
    both = samples(lambda: validate_groups(many), iterations)
    return build, rules, both, graph.number_of_nodes(), graph.number_of_edges()


@dataclass
class Whole:
    """One variant of the whole-database measurement: per run, wall / client CPU / server
    CPU of load_snapshot + validate_graph, and of load_snapshot alone (same run)."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    server: list[float] = field(default_factory=list)
    load_wall: list[float] = field(default_factory=list)
    load_cpu: list[float] = field(default_factory=list)
    validate_cpu: list[float] = field(default_factory=list)


@dataclass
class Floors:
    """Per round, what networkx needs just to hold a MultiDiGraph of the snapshot's size
    (integer nodes, attribute-free edges), with that size."""

    graph_cpu: list[float] = field(default_factory=list)
    sizes: tuple[int, int] = (0, 0)


def bare_graph(nodes: int, edges: list[tuple[int, int]]) -> nx.MultiDiGraph:
    """A MultiDiGraph with integer nodes and attribute-free edges, through the public API."""
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(range(nodes))
    graph.add_edges_from(edges)
    return graph


def measure_floor(floors: Floors) -> None:
    """One round of the networkx floor (see :class:`Floors`)."""
    nodes, edges = floors.sizes
    pairs = [(k % nodes, (k * 7919) % nodes) for k in range(edges)]
    gc.collect()
    with gc_paused():
        cpu = time.process_time()
        graph = bare_graph(nodes, pairs)
        floors.graph_cpu.append(time.process_time() - cpu)
    del graph, pairs


def measure_whole(store: Store, pid: int | None, rounds: int) -> tuple[dict[str, Whole], Floors]:
    """load_snapshot + validate_graph of the whole database, the consistent (one
    transaction) and the parallel loading interleaved round by round, with the floors."""
    out = {"one transaction": Whole(), "parallel": Whole()}
    warm = load_snapshot(store)
    checked(validate_graph(warm))  # warm-up, and the graph must be clean
    floors = Floors(sizes=(warm.number_of_nodes(), warm.number_of_edges()))
    del warm
    for _ in range(rounds):
        measure_floor(floors)
        for variant, parallel in (("one transaction", False), ("parallel", True)):
            gc.collect()
            w = out[variant]
            started, cpu, server = time.perf_counter(), time.process_time(), cpu_seconds(pid)
            graph = load_snapshot(store, parallel=parallel)
            loaded, load_cpu = time.perf_counter(), time.process_time()
            checked(validate_graph(graph))
            w.wall.append(time.perf_counter() - started)
            w.cpu.append(time.process_time() - cpu)
            w.server.append(cpu_seconds(pid) - server)
            w.load_wall.append(loaded - started)
            w.load_cpu.append(load_cpu - cpu)
            w.validate_cpu.append(time.process_time() - load_cpu)
            del graph
    return out, floors


def ensure_graph(store: Store, groups: int, cpg: int, reuse: bool) -> tuple[str, float]:
    """Load the benchmark graph (or keep an identical one with ``reuse``)."""
    want = groups * cpg
    have = run_bench_query(store, "count_synthetic")[0]
    if reuse and have["groups"] == groups and have["connectors"] == want:
        return f"reused ({groups} groups, {want} connectors already loaded)", 0.0
    say("wiping the benchmark database")
    wipe_synthetic(store)
    stats = load_synthetic(
        store, SyntheticSpec(groups=groups, connectors_per_group=cpg), range(groups), progress=say
    )
    say(f"loaded {stats.nodes} nodes, {stats.relationships} rels in {stats.seconds:.0f} s")
    return (
        f"loaded {stats.nodes} nodes and {stats.relationships} relationships in "
        f"{stats.seconds:.0f} s",
        stats.seconds,
    )


@dataclass
class InMemory:
    """The in-memory measurements: ``validate_groups`` on one group, and build_graph,
    rules and ``validate_groups`` on ``groups`` groups at once (a graph of ``nodes`` nodes
    and ``edges`` edges)."""

    connectors_per_group: int
    groups: int
    one_group: Samples
    build: Samples
    rules: Samples
    both: Samples
    nodes: int
    edges: int

    @property
    def connectors(self) -> int:
        return self.groups * self.connectors_per_group


def measure_in_memory(cpg: int, groups: int, iterations: int, big_iterations: int) -> InMemory:
    """``validate_groups`` on one resolved group made in Python, then the big case."""
    say("in memory: generating resolved groups")
    one = synthetic_groups(1, cpg)
    checked(validate_groups(one))
    one_group = samples(lambda: validate_groups(one), iterations, warmup=10)
    build, rules, both, nodes, edges = measure_big(groups, cpg, big_iterations)
    return InMemory(cpg, groups, one_group, build, rules, both, nodes, edges)


@dataclass
class FromNeo4j:
    """The measurements against Neo4j: one group resolved (and validated), and the whole
    database; ``how`` says how the graph came about, ``size`` how big its snapshot is."""

    resolve: Samples
    resolve_validate: Samples
    whole: dict[str, Whole]
    floors: Floors
    how: str
    size: str


def measure_loaded_store(
    store: Store, local: LocalNeo4j | None, args: argparse.Namespace
) -> FromNeo4j:
    """Load the benchmark graph into ``store`` and measure one group and the whole database."""
    init_schema(store)
    how, _ = ensure_graph(store, args.groups, args.connectors_per_group, args.reuse)
    pid = local.status().pid if local is not None else None
    qn = group_qualified_name(0)
    checked(validate_groups([resolve_group(store, qn)]))
    resolve = samples(lambda: resolve_group(store, qn), args.iterations, 20)
    resolve_validate = samples(
        lambda: validate_groups([resolve_group(store, qn)]), args.iterations, 20
    )
    graph = load_snapshot(store)
    size = f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges"
    del graph
    say("measuring the whole database")
    whole, floors = measure_whole(store, pid, args.big_iterations)
    return FromNeo4j(resolve, resolve_validate, whole, floors, how, size)


def measure_neo4j(args: argparse.Namespace) -> FromNeo4j:
    """The Neo4j measurements, on the instance of ``--instance`` (or NEO4J_URI); an
    instance started here is stopped afterwards unless ``--keep-running``."""
    store, local, started_here = connect(args.instance)
    try:
        return measure_loaded_store(store, local, args)
    finally:
        store.close()
        if local is not None and started_here and not args.keep_running:
            local.stop()


# ------------------------------------------------------------------ report
def sample_rows(memory: InMemory, db: FromNeo4j | None) -> list[tuple[str, Samples]]:
    """The rows of the main table: label and samples of each measurement."""
    cpg, groups, total = memory.connectors_per_group, memory.groups, memory.connectors
    rows = [
        (f"validate_groups, 1 group of {cpg} connectors (in memory)", memory.one_group),
        (f"build_graph, {groups} groups / {total} connectors", memory.build),
        (f"rules on that graph ({memory.nodes} nodes, {memory.edges} edges)", memory.rules),
        (f"validate_groups, {total} connectors (build + rules)", memory.both),
    ]
    if db is not None:
        rows.append((f"resolve_group, 1 group of {cpg} connectors (Neo4j)", db.resolve))
        rows.append((f"resolve_group + validate_groups, {cpg} connectors", db.resolve_validate))
    return rows


def header_lines(
    args: argparse.Namespace,
    command: str,
    db: FromNeo4j | None,
    load_before: tuple[float, float, float],
    load_after: tuple[float, float, float],
) -> list[str]:
    """Title, command, machine, shape of the graph and load average of the report."""
    size = db.size if db is not None else ""
    how = db.how if db is not None else ""
    return [
        f"### validate ({datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')})",
        "",
        f"Command: `.venv/bin/{command}`  ",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}"
        + ("" if args.no_neo4j else f", Neo4j {NEO4J_VERSION} embedded (Community)")
        + "  ",
        f"Shape: {args.groups} groups x {args.connectors_per_group} connectors in the database"
        + (f" ({size}; {how})" if size else "")
        + "; 20% virtual connections embedding 2 connections, 3 catalog targets per "
        "connector, 50 shared connector types; all clean (every rule runs to the end)",
        "",
        f"Load average (1/5/15 min) {load_before[0]:.1f}/{load_before[1]:.1f}/"
        f"{load_before[2]:.1f} before, {load_after[0]:.1f}/{load_after[1]:.1f}/"
        f"{load_after[2]:.1f} after, on {os.cpu_count()} CPUs: wall times include waiting "
        "for the CPU, CPU times do not",
        "",
    ]


def sample_table_lines(rows: list[tuple[str, Samples]]) -> list[str]:
    """The main table: wall p50 / p99, CPU p50 and sample count of each row."""
    return [
        "| measurement | wall p50 | wall p99 | CPU p50 | samples |",
        "|---|---|---|---|---|",
        *(
            f"| {label} | {ms(p50(values))} | {ms(p99(values))} | {ms(p50(values.cpu))} "
            f"| {len(values)} |"
            for label, values in rows
        ),
    ]


def whole_table_lines(whole: dict[str, Whole], total: int) -> list[str]:
    """The table of the whole-database measurement, one row per way of loading."""
    return [
        "",
        f"Whole database ({total} connectors): `validate_graph(load_snapshot(store))`, "
        "the two ways of loading interleaved round by round (medians; Neo4j CPU from "
        "/proc/<pid>/stat of the server)",
        "",
        "| loading | wall | client CPU | Neo4j CPU | of which load_snapshot (wall / client "
        "CPU) | validate_graph client CPU | runs |",
        "|---|---|---|---|---|---|---|",
        *(
            f"| {variant} | {ms(p50(w.wall))} | {ms(p50(w.cpu))} | {ms(p50(w.server))} "
            f"| {ms(p50(w.load_wall))} / {ms(p50(w.load_cpu))} | {ms(p50(w.validate_cpu))} "
            f"| {len(w.wall)} |"
            for variant, w in whole.items()
        ),
    ]


def in_memory_summary_lines(memory: InMemory) -> list[str]:
    """The in-memory ratios and the 100-connector group against its 20 ms target."""
    small = memory.one_group
    return [
        "",
        f"- {memory.connectors} connectors / {memory.connectors_per_group} connectors, "
        f"validate_groups in memory (p50): **{p50(memory.both) / p50(small):.0f}x** for "
        f"{memory.groups}x the connectors",
        f"- building the graph / running the rules (p50): "
        f"**{p50(memory.build) / p50(memory.rules):.2f}x**",
        f"- 100-connector group, in memory: {ms(p50(small))} wall, "
        f"{ms(p50(small.cpu))} CPU vs target 20 ms "
        f"(**{p50(small) / 0.020:.2f}x** of the target wall, "
        f"{p50(small.cpu) / 0.020:.2f}x CPU)",
    ]


def whole_target_line(variant: str, w: Whole, total: int) -> str:
    """One way of loading the whole database against the 3 s target, with its CPU."""
    wall = p50(w.wall)
    return (
        f"- whole database ({total} connectors), {variant}: {ms(wall)} wall vs target 3 s "
        f"(**{wall / 3:.2f}x** of the target: "
        + (("met" if wall <= 3 else "not met") if total >= 100_000 else "set for 100,000")
        + "); "
        f"client CPU {ms(p50(w.cpu))} + Neo4j CPU {ms(p50(w.server))} = "
        f"{ms(p50(w.cpu) + p50(w.server))} of CPU on {os.cpu_count()} CPUs"
    )


def floor_line(floors: Floors, server_cpu: float) -> str:
    """The networkx floor with the snapshot's Neo4j CPU, against the 3 s target."""
    graph_cpu = p50(floors.graph_cpu)
    nodes_read, edges_read = floors.sizes
    return (
        f"- floor, same rounds: a bare networkx MultiDiGraph of {nodes_read} integer nodes "
        f"and {edges_read} attribute-free edges (public API) takes {ms(graph_cpu)} of "
        f"client CPU; with the Neo4j CPU of the snapshot's queries (which read only what "
        f"the rules use) that is {ms(graph_cpu + server_cpu)} of CPU, at best "
        f"{ms((graph_cpu + server_cpu) / 2)} wall on 2 CPUs "
        f"(**{(graph_cpu + server_cpu) / 2 / 3:.2f}x** the 3 s target) before any "
        "property is decoded or any rule runs"
    )


def neo4j_summary_lines(db: FromNeo4j, one_group: Samples, total: int) -> list[str]:
    """The Neo4j conclusions: one group resolved and validated, the whole database against
    its target, the floor and parallel against one-transaction loading."""
    lines = [
        f"- 100-connector group resolved from Neo4j and validated: "
        f"{ms(p50(db.resolve_validate))}; in-memory validation / resolve_group "
        f"(CPU p50): **{p50(one_group.cpu) / p50(db.resolve.cpu):.2f}x**"
    ]
    lines += [whole_target_line(variant, w, total) for variant, w in db.whole.items()]
    if db.floors.graph_cpu and db.whole:
        lines.append(floor_line(db.floors, p50(db.whole["one transaction"].server)))
    if len(db.whole) == 2:
        one_tx, par = db.whole["one transaction"], db.whole["parallel"]
        lines.append(
            f"- parallel / one transaction (wall p50): **{p50(par.wall) / p50(one_tx.wall):.2f}x**"
        )
    return lines


def report_lines(
    args: argparse.Namespace,
    command: str,
    memory: InMemory,
    db: FromNeo4j | None,
    loads: tuple[tuple[float, float, float], tuple[float, float, float]],
) -> list[str]:
    """The whole report (Markdown), one line per item."""
    total = args.groups * args.connectors_per_group
    lines = header_lines(args, command, db, *loads)
    lines += sample_table_lines(sample_rows(memory, db))
    if db is not None and db.whole:
        lines += whole_table_lines(db.whole, total)
    lines += in_memory_summary_lines(memory)
    if db is not None:
        lines += neo4j_summary_lines(db, memory.one_group, total)
    lines.append("")
    return lines


# ------------------------------------------------------------------ main
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.validate", description=__doc__)
    parser.add_argument("--groups", type=int, default=1000, help="groups of the database graph")
    parser.add_argument("--connectors-per-group", type=int, default=100)
    parser.add_argument(
        "--memory-groups",
        type=int,
        default=None,
        help="groups of the in-memory big case (default: --groups, at most 100)",
    )
    parser.add_argument("--iterations", type=int, default=200, help="runs of the small cases")
    parser.add_argument(
        "--big-iterations", type=int, default=3, help="rounds of the big cases (each variant)"
    )
    parser.add_argument("--instance", default="bench-validate", help="embedded instance to use")
    parser.add_argument(
        "--reuse", action="store_true", help="keep a graph of the right size already loaded"
    )
    parser.add_argument("--no-neo4j", action="store_true", help="in-memory measurements only")
    parser.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    parser.add_argument("--keep-running", action="store_true", help="leave the instance up")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    raw = argv if argv is not None else sys.argv[1:]
    command = "python -m benchmarks.validate" + (" " + shlex.join(raw) if raw else "")
    memory_groups = args.memory_groups or min(args.groups, 100)
    load_before = os.getloadavg()
    memory = measure_in_memory(
        args.connectors_per_group, memory_groups, args.iterations, args.big_iterations
    )
    gc.collect()
    db = None if args.no_neo4j else measure_neo4j(args)
    load_after = os.getloadavg()
    report = "\n".join(report_lines(args, command, memory, db, (load_before, load_after)))
    publish(report, record=not args.no_record)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
