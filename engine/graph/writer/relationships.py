"""Relationship writes: one template per strategy, filled with a type from code."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from neo4j import ManagedTransaction

from engine.errors import ConflictError, NotFoundError
from engine.graph.graphmap import now
from engine.graph.records import (
    EGERIA_NAME_BY_REL_TYPE,
    FIXED_KEYS,
    NEW_BATCH_SIZE,
    RelationshipRow,
    WriteResult,
    batches,
    current_user,
    new_guid,
    relationship_name,
)
from engine.graph.store import Statement, Store
from engine.graph.writer.history import RelationshipSelector, active_recorder
from engine.graph.writer.templates import (
    RELATIONSHIP_CREATE,
    RELATIONSHIP_CREATE_NEW,
    RELATIONSHIP_KINDS,
    RELATIONSHIP_UPSERT,
    relationship_statement,
)

_CREATE_COLUMNS = ("from", "to", "key", "guid", "version", "removed", "created")
"""RETURN columns, in order, of relationship_create (read as value tuples)."""
_ENDS_MISSING_HINT = "create both elements first (or declare them in the manifest)"


def _ends_missing(rel_type: str, from_: str, to: str) -> NotFoundError:
    return NotFoundError(
        f"{EGERIA_NAME_BY_REL_TYPE[rel_type]} {from_} -> {to}: one of the ends does not exist",
        hint=_ENDS_MISSING_HINT,
    )


def _check_ends_found(
    rel_type: str, batch: Sequence[Mapping[str, Any]], out: Sequence[Mapping[str, Any]]
) -> None:
    """Raise :func:`_ends_missing` for the first row of ``batch`` that the statement
    returned no record for (a MATCH of one of its ends found nothing)."""
    if len(out) < len(batch):
        seen = {(r["from"], r["to"], r["key"]) for r in out}
        first = next(r for r in batch if (r["from"], r["to"], r["key"]) not in seen)
        raise _ends_missing(rel_type, first["from"], first["to"])


def _before(tx: ManagedTransaction, rows: Sequence[RelationshipRow], *, single_only: bool) -> None:
    """Tell the transaction's change recorder (if any) which relationships a write of
    ``rows`` may touch: those between the same ends, and every link of a ``single`` kind
    from end 1 (a new one replaces it). ``single_only``: only the latter (rows proved
    absent)."""
    recorder = active_recorder(tx)
    if recorder is None:
        return
    selectors: list[RelationshipSelector] = []
    for row in rows:
        single = RELATIONSHIP_KINDS[row.type] == "single"
        if single or not single_only:
            selectors.append(RelationshipSelector(row.type, row.from_, None if single else row.to))
    if selectors:
        recorder.before(selectors=selectors)


def _after(
    tx: ManagedTransaction, results: Sequence[WriteResult], types: Mapping[str, str]
) -> None:
    """Tell the transaction's change recorder (if any) about the relationships written
    (``types``: guid -> relationship type)."""
    recorder = active_recorder(tx)
    if recorder is not None:
        changed = [r.guid for r in results if r.changed]
        recorder.after(relationships=changed, relationship_types=types)


def _grouped_by_type(rows: Sequence[RelationshipRow]) -> dict[str, list[RelationshipRow]]:
    by_type: dict[str, list[RelationshipRow]] = defaultdict(list)
    for row in rows:
        by_type[row.type].append(row)
    return by_type


def write_relationships_tx(
    store: Store,
    tx: ManagedTransaction,
    rows: Sequence[RelationshipRow],
    *,
    user: str | None = None,
    when: datetime | None = None,
) -> list[WriteResult]:
    """Upsert relationships in ``tx``, one UNWIND per type and batch.

    Raises :class:`NotFoundError` when an end does not exist and
    :class:`ConflictError` on an expected-version mismatch.
    """
    user = user or current_user()
    when = when or now()
    results: list[WriteResult] = []
    types: dict[str, str] = {}
    _before(tx, rows, single_only=False)
    for rel_type, typed in _grouped_by_type(rows).items():
        text = relationship_statement(RELATIONSHIP_UPSERT, rel_type)
        for batch in batches([row.params() for row in typed]):
            out = store.run(
                tx,
                RELATIONSHIP_UPSERT,
                {"rows": batch, "fixed": list(FIXED_KEYS), "now": when, "user": user},
                text=text,
            )
            _check_ends_found(rel_type, batch, out)
            for rec in out:
                name = relationship_name(rel_type, rec["from"], rec["to"], rec["key"])
                if rec["outcome"] == "conflict":
                    found = rec["previousVersion"]
                    raise ConflictError(
                        f"{name}: expected another version "
                        + (
                            "(it does not exist)"
                            if found is None
                            else f"(it is at version {found})"
                        ),
                        hint="read it again and retry with the current version",
                    )
                results.append(
                    WriteResult(
                        "relationship",
                        name,
                        rec["guid"],
                        rec["version"],
                        rec["outcome"],
                        removed=rec["removed"],
                    )
                )
                types[rec["guid"]] = rel_type
    _after(tx, results, types)
    return results


def create_relationships_tx(
    store: Store,
    tx: ManagedTransaction,
    rows: Sequence[RelationshipRow],
    *,
    user: str | None = None,
    when: datetime | None = None,
) -> list[WriteResult]:
    """Create relationships known (by a read in ``tx``) to be missing; see
    :func:`create_elements_tx`. Rows found existing go through :func:`write_relationships_tx`."""
    user = user or current_user()
    when = when or now()
    results: list[WriteResult] = []
    fallback: list[RelationshipRow] = []
    types: dict[str, str] = {}
    _before(tx, rows, single_only=True)
    for rel_type, typed in _grouped_by_type(rows).items():
        by_key = {(r.from_, r.to, r.key): r for r in typed}
        text = relationship_statement(RELATIONSHIP_CREATE, rel_type)
        for batch in batches([row.params() for row in typed]):
            params = {"rows": batch, "now": when, "user": user}
            out = [
                dict(zip(_CREATE_COLUMNS, values, strict=True))
                for values in store.run_values(tx, RELATIONSHIP_CREATE, params, text=text)
            ]
            _check_ends_found(rel_type, batch, out)
            for rec in out:
                if rec["created"]:
                    name = relationship_name(rel_type, rec["from"], rec["to"], rec["key"])
                    results.append(
                        WriteResult("relationship", name, rec["guid"], 1, "created", rec["removed"])
                    )
                    types[rec["guid"]] = rel_type
                else:
                    fallback.append(by_key[(rec["from"], rec["to"], rec["key"])])
    _after(tx, results, types)
    if fallback:
        results.extend(write_relationships_tx(store, tx, fallback, user=user, when=when))
    return results


def create_new_relationships_tx(
    store: Store,
    tx: ManagedTransaction,
    rows: Sequence[RelationshipRow],
    element_ids: Mapping[str, str],
    *,
    user: str | None = None,
    when: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[WriteResult]:
    """Create relationships whose end 1 ``tx`` itself created (so none of them can exist
    yet, and no other transaction can write them): plain CREATE between the ends'
    elementIds (``element_ids``: qualifiedName -> elementId, read or created in ``tx``),
    one statement per type and batch of :data:`NEW_BATCH_SIZE`.

    ``progress(n)`` is told how many rows are written so far. Raises
    :class:`NotFoundError` when an end is unknown or no longer exists.
    """
    user = user or current_user()
    when = when or now()
    results: list[WriteResult] = []
    types: dict[str, str] = {}
    done = 0

    def statements() -> Iterator[Statement]:
        for rel_type, typed in _grouped_by_type(rows).items():
            text = relationship_statement(RELATIONSHIP_CREATE_NEW, rel_type)
            for start in range(0, len(typed), NEW_BATCH_SIZE):
                batch: list[dict[str, Any]] = []
                for row in typed[start : start + NEW_BATCH_SIZE]:
                    a, b = element_ids.get(row.from_), element_ids.get(row.to)
                    if a is None or b is None:
                        raise _ends_missing(row.type, row.from_, row.to)
                    guid = row.guid or new_guid()
                    batch.append({"a": a, "b": b, "guid": guid, "props": row.props})
                    name = relationship_name(row.type, row.from_, row.to, row.key)
                    results.append(WriteResult("relationship", name, guid, 1, "created"))
                    types[guid] = row.type
                params = {"rows": batch, "now": when, "user": user}
                yield Statement(RELATIONSHIP_CREATE_NEW, params, len(batch), text)

    def handle(out: list[tuple[Any, ...]], count: int) -> None:
        nonlocal done
        ((created,),) = out
        if created < count:
            raise NotFoundError(
                f"{count - created} relationship(s) lost an end: an element the plan read "
                "was deleted by another writer meanwhile",
                hint="apply again",
            )
        done += count
        if progress is not None:
            progress(done)

    store.run_pipelined(tx, statements(), handle)
    _after(tx, results, types)
    return results


def delete_relationships_tx(
    store: Store,
    tx: ManagedTransaction,
    keys: Sequence[tuple[str, str, str, str]],
) -> int:
    """Delete relationships by (type, from, to, key); returns how many were removed."""
    rows = [{"type": t, "from": f, "to": to, "key": k} for t, f, to, k in keys]
    recorder = active_recorder(tx)
    if recorder is not None:
        recorder.before(selectors=[RelationshipSelector(t, f, to) for t, f, to, _ in keys])
    deleted = 0
    for batch in batches(rows):
        deleted += sum(r["deleted"] for r in store.run(tx, "relationships_delete", {"rows": batch}))
    return deleted
