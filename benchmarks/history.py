"""Benchmark: what recording the change history costs, and reading it (issue 17).

Measured side by side in one run on the same server (its own embedded instance, default
``bench-history``, which it wipes), each with history recording and without it
(``engine.graph.writer.history_paused``), alternating which goes first:

* ``bulk apply``: ``--groups`` x ``--per-group`` new connectors (the apply benchmark's
  manifests: each connector with its connection, endpoint, registration and 2 catalog
  targets) into an empty database, one transaction;
* ``archive import``: a synthetic Egeria archive of about the same number of entities;
* ``1% apply``: an apply changing 1% of the connectors (their displayName) of that set;
* ``as-of resolve``: after ``--revisions`` applies that each change one connector of every
  group, ``resolve --as-of`` a time before the last revision, against a live resolve of
  the same group (both over ``--iterations``, medians);
* ``history of one element`` against a live ``get`` of it.

The issue's limits: bulk apply and import at most 1.5x, 1% apply at most 1.15x, as-of at
most 3x a live resolve (100-connector group, 100,000-connector graph, ten revisions),
history at most 2x a live get. Ratios are printed and appended to benchmarks/RESULTS.md.

``--part bound`` (not part of ``all``) measures, beside the bulk apply without history,
what two leaner layouts would cost at the least: one minimal node per state, and the
elements' states packed 1,000 to a node: written as they are, after looking each batch's
keys up with one full-text query, and with a route per key; found again both ways; and one
group's packed states read a pack at a time, packed in creation order and group by group,
next to a live resolve (docs/history.md, "Cost and limits").

    .venv/bin/python -m benchmarks.history [--groups 100] [--per-group 100] [--revisions 10]
        [--iterations 20] [--big-groups 1000] [--heap 3g] [--part all|writes|reads|bound]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shlex
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks.egeria_import import connect
from benchmarks.queries import bench_query_text, run_bench_query
from benchmarks.results import publish
from engine.declare import manifest as mf
from engine.declare.egeria import import_archive, parse_archive
from engine.graph import Store, get_element, init_schema, resolve_group
from engine.graph.writer import history_paused, wipe_database_batched
from engine.history import change_history, resolve_group_as_of
from tests.world.archives import synthetic_archive
from tests.world.manifests import write_manifest_files


def wipe(store: Store) -> None:
    """Empty the database in batches (with its history it may not fit one transaction)."""
    wipe_database_batched(store, timeout=600.0)


def timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def side_by_side(
    store: Store, rounds: int, prepare: Callable[[], None], run: Callable[[], object]
) -> tuple[float, float]:
    """Median seconds of ``run`` with history and without, alternating which goes first;
    ``prepare`` runs (unmeasured) before each."""
    with_history: list[float] = []
    without: list[float] = []
    for n in range(rounds):
        order = (True, False) if n % 2 == 0 else (False, True)
        for record in order:
            prepare()
            if record:
                with_history.append(timed(run))
            else:
                with history_paused():
                    without.append(timed(run))
    return statistics.median(with_history), statistics.median(without)


def changed_files(paths: list[Path], folder: Path, share: float, tag: str) -> list[Path]:
    """Copies of the group files with ``share`` of each group's connectors renamed."""
    out = [paths[0]]
    for path in paths[1:]:
        doc = json.loads(path.read_text())
        connectors = doc["integrationGroups"][0]["connectors"]
        for connector in connectors[: max(1, round(len(connectors) * share))]:
            connector["displayName"] = f"{connector['displayName']} {tag}"
        target = folder / f"{tag}-{path.name}"
        target.write_text(json.dumps(doc))
        out.append(target)
    return out


