"""Reading an archive: the JSON document checked and decoded into typed, immutable records.

Malformed archives are refused with :class:`~engine.errors.ArchiveError`, naming the
file and the entity or relationship (line and column for bad JSON), before anything
is written.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import orjson

from engine.declare.egeria.values import decode_instance_properties, parse_time
from engine.errors import ArchiveError
from engine.gcpause import gc_paused
from engine.graph.graphmap import storable_problem
from engine.graph.schema import too_long_to_index
from engine.typesystem import LABEL_PATTERN


@dataclass(frozen=True)
class Header:
    """The audit part of an Egeria instance header, with its home and provenance.

    ``metadata_collection_id``/``_name`` name the instance's home metadata collection,
    ``instance_provenance_type`` the kind of that collection (``CONTENT_PACK``, ...),
    ``maintained_by`` who maintains it; ``type_guid``/``type_version`` are the archive's
    ``typeDefGUID``/``typeDefVersion`` of its type.
    """

    version: int | None = None
    create_time: datetime | None = None
    update_time: datetime | None = None
    created_by: str | None = None
    updated_by: str | None = None
    metadata_collection_id: str | None = None
    metadata_collection_name: str | None = None
    instance_provenance_type: str | None = None
    maintained_by: tuple[str, ...] = ()
    type_guid: str | None = None
    type_version: int | None = None


@dataclass(frozen=True)
class EntityRef:
    """One end of a relationship: Egeria's ``EntityProxy``."""

    guid: str
    type_name: str | None
    unique_properties: dict[str, Any]
    header: Header


@dataclass(frozen=True)
class Classification:
    """A classification of an entity, with its own instance header and origin."""

    type_name: str
    properties: dict[str, Any]
    header: Header = Header()
    origin: str | None = None
    origin_guid: str | None = None


@dataclass(frozen=True)
class ArchiveEntity:
    """An ``EntityDetail`` of the archive, properties decoded to Python values."""

    guid: str
    type_name: str
    properties: dict[str, Any]
    classifications: tuple[Classification, ...]
    header: Header


@dataclass(frozen=True)
class ArchiveRelationship:
    """A ``Relationship`` of the archive, under the name the archive used."""

    guid: str
    type_name: str
    end1: EntityRef
    end2: EntityRef
    properties: dict[str, Any]
    header: Header


_Instance = TypeVar("_Instance", ArchiveEntity, ArchiveRelationship)
"""An entity or relationship of an archive (both have a guid and a type_name)."""


@dataclass(frozen=True)
class Archive:
    """A parsed, structurally valid archive (see :func:`read_archive`)."""

    source: str
    name: str
    guid: str | None
    originator: str | None
    entities: tuple[ArchiveEntity, ...]
    relationships: tuple[ArchiveRelationship, ...]
    _by_guid: dict[str, ArchiveEntity] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_guid", {e.guid: e for e in self.entities})

    def entity(self, guid: str) -> ArchiveEntity | None:
        """The entity the archive defines with this guid, if any."""
        return self._by_guid.get(guid)


