"""What an archive's selected entities, proxies and relationships become as rows of the
import statements, whatever the database holds (no database needed)."""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from engine.declare.egeria.archive import (
    Archive,
    ArchiveEntity,
    Classification,
    EntityRef,
    Header,
)
from engine.declare.egeria.conventions import (
    DERIVED_QN_FLAG,
    EPOCH,
    PROXY_FLAG,
    RESERVED_PROPERTIES,
    TEMPLATE_LABEL,
    now,
)
from engine.declare.egeria.selection import SelectedRelationship, Selection
from engine.declare.egeria.typedefs import type_def
from engine.declare.egeria.values import millis
from engine.errors import ArchiveError
from engine.graph.graphmap import AUDIT_PROPERTIES, encode_properties
from engine.typesystem import labels_for


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _storable(name: str, value: Any, where: str, warnings: list[str]) -> Any:
    """Values Neo4j can hold: maps as maps (graphmap encodes them), homogeneous primitive lists."""
    if isinstance(value, Mapping):
        return _jsonable(value)
    if isinstance(value, list):
        kinds = {type(v) for v in value}
        if (
            all(isinstance(v, str | int | float | bool | datetime) for v in value)
            and len(kinds) <= 1
        ):
            return value
        warnings.append(f"{where}: property {name!r} holds a mixed or nested list; stored as JSON")
        return json.dumps(_jsonable(value), sort_keys=True, separators=(",", ":"))
    return value


@functools.lru_cache(maxsize=1024)
def _cached_labels(type_name: str, extra: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys([*labels_for(type_name), *extra]))


def _labels(type_name: str, where: str, extra: Iterable[str] = ()) -> list[str]:
    try:
        return list(_cached_labels(type_name, tuple(extra)))
    except ValueError as exc:
        raise ArchiveError(f"{where}: {exc}") from exc


def _audit(header: Header, default_user: str) -> dict[str, Any]:
    created = header.create_time or now()
    return {
        "version": header.version if header.version and header.version > 0 else 1,
        "createTime": created,
        "updateTime": header.update_time or created,
        "createdBy": header.created_by or default_user,
        "updatedBy": header.updated_by or header.created_by or default_user,
    }


def kept_header(type_name: str, header: Header) -> dict[str, Any]:
    """The instance-header fields an element or relationship keeps from its archive
    (:data:`~engine.declare.egeria.conventions.HEADER_PROPERTIES`); the type's GUID and
    version only where :func:`~engine.declare.egeria.typedefs.type_def` differs."""
    out: dict[str, Any] = {}
    if header.metadata_collection_id:
        out["metadataCollectionId"] = header.metadata_collection_id
    if header.metadata_collection_name:
        out["metadataCollectionName"] = header.metadata_collection_name
    if header.instance_provenance_type:
        out["instanceProvenanceType"] = header.instance_provenance_type
    if header.maintained_by:
        out["maintainedBy"] = list(header.maintained_by)
    known = type_def(type_name)
    if header.type_guid and (known is None or known.guid != header.type_guid):
        out["typeDefGUID"] = header.type_guid
    if header.type_version and (known is None or known.version != header.type_version):
        out["typeDefVersion"] = header.type_version
    return out


def classification_doc(classification: Classification) -> dict[str, Any]:
    """A classification as the element stores it (JSON): type, properties and, under
    ``header``, what its archive said of its home, audit and origin."""
    c = classification
    header: dict[str, Any] = kept_header(c.type_name, c.header)
    audit = {
        "version": c.header.version,
        "createTime": millis(c.header.create_time) if c.header.create_time else None,
        "updateTime": millis(c.header.update_time) if c.header.update_time else None,
        "createdBy": c.header.created_by,
        "updatedBy": c.header.updated_by,
        "classificationOrigin": c.origin,
        "classificationOriginGUID": c.origin_guid,
    }
    header.update((k, v) for k, v in audit.items() if v is not None)
    doc: dict[str, Any] = {"typeName": c.type_name, "properties": _jsonable(c.properties)}
    if header:
        doc["header"] = header
    return doc


@dataclass
class NodeRow:
    guid: str
    type_name: str
    labels: list[str]
    properties: dict[str, Any]  # encoded, without audit fields
    audit: dict[str, Any]
    header: Header


def entity_row(entity: ArchiveEntity, archive: Archive, warnings: list[str]) -> NodeRow:
    where = f"{archive.source}: entity {entity.guid} ({entity.type_name})"
    labels_extra = (
        [TEMPLATE_LABEL]
        if any(c.type_name == TEMPLATE_LABEL for c in entity.classifications)
        else []
    )
    labels = _labels(entity.type_name, where, labels_extra)
    props = dict(entity.properties)
    if "name" in props:
        name = props.pop("name")
        props.setdefault("displayName", name)
    if "address" in props and "Endpoint" in labels:
        address = props.pop("address")
        props.setdefault("networkAddress", address)
    model: dict[str, Any] = {}
    for key, value in props.items():
        if key in RESERVED_PROPERTIES:
            warnings.append(
                f"{where}: property {key!r} is kept by the engine; archive value dropped"
            )
            continue
        model[key] = _storable(key, value, where, warnings)
    if _set_identity(model, entity.type_name, entity.guid):
        warnings.append(f"{where}: no qualifiedName; using {model['qualifiedName']!r}")
    model.update(kept_header(entity.type_name, entity.header))
    if entity.classifications:
        model["classifications"] = [classification_doc(c) for c in entity.classifications]
        anchor = next(
            (
                c.properties["anchorGUID"]
                for c in entity.classifications
                if c.type_name == "Anchors" and isinstance(c.properties.get("anchorGUID"), str)
            ),
            None,
        )
        if anchor is not None:
            model["anchorGUID"] = anchor
    default_user = archive.originator or "egeria-archive"
    return NodeRow(
        entity.guid,
        entity.type_name,
        labels,
        encode_properties(model),
        _audit(entity.header, default_user),
        entity.header,
    )


