"""Applying manifests: plan and write in ONE transaction through the graph writer.

All or nothing: the files are parsed and checked before anything is written; the
plan is computed inside the write transaction, the optional validator runs on
the state about to be committed, and any error rolls everything back. The writing is
:mod:`.write`'s, loaded when something is to be written: a dry run plans and stops.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from neo4j import ManagedTransaction

from engine.declare.manifest.desired import collect
from engine.declare.manifest.plan import DEFAULT_PRUNE_THRESHOLD, Plan, make_plan
from engine.declare.manifest.reading import Document, load_manifests
from engine.declare.manifest.report import ApplyProgress, ApplyReport, ApplyValidator
from engine.errors import ManifestError
from engine.gcpause import gc_paused
from engine.graph.records import current_user
from engine.graph.store import Store

if TYPE_CHECKING:
    from engine.graph.writer import ChangeInfo


def validate_in_transaction(
    store: Store, tx: ManagedTransaction, groups: Sequence[str]
) -> list[dict[str, Any]]:
    """The structural rules (engine.validate) on the groups as they are about to be committed.

    Raises :class:`ManifestError` listing every error finding; returns the other findings
    (warnings), as dicts, for the report.
    """
    from engine.graph.resolve import resolve_groups_tx
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

        def plan_in(tx: ManagedTransaction) -> Plan:
            return make_plan(
                store, tx, desired, prune=prune, force=force, prune_threshold=prune_threshold
            )

        if dry_run:
            return store.read_tx("apply:plan", lambda tx: ApplyReport(plan_in(tx), True))
        from engine.declare.manifest.write import WriteOptions, write_plan

        user = user or current_user()
        if change is None:
            from engine.graph.writer import ChangeInfo

            groups = ", ".join(sorted(desired.groups)) or "no group"
            change = ChangeInfo("apply", "apply", f"apply manifest(s) for {groups}", user)
        options = WriteOptions(user, validator, progress, on_plan, change)
        return write_plan(store, desired, plan_in, options)


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
