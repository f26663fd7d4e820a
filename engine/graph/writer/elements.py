"""Element writes: MERGE upserts, creates of what a read found absent, the re-plan on a
constraint conflict, locks and deletes with their cascades."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from neo4j import ManagedTransaction

from engine.errors import ConflictError, ConstraintViolation
from engine.graph.graphmap import now
from engine.graph.records import (
    FIXED_KEYS,
    NEW_BATCH_SIZE,
    DeleteResult,
    ElementRow,
    WriteResult,
    batches,
    current_user,
    new_guid,
)
from engine.graph.store import Statement, Store
from engine.graph.writer.history import ChangeInfo, active_recorder, recorded_work

T = TypeVar("T")


def write_elements_tx(
    store: Store,
    tx: ManagedTransaction,
    rows: Sequence[ElementRow],
    *,
    user: str | None = None,
    when: datetime | None = None,
) -> list[WriteResult]:
    """Upsert elements (replace semantics) in ``tx``; see cypher/engine/element_upsert.cypher.

    Raises :class:`ConflictError` when an expected version does not match or a
    given guid differs from the stored one (the caller's transaction then rolls back).
    """
    user = user or current_user()
    when = when or now()
    results: list[WriteResult] = []
    recorder = active_recorder(tx)
    if recorder is not None:
        recorder.before(names=[row.qualifiedName for row in rows])
    params = [row.params() for row in rows]
    for batch in batches(params):
        out = store.run(
            tx,
            "element_upsert",
            {"rows": batch, "fixed": list(FIXED_KEYS), "now": when, "user": user},
        )
        for rec in out:
            _raise_element_conflict(rec, batch)
            results.append(
                WriteResult(
                    "element", rec["qualifiedName"], rec["guid"], rec["version"], rec["outcome"]
                )
            )
    _recorded(tx, results)
    return results


def _raise_element_conflict(rec: Mapping[str, Any], batch: Sequence[Mapping[str, Any]]) -> None:
    outcome = rec["outcome"]
    if outcome == "conflict":
        expected = next(
            r["expectedVersion"] for r in batch if r["qualifiedName"] == rec["qualifiedName"]
        )
        found = rec["previousVersion"]
        raise ConflictError(
            f"{rec['qualifiedName']}: expected version {expected}, "
            + ("but it does not exist" if found is None else f"but it is at version {found}"),
            hint="read it again (switchboard get) and retry with the current version",
        )
    if outcome == "guid_mismatch":
        raise ConflictError(
            f"{rec['qualifiedName']}: exists with guid {rec['guid']}; a guid cannot change",
            hint="leave guid out, or use the stored one",
        )


def create_elements_tx(
    store: Store,
    tx: ManagedTransaction,
    rows: Sequence[ElementRow],
    *,
    user: str | None = None,
    when: datetime | None = None,
) -> list[WriteResult]:
    """Create elements known (by a read in ``tx``) to be missing: a lean MERGE ... ON CREATE.

    Rows that exist by the time they are written (a concurrent writer) fall back to
    :func:`write_elements_tx`, so the outcome is always correct.
    """
    user = user or current_user()
    when = when or now()
    results: list[WriteResult] = []
    by_name = {row.qualifiedName: row for row in rows}
    fallback: list[ElementRow] = []
    for batch in batches([row.params() for row in rows]):
        created_rows = store.run_values(
            tx, "element_create", {"rows": batch, "now": when, "user": user}
        )
        for qualified_name, guid, _version, created in created_rows:
            if created:
                results.append(WriteResult("element", qualified_name, guid, 1, "created"))
            else:
                fallback.append(by_name[qualified_name])
    _recorded(tx, results)
    if fallback:
        results.extend(write_elements_tx(store, tx, fallback, user=user, when=when))
    return results


def _recorded(tx: ManagedTransaction, results: Sequence[WriteResult]) -> None:
    """Tell the transaction's change recorder (if any) about the elements just written."""
    recorder = active_recorder(tx)
    if recorder is not None:
        recorder.after(elements=[r.guid for r in results if r.changed])


def create_new_elements_tx(
    store: Store,
    tx: ManagedTransaction,
    rows: Sequence[ElementRow],
    *,
    user: str | None = None,
    when: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[WriteResult], dict[str, str]]:
    """Create elements a read in ``tx`` proved absent: plain CREATE, one statement per label
    set and batch of :data:`NEW_BATCH_SIZE` (see cypher/engine/element_create_new.cypher).

    Returns the results and qualifiedName -> elementId of the elements created;
    ``progress(n)`` is told how many rows are written so far. An element that another
    transaction committed since the read breaks a uniqueness constraint: the statement
    fails with :class:`~engine.errors.ConstraintViolation`, ``tx`` is lost, and the caller
    plans again and writes with :func:`create_elements_tx` (see :func:`write_with_replan`).
    Raises :class:`UsageError` for an invalid type name.
    """
    user = user or current_user()
    when = when or now()
    labels: dict[str, tuple[str, ...]] = {}  # by typeName: one check per type
    by_labels: dict[tuple[str, ...], list[ElementRow]] = defaultdict(list)
    for row in rows:
        if row.typeName not in labels:
            labels[row.typeName] = row.labels()
        by_labels[labels[row.typeName]].append(row)
    results: list[WriteResult] = []
    ids: dict[str, str] = {}
    done = 0

    def statements() -> Iterator[Statement]:
        for label_set, same in by_labels.items():
            for start in range(0, len(same), NEW_BATCH_SIZE):
                batch: list[dict[str, Any]] = []
                for row in same[start : start + NEW_BATCH_SIZE]:
                    guid = row.guid or new_guid()
                    batch.append(
                        {
                            "qualifiedName": row.qualifiedName,
                            "guid": guid,
                            "typeName": row.typeName,
                            "props": row.props,
                        }
                    )
                    results.append(WriteResult("element", row.qualifiedName, guid, 1, "created"))
                params = {"labels": list(label_set), "rows": batch, "now": when, "user": user}
                yield Statement("element_create_new", params, len(batch))

    def handle(out: list[tuple[Any, ...]], count: int) -> None:
        nonlocal done
        for (created,) in out:
            ids.update(created)
        done += count
        if progress is not None:
            progress(done)

    store.run_pipelined(tx, statements(), handle)
    _recorded(tx, results)
    return results, ids


def write_with_replan(
    store: Store,
    operation: str,
    work: Callable[[ManagedTransaction, bool], T],
    *,
    timeout: float | None = None,
    change: ChangeInfo | None = None,
) -> T:
    """Run ``work(tx, lean=True)`` in one write transaction; when it breaks a uniqueness
    constraint (another transaction committed an element or relationship its plan proved
    absent), run ``work(tx, lean=False)`` once more in a new transaction: it plans again
    (the element is now stored) and writes with MERGE throughout.

    With ``change``, each transaction records its change set (engine.graph.writer.history)."""

    def attempt(lean: bool) -> Callable[[ManagedTransaction], T]:
        def unit(tx: ManagedTransaction) -> T:
            return work(tx, lean)

        return unit if change is None else recorded_work(store, change, unit)

    try:
        return store.write_tx(operation, attempt(True), timeout=timeout)
    except ConstraintViolation:
        return store.write_tx(operation, attempt(False), timeout=timeout)


def lock_element_tx(
    store: Store, tx: ManagedTransaction, qualified_name: str
) -> dict[str, Any] | None:
    """Write-lock the element (so a read-modify-write in ``tx`` cannot lose an update) and
    return its raw row (qualifiedName, guid, typeName, labels, props), or ``None``."""
    rows = store.run(tx, "element_lock", {"qualifiedName": qualified_name})
    return rows[0] if rows else None


def delete_element_tx(store: Store, tx: ManagedTransaction, row: dict[str, Any]) -> DeleteResult:
    """Delete one element (given as a raw row) with SPEC's cascade rules.

    A connector takes along its registrations and catalog-target links and the
    connections (with embedded ones) and endpoints only it uses; connector
    types and shared endpoints stay. A group loses its registrations, not its
    connectors. Any other element loses its relationships.
    """
    guid = row["guid"]
    doomed = [guid]
    if "IntegrationConnector" in row["labels"]:
        doomed.extend(_owned_by_connector(store.run(tx, "connector_owned", {"guid": guid}), guid))
    recorder = active_recorder(tx)
    if recorder is not None:
        recorder.before(incident=doomed)
    store.run(tx, "elements_delete", {"guids": doomed})
    return DeleteResult(elements=doomed)


def _owned_by_connector(owned: list[dict[str, Any]], guid: str) -> list[str]:
    """The guids, among a connector's connections and endpoints (rows of connector_owned),
    that only it uses."""
    keep_out = {guid}
    candidates = {r["guid"]: r for r in owned}
    changed = True
    while changed:
        changed = False
        for cg, r in list(candidates.items()):
            outside_asset = any(a not in keep_out for a in r["assets"])
            outside_parent = any(p not in candidates for p in r["parents"])
            if outside_asset or outside_parent:
                del candidates[cg]
                changed = True
    endpoints: dict[str, set[str]] = {}
    for r in candidates.values():
        for ep in r["endpoints"]:
            endpoints[ep["guid"]] = set(ep["users"])
    return [*candidates, *(e for e, users in endpoints.items() if users <= set(candidates))]