def bulk_figures(store: Store, args: argparse.Namespace, folder: Path) -> dict[str, float]:
    paths = write_manifest_files(folder, args.groups, args.per_group)
    figures: dict[str, float] = {}

    def empty() -> None:
        wipe(store)

    figures["apply_with"], figures["apply_without"] = side_by_side(
        store, args.rounds, empty, lambda: mf.apply(store, paths)
    )
    archive = parse_archive(synthetic_archive(args.groups * args.per_group * 4), source="bench")
    figures["import_with"], figures["import_without"] = side_by_side(
        store, args.rounds, empty, lambda: import_archive(store, archive)
    )
    wipe(store)
    mf.apply(store, paths)
    one = changed_files(paths, folder, 0.01, "a")
    other = changed_files(paths, folder, 0.01, "b")
    flip = [one, other]

    def next_change() -> None:
        flip.reverse()

    figures["change_with"], figures["change_without"] = side_by_side(
        store, args.rounds * 2, next_change, lambda: mf.apply(store, flip[0])
    )
    return figures


BOUND_LABEL = "BenchMinimalState"
"""The minimal state nodes' label (benchmarks/cypher/minimal_states_create.cypher)."""
PACKED_LABEL = "BenchPackedStates"
"""The packed states' label (benchmarks/cypher/packed_states_create.cypher)."""
BOUND_INDEXES = (
    f"CREATE INDEX bench_minimal_key IF NOT EXISTS FOR (n:{BOUND_LABEL}) ON (n._hKey)",
    f"CREATE INDEX bench_minimal_cs IF NOT EXISTS FOR (n:{BOUND_LABEL}) ON (n._hChangeSet)",
    f"CREATE FULLTEXT INDEX bench_packed_keys IF NOT EXISTS FOR (n:{PACKED_LABEL}) "
    "ON EACH [n._hKeys] OPTIONS {indexConfig: {`fulltext.analyzer`: 'keyword'}}",
    "CREATE INDEX bench_pack_route IF NOT EXISTS FOR ()-[r:BenchPackRoute]-() ON (r.key)",
)
"""The indexes the bound part's states need at the least, made before and dropped after."""


BOUND_INDEX_NAMES = tuple(
    found.group(1)
    for found in (re.search(r"INDEX (\w+) IF NOT EXISTS", s) for s in BOUND_INDEXES)
    if found is not None
)
"""The names of :data:`BOUND_INDEXES`, dropped at the end of the part."""
BOUND_TIMES = {
    "floor_apply": "floor",
    "recorded_apply": "recorded",
    "minimal_states": "minimal",
    "packed_states": "packed",
    "packed_looked_up": "looked_up",
    "packed_hits": "hits",
    "packed_routed": "routed",
    "packed_route_hits": "route_hits",
    "packed_lookups_only": "lookups_only",
    "packed_texts_only": "texts_only",
}
"""Figure -> what each round of the bound part times (the figure is the median)."""


def bound_figures(store: Store, args: argparse.Namespace, folder: Path) -> dict[str, float]:
    """The least that recording can cost in two layouts, next to the bulk apply without
    history (the floor, measured again here) and with today's recording. Each round, after
    the floor apply, in a transaction of their own each: the elements' states *packed*, one
    node per 1,000 elements with their outgoing relationships (docs/history.md), and one
    *minimal* node per element and relationship, holding only a key, a change set id and
    the properties as one JSON text built by the client (so the server does no copying).
    The packed states are also found again (through their full-text index, then through a
    route per key), and the parts of a lookup timed apart: the full-text queries alone, and
    the packed texts read without a lookup."""
    paths = write_manifest_files(folder, args.groups, args.per_group)
    times: dict[str, list[float]] = {name: [] for name in BOUND_TIMES.values()}
    run_schema_statements(store, BOUND_INDEXES)
    for round_ in range(args.rounds):
        wipe(store)
        times["recorded"].append(timed(lambda: mf.apply(store, paths)))
        wipe(store)
        with history_paused():
            times["floor"].append(timed(lambda: mf.apply(store, paths)))
        guids = [row["guid"] for row in run_bench_query(store, "element_guids")]
        cs = f"p{round_}"
        time_packed_states(store, guids, cs, times)
        rows = [
            {"key": row["key"], "state": json.dumps(row["p"], default=str, sort_keys=True)}
            for row in run_bench_query(store, "stored_properties")
        ]
        minimal = partial(write_in_batches, store, "minimal_states_create", "rows", rows, cs)
        times["minimal"].append(timed(minimal))
    reads = packed_read_figures(store, f"p{args.rounds}")
    run_schema_statements(store, [f"DROP INDEX {name} IF EXISTS" for name in BOUND_INDEX_NAMES])
    return {
        **{figure: statistics.median(times[name]) for figure, name in BOUND_TIMES.items()},
        **reads,
        "minimal_count": float(len(rows)),
        "packed_count": float(len(guids)),
    }


