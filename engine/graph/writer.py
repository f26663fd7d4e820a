"""The graph writer: the one module that runs write statements (besides the schema's DDL).

Every write strategy lives here:

* **MERGE upserts** on an element's ``qualifiedName`` (and a relationship's ends, plus
  ``catalogTargetName`` for catalog targets) inside a managed transaction
  (:func:`write_elements_tx`, :func:`write_relationships_tx`). The Cypher write-locks each
  node or relationship before comparing it with the desired properties, so ``version`` goes
  up by exactly 1 on a real change and stays put on an idempotent re-write, even with
  concurrent writers. A write may carry the version it expects; when the element (or
  relationship) has moved on, :class:`~engine.errors.ConflictError` is raised and nothing of
  that transaction is kept.
* **Creates of what a read proved absent**: MERGE ... ON CREATE that falls back to the
  upsert (:func:`create_elements_tx`, :func:`create_relationships_tx`), and the lean plain
  CREATE (:func:`create_new_elements_tx`, :func:`create_new_relationships_tx`,
  :func:`write_archive_tx`) that the uniqueness constraints still guard: a concurrent
  writer's element makes it fail with :class:`~engine.errors.ConstraintViolation`, and
  :func:`write_with_replan` then plans and writes once more with MERGE throughout.
* **Deletes and cascades** (:func:`delete_element_tx`, :func:`delete_relationships_tx`),
  the daemon's connector writes with provenance (:func:`upsert_catalogued_elements`,
  :func:`link_catalogued_elements`, :func:`delete_catalogued_elements`), bulk loads of
  pre-built rows for test and benchmark graphs, and wiping the database.

Relationship statements come from one template per strategy (``cypher/engine/relationship_*``,
``import_create_relationships``): the writer fills in the relationship type, which comes
from :data:`engine.typesystem.RELATIONSHIP_TYPES`, never from input.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from functools import cache
from typing import Any, Literal, Protocol, TypeVar

from neo4j import ManagedTransaction

from engine.errors import ConflictError, ConstraintViolation, NotFoundError
from engine.graph.graphmap import now
from engine.graph.records import (
    EGERIA_NAME_BY_REL_TYPE,
    FIXED_KEYS,
    NEW_BATCH_SIZE,
    DeleteResult,
    ElementRow,
    RelationshipRow,
    WriteResult,
    batches,
    current_user,
    new_guid,
    relationship_name,
)
from engine.graph.store import Statement, Store, query_text
from engine.typesystem import RELATIONSHIP_TYPES

T = TypeVar("T")

RelationshipKind = Literal["single", "several", "keyed"]

RELATIONSHIP_KINDS: dict[str, RelationshipKind] = {
    RELATIONSHIP_TYPES["RegisteredIntegrationConnector"]: "several",
    RELATIONSHIP_TYPES["AssetConnection"]: "single",
    RELATIONSHIP_TYPES["ConnectionConnectorType"]: "single",
    RELATIONSHIP_TYPES["ConnectToEndpoint"]: "single",
    RELATIONSHIP_TYPES["EmbeddedConnection"]: "several",
    RELATIONSHIP_TYPES["CatalogTarget"]: "keyed",
}
"""How many links of a type an element may have: ``single`` (one per end 1, a new one
replaces the old), ``several`` (one per pair of ends) or ``keyed`` (several per pair, by
catalogTargetName). Selects the tagged lines of the relationship templates."""

RELATIONSHIP_UPSERT = "relationship_upsert"
RELATIONSHIP_CREATE = "relationship_create"
RELATIONSHIP_CREATE_NEW = "relationship_create_new"
IMPORT_CREATE_RELATIONSHIPS = "import_create_relationships"
RELATIONSHIP_TEMPLATES = (
    RELATIONSHIP_UPSERT,
    RELATIONSHIP_CREATE,
    RELATIONSHIP_CREATE_NEW,
    IMPORT_CREATE_RELATIONSHIPS,
)
"""The cypher/engine/ templates with a ``<<TYPE>>`` slot (see :func:`relationship_statement`)."""

_TAG = re.compile(r"\s*//((?:\s*@\w+)+)\s*$")
_CREATE_COLUMNS = ("from", "to", "key", "guid", "version", "removed", "created")
"""RETURN columns, in order, of relationship_create (read as value tuples)."""
_ENDS_MISSING_HINT = "create both elements first (or declare them in the manifest)"


@cache
def relationship_statement(template: str, rel_type: str) -> str:
    """The text of the template ``cypher/engine/<template>.cypher`` for ``rel_type``.

    ``<<TYPE>>`` becomes the relationship type, which must be one of
    :data:`RELATIONSHIP_KINDS` (code's list; input never names a type); lines tagged
    ``// @single``, ``// @several`` or ``// @keyed`` are kept only for a type of that kind;
    the comment lines describing the template are left out.
    """
    if template not in RELATIONSHIP_TEMPLATES:
        raise ValueError(f"{template!r} is not a relationship template")
    kind = RELATIONSHIP_KINDS[rel_type]  # KeyError: not a relationship type of the model
    lines: list[str] = []
    for line in query_text(template).splitlines():
        if line.startswith("//"):  # the template's description
            continue
        tagged = _TAG.search(line)
        if tagged is not None:
            if kind not in tagged.group(1).replace("@", " ").split():
                continue
            line = line[: tagged.start()]
        lines.append(line.replace("<<TYPE>>", rel_type))
    return "\n".join(lines) + "\n"


def _ends_missing(rel_type: str, from_: str, to: str) -> NotFoundError:
    return NotFoundError(
        f"{EGERIA_NAME_BY_REL_TYPE[rel_type]} {from_} -> {to}: one of the ends does not exist",
        hint=_ENDS_MISSING_HINT,
    )


def _grouped_by_type(rows: Sequence[RelationshipRow]) -> dict[str, list[RelationshipRow]]:
    by_type: dict[str, list[RelationshipRow]] = defaultdict(list)
    for row in rows:
        by_type[row.type].append(row)
    return by_type


# ------------------------------------------------------------------ upserts
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
    for rel_type, typed in _grouped_by_type(rows).items():
        text = relationship_statement(RELATIONSHIP_UPSERT, rel_type)
        for batch in batches([row.params() for row in typed]):
            out = store.run(
                tx,
                RELATIONSHIP_UPSERT,
                {"rows": batch, "fixed": list(FIXED_KEYS), "now": when, "user": user},
                text=text,
            )
            if len(out) < len(batch):
                seen = {(r["from"], r["to"], r["key"]) for r in out}
                first = next(r for r in batch if (r["from"], r["to"], r["key"]) not in seen)
                raise _ends_missing(rel_type, first["from"], first["to"])
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
    return results


# --------------------------------------------- creates of what a read found absent
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
    if fallback:
        results.extend(write_elements_tx(store, tx, fallback, user=user, when=when))
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
    for rel_type, typed in _grouped_by_type(rows).items():
        by_key = {(r.from_, r.to, r.key): r for r in typed}
        text = relationship_statement(RELATIONSHIP_CREATE, rel_type)
        for batch in batches([row.params() for row in typed]):
            params = {"rows": batch, "now": when, "user": user}
            out = [
                dict(zip(_CREATE_COLUMNS, values, strict=True))
                for values in store.run_values(tx, RELATIONSHIP_CREATE, params, text=text)
            ]
            if len(out) < len(batch):
                seen = {(r["from"], r["to"], r["key"]) for r in out}
                first = next(r for r in batch if (r["from"], r["to"], r["key"]) not in seen)
                raise _ends_missing(rel_type, first["from"], first["to"])
            for rec in out:
                if rec["created"]:
                    name = relationship_name(rel_type, rec["from"], rec["to"], rec["key"])
                    results.append(
                        WriteResult("relationship", name, rec["guid"], 1, "created", rec["removed"])
                    )
                else:
                    fallback.append(by_key[(rec["from"], rec["to"], rec["key"])])
    if fallback:
        results.extend(write_relationships_tx(store, tx, fallback, user=user, when=when))
    return results


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
    return results, ids


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
    return results


def write_with_replan(
    store: Store,
    operation: str,
    work: Callable[[ManagedTransaction, bool], T],
    *,
    timeout: float | None = None,
) -> T:
    """Run ``work(tx, lean=True)`` in one write transaction; when it breaks a uniqueness
    constraint (another transaction committed an element or relationship its plan proved
    absent), run ``work(tx, lean=False)`` once more in a new transaction: it plans again
    (the element is now stored) and writes with MERGE throughout."""
    try:
        return store.write_tx(operation, lambda tx: work(tx, True), timeout=timeout)
    except ConstraintViolation:
        return store.write_tx(operation, lambda tx: work(tx, False), timeout=timeout)


# ------------------------------------------------------------------ deletes
def lock_element_tx(
    store: Store, tx: ManagedTransaction, qualified_name: str
) -> dict[str, Any] | None:
    """Write-lock the element (so a read-modify-write in ``tx`` cannot lose an update) and
    return its raw row (qualifiedName, guid, typeName, labels, props), or ``None``."""
    rows = store.run(tx, "element_lock", {"qualifiedName": qualified_name})
    return rows[0] if rows else None


def delete_relationships_tx(
    store: Store,
    tx: ManagedTransaction,
    keys: Sequence[tuple[str, str, str, str]],
) -> int:
    """Delete relationships by (type, from, to, key); returns how many were removed."""
    rows = [{"type": t, "from": f, "to": to, "key": k} for t, f, to, k in keys]
    deleted = 0
    for batch in batches(rows):
        deleted += sum(r["deleted"] for r in store.run(tx, "relationships_delete", {"rows": batch}))
    return deleted


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


# ------------------------------------------------------------ archive import
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
    ids = dict(plan.element_ids)
    total = (
        len(plan.node_creates)
        + len(plan.node_updates)
        + len(plan.proxy_rows)
        + len(plan.rel_deletes)
        + len(plan.rel_creates)
        + len(plan.rel_updates)
    )
    done = 0

    def step(
        phase: str, query: str, params: dict[str, Any], count: int, text: str | None = None
    ) -> list[dict[str, Any]]:
        nonlocal done
        if text is None:
            result = store.run(tx, query, params)
        else:
            result = store.run(tx, query, params, text=text)
        done += count
        progress(phase, done, total)
        return result

    def remember(result: list[dict[str, Any]]) -> None:
        for row in result:
            ids.update(row["ids"])

    if lean:
        for phase, rows in (("elements", plan.node_creates), ("proxies", plan.proxy_rows)):
            for labels, batch in _import_creates_by_labels(rows):
                params = {"labels": list(labels), "rows": batch}
                remember(step(phase, "import_create_nodes", params, len(batch)))
        upserts: list[dict[str, Any]] = plan.node_updates
    else:
        upserts = plan.node_creates + plan.node_updates
    for batch in batches(upserts, NEW_BATCH_SIZE):
        remember(step("elements", "import_upsert_nodes", {"rows": batch}, len(batch)))
    if not lean:
        for batch in batches(plan.proxy_rows, NEW_BATCH_SIZE):
            remember(step("proxies", "import_create_proxies", {"rows": batch}, len(batch)))
    for start in range(0, len(plan.rel_deletes), NEW_BATCH_SIZE):
        guids = plan.rel_deletes[start : start + NEW_BATCH_SIZE]
        step("relationships", "import_delete_relationships", {"guids": guids}, len(guids))
    # one statement per relationship type: a static type plans faster than $(type)
    by_type: dict[str, list[dict[str, Any]]] = {}
    for row in plan.rel_creates:
        by_type.setdefault(row["type"], []).append(
            {
                "start": ids[row["start"]],
                "end": ids[row["end"]],
                "properties": row["properties"],
                "dates": row["dates"],
            }
        )
    for neo_type, typed in sorted(by_type.items()):
        text = relationship_statement(IMPORT_CREATE_RELATIONSHIPS, neo_type)
        for batch in batches(typed, NEW_BATCH_SIZE):
            step("relationships", IMPORT_CREATE_RELATIONSHIPS, {"rows": batch}, len(batch), text)
    for batch in batches(plan.rel_updates, NEW_BATCH_SIZE):
        step("relationships", "import_update_relationships", {"rows": batch}, len(batch))


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


# --------------------------------------------------------- connector writes
def upsert_catalogued_elements(
    store: Store, rows: Sequence[Mapping[str, Any]], *, source: str, user: str
) -> list[dict[str, Any]]:
    """Create or update elements a connector catalogues (MERGE on qualifiedName), each
    carrying ``metadataSourceQualifiedName = source``; one owned by another source (or by
    none) is left untouched. ``rows``: {qualifiedName, guid, labels, properties}.
    Returns per row: qualifiedName, guid, action ('created' | 'updated' | 'unchanged' |
    'conflict'); see cypher/engine/daemon_upsert_elements.cypher."""
    return store.write(
        "daemon_upsert_elements",
        {"elements": list(rows), "source": source, "user": user, "now": now()},
    )


def link_catalogued_elements(
    store: Store, rows: Sequence[Mapping[str, Any]], *, source: str, user: str
) -> int:
    """Create the relationships a connector catalogues that do not exist yet (``rows``:
    {type (from engine.typesystem), from, to, guid}); returns how many exist now."""
    out = store.write(
        "daemon_upsert_relationships",
        {"relationships": list(rows), "source": source, "user": user, "now": now()},
    )
    return int(out[0]["count"]) if out else 0


def delete_catalogued_elements(
    store: Store, qualified_names: Sequence[str], *, source: str
) -> list[str]:
    """Delete the named elements that ``source`` wrote (with their relationships; others'
    elements stay); returns the deleted guids."""
    out = store.write(
        "daemon_delete_elements", {"qualifiedNames": list(qualified_names), "source": source}
    )
    return [row["guid"] for row in out]


# ----------------------------------------------------- bulk loads and wipes
def bulk_create_elements(store: Store, rows: Sequence[Mapping[str, Any]]) -> int:
    """Create elements from pre-built rows ({labels, props}: props complete, encoded, with
    guid, qualifiedName, typeName and audit fields) in one statement; returns how many.

    For test and benchmark graphs that follow the storage conventions exactly (fixed guids
    and times) or break them on purpose; no checks, no versions."""
    out = store.write("bulk_create_nodes", {"rows": list(rows)})
    return int(out[0]["created"])


def bulk_create_relationships(store: Store, rows: Sequence[Mapping[str, Any]]) -> int:
    """Create relationships from pre-built rows ({type, from, to (guids), props}) in one
    statement; returns how many (see :func:`bulk_create_elements`)."""
    out = store.write("bulk_create_relationships", {"rows": list(rows)})
    return int(out[0]["created"])


def bulk_relate_by_name(store: Store, rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """Like :func:`bulk_create_relationships`, with ends by qualifiedName; returns the guids
    of the relationships created (none for a row with a missing end)."""
    out = store.write("bulk_create_relationships_by_name", {"rows": list(rows)})
    return [str(guid) for guid in out[0]["guids"]]


def wipe_database(store: Store, *, timeout: float | None = None) -> int:
    """Delete every node and relationship in one transaction; returns how many nodes."""
    return int(store.write("wipe_all", timeout=timeout)[0]["deleted"])


def wipe_database_batched(store: Store, *, timeout: float | None = None) -> None:
    """Delete everything in batches of their own transactions (for graphs of millions)."""
    store.run_autocommit("wipe_batched", timeout=timeout)
