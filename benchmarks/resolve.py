"""Benchmark: one-round-trip group resolution (issue 4).

Builds the synthetic graph of benchmarks/synthetic.py (default 1,000 groups x
100 connectors = 100,000 connectors; 20% virtual connections embedding two
connections; 3 catalog targets per connector) and measures, side by side in one
run, for the group ``bench.group.0000`` (100 connectors):

* ``resolve_group`` end to end (query + decoding into ResolvedGroup): p50, p99;
* the same group walked OGM-style, one query per node and per relationship hop,
  decoded the same way (and checked to give the identical document);
* a bare ``RETURN 1`` round trip (the floor);
* the same resolution in a graph holding only the first 10 groups
  (1,000 connectors), before the other 990 groups are loaded.

Runs against its own embedded instance (default ``bench-resolve``), which it
wipes; results are appended to benchmarks/RESULTS.md with the command.

    .venv/bin/python -m benchmarks.resolve
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
from pathlib import Path
from typing import Any

from benchmarks.synthetic import (
    SyntheticSpec,
    group_qualified_name,
    load,
    run_bench_query,
    wipe,
)
from engine.neo4j_local import NEO4J_VERSION, LocalNeo4j
from engine.resolve import canonical_json, group_from_row, resolve_group
from engine.resolved import ResolvedGroup
from engine.schema import init_schema
from engine.settings import Neo4jSettings
from engine.store import Store

RESULTS = Path(__file__).parent / "RESULTS.md"


# ------------------------------------------------------------------ OGM-style walk
class OgmWalker:
    """Resolves a group the way an object mapper walks it: one query per node
    fetched (each node once, an identity map) and one per relationship hop."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.queries = 0
        self._nodes: dict[str, dict[str, Any]] = {}

    def _q(self, name: str, **params: Any) -> list[dict[str, Any]]:
        self.queries += 1
        return run_bench_query(self.store, name, params)

    def node(self, guid: str) -> dict[str, Any]:
        if guid not in self._nodes:
            self._nodes[guid] = self._q("ogm_node", guid=guid)[0]["props"]
        return self._nodes[guid]

    def resolve(self, qualified_name: str) -> ResolvedGroup:
        group = self._q("ogm_group", qualifiedName=qualified_name)[0]["props"]
        connectors: list[dict[str, Any]] = []
        connections: dict[str, dict[str, Any]] = {}
        elements: dict[str, dict[str, Any]] = {}

        def element(guid: str) -> str:
            if guid not in elements:
                names: set[str] = set()
                for own in self._q("ogm_asset_connections", guid=guid):
                    props = self.node(own["end"])
                    names.update(
                        str(v)
                        for v in (props.get("qualifiedName"), props.get("displayName"))
                        if v is not None
                    )
                elements[guid] = {"node": self.node(guid), "connectionNames": sorted(names)}
            return guid

        def visit(guid: str) -> None:
            if guid in connections:
                return
            entry: dict[str, Any] = {"node": self.node(guid)}
            connections[guid] = entry
            entry["connectorTypes"] = [
                element(r["end"]) for r in self._q("ogm_connector_types", guid=guid)
            ]
            entry["endpoints"] = [element(r["end"]) for r in self._q("ogm_endpoints", guid=guid)]
            embedded = self._q("ogm_embedded", guid=guid)
            entry["embedded"] = [{"relationship": r["rel"], "child": r["end"]} for r in embedded]
            entry["assets"] = [
                r["qualifiedName"] for r in self._q("ogm_connection_assets", guid=guid)
            ]
            for r in embedded:
                visit(r["end"])

        for reg in self._q("ogm_registrations", guid=group["guid"]):
            connector_guid = reg["end"]
            owned = [r["end"] for r in self._q("ogm_asset_connections", guid=connector_guid)]
            for conn in owned:
                visit(conn)
            targets = [
                {"relationship": t["rel"], "element": element(t["end"])}
                for t in self._q("ogm_catalog_targets", guid=connector_guid)
            ]
            connectors.append(
                {
                    "registration": reg["rel"],
                    "connector": self.node(connector_guid),
                    "connections": owned,
                    "catalogTargets": targets,
                }
            )
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


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


@dataclass
class Measurement:
    resolve: Timing
    floor: Timing
    connectors: int