def read_archive(path: str | os.PathLike[str]) -> Archive:
    """Read and check one ``.omarchive`` file.

    Raises :class:`ArchiveError` naming the file (and line/column for bad
    JSON, the entity or relationship for bad content).
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ArchiveError(f"{p}: no such archive file", hint="check the path") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ArchiveError(f"{p}: cannot read the archive ({exc})") from exc
    return parse_archive(text, source=str(p))


def parse_archive(data: str | bytes | Mapping[str, Any], *, source: str = "<archive>") -> Archive:
    """Parse archive JSON (text or an already-loaded document) into an :class:`Archive`.

    Raises :class:`ArchiveError` for bad JSON (with line and column), a
    missing guid or type, an unknown property value class, or a relationship
    end that the archive neither defines nor describes with a typed proxy.
    """
    # The document and the parsed archive are ~10^5 long-lived objects: automatic
    # collections while they are built walk all of them again and again (a third of
    # the parse time); the collector runs once, afterwards, instead.
    with gc_paused():
        try:
            return _parse_archive(data, source)
        except RecursionError:
            raise ArchiveError(
                f"{source}: nested deeper than the archive reader can follow",
                hint="an archive Egeria writes nests only a few levels; check how it was made",
            ) from None


def _parse_archive(data: str | bytes | Mapping[str, Any], source: str) -> Archive:
    doc = _document(data, source)
    store = doc.get("archiveInstanceStore")
    if not isinstance(store, Mapping):
        raise ArchiveError(
            f"{source}: no 'archiveInstanceStore' object",
            hint="an open metadata archive has archiveProperties and "
            "archiveInstanceStore{entities[], relationships[]}",
        )
    props = doc.get("archiveProperties")
    props = props if isinstance(props, Mapping) else {}
    raw_entities = _list(store.get("entities"), f"{source}: archiveInstanceStore.entities")
    raw_relationships = _list(
        store.get("relationships"), f"{source}: archiveInstanceStore.relationships"
    )
    seen = _entities(raw_entities, source)
    entities = list(seen.values())
    relationships = _relationships(raw_relationships, source, seen)
    _check_indexable(source, entities, relationships)
    _check_unique_names(source, entities)
    name = props.get("archiveName")
    return Archive(
        source=source,
        name=name if isinstance(name, str) and name else Path(source).stem,
        guid=_opt_str(props.get("archiveGUID")),
        originator=_opt_str(props.get("originatorName")),
        entities=tuple(entities),
        relationships=tuple(relationships),
    )


def _document(data: str | bytes | Mapping[str, Any], source: str) -> Mapping[str, Any]:
    """The archive's JSON object (``data`` parsed unless already loaded)."""
    if isinstance(data, str | bytes):
        try:
            # orjson: about a third less CPU than json on large archives; it refuses NaN,
            # Infinity, integers beyond 64 bits and lone surrogates, which Neo4j cannot
            # store either
            doc = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            raise ArchiveError(
                f"{source}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
                hint="an .omarchive file is the JSON document Egeria writes; fix the syntax there",
            ) from exc
    else:
        doc = data
    if not isinstance(doc, Mapping):
        raise ArchiveError(f"{source}: an archive is a JSON object, found {type(doc).__name__}")
    return doc


def _entities(raw_entities: Sequence[Any], source: str) -> dict[str, ArchiveEntity]:
    """The archive's entities by guid, in archive order (an exact repeat is dropped)."""
    seen: dict[str, ArchiveEntity] = {}
    for index, raw in enumerate(raw_entities):
        entity = _parse_entity(raw, f"{source}: entity #{index + 1}")
        _keep_first(seen, entity, "entity", source)
    return seen


def _relationships(
    raw_relationships: Sequence[Any], source: str, entities: Mapping[str, ArchiveEntity]
) -> list[ArchiveRelationship]:
    """The archive's relationships in archive order (an exact repeat is dropped)."""
    seen: dict[str, ArchiveRelationship] = {}
    for index, raw in enumerate(raw_relationships):
        rel = _parse_relationship(raw, f"{source}: relationship #{index + 1}", entities)
        _keep_first(seen, rel, "relationship", source)
    return list(seen.values())


def _keep_first(seen: dict[str, _Instance], instance: _Instance, kind: str, source: str) -> None:
    """Keep ``instance`` under its guid unless an equal one is kept already; raise
    :class:`ArchiveError` when one with the same guid differs."""
    previous = seen.get(instance.guid)
    if previous is None:
        seen[instance.guid] = instance
    elif previous != instance:
        raise ArchiveError(
            f"{source}: {kind} {instance.guid} ({instance.type_name}) is defined twice "
            "with different content"
        )


