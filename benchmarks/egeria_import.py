"""Benchmark: Egeria open metadata archive import (issue 7; target >= 5,000 entities/s).

Measures, side by side in one run:

* a synthetic archive (default 50,000 entities: 12,500 connectors, each with a
  connection, an endpoint and a catalog-target folder, registered in groups of
  100, 10 connector types; 5 relationships per connector) -- JSON parse, then
  the import into an empty database in one transaction, repeated
  (``--imports``, the database wiped before each), then a re-import that
  changes nothing. The first import of a freshly started server pays for the
  JVM's JIT compilation and Cypher's query planning (several times the CPU of
  later ones), and the JIT keeps improving for a few more imports; the first,
  the second and the last import are printed, and the headline rate is the
  last one, the steady state of a running server. Each import's wall time,
  client CPU (``time.process_time``) and Neo4j CPU (``/proc/<pid>/stat`` of
  the embedded server) are measured;
* the same entities imported one entity per transaction (each as its own
  one-entity archive, the way a naive loader would write them), on a sample;
* Egeria's three sample archives (``../shared/data/egeria-archives`` or
  ``$SWITCHBOARD_EGERIA_ARCHIVES``) imported into an empty database.

Entities per second counts every entity of the archive (each import also writes
the archive's relationships). Runs against its own embedded instance (default
``bench-egeria``), which it wipes; results are appended to
benchmarks/RESULTS.md with the command.

    .venv/bin/python -m benchmarks.egeria_import
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from benchmarks.proc import cpu_seconds
from benchmarks.results import publish, say
from engine import NEO4J_VERSION, LocalNeo4j, Neo4jSettings
from engine.declare.egeria import (
    Archive,
    import_archive,
    parse_archive,
    read_archive,
    sample_archives_dir,
)
from engine.graph import Store, init_schema
from engine.graph.writer import wipe_database
from tests.world import synthetic_archive

SAMPLES = (
    "APIsContentPack.omarchive",
    "OpenLineageContentPack.omarchive",
    "OrganizationInsightContentPack.omarchive",
)


def one_entity_archives(archive: Archive, count: int) -> list[Archive]:
    """``count`` one-entity archives cut from ``archive`` (no relationships)."""
    return [
        Archive(
            source=f"{archive.source}#{i}",
            name=f"{archive.name}-{i}",
            guid=None,
            originator=archive.originator,
            entities=(entity,),
            relationships=(),
        )
        for i, entity in enumerate(archive.entities[:count])
    ]


# ------------------------------------------------------------------ main
class Meter:
    """Wall, client CPU and (for the embedded server) Neo4j CPU of a block."""

    def __init__(self, pid: int | None) -> None:
        self.pid = pid

    def server_cpu(self) -> float | None:
        return None if self.pid is None else cpu_seconds(self.pid)

    def measure(self, fn: Any) -> tuple[Any, dict[str, float | None]]:
        server = self.server_cpu()
        cpu = time.process_time()
        started = time.perf_counter()
        result = fn()
        wall = time.perf_counter() - started
        client = time.process_time() - cpu
        after = self.server_cpu()
        used = after - server if after is not None and server is not None else None
        return result, {"wall": wall, "client": client, "server": used}


def _cpu(figures: dict[str, float | None]) -> str:
    server = figures["server"]
    return f"{figures['client']:.2f} | " + (f"{server:.2f}" if server is not None else "n/a")


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


def wipe(store: Store) -> None:
    wipe_database(store, timeout=600.0)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.egeria_import", description=__doc__)
    parser.add_argument("--instance", default="bench-egeria", help="embedded instance to use")
    parser.add_argument("--entities", type=int, default=50_000)
    parser.add_argument(
        "--per-entity-sample",
        type=int,
        default=1_000,
        help="entities imported one per transaction for the baseline",
    )
    parser.add_argument("--sample-repeats", type=int, default=5)
    parser.add_argument(
        "--imports",
        type=int,
        default=4,
        help="imports of the synthetic archive into the wiped database (at least 2)",
    )
    parser.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    parser.add_argument("--keep-running", action="store_true", help="leave the instance up")
    return parser.parse_args(argv)


@dataclass
class ParsedArchive:
    """The synthetic archive, the size of its JSON text and what parsing that text cost."""

    archive: Archive
    json_chars: int
    seconds: float
    cpu: float


@dataclass
class ImportFigures:
    """What the imports measured: every bulk import into the wiped database, the re-import,
    the one-entity-per-transaction baseline and Egeria's sample archives."""

    bulk: list[dict[str, float | None]]
    reimport: dict[str, float | None]
    singles: int
    single_s: float
    samples: list[tuple[str, int, int, float]]