def _set_identity(model: dict[str, Any], type_name: str, guid: str) -> bool:
    """Set the element's guid and typeName, and a qualifiedName derived from both when it
    has none (flagged with DERIVED_QN_FLAG); True when the qualifiedName was derived."""
    qn = model.get("qualifiedName")
    derived = not isinstance(qn, str) or not qn
    if derived:
        model["qualifiedName"] = f"{type_name}::{guid}"
        model[DERIVED_QN_FLAG] = True
    model["guid"] = guid
    model["typeName"] = type_name
    return derived


def proxy_row(ref: EntityRef, archive: Archive, warnings: list[str]) -> NodeRow:
    type_name = ref.type_name or "Referenceable"
    where = f"{archive.source}: proxy {ref.guid} ({type_name})"
    model: dict[str, Any] = {}
    for key, value in ref.unique_properties.items():
        if key in RESERVED_PROPERTIES:
            continue
        model[key] = _storable(key, value, where, warnings)
    _set_identity(model, type_name, ref.guid)
    model.update(kept_header(type_name, ref.header))
    model[PROXY_FLAG] = True
    return NodeRow(
        ref.guid,
        type_name,
        _labels(type_name, where),
        encode_properties(model),
        _audit(ref.header, archive.originator or "egeria-archive"),
        ref.header,
    )


def without_audit(properties: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in properties.items() if k not in AUDIT_PROPERTIES}


def _micros(value: datetime) -> int:
    moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def to_wire(properties: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Datetimes -> epoch microseconds plus the list of their keys.

    The Python driver packs and unpacks temporal values slowly (about half a
    millisecond each); the import queries convert these integers with
    ``datetime({epochSeconds, nanosecond})`` server-side instead.
    """
    wire: dict[str, Any] = {}
    dates: list[str] = []
    for key, value in properties.items():
        if isinstance(value, datetime):
            wire[key] = _micros(value)
            dates.append(key)
        else:
            wire[key] = value
    return wire, dates


_AUDIT_TIMES = ("createTime", "updateTime")


def write_row(properties: Mapping[str, Any]) -> dict[str, Any]:
    """``properties`` (audit fields included) as the write queries take them: every datetime
    as epoch microseconds; ``dates`` lists the keys to convert beyond the two audit times,
    which the queries always convert."""
    wire, dates = to_wire(properties)
    return {"properties": wire, "dates": [k for k in dates if k not in _AUDIT_TIMES]}


def node_write(row: NodeRow, audit: Mapping[str, Any], remove: list[str]) -> dict[str, Any]:
    return {
        "guid": row.guid,
        **write_row({**row.properties, **audit}),
        "labels": row.labels,
        "remove": remove,
    }


def rel_write(base: Mapping[str, Any], properties: Mapping[str, Any]) -> dict[str, Any]:
    return {**base, **write_row(properties)}


@dataclass
class RelationshipRows:
    """What the relationships of an archive become, whatever the database holds."""

    wanted: list[tuple[SelectedRelationship, dict[str, Any], dict[str, Any], dict[str, Any]]]
    """(relationship, encoded properties, audit of a new one, its write row without ends)"""
    warnings: list[str]


def relationship_rows(archive: Archive, sel: Selection) -> RelationshipRows:
    """Encoded properties and the create row of every selected relationship.

    Needs no database, so :func:`plan_archive` prepares it on a second thread while the
    first waits for Neo4j (the lookups, the element writes).
    """
    warnings: list[str] = []
    default_user = archive.originator or "egeria-archive"
    wanted = []
    for rel in sel.rels:
        model: dict[str, Any] = {}
        for key, value in rel.properties.items():
            where = f"{archive.source}: relationship {rel.source.guid} ({rel.source.type_name})"
            if key in RESERVED_PROPERTIES:
                warnings.append(f"{where}: property {key!r} is kept by the engine; dropped")
                continue
            model[key] = _storable(key, value, where, warnings)
        model["guid"] = rel.source.guid
        header = rel.source.header
        if rel.name != rel.source.type_name:  # read under an old name: its type GUID is not ours
            header = dataclasses.replace(header, type_guid=None, type_version=None)
        model.update(kept_header(rel.name, header))
        props = encode_properties(model)
        audit = _audit(rel.source.header, default_user)
        wanted.append((rel, props, audit, write_row({**props, **audit})))
    return RelationshipRows(wanted, warnings)