def _scalar_problem(name: str, value: Any) -> str | None:
    """What Neo4j would refuse in a property (maps and lists are made storable later)."""
    if type(value) is str and name and "\x00" not in name:
        return None  # the common case, decided without storable_problem's checks
    if isinstance(value, Mapping | list):
        return storable_problem(name, "") if not name or "\x00" in name else None
    return storable_problem(name, value) if value is not None else None


def _check_unique_names(source: str, entities: Sequence[ArchiveEntity]) -> None:
    """Two entities of one archive may not share a qualifiedName (it is unique in the graph)."""
    first: dict[str, ArchiveEntity] = {}
    for e in entities:
        qn = e.properties.get("qualifiedName")
        if not isinstance(qn, str):
            continue
        other = first.setdefault(qn, e)
        if other is not e:
            raise ArchiveError(
                f"{source}: entities {other.guid} ({other.type_name}) and {e.guid} "
                f"({e.type_name}) have the same qualifiedName {qn[:200]!r}",
                hint="qualifiedNames are unique; rename one of them",
            )


def _check_indexable(
    source: str, entities: Sequence[ArchiveEntity], relationships: Sequence[ArchiveRelationship]
) -> None:
    """Refuse values of indexed properties that Neo4j's indexes cannot hold."""
    problems: list[str] = []
    for e in entities:
        for name, value in (("guid", e.guid), *e.properties.items()):
            problem = too_long_to_index(name, value) or _scalar_problem(name, value)
            if problem:
                problems.append(f"{source}: entity {e.guid[:80]} ({e.type_name}): {problem}")
    for r in relationships:
        values = [("guid", r.guid), *r.properties.items()]
        for end in (r.end1, r.end2):
            values.extend([("guid", end.guid), *end.unique_properties.items()])
        for name, value in values:
            problem = too_long_to_index(name, value) or _scalar_problem(name, value)
            if problem:
                problems.append(f"{source}: relationship {r.guid[:80]} ({r.type_name}): {problem}")
    if problems:
        raise ArchiveError(
            "\n".join(dict.fromkeys(problems)), hint="shorten these values; nothing was written"
        )


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ArchiveError(f"{where}: expected a list, found {type(value).__name__}")
    return value


def _opt_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _type_name(raw: Mapping[str, Any]) -> str | None:
    type_ = raw.get("type")
    if isinstance(type_, dict):
        return _opt_str(type_.get("typeDefName"))
    return None


def _parse_entity(raw: Any, where: str) -> ArchiveEntity:
    if not isinstance(raw, dict):
        raise ArchiveError(f"{where}: expected an EntityDetail object, found {type(raw).__name__}")
    type_name = _type_name(raw)
    guid = _opt_str(raw.get("guid"))
    if guid is None:
        qn = _peek_qualified_name(raw.get("properties"))
        raise ArchiveError(
            f"{where} ({type_name or 'no type'}"
            + (f", qualifiedName {qn!r}" if qn else "")
            + ") has no guid",
            hint="every entity of an archive needs its 'guid'",
        )
    where = f"{where.split(': ')[0]}: entity {guid}"
    if type_name is None:
        raise ArchiveError(f"{where} has no type.typeDefName")
    where = f"{where} ({type_name})"
    _check_type_name(type_name, where)
    properties = decode_instance_properties(raw.get("properties"), where)
    classifications = []
    for c_index, c_raw in enumerate(_list(raw.get("classifications"), f"{where} classifications")):
        if not isinstance(c_raw, dict):
            raise ArchiveError(f"{where}: classification #{c_index + 1} is not an object")
        c_type = _type_name(c_raw) or _opt_str(c_raw.get("name"))
        if c_type is None:
            raise ArchiveError(f"{where}: classification #{c_index + 1} has no type")
        classifications.append(
            Classification(
                c_type,
                decode_instance_properties(
                    c_raw.get("properties"), f"{where} classification {c_type}"
                ),
                _header(c_raw),
                _opt_str(c_raw.get("classificationOrigin")),
                _opt_str(c_raw.get("classificationOriginGUID")),
            )
        )
    return ArchiveEntity(guid, type_name, properties, tuple(classifications), _header(raw))


