"""Writing an apply's plan, in the apply's one transaction, through the graph writer.

:func:`write_plan` plans inside the write transaction (``plan_in``), lets ``on_plan`` see the
plan, writes what it leaves to write in batches (plain CREATE for what it found missing) and
runs the validator before commit; when another writer commits an element first, it plans
and writes again with MERGE throughout. Loaded by :func:`.apply.apply_documents` only when
something is to be written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from neo4j import ManagedTransaction

from engine.declare.manifest.desired import Desired
from engine.declare.manifest.plan import Plan
from engine.declare.manifest.report import ApplyProgress, ApplyReport, ApplyValidator
from engine.errors import ManifestError, NotFoundError
from engine.graph.records import NEW_BATCH_SIZE, ElementRow, RelationshipRow
from engine.graph.store import Store
from engine.graph.writer import (
    ChangeInfo,
    create_elements_tx,
    create_new_elements_tx,
    create_new_relationships_tx,
    create_relationships_tx,
    delete_relationships_tx,
    write_elements_tx,
    write_relationships_tx,
    write_with_replan,
)


@dataclass(frozen=True)
class WriteOptions:
    """How :func:`write_plan` writes: as whom, checked by what, telling whom."""

    user: str
    validator: ApplyValidator | None
    progress: ApplyProgress | None
    on_plan: Callable[[Plan], None] | None
    change: ChangeInfo


def write_plan(
    store: Store,
    desired: Desired,
    plan_in: Callable[[ManagedTransaction], Plan],
    options: WriteOptions,
) -> ApplyReport:
    """Plan (``plan_in``) and write ``desired`` in one write transaction, planning and
    writing again with MERGE throughout when another writer committed an element first;
    a reference gone meanwhile is a :class:`ManifestError`."""

    def work(tx: ManagedTransaction, lean: bool) -> ApplyReport:
        plan = plan_in(tx)
        if options.on_plan is not None:
            options.on_plan(plan)
        return _PlanWriter(store, tx, desired, plan, options).write(lean)

    timeout = max(store.query_timeout, 600.0)
    try:
        # Another transaction may commit an element (or relationship) this one's plan found
        # missing: the writer then plans again, in a new transaction, with MERGE throughout.
        return write_with_replan(store, "apply", work, timeout=timeout, change=options.change)
    except NotFoundError as exc:
        raise ManifestError(exc.message, hint=exc.hint) from exc


@dataclass
class _Pending:
    """What a plan leaves to write: what it found already as declared is not written again
    (a concurrent change made after the plan read it simply commits after this transaction)."""

    creates: set[str]
    new_rows: list[ElementRow]
    changed_rows: list[ElementRow]
    new_rels: list[RelationshipRow]
    changed_rels: list[RelationshipRow]

    @classmethod
    def of(cls, desired: Desired, plan: Plan) -> _Pending:
        creates = {c.name for c in plan.changes if c.kind == "element" and c.action == "create"}
        missing = plan.missing_relationships
        return cls(
            creates,
            [r for qn, r in desired.elements.items() if qn in creates],
            [
                r
                for qn, r in desired.elements.items()
                if qn not in creates and qn not in plan.unchanged_elements
            ],
            [r for i, r in desired.relationships.items() if i in missing],
            [
                r
                for i, r in desired.relationships.items()
                if i not in missing and i not in plan.unchanged_relationships
            ],
        )

    def size(self) -> int:
        return (
            len(self.new_rows)
            + len(self.changed_rows)
            + len(self.new_rels)
            + len(self.changed_rels)
        )


class _PlanWriter:
    """Writes one plan in one transaction, reporting progress as batches are written."""

    def __init__(
        self,
        store: Store,
        tx: ManagedTransaction,
        desired: Desired,
        plan: Plan,
        options: WriteOptions,
    ) -> None:
        self.store, self.tx, self.desired, self.options = store, tx, desired, options
        self.report = ApplyReport(plan, False)
        self.pending = _Pending.of(desired, plan)
        self.ids = dict(plan.element_ids)
        self.total = len(desired.elements) + len(desired.relationships)
        self.done = self.total - self.pending.size()

    def write(self, lean: bool) -> ApplyReport:
        report, plan = self.report, self.report.plan
        if plan.deletes:
            report.deleted = delete_relationships_tx(self.store, self.tx, plan.deletes)
        self.write_elements(lean)
        self.write_relationships(lean)
        validator = self.options.validator
        if validator is not None:
            found = validator(self.store, self.tx, self.desired.groups) or ()
            report.warnings = [dict(w) for w in found]
        return report

    def told(self, stage: str) -> Callable[[int], None] | None:
        """A progress callback for a writer call that counts from what is done so far."""
        progress, base, total = self.options.progress, self.done, self.total
        if progress is None:
            return None
        return lambda n: progress(stage, base + n, total)

    def advance(self, stage: str, count: int, *, tell: bool) -> None:
        self.done += count
        if tell and self.options.progress:
            self.options.progress(stage, self.done, self.total)

    def write_elements(self, lean: bool) -> None:
        store, tx, user, results = self.store, self.tx, self.options.user, self.report.results
        new_rows = self.pending.new_rows
        if lean:
            # What the plan found missing is created with plain CREATE; an element another
            # writer committed meanwhile breaks a uniqueness constraint, and the caller then
            # runs this again with lean=False.
            created_results, created = create_new_elements_tx(
                store, tx, new_rows, user=user, progress=self.told("elements")
            )
            self.ids.update(created)
            results.extend(created_results)
            self.advance("elements", len(new_rows), tell=False)
        else:
            for start in range(0, len(new_rows), NEW_BATCH_SIZE):
                chunk = new_rows[start : start + NEW_BATCH_SIZE]
                # MERGE ... ON CREATE: falls back to the upsert for what exists by now.
                results.extend(create_elements_tx(store, tx, chunk, user=user))
                self.advance("elements", len(chunk), tell=True)
        changed = self.pending.changed_rows
        results.extend(write_elements_tx(store, tx, changed, user=user))
        self.advance("elements", len(changed), tell=False)

    def write_relationships(self, lean: bool) -> None:
        store, tx, user, results = self.store, self.tx, self.options.user, self.report.results
        # A relationship whose end 1 this transaction created cannot exist yet, nor be
        # written by anyone else: plain CREATE between elementIds. The others may have been
        # created by a concurrent writer since the plan: MERGE (create_relationships_tx).
        fresh = self.pending.creates if lean else set()
        from_new = [r for r in self.pending.new_rels if r.from_ in fresh]
        others = [r for r in self.pending.new_rels if r.from_ not in fresh]
        if from_new:
            results.extend(
                create_new_relationships_tx(
                    store, tx, from_new, self.ids, user=user, progress=self.told("relationships")
                )
            )
            self.advance("relationships", len(from_new), tell=False)
        for start in range(0, len(others), NEW_BATCH_SIZE):
            chunk = others[start : start + NEW_BATCH_SIZE]
            results.extend(create_relationships_tx(store, tx, chunk, user=user))
            self.advance("relationships", len(chunk), tell=True)
        results.extend(write_relationships_tx(store, tx, self.pending.changed_rels, user=user))