def measure(store: Store, qualified_name: str, iterations: int, warmup: int) -> Measurement:
    """Interleave resolve_group and RETURN 1 so drift hits both alike."""
    group = resolve_group(store, qualified_name)
    for _ in range(warmup):
        resolve_group(store, qualified_name)
        run_bench_query(store, "return_one")
    resolve_samples: list[float] = []
    floor_samples: list[float] = []
    for _ in range(iterations):
        resolve_samples.append(timed(lambda: resolve_group(store, qualified_name)))
        floor_samples.append(timed(lambda: run_bench_query(store, "return_one")))
    return Measurement(Timing(resolve_samples), Timing(floor_samples), len(group.connectors))


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
    if os.environ.get("NEO4J_URI"):
        if os.environ.get("SWITCHBOARD_BENCH_ALLOW_WIPE") != "1":
            raise SystemExit(
                "NEO4J_URI is set and this benchmark wipes the database; "
                "set SWITCHBOARD_BENCH_ALLOW_WIPE=1 if that is intended"
            )
        return Store.connect(Neo4jSettings.from_env()), None, False
    local = LocalNeo4j(instance=instance)
    result = local.start(progress=lambda m: print(f"  {m}", file=sys.stderr))
    settings = Neo4jSettings(uri=result.uri, password=local.password(), query_timeout=600.0)
    return Store.connect(settings), local, not result.already_running


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.resolve", description=__doc__)
    parser.add_argument("--instance", default="bench-resolve", help="embedded instance to use")
    parser.add_argument("--groups", type=int, default=1000)
    parser.add_argument("--connectors-per-group", type=int, default=100)
    parser.add_argument("--small-groups", type=int, default=10)
    parser.add_argument("--iterations", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--ogm-iterations", type=int, default=10)
    parser.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    parser.add_argument(
        "--keep-running", action="store_true", help="leave the instance and its graph up"
    )
    args = parser.parse_args(argv)
    command = "python -m benchmarks.resolve" + (
        " " + shlex.join(argv if argv is not None else sys.argv[1:])
        if (argv if argv is not None else sys.argv[1:])
        else ""
    )
    spec = SyntheticSpec(groups=args.groups, connectors_per_group=args.connectors_per_group)
    qn = group_qualified_name(0)

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    load_start = os.getloadavg()[0]
    store, local, started_here = connect(args.instance)
    try:
        init_schema(store)
        say("wiping the benchmark database")
        wipe(store)
        small = load(store, spec, range(args.small_groups), progress=say)
        say(
            f"small graph: {small.nodes} nodes, {small.relationships} rels in {small.seconds:.1f} s"
        )
        small_m = measure(store, qn, args.iterations, args.warmup)
        big = load(
            store,
            spec,
            range(args.small_groups, args.groups),
            with_shared=False,
            progress=say,
        )
        say(f"big graph: +{big.nodes} nodes, +{big.relationships} rels in {big.seconds:.1f} s")
        big_m = measure(store, qn, args.iterations, args.warmup)
        ogm, ogm_queries = measure_ogm(store, qn, args.ogm_iterations)
        nodes = small.nodes + big.nodes
        rels = small.relationships + big.relationships
    finally:
        if local is not None and started_here and not args.keep_running:
            store.close()
            local.stop()
        else:
            store.close()

    small_connectors = args.small_groups * args.connectors_per_group
    lines = [
        f"### resolve ({datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')})",
        "",
        f"Command: `.venv/bin/{command}`  ",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, Neo4j {NEO4J_VERSION} embedded (Community)  ",
        f"Load average during the run (1 min, at start / at end): {load_start:.1f} / "
        f"{os.getloadavg()[0]:.1f} (other work on the machine inflates every figure; the "
        f"ratios are measured side by side)  ",
        f"Graph: {spec.groups} groups, {spec.connectors} connectors, {nodes} nodes, "
        f"{rels} relationships; measured group `{qn}` with {big_m.connectors} connectors "
        f"(20% virtual connections embedding 2 connections, 3 catalog targets each)",
        "",
        "| measurement | p50 | p99 | mean | samples |",
        "|---|---|---|---|---|",
        f"| resolve_group end to end, big graph | {ms(big_m.resolve.p50)} | "
        f"{ms(big_m.resolve.p99)} | {ms(big_m.resolve.mean)} | {len(big_m.resolve.samples)} |",
        f"| resolve_group end to end, small graph ({small_connectors} connectors) | "
        f"{ms(small_m.resolve.p50)} | {ms(small_m.resolve.p99)} | {ms(small_m.resolve.mean)} | "
        f"{len(small_m.resolve.samples)} |",
        f"| OGM-style walk ({ogm_queries} queries), big graph | {ms(ogm.p50)} | {ms(ogm.p99)} | "
        f"{ms(ogm.mean)} | {len(ogm.samples)} |",
        f"| `RETURN 1` round trip, big graph | {ms(big_m.floor.p50)} | {ms(big_m.floor.p99)} | "
        f"{ms(big_m.floor.mean)} | {len(big_m.floor.samples)} |",
        "",
        f"- OGM-style walk / resolve_group (p50): **{ogm.p50 / big_m.resolve.p50:.1f}x**",
        f"- resolve_group / `RETURN 1` (p50): **{big_m.resolve.p50 / big_m.floor.p50:.1f}x**",
        f"- big graph / small graph resolve_group (p50): "
        f"**{big_m.resolve.p50 / small_m.resolve.p50:.2f}x** "
        f"(p99: {big_m.resolve.p99 / small_m.resolve.p99:.2f}x)",
        f"- load: {small.seconds + big.seconds:.0f} s for the whole graph (UNWIND batches of 5,000)",
        "",
    ]
    report = "\n".join(lines)
    print(report)
    if not args.no_record:
        with RESULTS.open("a", encoding="utf-8") as fh:
            if RESULTS.stat().st_size == 0:
                fh.write("# Benchmark results\n\n")
            fh.write(report + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