def parse_synthetic_archive(entities: int) -> ParsedArchive:
    """Build a synthetic archive of about ``entities`` entities and parse its JSON, timed."""
    say(f"building a synthetic archive of ~{entities} entities")
    text = synthetic_archive(entities)
    started = time.perf_counter()
    parse_cpu = time.process_time()
    archive = parse_archive(text, source="synthetic")
    parse_s = time.perf_counter() - started
    parse_cpu = time.process_time() - parse_cpu
    return ParsedArchive(archive, len(text), parse_s, parse_cpu)


def measure_bulk_imports(
    store: Store, meter: Meter, archive: Archive, imports: int
) -> list[dict[str, float | None]]:
    """Each import of ``archive`` in one transaction, the database wiped before each."""
    n_ent, n_rel = len(archive.entities), len(archive.relationships)
    bulk: list[dict[str, float | None]] = []
    for attempt in range(1, max(2, imports) + 1):
        wipe(store)
        say(f"import #{attempt}: {n_ent} entities, {n_rel} relationships, one transaction")
        report, figures = meter.measure(lambda: import_archive(store, archive))
        assert report.elements_created == n_ent, report.as_dict()
        bulk.append(figures)
        say(f"  {figures['wall']:.2f} s")
    return bulk


def measure_reimport(store: Store, meter: Meter, archive: Archive) -> dict[str, float | None]:
    """Importing ``archive`` again over itself, which changes nothing."""
    say("re-import")
    again, reimport = meter.measure(lambda: import_archive(store, archive))
    assert not again.changed
    return reimport


def measure_one_per_transaction(store: Store, archive: Archive, count: int) -> tuple[int, float]:
    """Entities imported and wall seconds, importing ``count`` entities one per transaction."""
    wipe(store)
    singles = one_entity_archives(archive, count)
    say(f"baseline: {len(singles)} entities, one transaction each")
    started = time.perf_counter()
    for single in singles:
        import_archive(store, single)
    return len(singles), time.perf_counter() - started


def measure_samples(store: Store, repeats: int) -> list[tuple[str, int, int, float]]:
    """(name, entities, relationships, median seconds) of reading and importing each of
    Egeria's sample archives into the wiped database; none where they are not found."""
    folder = sample_archives_dir()
    paths = [folder / name for name in SAMPLES]
    if not all(p.is_file() for p in paths):
        say(f"Egeria samples not found in {folder}; skipping them")
        return []
    rows: list[tuple[str, int, int, float]] = []
    for path in paths:
        timings = []
        for _ in range(repeats):
            wipe(store)
            started = time.perf_counter()
            sample = read_archive(path)
            import_archive(store, sample)
            timings.append(time.perf_counter() - started)
        rows.append(
            (path.name, len(sample.entities), len(sample.relationships), statistics.median(timings))
        )
    return rows


def measure_imports(
    store: Store, meter: Meter, archive: Archive, args: argparse.Namespace
) -> ImportFigures:
    """Every import this benchmark times, in order, leaving the database wiped."""
    init_schema(store)
    bulk = measure_bulk_imports(store, meter, archive, args.imports)
    reimport = measure_reimport(store, meter, archive)
    singles, single_s = measure_one_per_transaction(store, archive, args.per_entity_sample)
    samples = measure_samples(store, args.sample_repeats)
    wipe(store)
    return ImportFigures(bulk, reimport, singles, single_s, samples)


