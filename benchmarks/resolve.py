"""Benchmark: one-round-trip group resolution (issue 4).

Builds the synthetic graph of tests/world/synthetic.py (default 1,000 groups x
100 connectors = 100,000 connectors; 20% virtual connections embedding two
connections; 3 catalog targets per connector) and measures, side by side in one
run, for the group ``bench.group.0000`` (100 connectors):

* ``resolve_group`` end to end (query + decoding into ResolvedGroup): p50, p99;
* the same group walked OGM-style, one query per node and per relationship hop,
  decoded the same way (and checked to give the identical document);
* a bare ``RETURN 1`` round trip (the floor);
* the same resolution in a second instance holding only the first 10 groups
  (1,000 connectors), interleaved with the big-graph runs so that load on the
  machine hits both alike;
* where the time goes, interleaved again: the query alone (Neo4j's CPU from
  /proc, the driver receiving and unpacking the rows), decoding alone, and three
  floors: the same ~880 property maps as flat lists in one row (what any query
  returning the whole document must project, pack and unpack), the same traversal
  returning guids instead of property maps, and the same subgraph as flat lists of
  guids (no nested subqueries).

Runs against its own embedded instances (``bench-resolve`` for the big graph,
``bench-resolve-small``), which it wipes and loads (``--reuse`` keeps a graph of
the right size already there: loading 100,000 connectors takes minutes);
results are appended to benchmarks/RESULTS.md with the command.

    .venv/bin/python -m benchmarks.resolve [--reuse]
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import neo4j
from neo4j import Query

from benchmarks.proc import cpu_seconds, server_pid
from benchmarks.queries import bench_query_text, run_bench_query
from benchmarks.results import publish, say
from engine import NEO4J_VERSION, LocalNeo4j, Neo4jSettings, ResolvedGroup, gc_paused
from engine.graph import (
    RESOLVE_GROUP_QUERY,
    Store,
    canonical_json,
    group_from_parts,
    group_from_row,
    init_schema,
    resolve_group,
)
from tests.world import SyntheticSpec, group_qualified_name, load_synthetic, wipe_synthetic


# ------------------------------------------------------------------ OGM-style walk
class OgmWalker:
    """Resolves a group the way an object mapper walks it: one query per node
    fetched (each node once, an identity map) and one per relationship hop."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.queries = 0
        self._nodes: dict[str, dict[str, Any]] = {}
        self._connections: dict[str, dict[str, Any]] = {}
        self._elements: dict[str, dict[str, Any]] = {}

    def _q(self, name: str, **params: Any) -> list[dict[str, Any]]:
        self.queries += 1
        return run_bench_query(self.store, name, params)

    def node(self, guid: str) -> dict[str, Any]:
        if guid not in self._nodes:
            self._nodes[guid] = self._q("ogm_node", guid=guid)[0]["props"]
        return self._nodes[guid]

    def _element(self, guid: str) -> str:
        """Fetch the element ``guid`` (once) with the names of the connections it owns."""
        if guid not in self._elements:
            names: set[str] = set()
            for own in self._q("ogm_asset_connections", guid=guid):
                props = self.node(own["end"])
                names.update(
                    str(v)
                    for v in (props.get("qualifiedName"), props.get("displayName"))
                    if v is not None
                )
            self._elements[guid] = {"node": self.node(guid), "connectionNames": sorted(names)}
        return guid

    def _visit(self, guid: str) -> None:
        """Fetch the connection ``guid`` (once), its hops and the connections it embeds."""
        if guid in self._connections:
            return
        entry: dict[str, Any] = {"node": self.node(guid)}
        self._connections[guid] = entry
        entry["connectorTypes"] = [
            self._element(r["end"]) for r in self._q("ogm_connector_types", guid=guid)
        ]
        entry["endpoints"] = [self._element(r["end"]) for r in self._q("ogm_endpoints", guid=guid)]
        embedded = self._q("ogm_embedded", guid=guid)
        entry["embedded"] = [{"relationship": r["rel"], "child": r["end"]} for r in embedded]
        entry["assets"] = [r["qualifiedName"] for r in self._q("ogm_connection_assets", guid=guid)]
        for r in embedded:
            self._visit(r["end"])

    def _connector(self, reg: dict[str, Any]) -> dict[str, Any]:
        """The registered connector of ``reg``, with its connections and catalog targets."""
        connector_guid = reg["end"]
        owned = [r["end"] for r in self._q("ogm_asset_connections", guid=connector_guid)]
        for conn in owned:
            self._visit(conn)
        targets = [
            {"relationship": t["rel"], "element": self._element(t["end"])}
            for t in self._q("ogm_catalog_targets", guid=connector_guid)
        ]
        return {
            "registration": reg["rel"],
            "connector": self.node(connector_guid),
            "connections": owned,
            "catalogTargets": targets,
        }

    def resolve(self, qualified_name: str) -> ResolvedGroup:
        group = self._q("ogm_group", qualifiedName=qualified_name)[0]["props"]
        self._connections = {}
        self._elements = {}
        connectors = [
            self._connector(reg) for reg in self._q("ogm_registrations", guid=group["guid"])
        ]
        connections, elements = self._connections, self._elements
        row = {
            "group": group,
            "connectors": connectors,
            "connections": [connections[g] for g in sorted(connections)],
            "elements": [elements[g] for g in sorted(elements)],
        }
        return group_from_row(row)


