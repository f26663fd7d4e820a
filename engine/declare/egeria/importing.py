"""Importing archives: one transaction per archive, planned and written through the graph
writer (plain CREATE for what the plan proved absent, planned again with MERGE when
another writer got there first)."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence

from neo4j import ManagedTransaction

from engine.declare.egeria.archive import Archive, read_archive
from engine.declare.egeria.planning import plan_archive
from engine.declare.egeria.report import ImportReport
from engine.gcpause import gc_paused
from engine.graph.store import Store
from engine.graph.writer import ChangeInfo, ImportProgress, write_archive_tx, write_with_replan


def _noop(_phase: str, _done: int, _total: int) -> None:
    return None


def _timeout(store: Store, archive: Archive) -> float:
    size = len(archive.entities) + len(archive.relationships)
    return max(store.query_timeout, 60.0 + size / 500.0)


def plan_import(store: Store, archive: Archive) -> ImportReport:
    """What importing ``archive`` would change, without writing (the dry run)."""

    def work(tx: ManagedTransaction) -> ImportReport:
        return plan_archive(lambda name, params: store.run(tx, name, params), archive, True).report

    return store.read_tx(f"egeria-plan:{archive.name}", work, timeout=_timeout(store, archive))


def import_archive(
    store: Store,
    archive: Archive,
    *,
    dry_run: bool = False,
    progress: ImportProgress | None = None,
) -> ImportReport:
    """Load one parsed archive in one transaction (all or nothing); see :mod:`engine.declare.egeria`.

    Raises :class:`ArchiveError` (nothing written) when an element's
    qualifiedName belongs to another stored element, and
    :class:`~engine.errors.StoreError` when Neo4j fails (rolled back).
    """
    if dry_run:
        return plan_import(store, archive)
    report_progress = progress or _noop
    started = time.perf_counter()

    def work(tx: ManagedTransaction, lean: bool) -> ImportReport:
        with gc_paused():  # the rows of the plan are long-lived too (see parse_archive)
            plan = plan_archive(lambda name, params: store.run(tx, name, params), archive, False)
            write_archive_tx(store, tx, plan, report_progress, lean=lean)
        return plan.report

    # Another transaction may commit an element or relationship this one proved absent: the
    # writer then plans again (it is now stored) and writes with MERGE.
    operation = f"egeria-import:{archive.name}"
    change = ChangeInfo("import", "egeria import", f"import Egeria archive {archive.name}")
    report = write_with_replan(
        store, operation, work, timeout=_timeout(store, archive), change=change
    )
    report.seconds = time.perf_counter() - started
    return report


def import_archives(
    store: Store,
    paths: Sequence[str | os.PathLike[str]],
    *,
    dry_run: bool = False,
    progress: ImportProgress | None = None,
) -> list[ImportReport]:
    """Read every file first (a malformed one stops everything before any write),
    then import each in its own transaction, in order, so later archives can fill
    the proxies of earlier ones."""
    archives = [read_archive(p) for p in paths]
    return [import_archive(store, a, dry_run=dry_run, progress=progress) for a in archives]