def _check_type_name(type_name: str, where: str) -> None:
    if not LABEL_PATTERN.fullmatch(type_name):
        raise ArchiveError(
            f"{where}: {type_name!r} is not a valid type name",
            hint="Egeria type names are identifiers such as 'IntegrationConnector'",
        )


def _peek_qualified_name(props: Any) -> str | None:
    if isinstance(props, dict):
        ip = props.get("instanceProperties")
        if isinstance(ip, dict):
            qn = ip.get("qualifiedName")
            if isinstance(qn, dict):
                return _opt_str(qn.get("primitiveValue"))
    return None


def _parse_relationship(
    raw: Any, where: str, entities: Mapping[str, ArchiveEntity]
) -> ArchiveRelationship:
    if not isinstance(raw, dict):
        raise ArchiveError(f"{where}: expected a Relationship object, found {type(raw).__name__}")
    type_name = _type_name(raw)
    guid = _opt_str(raw.get("guid"))
    if guid is None:
        raise ArchiveError(
            f"{where} ({type_name or 'no type'}) has no guid",
            hint="every relationship of an archive needs its 'guid'",
        )
    where = f"{where.split(': ')[0]}: relationship {guid}"
    if type_name is None:
        raise ArchiveError(f"{where} has no type.typeDefName")
    where = f"{where} ({type_name})"
    ends = []
    for key, label in (("entityOneProxy", "end 1"), ("entityTwoProxy", "end 2")):
        end_raw = raw.get(key)
        if not isinstance(end_raw, dict) or _opt_str(end_raw.get("guid")) is None:
            raise ArchiveError(
                f"{where}: {label} has no {key} with a guid",
                hint="each relationship names both ends as EntityProxy objects",
            )
        end_guid = str(end_raw["guid"])
        end_type = _type_name(end_raw)
        if end_type is not None:
            _check_type_name(end_type, f"{where} {label}")
        if end_guid not in entities and end_type is None:
            raise ArchiveError(
                f"{where}: {label} {end_guid} is not defined in the archive and its "
                f"{key} has no type, so no placeholder can be made",
                hint="define the entity in the archive, or give the proxy its type and "
                "uniqueProperties (qualifiedName)",
            )
        if end_guid in entities:
            # the archive defines this end: its proxy copy adds nothing
            ends.append(EntityRef(end_guid, end_type, {}, _NO_HEADER))
            continue
        unique = decode_instance_properties(end_raw.get("uniqueProperties"), f"{where} {label}")
        ends.append(EntityRef(end_guid, end_type, unique, _header(end_raw)))
    properties = decode_instance_properties(raw.get("properties"), where)
    return ArchiveRelationship(guid, type_name, ends[0], ends[1], properties, _header(raw))


_NO_HEADER = Header()


def _header(raw: Mapping[str, Any]) -> Header:
    version = raw.get("version")
    maintainers = raw.get("maintainedBy")
    type_ = raw.get("type")
    type_ = type_ if isinstance(type_, Mapping) else {}
    type_version = type_.get("typeDefVersion")
    return Header(
        version=version if type(version) is int else None,
        create_time=parse_time(raw.get("createTime")),
        update_time=parse_time(raw.get("updateTime")),
        created_by=_opt_str(raw.get("createdBy")),
        updated_by=_opt_str(raw.get("updatedBy")),
        metadata_collection_id=_opt_str(raw.get("metadataCollectionId")),
        metadata_collection_name=_opt_str(raw.get("metadataCollectionName")),
        instance_provenance_type=_opt_str(raw.get("instanceProvenanceType")),
        maintained_by=tuple(m for m in maintainers if isinstance(m, str) and m)
        if isinstance(maintainers, list)
        else (),
        type_guid=_opt_str(type_.get("typeDefGUID")),
        type_version=type_version if type(type_version) is int else None,
    )
