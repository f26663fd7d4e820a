"""Planning an archive import: what the archive's selection changes in the stored graph.

The plan is read inside the import's transaction (or a read transaction, for a dry run):
which elements and relationships exist, which differ (compared server-side), and which
proxies are matched by qualifiedName; :func:`engine.graph.writer.write_archive_tx` then
writes it.
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

from engine.declare.egeria.archive import Archive, Header
from engine.declare.egeria.conventions import DERIVED_QN_FLAG, EPOCH, TEMPLATE_LABEL, now
from engine.declare.egeria.report import ImportReport
from engine.declare.egeria.rows import (
    NodeRow,
    RelationshipRows,
    entity_row,
    node_write,
    proxy_row,
    rel_write,
    relationship_rows,
    to_wire,
    without_audit,
)
from engine.declare.egeria.selection import Selection, select
from engine.errors import ArchiveError
from engine.graph.graphmap import AUDIT_PROPERTIES
from engine.typesystem import RELATIONSHIP_TYPES, labels_for

T = TypeVar("T")

THREADED_RELATIONSHIPS = 1_000
"""From this many relationships on, their rows are prepared on a second thread."""

BATCH_SIZE = 5_000
"""Rows per UNWIND statement (all batches of one archive share one transaction)."""

Runner = Callable[[str, Mapping[str, Any]], list[dict[str, Any]]]
"""``run(statement name, parameters)``: the rows of one read statement in the plan's transaction."""


def batches(items: Sequence[T], size: int = BATCH_SIZE) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class ImportPlan:
    """What an import writes (see :class:`engine.graph.writer.ArchiveWrites`) and its report."""

    report: ImportReport
    node_creates: list[dict[str, Any]] = field(default_factory=list)  # proved absent
    node_updates: list[dict[str, Any]] = field(default_factory=list)  # stored, to replace
    proxy_rows: list[dict[str, Any]] = field(default_factory=list)  # proved absent
    element_ids: dict[str, str] = field(default_factory=dict)  # guid -> elementId, stored ones
    rel_deletes: list[str] = field(default_factory=list)
    rel_creates: list[dict[str, Any]] = field(default_factory=list)
    rel_updates: list[dict[str, Any]] = field(default_factory=list)