# ------------------------------------------------------------------ timing
@dataclass
class Timing:
    samples: list[float]

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)

    @property
    def p99(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]

    @property
    def mean(self) -> float:
        return statistics.fmean(self.samples)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def calibration_ms() -> float:
    """Best of 5: a pure-Python loop of 10^6 iterations (about 15-20 ms on an idle
    current x86 core); shows how much CPU the machine really gave this run."""
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(1_000_000):
            pass
        best = min(best, time.perf_counter() - start)
    return best * 1000


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


@dataclass
class Measurement:
    big: Timing
    small: Timing
    floor: Timing
    big_cpu: Timing
    """Client CPU time (this process) of each big-graph resolve_group: decoding, no waiting."""
    big_server_cpu: float
    """Mean CPU time of the big graph's Neo4j process per resolve_group (/proc, 10 ms ticks
    summed over every run; includes whatever else reads that instance meanwhile)."""
    connectors: int


def measure(
    big: Store,
    small: Store,
    qualified_name: str,
    iterations: int,
    warmup: int,
    big_pid: int | None = None,
) -> Measurement:
    """Interleave resolve_group on the big and the small graph and RETURN 1, so that
    whatever else the machine does hits all three alike."""
    group = resolve_group(big, qualified_name)
    if canonical_json(group) != canonical_json(resolve_group(small, qualified_name)):
        raise SystemExit("the measured group differs between the two graphs; benchmark invalid")
    for _ in range(warmup):
        resolve_group(big, qualified_name)
        resolve_group(small, qualified_name)
        run_bench_query(big, "return_one")
    big_samples: list[float] = []
    small_samples: list[float] = []
    floor_samples: list[float] = []
    cpu_samples: list[float] = []
    server = 0.0
    for _ in range(iterations):
        server_before = cpu_seconds(big_pid)
        cpu = time.process_time()
        big_samples.append(timed(lambda: resolve_group(big, qualified_name)))
        cpu_samples.append(time.process_time() - cpu)
        server += cpu_seconds(big_pid) - server_before
        small_samples.append(timed(lambda: resolve_group(small, qualified_name)))
        floor_samples.append(timed(lambda: run_bench_query(big, "return_one")))
    return Measurement(
        Timing(big_samples),
        Timing(small_samples),
        Timing(floor_samples),
        Timing(cpu_samples),
        server / iterations,
        len(group.connectors),
    )


