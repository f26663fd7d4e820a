"""Carrying out an Egeria archive import's plan."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

from neo4j import ManagedTransaction

from engine.graph.records import (
    NEW_BATCH_SIZE,
    batches,
)
from engine.graph.store import Store
from engine.graph.writer.history import active_recorder
from engine.graph.writer.templates import IMPORT_CREATE_RELATIONSHIPS, relationship_statement


class ArchiveWrites(Protocol):
    """What an archive import's plan writes (see engine.declare.egeria)."""

    node_creates: list[dict[str, Any]]
    node_updates: list[dict[str, Any]]
    proxy_rows: list[dict[str, Any]]
    element_ids: dict[str, str]
    rel_deletes: list[str]
    rel_creates: list[dict[str, Any]]
    rel_updates: list[dict[str, Any]]


ImportProgress = Callable[[str, int, int], None]


class _ArchiveWriter:
    """One archive plan being written in one transaction: statements, progress, elementIds."""

    def __init__(
        self, store: Store, tx: ManagedTransaction, plan: ArchiveWrites, progress: ImportProgress
    ) -> None:
        self.store, self.tx, self.plan, self.progress = store, tx, plan, progress
        self.ids = dict(plan.element_ids)
        self.total = sum(
            len(rows)
            for rows in (
                plan.node_creates,
                plan.node_updates,
                plan.proxy_rows,
                plan.rel_deletes,
                plan.rel_creates,
                plan.rel_updates,
            )
        )
        self.done = 0

    def step(
        self, phase: str, query: str, params: dict[str, Any], count: int, text: str | None = None
    ) -> list[dict[str, Any]]:
        if text is None:
            result = self.store.run(self.tx, query, params)
        else:
            result = self.store.run(self.tx, query, params, text=text)
        self.done += count
        self.progress(phase, self.done, self.total)
        return result

    def remember(self, result: list[dict[str, Any]]) -> None:
        for row in result:
            self.ids.update(row["ids"])

    def elements(self, lean: bool) -> None:
        plan = self.plan
        if lean:
            for phase, rows in (("elements", plan.node_creates), ("proxies", plan.proxy_rows)):
                for labels, batch in _import_creates_by_labels(rows):
                    params = {"labels": list(labels), "rows": batch}
                    self.remember(self.step(phase, "import_create_nodes", params, len(batch)))
            upserts: list[dict[str, Any]] = plan.node_updates
        else:
            upserts = plan.node_creates + plan.node_updates
        for batch in batches(upserts, NEW_BATCH_SIZE):
            self.remember(self.step("elements", "import_upsert_nodes", {"rows": batch}, len(batch)))
        if not lean:
            for batch in batches(plan.proxy_rows, NEW_BATCH_SIZE):
                params = {"rows": batch}
                self.remember(self.step("proxies", "import_create_proxies", params, len(batch)))

    def relationships(self) -> None:
        plan = self.plan
        for start in range(0, len(plan.rel_deletes), NEW_BATCH_SIZE):
            guids = plan.rel_deletes[start : start + NEW_BATCH_SIZE]
            self.step("relationships", "import_delete_relationships", {"guids": guids}, len(guids))
        # one statement per relationship type: a static type plans faster than $(type)
        by_type: dict[str, list[dict[str, Any]]] = {}
        for row in plan.rel_creates:
            by_type.setdefault(row["type"], []).append(
                {
                    "start": self.ids[row["start"]],
                    "end": self.ids[row["end"]],
                    "properties": row["properties"],
                    "dates": row["dates"],
                }
            )
        for neo_type, typed in sorted(by_type.items()):
            text = relationship_statement(IMPORT_CREATE_RELATIONSHIPS, neo_type)
            for batch in batches(typed, NEW_BATCH_SIZE):
                params = {"rows": batch}
                self.step("relationships", IMPORT_CREATE_RELATIONSHIPS, params, len(batch), text)
        for batch in batches(plan.rel_updates, NEW_BATCH_SIZE):
            self.step("relationships", "import_update_relationships", {"rows": batch}, len(batch))


def write_archive_tx(
    store: Store,
    tx: ManagedTransaction,
    plan: ArchiveWrites,
    progress: ImportProgress,
    *,
    lean: bool = True,
) -> None:
    """Carry out an archive import's ``plan`` in ``tx``.

    ``lean``: elements and proxies that the plan proved absent are made with CREATE, one
    statement per label set (a static label set and no MERGE lock or lookup per row), and
    relationships are created between ends found by the elementId that the lookup or the
    create returned (no second index seek by guid). Without ``lean`` -- the fallback when
    another transaction committed one of those elements meanwhile (:func:`write_with_replan`)
    -- every element is written with MERGE on guid.
    """
    writer = _ArchiveWriter(store, tx, plan, progress)
    recorder = active_recorder(tx)
    if recorder is not None:
        existing = [row["guid"] for row in plan.node_updates]
        changed = [row["guid"] for row in plan.rel_updates]
        recorder.before(guids=existing, relationships=[*plan.rel_deletes, *changed])
    writer.elements(lean)
    writer.relationships()
    if recorder is not None:
        written = (plan.node_creates, plan.node_updates, plan.proxy_rows)
        recorder.after(
            elements=[row["guid"] for rows in written for row in rows],
            relationships=[
                *(row["properties"].get("guid") or "" for row in plan.rel_creates),
                *(row["guid"] for row in plan.rel_updates),
            ],
            relationship_types={
                row["properties"]["guid"]: row["type"]
                for row in plan.rel_creates
                if row["properties"].get("guid")
            },
        )


def _import_creates_by_labels(
    rows: Sequence[dict[str, Any]],
) -> Iterator[tuple[tuple[str, ...], list[dict[str, Any]]]]:
    by_labels: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        by_labels.setdefault(tuple(row["labels"]), []).append(
            {"guid": row["guid"], "properties": row["properties"], "dates": row["dates"]}
        )
    for labels, same in sorted(by_labels.items()):
        for batch in batches(same, NEW_BATCH_SIZE):
            yield labels, batch