def _read_batched(
    run: Runner, name: str, key: str, values: Sequence[Any], **extra: Any
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for batch in batches(values):
        rows.extend(run(name, {key: list(batch), **extra}))
    return rows


def _lookup_row(guid: str, properties: Mapping[str, Any]) -> dict[str, Any]:
    """What the existence queries compare server-side: the wanted non-audit properties."""
    wire, dates = to_wire(without_audit(properties))
    return {"guid": guid, "properties": wire, "dates": dates}


def _carried_audit(
    stored: Mapping[str, Any], header: Header, fallback: Mapping[str, Any]
) -> dict[str, Any]:
    """Audit fields of an update: version +1 (at least the archive's), creation kept."""
    old_version = stored.get("version")
    version = (old_version if isinstance(old_version, int) else 0) + 1
    created = stored.get("createTime")
    return {
        "version": max(version, header.version or 0),
        "createTime": EPOCH + timedelta(microseconds=created)
        if isinstance(created, int)
        else fallback["createTime"],
        "createdBy": stored.get("createdBy") or fallback["createdBy"],
        "updateTime": now(),
        "updatedBy": header.updated_by or fallback["updatedBy"],
    }


def plan_archive(run: Runner, archive: Archive, dry_run: bool) -> ImportPlan:
    started = time.perf_counter()
    sel = select(archive)
    report = ImportReport(
        source=archive.source,
        archive_name=archive.name,
        archive_guid=archive.guid,
        dry_run=dry_run,
        entities_in_archive=len(archive.entities),
        relationships_in_archive=len(archive.relationships),
        skipped_entities=dict(sel.skipped_entities),
        skipped_relationships=dict(sel.skipped_relationships),
    )
    plan = ImportPlan(report)
    with contextlib.ExitStack() as stack:
        if len(sel.rels) >= THREADED_RELATIONSHIPS:
            pool = stack.enter_context(ThreadPoolExecutor(1, "archive-import"))
            rel_rows: Callable[[], RelationshipRows] = pool.submit(
                relationship_rows, archive, sel
            ).result
        else:
            rel_rows = functools.partial(relationship_rows, archive, sel)
        _plan_elements(run, archive, sel, plan, rel_rows)
    report.seconds = time.perf_counter() - started
    return plan


def _plan_elements(
    run: Runner,
    archive: Archive,
    sel: Selection,
    plan: ImportPlan,
    rel_rows: Callable[[], RelationshipRows],
) -> None:
    warnings = plan.report.warnings
    rows = [entity_row(e, archive, warnings) for e in sel.entities]
    proxies = [proxy_row(ref, archive, warnings) for ref in sel.proxies.values()]
    all_guids = [r.guid for r in rows] + [p.guid for p in proxies]
    holders = _lookup_nodes(run, rows, proxies, all_guids, plan.element_ids)
    stored_guids = {guid for guid in all_guids if guid in plan.element_ids}
    changed = _changed_nodes(run, rows, stored_guids)
    _plan_nodes(archive, rows, holders, stored_guids, changed, plan)
    archive_names = {str(r.properties["qualifiedName"]): r.guid for r in rows}
    remap = _plan_proxies(archive, proxies, holders, archive_names, stored_guids, plan)
    stored_ends = stored_guids | set(remap.values())
    _plan_relationships(run, rel_rows(), remap, stored_ends, plan)


def _lookup_nodes(
    run: Runner,
    rows: Sequence[NodeRow],
    proxies: Sequence[NodeRow],
    all_guids: Sequence[str],
    element_ids: dict[str, str],
) -> dict[str, str]:
    """Fills ``element_ids`` (guid -> elementId of the stored ones) and returns the stored
    holders (qualifiedName -> guid) of the rows' qualifiedNames."""
    names = sorted({str(r.properties["qualifiedName"]) for r in [*rows, *proxies]})
    # One lookup per batch answers both questions with one row (lists inside): the driver
    # spends far more per record than per list element.
    holders: dict[str, str] = {}
    for start in range(0, max(len(all_guids), len(names)), BATCH_SIZE):
        for found in run(
            "import_lookup_nodes",
            {
                "guids": all_guids[start : start + BATCH_SIZE],
                "qualifiedNames": names[start : start + BATCH_SIZE],
            },
        ):
            element_ids.update(found["stored"])
            for qualified_name, guid, element_id in found["holders"]:
                holders[qualified_name] = guid
                element_ids[guid] = element_id
    return holders


def _changed_nodes(
    run: Runner, rows: Sequence[NodeRow], stored_guids: set[str]
) -> dict[str, dict[str, Any]]:
    """The stored elements that differ from their row (compared server-side), by guid."""
    lookups = [
        {**_lookup_row(r.guid, r.properties), "typeName": r.type_name, "labels": r.labels}
        for r in rows
        if r.guid in stored_guids
    ]
    return {
        item["guid"]: item
        for row in _read_batched(
            run, "import_existing_nodes", "rows", lookups, audit=list(AUDIT_PROPERTIES)
        )
        for item in row["changed"]
    }


def _plan_nodes(
    archive: Archive,
    rows: Sequence[NodeRow],
    holders: Mapping[str, str],
    stored_guids: set[str],
    changed: Mapping[str, Mapping[str, Any]],
    plan: ImportPlan,
) -> None:
    """Creates, updates and proxy fills of the archive's entities."""
    report = plan.report
    loaded: Counter[str] = Counter()
    for row in rows:
        qn = str(row.properties["qualifiedName"])
        holder = holders.get(qn)
        if holder is not None and holder != row.guid:
            raise ArchiveError(
                f"{archive.source}: entity {row.guid} ({row.type_name}) has qualifiedName "
                f"{qn!r}, which element {holder} already has",
                hint="qualifiedNames are unique; rename one of them or remove the stored element",
            )
        loaded[row.type_name] += 1
        if row.guid not in stored_guids:
            plan.node_creates.append(node_write(row, row.audit, []))
            report.elements_created += 1
            continue
        stored = changed.get(row.guid)
        if stored is None:  # compared equal server-side
            report.elements_unchanged += 1
            continue
        if stored["isProxy"]:
            plan.node_updates.append(node_write(row, row.audit, _stale(stored, row.labels)))
            report.proxies_filled += 1
            continue
        stale = _stale(stored, row.labels)
        if stored["same"] and set(row.labels) <= set(stored["labels"]) and not stale:
            report.elements_unchanged += 1
            continue
        audit = _carried_audit(stored, row.header, row.audit)
        plan.node_updates.append(node_write(row, audit, stale))
        report.elements_updated += 1
    report.loaded = dict(loaded)


def _plan_proxies(
    archive: Archive,
    proxies: Sequence[NodeRow],
    holders: Mapping[str, str],
    archive_names: Mapping[str, str],
    stored_guids: set[str],
    plan: ImportPlan,
) -> dict[str, str]:
    """Placeholders for the ends the archive does not define; returns the proxies matched by
    qualifiedName to another element (proxy guid -> that element's guid)."""
    report = plan.report
    remap: dict[str, str] = {}
    proxy_names: dict[str, str] = {}
    for proxy in proxies:
        if proxy.guid in stored_guids:
            continue
        qn = str(proxy.properties["qualifiedName"])
        target = holders.get(qn) or archive_names.get(qn)
        if target is None:
            target = proxy_names.get(qn)
        proxy_names.setdefault(qn, proxy.guid)
        if target is not None and not proxy.properties.get(DERIVED_QN_FLAG):
            remap[proxy.guid] = target
            report.warnings.append(
                f"{archive.source}: proxy {proxy.guid} ({proxy.type_name}) {qn!r} matched by "
                f"qualifiedName to element {target}"
            )
            continue
        plan.proxy_rows.append(node_write(proxy, proxy.audit, []))
        report.proxies_created.append(
            {
                "guid": proxy.guid,
                "typeName": proxy.type_name,
                "qualifiedName": qn,
                "qualifiedNameDerived": bool(proxy.properties.get(DERIVED_QN_FLAG)),
            }
        )
    return remap


def _stale(stored: Mapping[str, Any], labels: Sequence[str]) -> list[str]:
    """Labels of the stored element's previous type that its new type does not carry."""
    old_type = stored.get("typeName")
    previous: set[str] = {TEMPLATE_LABEL}
    if isinstance(old_type, str):
        with contextlib.suppress(ValueError):
            previous.update(labels_for(old_type))
    return sorted((previous & set(stored["labels"])) - set(labels))


def _plan_relationships(
    run: Runner,
    rows: RelationshipRows,
    remap: Mapping[str, str],
    stored_ends: set[str],
    plan: ImportPlan,
) -> None:
    """Creates, updates and moves of the archive's model relationships.

    Only relationships with a stored end are looked up: one between two
    elements this import creates cannot exist yet.
    """
    report = plan.report
    report.warnings.extend(rows.warnings)
    wanted = rows.wanted
    lookups = []
    for rel, props, _, _ in wanted:
        start = remap.get(rel.start.guid, rel.start.guid)
        end = remap.get(rel.end.guid, rel.end.guid)
        if start in stored_ends or end in stored_ends:
            lookup = _lookup_row(rel.source.guid, props)
            lookup.update(type=RELATIONSHIP_TYPES[rel.name], start=start, end=end)
            lookups.append(lookup)
    unchanged: set[str] = set()
    existing: dict[str, dict[str, Any]] = {}
    for row in _read_batched(
        run, "import_existing_relationships", "rows", lookups, audit=list(AUDIT_PROPERTIES)
    ):
        unchanged.update(row["unchanged"])
        existing.update((item["guid"], item) for item in row["changed"])
    loaded: Counter[str] = Counter()
    for rel, props, audit, create_row in wanted:
        neo_type = RELATIONSHIP_TYPES[rel.name]
        start = remap.get(rel.start.guid, rel.start.guid)
        end = remap.get(rel.end.guid, rel.end.guid)
        loaded[rel.name] += 1
        if rel.source.guid in unchanged:  # same ends and properties, compared server-side
            report.relationships_unchanged += 1
            continue
        stored = existing.get(rel.source.guid)
        if stored is None:
            plan.rel_creates.append({"start": start, "end": end, "type": neo_type, **create_row})
            report.relationships_created += 1
            continue
        same_ends = stored["type"] == neo_type and stored["start"] == start and stored["end"] == end
        if same_ends and stored["same"]:
            report.relationships_unchanged += 1
            continue
        audit = _carried_audit(stored, rel.source.header, audit)
        if same_ends:
            plan.rel_updates.append(rel_write({"guid": rel.source.guid}, {**props, **audit}))
        else:
            plan.rel_deletes.append(rel.source.guid)
            plan.rel_creates.append(
                rel_write({"start": start, "end": end, "type": neo_type}, {**props, **audit})
            )
        report.relationships_updated += 1
    report.relationships_loaded = dict(loaded)