def header_lines(
    command: str,
    parsed: ParsedArchive,
    load: tuple[float, float],
    started_here: bool,
) -> list[str]:
    """The report's title, command, machine, load and archive lines."""
    n_ent, n_rel = len(parsed.archive.entities), len(parsed.archive.relationships)
    return [
        f"### egeria_import ({datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')})",
        "",
        f"Command: `.venv/bin/{command}`  ",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, Neo4j {NEO4J_VERSION} embedded (Community)  ",
        f"Load average (1 min) at start / end: {load[0]:.1f} / {load[1]:.1f} (other work on "
        "the machine inflates every figure; the ratio is measured side by side)  ",
        f"Synthetic archive: {n_ent} entities, {n_rel} relationships "
        f"({parsed.json_chars / 1e6:.1f} MB JSON); target >= 5,000 entities/s  ",
        "Server: "
        + (
            "started by this run (the first import runs on a cold JVM)"
            if started_here
            else "already running"
        ),
        "",
    ]


def measurement_rows(parsed: ParsedArchive, found: ImportFigures, sample_repeats: int) -> list[str]:
    """The report's table: one row per measurement, the Egeria samples last."""
    n_ent, n_rel = len(parsed.archive.entities), len(parsed.archive.relationships)
    bulk, parse_s = found.bulk, parsed.seconds
    bulk_s = float(bulk[-1]["wall"] or 0.0)
    reimport_s = float(found.reimport["wall"] or 0.0)
    lines = [
        "| measurement | entities | seconds | entities/s | client CPU s | Neo4j CPU s |",
        "|---|---|---|---|---|---|",
        f"| JSON parse + typed-value decoding | {n_ent} | {parse_s:.2f} | {n_ent / parse_s:,.0f} "
        f"| {parsed.cpu:.2f} | |",
        f"| first import into an empty database, one transaction (plan + write, with "
        f"{n_rel} relationships) | {n_ent} | {bulk[0]['wall']:.2f} | "
        f"{n_ent / float(bulk[0]['wall'] or 1.0):,.0f} | {_cpu(bulk[0])} |",
        f"| second import into the wiped database, same server | {n_ent} | "
        f"{bulk[1]['wall']:.2f} | {n_ent / float(bulk[1]['wall'] or 1.0):,.0f} | {_cpu(bulk[1])} |",
        f"| import #{len(bulk)} into the wiped database, same server (the headline: steady "
        f"state) | {n_ent} | {bulk_s:.2f} | **{n_ent / bulk_s:,.0f}** | {_cpu(bulk[-1])} |",
        f"| re-import, nothing changed (plan only) | {n_ent} | {reimport_s:.2f} | "
        f"{n_ent / reimport_s:,.0f} | {_cpu(found.reimport)} |",
        f"| one entity per transaction (no relationships) | {found.singles} | "
        f"{found.single_s:.2f} | {found.singles / found.single_s:,.0f} | | |",
    ]
    for name, ents, rels, seconds in found.samples:
        lines.append(
            f"| Egeria sample {name} ({rels} relationships), read + import, median of "
            f"{sample_repeats} | {ents} | {seconds:.3f} | {ents / seconds:,.0f} | | |"
        )
    return lines


def summary_lines(parsed: ParsedArchive, found: ImportFigures) -> list[str]:
    """The report's closing ratios: bulk against one entity per transaction, first
    against last import."""
    bulk_s = float(found.bulk[-1]["wall"] or 0.0)
    bulk_rate = len(parsed.archive.entities) / bulk_s
    single_rate = found.singles / found.single_s
    return [
        "",
        f"- bulk import (last) / one entity per transaction: **{bulk_rate / single_rate:.1f}x** "
        "entities per second (the bulk import also writes the relationships)",
        f"- first / last import of the same archive: "
        f"{float(found.bulk[0]['wall'] or 0.0) / bulk_s:.1f}x the wall time",
        "",
    ]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    given = argv if argv is not None else sys.argv[1:]
    command = "python -m benchmarks.egeria_import" + (" " + shlex.join(given) if given else "")
    load_start = os.getloadavg()[0]
    parsed = parse_synthetic_archive(args.entities)
    store, local, started_here = connect(args.instance)
    meter = Meter(local.status().pid if local is not None else None)
    try:
        found = measure_imports(store, meter, parsed.archive, args)
    finally:
        store.close()
        if local is not None and started_here and not args.keep_running:
            local.stop()
    load = (load_start, os.getloadavg()[0])
    lines = [
        *header_lines(command, parsed, load, started_here),
        *measurement_rows(parsed, found, args.sample_repeats),
        *summary_lines(parsed, found),
    ]
    publish("\n".join(lines), record=not args.no_record)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
