"""Benchmark: bulk manifest apply against one element per transaction (issue 3).

Generates 100 groups x 100 connectors = 10,000 connectors as 100 JSON
manifest files, each connector with its own connection, endpoint and
registration, a connector type drawn from a shared pool of 50 and 2 catalog
targets (FileFolder elements from a pool of 1,000). Measured side by side in
one run:

* ``apply``: the 100 files end to end (read, parse, check, plan, write, commit:
  one transaction) into an empty database, in connectors per second, repeated
  ``--applies`` times on the same server (the database wiped before each). The
  first apply on a freshly started server pays for the JVM's JIT compilation
  and Cypher's query planning (several times the Neo4j CPU of later ones): the
  first apply, the second and every other are printed, and the headline is
  the median of the warm ones (all but the first): the steady state of a
  running server. ``--restart`` stops the server first, so the first
  apply is the one a user sees on a fresh server;
* the floor, interleaved with the applies (after each): the same nodes and
  relationships, with the same properties and audit fields, written by plain
  ``UNWIND ... CREATE`` in one transaction from rows prepared beforehand (no
  files, no plan, no MERGE, no checks): what this server needs just to store
  that graph with its constraints and indexes;
* the same apply again on an apply's graph (0 changes expected), twice;
* the same data written one element or relationship per transaction through
  the write API (``save_element`` / ``save_relationship``), for the first
  ``--single`` connectors (the whole set would take too long), in connectors
  per second.

Every figure has its wall time, the client's CPU (``time.process_time``) and
the Neo4j server's CPU (from /proc). The ratios (bulk / one per transaction,
apply / floor) are printed and appended, with the command and the load
average, to benchmarks/RESULTS.md. Uses its own embedded instance (default
``bench-apply``), which it wipes.

    .venv/bin/python -m benchmarks.apply [--groups 100] [--per-group 100] [--single 300]
        [--applies 3] [--restart]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.proc import cpu_seconds, server_pid
from benchmarks.queries import bench_query_text
from benchmarks.results import record_list
from engine import (
    AssetConnection,
    CatalogTarget,
    Connection,
    ConnectionConnectorType,
    ConnectorType,
    ConnectToEndpoint,
    Element,
    Endpoint,
    IntegrationConnector,
    IntegrationGroup,
    LocalNeo4j,
    Neo4jSettings,
    RegisteredIntegrationConnector,
)
from engine.declare import manifest as mf
from engine.graph import Store, init_schema, save_element, save_relationship
from engine.graph.writer import wipe_database
from tests.world.manifests import connector_doc, shared_doc, write_manifest_files


def one_per_transaction(store: Store, count: int, per_group: int) -> None:
    """Write the first ``count`` connectors (and the shared elements they use), one element
    or relationship per transaction, through the write API."""
    shared = shared_doc()
    for ct in shared["connectorTypes"]:
        save_element(store, ConnectorType.model_validate(ct))
    used_folders: set[str] = set()
    groups_done: set[str] = set()
    for n in range(count):
        g, i = divmod(n, per_group)
        group = f"bench:group:{g:03d}"
        if group not in groups_done:
            save_element(store, IntegrationGroup(qualifiedName=group))
            groups_done.add(group)
        doc = connector_doc(g, i)
        conn = doc["connection"]
        save_element(
            store,
            IntegrationConnector(
                qualifiedName=doc["qualifiedName"], displayName=doc["displayName"]
            ),
        )
        save_element(
            store,
            Connection(
                qualifiedName=conn["qualifiedName"],
                configurationProperties=conn["configurationProperties"],
            ),
        )
        save_element(store, Endpoint.model_validate(conn["endpoint"]))
        save_relationship(
            store,
            RegisteredIntegrationConnector.model_validate(doc["registration"]),
            group,
            doc["qualifiedName"],
        )
        save_relationship(store, AssetConnection(), doc["qualifiedName"], conn["qualifiedName"])
        save_relationship(
            store, ConnectionConnectorType(), conn["qualifiedName"], conn["connectorType"]
        )
        save_relationship(
            store, ConnectToEndpoint(), conn["qualifiedName"], conn["endpoint"]["qualifiedName"]
        )
        for target in doc["catalogTargets"]:
            if target["element"] not in used_folders:
                save_element(store, Element(typeName="FileFolder", qualifiedName=target["element"]))
                used_folders.add(target["element"])
            link = {k: v for k, v in target.items() if k != "element"}
            save_relationship(
                store, CatalogTarget.model_validate(link), doc["qualifiedName"], target["element"]
            )


def floor_rows(paths: list[Path]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The nodes and relationships ``apply`` writes for ``paths``, as plain CREATE rows
    (audit fields are added by the floor queries from parameters)."""
    desired = mf.collect(mf.load_manifests(paths))
    nodes = []
    for row in desired.elements.values():
        p = row.params()
        props = {**p["props"], "qualifiedName": p["qualifiedName"], "guid": p["guid"]}
        nodes.append({"labels": p["labels"], "props": {**props, "typeName": p["typeName"]}})
    rels = []
    for rel in desired.relationships.values():
        p = rel.params()
        props = {**p["props"], "guid": p["guid"]}
        rels.append({"type": rel.type, "from": p["from"], "to": p["to"], "props": props})
    return nodes, rels


