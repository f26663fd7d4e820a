"""Applying manifests: plan and write in ONE transaction through the graph writer.

All or nothing: the files are parsed and checked before anything is written; the
plan is computed inside the write transaction, the optional validator runs on
the state about to be committed, and any error rolls everything back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from neo4j import ManagedTransaction

from engine.declare.manifest.desired import Desired, collect
from engine.declare.manifest.plan import DEFAULT_PRUNE_THRESHOLD, Plan, make_plan
from engine.declare.manifest.reading import Document, load_manifests
from engine.errors import ManifestError, NotFoundError
from engine.gcpause import gc_paused
from engine.graph.records import (
    NEW_BATCH_SIZE,
    ElementRow,
    RelationshipRow,
    WriteResult,
    current_user,
)
from engine.graph.resolve import resolve_groups_tx
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

ApplyValidator = Callable[
    [Store, ManagedTransaction, Sequence[str]], Sequence[Mapping[str, Any]] | None
]
"""Called inside the apply transaction, after every write and before commit, with the
qualifiedNames of the applied groups; raise a SwitchboardError to roll everything back.
What it returns (findings that do not block the apply, e.g. warnings, as dicts) ends up in
:attr:`ApplyReport.warnings`."""

ApplyProgress = Callable[[str, int, int], None]
"""progress(stage, done, total), called as batches are written."""


@dataclass
class ApplyReport:
    """What :func:`apply` planned and (unless ``dry_run``) did."""

    plan: Plan
    dry_run: bool
    results: list[WriteResult] = field(default_factory=list)
    deleted: int = 0
    warnings: list[dict[str, Any]] = field(default_factory=list)
    """Findings of the validator that did not block the apply (warnings)."""

    @property
    def counts(self) -> dict[str, int]:
        if self.dry_run:
            return self.plan.summary
        out = {
            "create": 0,
            "update": 0,
            "unchanged": len(self.plan.unchanged_elements) + len(self.plan.unchanged_relationships),
            "delete": self.deleted,
        }
        for r in self.results:
            out[{"created": "create", "updated": "update"}.get(r.outcome, "unchanged")] += 1
        return out

    @property
    def changes(self) -> int:
        c = self.counts
        return c["create"] + c["update"] + c["delete"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "dryRun": self.dry_run,
            "groups": self.plan.groups,
            "counts": self.counts,
            "changes": self.changes,
            "plan": [c.as_dict() for c in self.plan.changes if c.action != "unchanged"],
            "warnings": self.warnings,
        }


def validate_in_transaction(
    store: Store, tx: ManagedTransaction, groups: Sequence[str]
) -> list[dict[str, Any]]:
    """The structural rules (engine.validate) on the groups as they are about to be committed.

    Raises :class:`ManifestError` listing every error finding; returns the other findings
    (warnings), as dicts, for the report.
    """
    from engine.validate import validate_groups

    if not groups:
        return []
    findings = validate_groups(resolve_groups_tx(store, tx, groups))
    errors = [f for f in findings if f.is_error]
    if errors:
        lines = [f"{f.rule} {f.group or ''} {f.connector or ''}: {f.message}" for f in errors]
        raise ManifestError(
            "validation failed; nothing was written:\n" + "\n".join(lines),
            hint="fix the findings (see 'switchboard validate'), or apply with --no-validate",
        )
    return [f.as_dict() for f in findings if not f.is_error]


def apply_documents(
    store: Store,
    docs: Sequence[Document],
    *,
    dry_run: bool = False,
    prune: bool = False,
    force: bool = False,
    prune_threshold: float = DEFAULT_PRUNE_THRESHOLD,
    validator: ApplyValidator | None = None,
    user: str | None = None,
    progress: ApplyProgress | None = None,
    on_plan: Callable[[Plan], None] | None = None,
    change: ChangeInfo | None = None,
) -> ApplyReport:
    """Plan and (unless ``dry_run``) apply parsed documents in ONE write transaction.

    All or nothing: any error (bad reference, conflict, validator) rolls back.
    What the plan finds missing is created with plain CREATE; when another writer commits
    one of those elements first, the uniqueness constraints refuse it, and the apply is
    planned again in a new transaction and written with MERGE throughout.
    ``on_plan`` sees the plan inside the transaction before anything is written
    (called again when the transaction is retried, after a transient error or that).
    ``change`` describes the change set recorded with the write (default: tool ``apply``,
    naming the groups). Raises :class:`ManifestError` (exit 2) for bad input.
    """
    with gc_paused():
        # The desired state and the plan are ~10 long-lived objects per declared element
        # and relationship: automatic collections, each walking all of them, cost more
        # than the rest of the client's work (a third of a 10,000-connector re-apply).
        desired = collect(docs)
        user = user or current_user()
        if change is None:
            groups = ", ".join(sorted(desired.groups)) or "no group"
            change = ChangeInfo("apply", "apply", f"apply manifest(s) for {groups}", user)
        options = _WriteOptions(user, validator, progress, on_plan, change)

        def plan_in(tx: ManagedTransaction) -> Plan:
            return make_plan(
                store, tx, desired, prune=prune, force=force, prune_threshold=prune_threshold
            )

        if dry_run:
            return store.read_tx("apply:plan", lambda tx: ApplyReport(plan_in(tx), True))
        return _write(store, desired, plan_in, options)


def apply(
    store: Store,
    paths: Sequence[str | Path],
    *,
    dry_run: bool = False,
    prune: bool = False,
    force: bool = False,
    prune_threshold: float = DEFAULT_PRUNE_THRESHOLD,
    validator: ApplyValidator | None = None,
    user: str | None = None,
    progress: ApplyProgress | None = None,
    on_plan: Callable[[Plan], None] | None = None,
    change: ChangeInfo | None = None,
) -> ApplyReport:
    """Load manifest files and apply them (see :func:`apply_documents`)."""
    with gc_paused():  # see apply_documents
        docs = load_manifests(paths)
        return apply_documents(
            store,
            docs,
            dry_run=dry_run,
            prune=prune,
            force=force,
            prune_threshold=prune_threshold,
            validator=validator,
            user=user,
            progress=progress,
            on_plan=on_plan,
            change=change,
        )


# ------------------------------------------------------------------ writing
@dataclass(frozen=True)
class _WriteOptions:
    user: str
    validator: ApplyValidator | None
    progress: ApplyProgress | None
    on_plan: Callable[[Plan], None] | None
    change: ChangeInfo


def _write(
    store: Store,
    desired: Desired,
    plan_in: Callable[[ManagedTransaction], Plan],
    options: _WriteOptions,
) -> ApplyReport:
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
        options: _WriteOptions,
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