def run_bench_values(store: Store, name: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """``benchmarks/cypher/<name>.cypher`` run the way Store.read_values runs the resolve
    query (one auto-commit round trip, rows as value tuples), for a like-for-like floor."""
    with store.driver.session(
        database=store.database, default_access_mode=neo4j.READ_ACCESS
    ) as session:
        query = Query(bench_query_text(name), metadata={"operation": f"bench:{name}"})
        return [tuple(record.values()) for record in session.run(query, params)]


@dataclass
class Part:
    """One step of the breakdown: wall and client CPU samples, mean Neo4j CPU per run."""

    wall: Timing
    client: Timing
    server: float


def measure_breakdown(
    store: Store, pid: int | None, qualified_name: str, iterations: int
) -> dict[str, Part]:
    """Interleaved: resolve_group, its query alone (fetch + unpack, no decoding), decoding
    alone (group_from_parts on rows fetched once), the floors (the same property maps as flat
    lists; the traversal returning guids; flat guid lists) and RETURN 1."""
    params = {"qualifiedName": qualified_name}
    rows = store.read_values(RESOLVE_GROUP_QUERY, params)

    def fetch() -> None:
        with gc_paused():
            store.read_values(RESOLVE_GROUP_QUERY, params)

    def decode() -> None:
        group_from_parts(rows)

    steps: dict[str, Callable[[], object]] = {
        "resolve_group (query + decoding)": lambda: resolve_group(store, qualified_name),
        "query alone (Neo4j + driver unpacking)": fetch,
        "decoding alone (group_from_parts)": decode,
        "floor: the same property maps as flat lists, one row": lambda: run_bench_values(
            store, "resolve_properties_flat", params
        ),
        "floor: same traversal, guids instead of properties": lambda: run_bench_values(
            store, "resolve_structure_nested", params
        ),
        "floor: flat lists of guids, no nested subqueries": lambda: run_bench_values(
            store, "resolve_structure_flat", params
        ),
        "`RETURN 1` (auto-commit, like resolve_group)": lambda: run_bench_values(
            store, "return_one", {}
        ),
    }
    for step in steps.values():
        for _ in range(5):
            step()
    walls: dict[str, list[float]] = {name: [] for name in steps}
    clients: dict[str, list[float]] = {name: [] for name in steps}
    servers = dict.fromkeys(steps, 0.0)
    for _ in range(iterations):
        for name, step in steps.items():
            server_before = cpu_seconds(pid)
            cpu = time.process_time()
            walls[name].append(timed(step))
            clients[name].append(time.process_time() - cpu)
            servers[name] += cpu_seconds(pid) - server_before
    return {
        name: Part(Timing(walls[name]), Timing(clients[name]), servers[name] / iterations)
        for name in steps
    }


def measure_ogm(store: Store, qualified_name: str, iterations: int) -> tuple[Timing, int]:
    reference = canonical_json(resolve_group(store, qualified_name))
    walker = OgmWalker(store)
    walked = walker.resolve(qualified_name)
    if canonical_json(walked) != reference:
        raise SystemExit("the OGM-style walk resolved a different document; benchmark invalid")
    queries = walker.queries
    samples = [timed(lambda: OgmWalker(store).resolve(qualified_name)) for _ in range(iterations)]
    return Timing(samples), queries


# ------------------------------------------------------------------ main
def connect(instance: str) -> tuple[Store, LocalNeo4j | None, bool]:
    """The store of an embedded instance (started if needed) and whether we started it."""
    if os.environ.get("NEO4J_URI"):
        raise SystemExit(
            "this benchmark compares two embedded instances (big and small graph) that it "
            "wipes and loads; unset NEO4J_URI to run it"
        )
    local = LocalNeo4j(instance=instance)
    result = local.start(progress=lambda m: print(f"  {m}", file=sys.stderr))
    settings = Neo4jSettings(uri=result.uri, password=local.password(), query_timeout=600.0)
    return Store.connect(settings), local, not result.already_running


def ensure_graph(
    store: Store, spec: SyntheticSpec, groups: int, reuse: bool, say: Callable[[str], None]
) -> str:
    """Load the first ``groups`` groups of ``spec`` into an empty database (or keep an
    identical graph already there when ``reuse``); returns how it came about."""
    want = groups * spec.connectors_per_group
    have = run_bench_query(store, "count_synthetic")[0]
    if reuse and have["groups"] == groups and have["connectors"] == want:
        return f"reused ({groups} groups, {want} connectors already loaded)"
    say(f"wiping and loading {groups} groups")
    wipe_synthetic(store)
    stats = load_synthetic(store, spec, range(groups), progress=say)
    return (
        f"loaded {stats.nodes} nodes and {stats.relationships} relationships in "
        f"{stats.seconds:.0f} s (UNWIND batches of 5,000)"
    )


@dataclass
class Run:
    """Everything one run measured, with how its two graphs came about and the state of
    the machine (1-minute load average, calibration loop) at its start and end."""

    big_how: str
    small_how: str
    big_connectors: int
    load_start: float
    load_end: float
    calib_start: float
    calib_end: float
    m: Measurement
    ogm: Timing
    ogm_queries: int
    breakdowns: dict[str, dict[str, Part]]


def instance_pid(local: LocalNeo4j | None) -> int | None:
    """The server pid of an embedded instance (None without one)."""
    return server_pid(local) if local is not None else None


def measure_breakdowns(
    big: tuple[Store, int | None], small: tuple[Store, int | None], qn: str, iterations: int
) -> dict[str, dict[str, Part]]:
    """The breakdown on the big and on the small graph (none when ``iterations`` is 0)."""
    if iterations <= 0:
        return {}
    return {
        "big graph": measure_breakdown(big[0], big[1], qn, iterations),
        "small graph": measure_breakdown(small[0], small[1], qn, iterations),
    }


def measure_run(
    opened: list[tuple[Store, LocalNeo4j | None, bool]],
    args: argparse.Namespace,
    spec: SyntheticSpec,
    qn: str,
) -> Run:
    """Load both graphs (big in the first instance of ``opened``, small in the second) and
    take every measurement."""
    big, small = opened[0][0], opened[1][0]
    for st in (big, small):
        init_schema(st)
    big_how = ensure_graph(big, spec, args.groups, args.reuse, say)
    small_how = ensure_graph(small, spec, args.small_groups, args.reuse, say)
    counts = run_bench_query(big, "count_synthetic")[0]
    say("measuring")
    load_start = os.getloadavg()[0]
    calib_start = calibration_ms()
    big_pid = instance_pid(opened[0][1])
    m = measure(big, small, qn, args.iterations, args.warmup, big_pid)
    ogm, ogm_queries = measure_ogm(big, qn, args.ogm_iterations)
    small_pid = instance_pid(opened[1][1])
    breakdowns = measure_breakdowns(
        (big, big_pid), (small, small_pid), qn, args.breakdown_iterations
    )
    load_end = os.getloadavg()[0]
    calib_end = calibration_ms()
    return Run(
        big_how,
        small_how,
        counts["connectors"],
        load_start,
        load_end,
        calib_start,
        calib_end,
        m,
        ogm,
        ogm_queries,
        breakdowns,
    )


def run_on_instances(args: argparse.Namespace, spec: SyntheticSpec, qn: str) -> Run:
    """Open the big and the small instance, measure, and close them again (stopping the
    ones started here unless ``--keep-running``)."""
    opened: list[tuple[Store, LocalNeo4j | None, bool]] = []
    try:
        opened.append(connect(args.instance))
        opened.append(connect(args.small_instance))
        return measure_run(opened, args, spec, qn)
    finally:
        for st, local, started_here in opened:
            st.close()
            if local is not None and started_here and not args.keep_running:
                local.stop()


# ------------------------------------------------------------------ report
def header_lines(
    args: argparse.Namespace, command: str, spec: SyntheticSpec, qn: str, run: Run
) -> list[str]:
    """Title, command, machine, load, the two graphs and the measured group."""
    small_connectors = args.small_groups * args.connectors_per_group
    return [
        f"### resolve ({datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')})",
        "",
        f"Command: `.venv/bin/{command}`  ",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, Neo4j {NEO4J_VERSION} embedded (Community), "
        "client and server on the same machine  ",
        f"Load average (1 min) at the start / end of the measurements: {run.load_start:.1f} / "
        f"{run.load_end:.1f}; other work on the machine inflates every figure, the ratios are "
        "measured side by side (interleaved). CPU check, a pure-Python loop of 10^6 "
        f"iterations (15-20 ms on an idle core): {run.calib_start:.0f} ms / "
        f"{run.calib_end:.0f} ms  ",
        f"Big graph: {spec.groups} groups, {run.big_connectors} connectors, {run.big_how}  ",
        f"Small graph (another instance): {args.small_groups} groups, {small_connectors} "
        f"connectors, {run.small_how}  ",
        f"Measured group `{qn}`: {run.m.connectors} connectors, each with connection, "
        "connector type and endpoint, 20% virtual connections embedding two connections, 3 "
        "catalog targets each; identical in both graphs (checked)",
        "",
    ]


def timing_table_lines(m: Measurement, ogm: Timing, ogm_queries: int) -> list[str]:
    """The main table: resolve_group on both graphs, its CPU, the OGM walk and RETURN 1."""
    return [
        "| measurement | p50 | p99 | mean | samples |",
        "|---|---|---|---|---|",
        f"| resolve_group end to end (query + ResolvedGroup), big graph | {ms(m.big.p50)} | "
        f"{ms(m.big.p99)} | {ms(m.big.mean)} | {len(m.big.samples)} |",
        f"| of which client CPU (driver + decoding), big graph | {ms(m.big_cpu.p50)} | "
        f"{ms(m.big_cpu.p99)} | {ms(m.big_cpu.mean)} | {len(m.big_cpu.samples)} |",
        f"| Neo4j CPU per resolve_group (/proc), big graph | | | {ms(m.big_server_cpu)} | "
        f"{len(m.big.samples)} |",
        f"| resolve_group end to end, small graph | {ms(m.small.p50)} | {ms(m.small.p99)} | "
        f"{ms(m.small.mean)} | {len(m.small.samples)} |",
        f"| OGM-style walk ({ogm_queries} queries, same document), big graph | {ms(ogm.p50)} | "
        f"{ms(ogm.p99)} | {ms(ogm.mean)} | {len(ogm.samples)} |",
        f"| `RETURN 1` round trip, big graph | {ms(m.floor.p50)} | {ms(m.floor.p99)} | "
        f"{ms(m.floor.mean)} | {len(m.floor.samples)} |",
        "",
    ]


def ratio_lines(m: Measurement, ogm: Timing) -> list[str]:
    """The ratios between the measurements and the 10 ms / 25 ms target."""
    return [
        f"- OGM-style walk / resolve_group (p50): **{ogm.p50 / m.big.p50:.1f}x**",
        f"- resolve_group / `RETURN 1` (p50): **{m.big.p50 / m.floor.p50:.1f}x**",
        f"- big graph / small graph resolve_group: **{m.big.p50 / m.small.p50:.2f}x** (p50), "
        f"{m.big.p99 / m.small.p99:.2f}x (p99)",
        f"- target p50 <= 10 ms / p99 <= 25 ms end to end: "
        f"**{'met' if m.big.p50 <= 0.010 and m.big.p99 <= 0.025 else 'not met'}** "
        f"(p50 {ms(m.big.p50)}, p99 {ms(m.big.p99)})",
        "",
    ]


def breakdown_lines(graph: str, parts: dict[str, Part], iterations: int) -> list[str]:
    """The breakdown table of one graph."""
    return [
        f"Where the time goes ({graph}, {iterations} interleaved runs of "
        "each step; Neo4j CPU is the mean per run over all runs, and what it shows for "
        "'decoding alone', which sends no query, is other work on that server):",
        "",
        "| step | wall p50 | wall p99 | client CPU p50 | Neo4j CPU per run |",
        "|---|---|---|---|---|",
        *(
            f"| {name} | {ms(part.wall.p50)} | {ms(part.wall.p99)} | "
            f"{ms(part.client.p50)} | {ms(part.server)} |"
            for name, part in parts.items()
        ),
        "",
    ]


def report_lines(
    args: argparse.Namespace, command: str, spec: SyntheticSpec, qn: str, run: Run
) -> list[str]:
    """The whole report (Markdown), one line per item."""
    lines = header_lines(args, command, spec, qn, run)
    lines += timing_table_lines(run.m, run.ogm, run.ogm_queries)
    lines += ratio_lines(run.m, run.ogm)
    for graph, parts in run.breakdowns.items():
        lines += breakdown_lines(graph, parts, args.breakdown_iterations)
    return lines


# ------------------------------------------------------------------ main
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.resolve", description=__doc__)
    parser.add_argument("--instance", default="bench-resolve", help="instance for the big graph")
    parser.add_argument(
        "--small-instance", default="bench-resolve-small", help="instance for the small graph"
    )
    parser.add_argument("--groups", type=int, default=1000)
    parser.add_argument("--connectors-per-group", type=int, default=100)
    parser.add_argument("--small-groups", type=int, default=10)
    parser.add_argument("--iterations", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--ogm-iterations", type=int, default=10)
    parser.add_argument(
        "--breakdown-iterations",
        type=int,
        default=200,
        help="interleaved runs of each step of the breakdown (0: skip it)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep a graph of the right size already in an instance instead of reloading it",
    )
    parser.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    parser.add_argument(
        "--keep-running", action="store_true", help="leave the instances and graphs up"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    given = argv if argv is not None else sys.argv[1:]
    command = "python -m benchmarks.resolve" + (" " + shlex.join(given) if given else "")
    spec = SyntheticSpec(groups=args.groups, connectors_per_group=args.connectors_per_group)
    qn = group_qualified_name(0)
    run = run_on_instances(args, spec, qn)
    report = "\n".join(report_lines(args, command, spec, qn, run))
    publish(report, record=not args.no_record)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