def floor_write(store: Store, nodes: list[dict[str, Any]], rels: list[dict[str, Any]]) -> int:
    """Write the floor rows in one transaction (batches of 5,000, like apply)."""
    audit = {"now": datetime.now(UTC), "user": "bench"}

    def work(tx: Any) -> int:
        created = 0
        for name, rows in (
            ("floor_create_nodes", nodes),
            ("floor_create_relationships", rels),
        ):
            for start in range(0, len(rows), 5000):
                params = {"rows": rows[start : start + 5000], **audit}
                created += int(tx.run(bench_query_text(name), params).single(strict=True)[0])
        return created

    with store.driver.session(database=store.database) as session:
        return int(session.execute_write(work))


@dataclass(frozen=True)
class Timing:
    """One measured run: wall seconds, client CPU seconds, Neo4j CPU seconds."""

    wall: float
    client: float
    server: float

    def text(self, connectors: int) -> str:
        return (
            f"{self.wall:.1f} s = {connectors / self.wall:,.0f} connectors/s "
            f"(client CPU {self.client:.1f} s, Neo4j CPU {self.server:.1f} s)"
        )


def median(timings: list[Timing]) -> Timing:
    """The run of median wall time (the lower middle one of an even count)."""
    ordered = sorted(timings, key=lambda t: t.wall)
    return ordered[(len(ordered) - 1) // 2]


def measure(pid: int | None, run: Callable[[], object]) -> tuple[Timing, object]:
    start, cpu0, srv0 = time.perf_counter(), time.process_time(), cpu_seconds(pid)
    result = run()
    timing = Timing(
        time.perf_counter() - start, time.process_time() - cpu0, cpu_seconds(pid) - srv0
    )
    return timing, result


@dataclass
class Results:
    """What one run measured: every apply into an empty database and the floor run after
    it, the two re-applies, the elements and relationships an apply creates, and the
    seconds of the one-per-transaction writes."""

    bulk: list[Timing]
    floors: list[Timing]
    reapplies: list[Timing]
    created: int
    single_s: float


def open_store(local: LocalNeo4j, restart: bool) -> tuple[Store, bool]:
    """Start the instance (stopped first with ``restart``) and connect to it; also says
    whether the server is cold (started by this run)."""
    was_running = local.status().pid is not None
    if restart and was_running:
        local.stop()
    uri = local.start().uri
    cold = restart or not was_running
    store = Store.connect(Neo4jSettings(uri=uri, username="neo4j", password=local.password()))
    init_schema(store)
    return store, cold


def measure_applies(
    store: Store, pid: int | None, paths: list[Path], applies: int
) -> tuple[list[Timing], list[Timing], int]:
    """``applies`` rounds of an apply into the wiped database followed by a floor run into
    the wiped database; returns both timings and the count an apply creates."""
    nodes, rels = floor_rows(paths)
    bulk: list[Timing] = []
    floors: list[Timing] = []
    created = 0
    for _ in range(applies):
        wipe_database(store)
        timing, report = measure(pid, lambda: mf.apply(store, paths))
        bulk.append(timing)
        assert isinstance(report, mf.ApplyReport)
        created = report.counts["create"]
        wipe_database(store)
        timing, floor_created = measure(pid, lambda: floor_write(store, nodes, rels))
        floors.append(timing)
        assert created == floor_created, (floor_created, report.counts)
    return bulk, floors, created


def measure_reapplies(store: Store, pid: int | None, paths: list[Path]) -> list[Timing]:
    """Two applies of ``paths`` on an apply's graph (0 changes each)."""
    reapplies: list[Timing] = []
    wipe_database(store)
    mf.apply(store, paths)  # untimed: the re-applies run on an apply's graph
    for _ in range(2):
        timing, again = measure(pid, lambda: mf.apply(store, paths))
        assert isinstance(again, mf.ApplyReport)
        assert again.changes == 0, again.counts
        reapplies.append(timing)
    return reapplies


def measure_one_per_transaction(store: Store, count: int, per_group: int) -> float:
    """Wall seconds of :func:`one_per_transaction` into the wiped database (wiped after)."""
    wipe_database(store)
    start = time.perf_counter()
    one_per_transaction(store, count, per_group)
    single_s = time.perf_counter() - start
    wipe_database(store)
    return single_s


def report_lines(
    results: Results, connectors: int, single: int, cold: bool, loads: tuple[float, float]
) -> list[str]:
    """The report, one line per figure or ratio."""
    bulk, floors, reapplies = results.bulk, results.floors, results.reapplies
    created = results.created
    last, floor = median(bulk[1:]), median(floors[1:])
    bulk_rate = connectors / last.wall
    single_rate = single / results.single_s
    server = "started by this run: the first apply ran on a cold JVM" if cold else "already running"
    return [
        f"load average (1 min) at start / end: {loads[0]:.1f} / {loads[1]:.1f}; server {server}",
        f"first apply into an empty database: {connectors} connectors, {created} elements and "
        f"relationships created in {bulk[0].text(connectors)}",
        f"second apply into the wiped database: {bulk[1].text(connectors)}",
        f"warm applies #2-#{len(bulk)}, median (steady state, the headline): "
        f"{last.text(connectors)}",
        "every apply, wall / client CPU / Neo4j CPU s: "
        + ", ".join(f"{t.wall:.1f} / {t.client:.1f} / {t.server:.1f}" for t in bulk),
        f"re-apply (0 changes), twice: {reapplies[0].text(connectors)}; "
        f"{reapplies[1].text(connectors)}",
        f"one element per transaction: {single} connectors in {results.single_s:.1f} s = "
        f"{single_rate:,.1f} connectors/s",
        f"ratio bulk (steady state) / one-per-transaction: {bulk_rate / single_rate:,.1f}x",
        f"floor (plain UNWIND CREATE of the same {created} nodes and relationships, "
        f"one transaction), first / median of the others: {floors[0].text(connectors)}; "
        f"{floor.text(connectors)}",
        f"ratio apply / floor (steady state): wall {last.wall / floor.wall:,.2f}x, "
        f"Neo4j CPU {last.server / max(floor.server, 0.01):,.2f}x, client CPU of the apply "
        f"{last.client:.1f} s",
    ]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=100)
    parser.add_argument("--per-group", type=int, default=100)
    parser.add_argument("--single", type=int, default=300, help="connectors written one by one")
    parser.add_argument(
        "--applies",
        type=int,
        default=3,
        help="full applies into an empty database, each followed by a floor run (>= 2)",
    )
    parser.add_argument(
        "--restart",
        action="store_true",
        help="stop the server first: the first apply runs on a cold JVM, as after a start",
    )
    parser.add_argument("--instance", default="bench-apply")
    parser.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    applies = max(2, args.applies)
    local = LocalNeo4j(instance=args.instance)
    store, cold = open_store(local, args.restart)
    connectors = args.groups * args.per_group
    load_start = os.getloadavg()[0]
    pid = server_pid(local)
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_manifest_files(Path(tmp), args.groups, args.per_group)
        bulk, floors, created = measure_applies(store, pid, paths, applies)
        reapplies = measure_reapplies(store, pid, paths)
    single_s = measure_one_per_transaction(store, args.single, args.per_group)
    store.close()
    load_end = os.getloadavg()[0]
    results = Results(bulk, floors, reapplies, created, single_s)
    lines = report_lines(results, connectors, args.single, cold, (load_start, load_end))
    for line in lines:
        print(line)
    if not args.no_record:
        record_list("Manifest apply", "benchmarks.apply", argv, lines)


if __name__ == "__main__":
    main()