def time_packed_states(
    store: Store, guids: list[str], change_set: str, times: dict[str, list[float]]
) -> None:
    """One round of the packed variants (see :func:`bound_figures`), each timed into
    ``times``; the packs of the last one (with routes) are left for the reads."""
    pack = partial(write_in_batches, store, "packed_states_create", "guids", guids, change_set)
    times["packed"].append(timed(pack))
    times["hits"].append(timed(partial(look_up_packed, store, guids)))
    times["lookups_only"].append(timed(partial(look_up_packs_only, store, guids)))
    times["texts_only"].append(timed(partial(run_bench_query, store, "packed_texts_read")))
    run_bench_query(store, "packed_states_drop", write=True)
    times["looked_up"].append(timed(partial(pack_looked_up, store, guids, change_set)))
    run_bench_query(store, "packed_states_drop", write=True)
    times["routed"].append(timed(partial(pack_routed, store, guids, change_set)))
    times["route_hits"].append(timed(partial(look_up_routed, store, guids)))


READ_SAMPLE = 20
"""How many groups the packed-state reads are timed on (every fifth group, up to this)."""


def packed_read_figures(store: Store, change_set: str) -> dict[str, float]:
    """What reading one group's packed states costs (the packs holding its keys found with
    one full-text query and fetched whole, each state picked out on the client with its
    outgoing relationships), next to a live resolve of the same group: from the packs as they
    stand (packed in the order the elements were created), then packed again group by group.
    Medians over a sample."""
    groups = run_bench_query(store, "group_element_guids")
    sample = groups[:: max(1, len(groups) // READ_SAMPLE)][:READ_SAMPLE]
    created = [read_group_packs(store, row["guids"]) for row in sample]
    run_bench_query(store, "packed_states_drop", write=True)
    in_order = list(dict.fromkeys(guid for row in groups for guid in row["guids"]))
    write_in_batches(store, "packed_states_create", "guids", in_order, change_set)
    grouped = [read_group_packs(store, row["guids"]) for row in sample]
    live = [timed(partial(resolve_group, store, row["group"])) for row in sample]
    return {
        "group_read_created": statistics.median(t for t, _ in created),
        "group_packs_created": statistics.median(n for _, n in created),
        "group_read_grouped": statistics.median(t for t, _ in grouped),
        "group_packs_grouped": statistics.median(n for _, n in grouped),
        "group_live_resolve": statistics.median(live),
        "group_keys": statistics.median(len(row["guids"]) for row in sample),
    }


def read_group_packs(store: Store, guids: list[str]) -> tuple[float, int]:
    """Read the packed states of ``guids`` (see :func:`packed_read_figures`); the time it
    took and how many packs it fetched. Every key must be found."""
    text = bench_query_text("packs_of_keys")
    start = time.perf_counter()
    with store.driver.session(database=store.database) as session:
        packs = session.execute_read(
            lambda tx: [r.values() for r in tx.run(text, {"query": lucene_terms(guids)})]
        )
    wanted = set(guids)
    states: dict[str, tuple[str, list[tuple[str, str, str, str]]]] = {}
    for keys, texts, owners, rel_guids, rel_types, rel_to, rel_texts in packs:
        outgoing: dict[int, list[tuple[str, str, str, str]]] = {}
        for owner, *rel in zip(owners, rel_guids, rel_types, rel_to, rel_texts, strict=True):
            outgoing.setdefault(owner, []).append((rel[0], rel[1], rel[2], rel[3]))
        for i, key in enumerate(keys):
            if key in wanted:
                states[key] = (texts[i], outgoing.get(i, []))
    took = time.perf_counter() - start
    if len(states) != len(wanted):
        raise RuntimeError(f"read {len(wanted)} packed keys, found {len(states)}")
    return took, len(packs)


def run_schema_statements(store: Store, statements: Iterable[str]) -> None:
    """Index statements, each in its own transaction, then wait for the indexes."""
    with store.driver.session(database=store.database) as session:
        for statement in statements:
            session.run(statement).consume()
        session.run("CALL db.awaitIndexes(300)").consume()


Statements = Callable[[list[Any]], list[tuple[str, dict[str, Any]]]]
"""The statements to run for one batch of values: (text, parameters) pairs."""


def run_in_batches(
    store: Store,
    values: list[Any],
    statements: Statements,
    *,
    write: bool,
    after: Sequence[tuple[str, dict[str, Any]]] = (),
) -> int:
    """Run ``statements`` for each batch of 1,000 ``values``, then the statements ``after``,
    all in one transaction (a write or a read one); returns how many rows they returned."""

    def work(tx: Any) -> int:
        batches = (values[start : start + 1000] for start in range(0, len(values), 1000))
        runs = [*(run for batch in batches for run in statements(batch)), *after]
        return sum(len(list(tx.run(text, params))) for text, params in runs)

    with store.driver.session(database=store.database) as session:
        run = session.execute_write if write else session.execute_read
        return int(run(work))


def write_in_batches(
    store: Store, name: str, parameter: str, values: list[Any], change_set: str
) -> None:
    """Run ``benchmarks/cypher/<name>.cypher`` over ``values``, 1,000 at a time as
    ``$<parameter>`` (with ``$cs``: ``change_set``), all in one transaction."""
    text = bench_query_text(name)
    run_in_batches(
        store, values, lambda batch: [(text, {parameter: batch, "cs": change_set})], write=True
    )


def lucene_terms(keys: list[str]) -> str:
    """A full-text query naming each key as one quoted term, joined with OR."""
    return " OR ".join('"' + k.replace("\\", "\\\\").replace('"', '\\"') + '"' for k in keys)


def packed_lookup(text: str, batch: list[str]) -> tuple[str, dict[str, Any]]:
    """The full-text lookup (``text``: packed_states_lookup.cypher) of a batch of keys'
    packed states."""
    return text, {"query": lucene_terms(batch), "guids": batch}


def look_up_packed(store: Store, guids: list[str]) -> None:
    """Find every key's packed state, one full-text query per 1,000 keys, in one read
    transaction; every key must be found (they were all just packed)."""
    lookup = bench_query_text("packed_states_lookup")
    found = run_in_batches(store, guids, lambda b: [packed_lookup(lookup, b)], write=False)
    if found != len(guids):
        raise RuntimeError(f"looked up {len(guids)} packed keys, found {found}")


def look_up_packs_only(store: Store, guids: list[str]) -> None:
    """The full-text queries of :func:`look_up_packed` alone (the packs found, nothing read
    from them), in one read transaction."""
    text = bench_query_text("packed_keys_lookup")
    run_in_batches(store, guids, lambda b: [(text, {"query": lucene_terms(b)})], write=False)


def pack_routed(store: Store, guids: list[str], change_set: str) -> None:
    """Pack the elements' states as ``packed_states_create`` does, then give every packed
    key (elements and their relationships) its route (``packed_routes_create``), all in one
    transaction."""
    create, routes = (bench_query_text(n) for n in ("packed_states_create", "packed_routes_create"))
    run_in_batches(
        store,
        guids,
        lambda batch: [(create, {"guids": batch, "cs": change_set})],
        write=True,
        after=[(routes, {"cs": change_set})],
    )


def look_up_routed(store: Store, guids: list[str]) -> None:
    """Find every key's packed state through the routes, 1,000 keys a query, in one read
    transaction; every key must be found."""
    lookup = bench_query_text("packed_routes_lookup")
    found = run_in_batches(store, guids, lambda b: [(lookup, {"guids": b})], write=False)
    if found != len(guids):
        raise RuntimeError(f"looked up {len(guids)} routed keys, found {found}")


def pack_looked_up(store: Store, guids: list[str], change_set: str) -> None:
    """Pack the elements' states as ``packed_states_create`` does, each batch first looking
    its keys up with one full-text query (all misses here: their states were dropped), in
    one transaction."""
    lookup, create = (bench_query_text(n) for n in ("packed_states_lookup", "packed_states_create"))
    run_in_batches(
        store,
        guids,
        lambda b: [packed_lookup(lookup, b), (create, {"guids": b, "cs": change_set})],
        write=True,
    )


def reading_figures(store: Store, args: argparse.Namespace, folder: Path) -> dict[str, float]:
    wipe(store)
    paths = write_manifest_files(folder, args.big_groups, args.per_group)
    # ten groups (1,000 connectors) per apply: a transaction holds the recorded states of
    # its writes, and 100,000 connectors with theirs would need about 17 GB of it at once
    for start in range(1, len(paths), 10):
        mf.apply(store, [paths[0], *paths[start : start + 10]])
    at = datetime.now(UTC)
    for revision in range(args.revisions):
        time.sleep(0.01)
        mf.apply(store, changed_files(paths, folder, 1 / args.per_group, f"r{revision}"))
    group = "bench:group:000"
    element = "bench:connector:000:000"
    live: list[float] = []
    as_of: list[float] = []
    get: list[float] = []
    history: list[float] = []
    # each measurement right beside its baseline, so that the shared machine's load drifts
    # over both alike
    for _ in range(args.iterations):
        live.append(timed(lambda: resolve_group(store, group)))
        as_of.append(timed(lambda: resolve_group_as_of(store, group, at)))
        get.append(timed(lambda: get_element(store, element)))
        history.append(timed(lambda: change_history(store, element)))
    return {
        "resolve_live": statistics.median(live),
        "resolve_as_of": statistics.median(as_of),
        "get_live": statistics.median(get),
        "history_one": statistics.median(history),
    }


ROWS = (
    ("bulk apply (new connectors)", "apply_with", "apply_without", 1.5),
    ("archive import", "import_with", "import_without", 1.5),
    ("apply changing 1%", "change_with", "change_without", 1.15),
    ("resolve --as-of vs live resolve", "resolve_as_of", "resolve_live", 3.0),
    ("history of one element vs get", "history_one", "get_live", 2.0),
    (
        "bulk apply with history vs without (this part's rounds)",
        "recorded_apply",
        "floor_apply",
        1.5,
    ),
    ("without + minimal state nodes vs without (bulk apply)", "bound_apply", "floor_apply", 1.5),
    ("without + packed states vs without (bulk apply)", "packed_apply", "floor_apply", 1.5),
    (
        "without + packed states, each batch looked up first, vs without (bulk apply)",
        "packed_looked_up_apply",
        "floor_apply",
        1.5,
    ),
    (
        "without + packed states with a route per key, vs without (bulk apply)",
        "packed_routed_apply",
        "floor_apply",
        1.5,
    ),
)


def report(figures: dict[str, float], args: argparse.Namespace, argv: list[str]) -> str:
    lines = [
        f"## history ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)",
        "",
        f"`python -m benchmarks.history {shlex.join(argv)}` on {platform.node()} "
        f"(load {' '.join(f'{x:.1f}' for x in os.getloadavg())}; heap {args.heap}); "
        f"{args.groups * args.per_group} connectors for the writes"
        + (
            f", {args.big_groups * args.per_group} for the reads after {args.revisions} revisions."
            if args.part in ("all", "reads")
            else "."
        )
        + (
            f" Minimal state nodes: {figures['minimal_count']:.0f}, one per element and "
            "relationship the apply created (key, change set id, properties as one JSON text "
            "built by the client; 2 indexes), written in one transaction after it."
            if "minimal_count" in figures
            else ""
        )
        + (
            f" Packed states: {figures['packed_count']:.0f} elements with their outgoing "
            "relationships, 1,000 per node (properties as typed texts built in Cypher; a "
            "full-text index on the keys), written in one transaction after it; looked up "
            "first (one full-text query per 1,000 keys, all misses), also in one; all of them "
            f"found again, one query per 1,000 keys: {figures['packed_hits']:.2f} s (the "
            f"full-text queries alone {figures['packed_lookups_only']:.2f} s; every packed text "
            f"read without a lookup {figures['packed_texts_only']:.2f} s). "
            "With a route per packed key instead (a relationship from the pack to itself "
            "holding the key and its position, a relationship range index on the key), "
            f"all found again the same way: {figures['packed_route_hits']:.2f} s. One group's "
            f"packed states ({figures['group_keys']:.0f} keys; its packs found with one "
            "full-text query and fetched whole, each state picked out on the client with its "
            "outgoing relationships; median of "
            f"{READ_SAMPLE} groups): {1000 * figures['group_read_created']:.1f} ms from "
            f"{figures['group_packs_created']:.0f} packs as packed in the order the elements "
            f"were created, {1000 * figures['group_read_grouped']:.1f} ms from "
            f"{figures['group_packs_grouped']:.0f} packed group by group; a live resolve of the "
            f"group {1000 * figures['group_live_resolve']:.1f} ms."
            if "packed_count" in figures
            else ""
        ),
        "",
        "| what | measured (s) | baseline (s) | ratio | limit |",
        "|---|---|---|---|---|",
    ]
    for label, measured, baseline, limit in ROWS:
        if measured not in figures:
            continue
        ratio = figures[measured] / figures[baseline]
        verdict = "ok" if ratio <= limit else "over"
        lines.append(
            f"| {label} | {figures[measured]:.4f} | {figures[baseline]:.4f} | "
            f"{ratio:.2f}x | {limit}x ({verdict}) |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m benchmarks.history")
    parser.add_argument("--groups", type=int, default=100)
    parser.add_argument("--per-group", type=int, default=100)
    parser.add_argument("--big-groups", type=int, default=1000)
    parser.add_argument("--revisions", type=int, default=10)
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--instance", default="bench-history")
    parser.add_argument(
        "--heap",
        default="3g",
        help="JVM heap of the embedded instance (SWITCHBOARD_NEO4J_HEAP): an apply of 10,000 "
        "new connectors with their history needs about 1.7 GB of transaction memory",
    )
    parser.add_argument(
        "--part",
        choices=("all", "writes", "reads", "bound"),
        default="all",
        help="What to measure; 'bound' (not part of 'all'): what writing one minimal indexed "
        "node per recorded state, and the elements' states packed 1,000 to a node, cost at "
        "the least, next to the bulk apply without history.",
    )
    parser.add_argument("--no-record", action="store_true", help="Do not append to RESULTS.md.")
    args = parser.parse_args(argv)
    os.environ["SWITCHBOARD_NEO4J_HEAP"] = args.heap  # used when the instance starts
    store, local, started = connect(args.instance)
    try:
        init_schema(store)
        with tempfile.TemporaryDirectory() as tmp:
            figures: dict[str, float] = {}
            if args.part in ("all", "writes"):
                figures.update(bulk_figures(store, args, Path(tmp)))
                print(f"writes: {figures}", file=sys.stderr, flush=True)
            if args.part == "bound":
                bound = bound_figures(store, args, Path(tmp))
                bound["bound_apply"] = bound["floor_apply"] + bound["minimal_states"]
                bound["packed_apply"] = bound["floor_apply"] + bound["packed_states"]
                bound["packed_looked_up_apply"] = bound["floor_apply"] + bound["packed_looked_up"]
                bound["packed_routed_apply"] = bound["floor_apply"] + bound["packed_routed"]
                figures.update(bound)
                print(f"bound: {bound}", file=sys.stderr, flush=True)
            if args.part in ("all", "reads"):
                wipe(store)
                figures.update(reading_figures(store, args, Path(tmp)))
        wipe(store)
    finally:
        store.close()
        if local is not None and started:
            local.stop()
    text = report(figures, args, argv)
    publish(text, record=not args.no_record)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
