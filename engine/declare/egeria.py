"""Egeria open metadata archives (``.omarchive``): import into the graph, export from it.

An archive is JSON (SPEC.md §6): ``archiveProperties`` and
``archiveInstanceStore{entities[], relationships[]}``. Entities carry a guid,
``type.typeDefName``, typed ``properties.instanceProperties`` and
``classifications``; relationships carry ``entityOneProxy``/``entityTwoProxy``.

What an import loads
    every entity of the integration-group model (IntegrationGroup,
    IntegrationConnector, Connection and VirtualConnection, ConnectorType,
    Endpoint, and subtypes the type system knows), every relationship of
    :data:`engine.typesystem.RELATIONSHIP_TYPES` (old names of SPEC.md §6
    read), and every element at either end of such a relationship -- which
    covers catalog targets and the assets of connections. Everything else is
    skipped and counted by type in the :class:`ImportReport`.

How it is stored (the conventions every writer shares)
    nodes carry ``labels_for(typeName)``, Egeria's ``guid``, ``qualifiedName``,
    ``typeName`` and the audit fields; other properties go through
    :func:`engine.graph.graphmap.encode_properties`. Classifications are kept as
    JSON in ``classifications`` (a list of ``{typeName, properties}``); the
    anchor is also lifted to an ``anchorGUID`` property and a ``Template``
    classification adds the ``Template`` label, so both can be queried
    directly. An end that an archive references but does not define becomes a
    placeholder with ``isProxy: true`` and the proxy's unique properties (a
    proxy without a qualifiedName gets ``<typeName>::<guid>`` and
    ``qualifiedNameDerived: true``); a later archive that defines it fills it
    in place. Imported elements keep the archive's instance header
    (``version``, ``createTime``, ``updateTime``, ``createdBy``,
    ``updatedBy``), which makes export -> import reproduce the graph exactly.

Guarantees
    one transaction per archive (all or nothing), MERGE on guid backed by the
    uniqueness constraints, idempotent (an unchanged element or relationship
    is not written, so its ``version`` and ``updateTime`` stay), and malformed
    archives are refused with :class:`~engine.errors.ArchiveError` (exit 2)
    before anything is written.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import orjson
from neo4j import ManagedTransaction

from engine.errors import ArchiveError, NotFoundError, UsageError
from engine.graph.graphmap import (
    AUDIT_PROPERTIES,
    decode_properties,
    encode_properties,
    storable_problem,
    to_python,
)
from engine.graph.resolve import gc_paused
from engine.graph.schema import too_long_to_index
from engine.graph.store import Store
from engine.graph.writer import write_archive_tx, write_with_replan
from engine.typesystem import ELEMENT_SUPERTYPES, LABEL_PATTERN, RELATIONSHIP_TYPES, labels_for

T = TypeVar("T")

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

ARCHIVES_ENV = "SWITCHBOARD_EGERIA_ARCHIVES"
"""Environment variable naming the folder of Egeria's sample archives."""

DEFAULT_ARCHIVES_DIR = Path("..") / "shared" / "data" / "egeria-archives"
"""Where the sample archives live, relative to the repository root."""

Progress = Callable[[str, int, int], None]
"""``progress(phase, done, total)``: called as an import advances."""

THREADED_RELATIONSHIPS = 1_000
"""From this many relationships on, their rows are prepared on a second thread."""

BATCH_SIZE = 5_000
"""Rows per UNWIND statement (all batches of one archive share one transaction)."""

MODEL_ENTITY_TYPES: frozenset[str] = frozenset(
    {"IntegrationGroup", "IntegrationConnector", "Connection", "ConnectorType", "Endpoint"}
)
"""Entity types (with their subtypes) that are always loaded."""

OLD_RELATIONSHIP_NAMES: dict[str, tuple[str, bool]] = {
    "ConnectionEndpoint": ("ConnectToEndpoint", False),
    "ConnectionToAsset": ("AssetConnection", True),
}
"""Old relationship name -> (current name, ends swapped). ConnectionEndpoint is
also oriented by its ends' types (Egeria's old definition had the Endpoint at end 1)."""

OLD_RELATIONSHIP_PROPERTIES: dict[str, str] = {
    "stopDate": "connectorShutdownDate",
    "stopTime": "connectorShutdownDate",
    "generateIntegrationReport": "generateConnectorActivityReports",
    "generateIntegrationReports": "generateConnectorActivityReports",
}

RESERVED_PROPERTIES: frozenset[str] = frozenset(
    {
        "guid",
        "typeName",
        "isProxy",
        "qualifiedNameDerived",
        "classifications",
        "anchorGUID",
        "mapProperties",
        *AUDIT_PROPERTIES,
    }
)
"""Node properties the engine keeps; archive properties of these names are dropped."""

TEMPLATE_LABEL = "Template"
DERIVED_QN_FLAG = "qualifiedNameDerived"
PROXY_FLAG = "isProxy"

EGERIA_NAMES: dict[str, str] = {neo: egeria for egeria, neo in RELATIONSHIP_TYPES.items()}

TYPE_GUIDS: dict[str, str] = {
    "IntegrationGroup": "4d7c43ec-983b-40e4-af78-6fb66c4f5136",
    "IntegrationConnector": "759da11b-ebb6-4382-bdc9-72adc7c922db",
    "Connection": "114e9f8f-5ff3-4c32-bd37-a7eb42712253",
    "ConnectorType": "954421eb-33a6-462d-a8ca-b5709a1bd0d4",
    "Endpoint": "dbc20663-d705-4ff0-8424-80c262c6b8e7",
    "Anchors": "aa44f302-2e43-4669-a1e7-edaae414fc6e",
    "RegisteredIntegrationConnector": "7528bcd4-ae4c-47d0-a33f-4aeebbaa92c2",
    "AssetConnection": "c96593a5-9f42-41c8-82a0-16acafc77c44",
    "ConnectionConnectorType": "e542cfc1-0b4b-42b9-9921-f0a5a88aaf96",
    "ConnectToEndpoint": "e2b62ebb-7f7d-4d48-be70-b0859416bc95",
    "CatalogTarget": "bc5a5eb1-881b-4055-aa2c-78f314282ac2",
}
"""Egeria typeDefGUIDs seen in its archives, written on export where known."""

PRIMITIVES: dict[str, tuple[str, str | None]] = {
    "string": ("OM_PRIMITIVE_TYPE_STRING", "b34a64b9-554a-42b1-8f8a-7d5c2339f9c4"),
    "boolean": ("OM_PRIMITIVE_TYPE_BOOLEAN", "3863f010-611c-41fe-aaae-5d4d427f863b"),
    "int": ("OM_PRIMITIVE_TYPE_INT", "7fc49104-fd3a-46c8-b6bf-f16b6074cd35"),
    "long": ("OM_PRIMITIVE_TYPE_LONG", "33a91510-92ee-4825-9f49-facd7a6f9db6"),
    "double": ("OM_PRIMITIVE_TYPE_DOUBLE", None),
    "date": ("OM_PRIMITIVE_TYPE_DATE", None),
}

LONG_PROPERTIES: frozenset[str] = frozenset({"refreshTimeInterval"})

ENUMS: dict[str, tuple[str, dict[str, int]]] = {
    "permittedSynchronization": (
        "PermittedSynchronization",
        {"BOTH_DIRECTIONS": 0, "TO_THIRD_PARTY": 1, "FROM_THIRD_PARTY": 2, "OTHER": 99},
    ),
    "deleteMethod": (
        "DeleteMethod",
        {"ARCHIVE": 0, "SOFT_DELETE": 1, "LOOK_FOR_LINEAGE": 2, "PURGE": 3, "OTHER": 99},
    ),
    "activityStatus": (
        "ActivityStatus",
        {
            "REQUESTED": 0,
            "APPROVED": 1,
            "WAITING": 2,
            "ACTIVATING": 3,
            "IN_PROGRESS": 4,
            "COMPLETED": 5,
            "INVALID": 6,
            "IGNORED": 7,
            "FAILED": 8,
            "CANCELLED": 9,
            "OTHER": 99,
        },
    ),
}
"""Property name -> (Egeria enum type, symbolic name -> ordinal), used on export."""


def sample_archives_dir() -> Path:
    """The folder of Egeria's sample archives: ``$SWITCHBOARD_EGERIA_ARCHIVES``, else
    ``../shared/data/egeria-archives`` relative to the repository root."""
    env = os.environ.get(ARCHIVES_ENV)
    if env:
        return Path(env).expanduser()
    repo_root = Path(__file__).resolve().parents[2]
    return (repo_root / DEFAULT_ARCHIVES_DIR).resolve()


# ------------------------------------------------------------------ parsing


@dataclass(frozen=True)
class Header:
    """The audit part of an Egeria instance header."""

    version: int | None = None
    create_time: datetime | None = None
    update_time: datetime | None = None
    created_by: str | None = None
    updated_by: str | None = None


@dataclass(frozen=True)
class EntityRef:
    """One end of a relationship: Egeria's ``EntityProxy``."""

    guid: str
    type_name: str | None
    unique_properties: dict[str, Any]
    header: Header


@dataclass(frozen=True)
class Classification:
    type_name: str
    properties: dict[str, Any]


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
        return _parse_archive(data, source)


def _parse_archive(data: str | bytes | Mapping[str, Any], source: str) -> Archive:
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

    entities: list[ArchiveEntity] = []
    seen: dict[str, ArchiveEntity] = {}
    for index, raw in enumerate(raw_entities):
        entity = _parse_entity(raw, f"{source}: entity #{index + 1}")
        previous = seen.get(entity.guid)
        if previous is not None:
            if previous == entity:
                continue
            raise ArchiveError(
                f"{source}: entity {entity.guid} ({entity.type_name}) is defined twice "
                "with different content"
            )
        seen[entity.guid] = entity
        entities.append(entity)

    relationships: list[ArchiveRelationship] = []
    seen_rel: dict[str, ArchiveRelationship] = {}
    for index, raw in enumerate(raw_relationships):
        rel = _parse_relationship(raw, f"{source}: relationship #{index + 1}", seen)
        previous_rel = seen_rel.get(rel.guid)
        if previous_rel is not None:
            if previous_rel == rel:
                continue
            raise ArchiveError(
                f"{source}: relationship {rel.guid} ({rel.type_name}) is defined twice "
                "with different content"
            )
        seen_rel[rel.guid] = rel
        relationships.append(rel)

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
    properties = _decode_instance_properties(raw.get("properties"), where)
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
                _decode_instance_properties(
                    c_raw.get("properties"), f"{where} classification {c_type}"
                ),
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
        unique = _decode_instance_properties(end_raw.get("uniqueProperties"), f"{where} {label}")
        ends.append(EntityRef(end_guid, end_type, unique, _header(end_raw)))
    properties = _decode_instance_properties(raw.get("properties"), where)
    return ArchiveRelationship(guid, type_name, ends[0], ends[1], properties, _header(raw))


_NO_HEADER = Header()


def _header(raw: Mapping[str, Any]) -> Header:
    version = raw.get("version")
    return Header(
        version=version if type(version) is int else None,
        create_time=_time(raw.get("createTime")),
        update_time=_time(raw.get("updateTime")),
        created_by=_opt_str(raw.get("createdBy")),
        updated_by=_opt_str(raw.get("updatedBy")),
    )


_TIMES: dict[int, datetime] = {}


def _time(value: Any) -> datetime | None:
    kind = type(value)
    if kind is int:
        # archives repeat a handful of timestamps thousands of times
        moment = _TIMES.get(value)
        if moment is None:
            moment = EPOCH + timedelta(milliseconds=value)
            if len(_TIMES) < 10_000:
                _TIMES[value] = moment
        return moment
    if kind is float:
        return EPOCH + timedelta(milliseconds=value)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def _decode_instance_properties(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ArchiveError(f"{where}: expected InstanceProperties, found {type(value).__name__}")
    inner = value.get("instanceProperties")
    if inner is None:
        return {}
    if not isinstance(inner, dict):
        raise ArchiveError(f"{where}: instanceProperties is not an object")
    out: dict[str, Any] = {}
    for name, item in inner.items():
        decoded = decode_value(item, f"{where} property {name!r}")
        if decoded is not None:
            out[str(name)] = decoded
    return out


def _integral(category: str) -> bool:
    return category.upper().endswith(("INT", "LONG", "SHORT", "BYTE", "BIGINTEGER"))


def decode_value(value: Any, where: str = "property") -> Any:
    """One Egeria typed property value -> a Python value.

    Primitive -> its value (dates -> aware UTC datetimes), enum -> its
    symbolic name, map and struct -> dict, array -> list. Raises
    :class:`ArchiveError` for an unknown ``class``.
    """
    if not isinstance(value, dict):
        raise ArchiveError(
            f"{where}: expected a typed property value object, found {type(value).__name__}"
        )
    cls = value.get("class")
    if cls == "PrimitivePropertyValue":
        primitive = value.get("primitiveValue")
        category = str(value.get("primitiveDefCategory") or value.get("typeName") or "")
        if category.upper().endswith("DATE") and primitive is not None:
            moment = _time(primitive)
            if moment is None:
                raise ArchiveError(f"{where}: {primitive!r} is not a date")
            return moment
        if type(primitive) is float and abs(primitive) >= 2.0**63 and _integral(category):
            # orjson reads integers beyond 64 bits as floats
            raise ArchiveError(
                f"{where}: {primitive:.0f} does not fit in 64 bits",
                hint="Neo4j stores integers of at most 64 bits",
            )
        return primitive
    if cls == "EnumPropertyValue":
        symbol = value.get("symbolicName")
        if not isinstance(symbol, str):
            raise ArchiveError(f"{where}: EnumPropertyValue without a symbolicName")
        return symbol
    if cls == "MapPropertyValue":
        return _decode_instance_properties(value.get("mapValues"), where)
    if cls == "StructPropertyValue":
        return _decode_instance_properties(value.get("attributes"), where)
    if cls == "ArrayPropertyValue":
        items = _decode_instance_properties(value.get("arrayValues"), where)
        try:
            ordered = sorted(items.items(), key=lambda kv: int(kv[0]))
        except ValueError as exc:
            raise ArchiveError(f"{where}: array keys must be positions 0, 1, ...") from exc
        return [item for _, item in ordered]
    raise ArchiveError(
        f"{where}: unknown property value class {cls!r}",
        hint="expected PrimitivePropertyValue, EnumPropertyValue, MapPropertyValue, "
        "ArrayPropertyValue or StructPropertyValue",
    )


# ------------------------------------------------------------ selection


def _is_model_type(type_name: str) -> bool:
    if type_name in MODEL_ENTITY_TYPES:
        return True
    return any(s in MODEL_ENTITY_TYPES for s in ELEMENT_SUPERTYPES.get(type_name, ()))


def _has_label(type_name: str | None, label: str) -> bool:
    if type_name is None:
        return False
    return type_name == label or label in ELEMENT_SUPERTYPES.get(type_name, ())


@dataclass
class _Rel:
    """A model relationship, named and oriented as SPEC.md §2 says."""

    source: ArchiveRelationship
    name: str
    start: EntityRef
    end: EntityRef
    properties: dict[str, Any]


@dataclass
class _Selection:
    archive: Archive
    entities: list[ArchiveEntity] = field(default_factory=list)
    rels: list[_Rel] = field(default_factory=list)
    proxies: dict[str, EntityRef] = field(default_factory=dict)
    skipped_entities: Counter[str] = field(default_factory=Counter)
    skipped_relationships: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)


def _end_type(archive: Archive, ref: EntityRef) -> str | None:
    defined = archive.entity(ref.guid)
    return defined.type_name if defined is not None else ref.type_name


def _select(archive: Archive) -> _Selection:
    sel = _Selection(archive)
    wanted: set[str] = {e.guid for e in archive.entities if _is_model_type(e.type_name)}
    for rel in archive.relationships:
        name, swap = OLD_RELATIONSHIP_NAMES.get(rel.type_name, (rel.type_name, False))
        if name not in RELATIONSHIP_TYPES:
            sel.skipped_relationships[rel.type_name] += 1
            continue
        start, end = (rel.end2, rel.end1) if swap else (rel.end1, rel.end2)
        if rel.type_name == "ConnectionEndpoint" and (
            _has_label(_end_type(archive, start), "Endpoint")
            or _has_label(_end_type(archive, end), "Connection")
        ):
            start, end = end, start
        props = dict(rel.properties)
        for old, new in OLD_RELATIONSHIP_PROPERTIES.items():
            if old in props:
                value = props.pop(old)
                props.setdefault(new, value)
        sel.rels.append(_Rel(rel, name, start, end, props))
        for ref in (start, end):
            if archive.entity(ref.guid) is not None:
                wanted.add(ref.guid)
            else:
                sel.proxies.setdefault(ref.guid, ref)
    for entity in archive.entities:
        if entity.guid in wanted:
            sel.entities.append(entity)
        else:
            sel.skipped_entities[entity.type_name] += 1
    return sel


# ------------------------------------------------------------ row building


def _now() -> datetime:
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


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
    created = header.create_time or _now()
    return {
        "version": header.version if header.version and header.version > 0 else 1,
        "createTime": created,
        "updateTime": header.update_time or created,
        "createdBy": header.created_by or default_user,
        "updatedBy": header.updated_by or header.created_by or default_user,
    }


@dataclass
class _NodeRow:
    guid: str
    type_name: str
    labels: list[str]
    properties: dict[str, Any]  # encoded, without audit fields
    audit: dict[str, Any]
    header: Header


def _entity_row(entity: ArchiveEntity, archive: Archive, warnings: list[str]) -> _NodeRow:
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
    qn = model.get("qualifiedName")
    if not isinstance(qn, str) or not qn:
        model["qualifiedName"] = f"{entity.type_name}::{entity.guid}"
        model[DERIVED_QN_FLAG] = True
        warnings.append(f"{where}: no qualifiedName; using {model['qualifiedName']!r}")
    model["guid"] = entity.guid
    model["typeName"] = entity.type_name
    if entity.classifications:
        model["classifications"] = [
            {"typeName": c.type_name, "properties": _jsonable(c.properties)}
            for c in entity.classifications
        ]
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
    return _NodeRow(
        entity.guid,
        entity.type_name,
        labels,
        encode_properties(model),
        _audit(entity.header, default_user),
        entity.header,
    )


def _proxy_row(ref: EntityRef, archive: Archive, warnings: list[str]) -> _NodeRow:
    type_name = ref.type_name or "Referenceable"
    where = f"{archive.source}: proxy {ref.guid} ({type_name})"
    model: dict[str, Any] = {}
    for key, value in ref.unique_properties.items():
        if key in RESERVED_PROPERTIES:
            continue
        model[key] = _storable(key, value, where, warnings)
    qn = model.get("qualifiedName")
    if not isinstance(qn, str) or not qn:
        model["qualifiedName"] = f"{type_name}::{ref.guid}"
        model[DERIVED_QN_FLAG] = True
    model["guid"] = ref.guid
    model["typeName"] = type_name
    model[PROXY_FLAG] = True
    return _NodeRow(
        ref.guid,
        type_name,
        _labels(type_name, where),
        encode_properties(model),
        _audit(ref.header, archive.originator or "egeria-archive"),
        ref.header,
    )


def _without_audit(properties: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in properties.items() if k not in AUDIT_PROPERTIES}


def _micros(value: datetime) -> int:
    moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _to_wire(properties: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
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


def _batches(items: Sequence[T], size: int = BATCH_SIZE) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# ------------------------------------------------------------------ report


@dataclass
class ImportReport:
    """What one archive import did (or, for a dry run, would do)."""

    source: str
    archive_name: str
    archive_guid: str | None
    dry_run: bool
    entities_in_archive: int = 0
    relationships_in_archive: int = 0
    loaded: dict[str, int] = field(default_factory=dict)
    relationships_loaded: dict[str, int] = field(default_factory=dict)
    skipped_entities: dict[str, int] = field(default_factory=dict)
    skipped_relationships: dict[str, int] = field(default_factory=dict)
    proxies_created: list[dict[str, Any]] = field(default_factory=list)
    proxies_filled: int = 0
    elements_created: int = 0
    elements_updated: int = 0
    elements_unchanged: int = 0
    relationships_created: int = 0
    relationships_updated: int = 0
    relationships_unchanged: int = 0
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        """True when the import wrote (or a dry run would write) anything."""
        return bool(
            self.elements_created
            or self.elements_updated
            or self.proxies_filled
            or self.proxies_created
            or self.relationships_created
            or self.relationships_updated
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "archiveName": self.archive_name,
            "archiveGUID": self.archive_guid,
            "dryRun": self.dry_run,
            "changed": self.changed,
            "entitiesInArchive": self.entities_in_archive,
            "relationshipsInArchive": self.relationships_in_archive,
            "loaded": dict(sorted(self.loaded.items())),
            "relationshipsLoaded": dict(sorted(self.relationships_loaded.items())),
            "skippedEntities": dict(sorted(self.skipped_entities.items())),
            "skippedRelationships": dict(sorted(self.skipped_relationships.items())),
            "proxiesCreated": self.proxies_created,
            "proxiesFilled": self.proxies_filled,
            "elements": {
                "created": self.elements_created,
                "updated": self.elements_updated,
                "unchanged": self.elements_unchanged,
            },
            "relationships": {
                "created": self.relationships_created,
                "updated": self.relationships_updated,
                "unchanged": self.relationships_unchanged,
            },
            "warnings": self.warnings,
            "seconds": round(self.seconds, 3),
        }


# ------------------------------------------------------------------ planning

Runner = Callable[[str, Mapping[str, Any]], list[dict[str, Any]]]


@dataclass
class _Plan:
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
    for batch in _batches(values):
        rows.extend(run(name, {key: list(batch), **extra}))
    return rows


def _lookup_row(guid: str, properties: Mapping[str, Any]) -> dict[str, Any]:
    """What the existence queries compare server-side: the wanted non-audit properties."""
    wire, dates = _to_wire(_without_audit(properties))
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
        "updateTime": _now(),
        "updatedBy": header.updated_by or fallback["updatedBy"],
    }


def _plan(run: Runner, archive: Archive, dry_run: bool) -> _Plan:
    started = time.perf_counter()
    sel = _select(archive)
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
    plan = _Plan(report)
    with contextlib.ExitStack() as stack:
        if len(sel.rels) >= THREADED_RELATIONSHIPS:
            pool = stack.enter_context(ThreadPoolExecutor(1, "archive-import"))
            rel_rows: Callable[[], _RelRows] = pool.submit(_relationship_rows, archive, sel).result
        else:
            rel_rows = functools.partial(_relationship_rows, archive, sel)
        _plan_elements(run, archive, sel, plan, rel_rows)
    report.seconds = time.perf_counter() - started
    return plan


def _plan_elements(
    run: Runner, archive: Archive, sel: _Selection, plan: _Plan, rel_rows: Callable[[], _RelRows]
) -> None:
    report = plan.report
    warnings = report.warnings
    rows = [_entity_row(e, archive, warnings) for e in sel.entities]
    proxies = [_proxy_row(ref, archive, warnings) for ref in sel.proxies.values()]

    all_guids = [r.guid for r in rows] + [p.guid for p in proxies]
    names = sorted({str(r.properties["qualifiedName"]) for r in [*rows, *proxies]})
    # One lookup per batch answers both questions with one row (lists inside): the driver
    # spends far more per record than per list element.
    element_ids = plan.element_ids
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
    stored_guids = {guid for guid in all_guids if guid in element_ids}
    lookups = [
        {**_lookup_row(r.guid, r.properties), "typeName": r.type_name, "labels": r.labels}
        for r in rows
        if r.guid in stored_guids
    ]
    changed = {
        item["guid"]: item
        for row in _read_batched(
            run, "import_existing_nodes", "rows", lookups, audit=list(AUDIT_PROPERTIES)
        )
        for item in row["changed"]
    }
    archive_names = {str(r.properties["qualifiedName"]): r.guid for r in rows}

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
            plan.node_creates.append(_node_write(row, row.audit, []))
            report.elements_created += 1
            continue
        stored = changed.get(row.guid)
        if stored is None:  # compared equal server-side
            report.elements_unchanged += 1
            continue
        if stored["isProxy"]:
            plan.node_updates.append(_node_write(row, row.audit, _stale(stored, row.labels)))
            report.proxies_filled += 1
            continue
        stale = _stale(stored, row.labels)
        if stored["same"] and set(row.labels) <= set(stored["labels"]) and not stale:
            report.elements_unchanged += 1
            continue
        audit = _carried_audit(stored, row.header, row.audit)
        plan.node_updates.append(_node_write(row, audit, stale))
        report.elements_updated += 1
    report.loaded = dict(loaded)

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
            warnings.append(
                f"{archive.source}: proxy {proxy.guid} ({proxy.type_name}) {qn!r} matched by "
                f"qualifiedName to element {target}"
            )
            continue
        plan.proxy_rows.append(_node_write(proxy, proxy.audit, []))
        report.proxies_created.append(
            {
                "guid": proxy.guid,
                "typeName": proxy.type_name,
                "qualifiedName": qn,
                "qualifiedNameDerived": bool(proxy.properties.get(DERIVED_QN_FLAG)),
            }
        )

    stored_ends = stored_guids | set(remap.values())
    _plan_relationships(run, rel_rows(), remap, stored_ends, plan)


def _stale(stored: Mapping[str, Any], labels: Sequence[str]) -> list[str]:
    """Labels of the stored element's previous type that its new type does not carry."""
    old_type = stored.get("typeName")
    previous: set[str] = {TEMPLATE_LABEL}
    if isinstance(old_type, str):
        with contextlib.suppress(ValueError):
            previous.update(labels_for(old_type))
    return sorted((previous & set(stored["labels"])) - set(labels))


_AUDIT_TIMES = ("createTime", "updateTime")


def _write_row(properties: Mapping[str, Any]) -> dict[str, Any]:
    """``properties`` (audit fields included) as the write queries take them: every datetime
    as epoch microseconds; ``dates`` lists the keys to convert beyond the two audit times,
    which the queries always convert."""
    wire, dates = _to_wire(properties)
    return {"properties": wire, "dates": [k for k in dates if k not in _AUDIT_TIMES]}


def _node_write(row: _NodeRow, audit: Mapping[str, Any], remove: list[str]) -> dict[str, Any]:
    return {
        "guid": row.guid,
        **_write_row({**row.properties, **audit}),
        "labels": row.labels,
        "remove": remove,
    }


def _rel_write(base: Mapping[str, Any], properties: Mapping[str, Any]) -> dict[str, Any]:
    return {**base, **_write_row(properties)}


@dataclass
class _RelRows:
    """What the relationships of an archive become, whatever the database holds."""

    wanted: list[tuple[_Rel, dict[str, Any], dict[str, Any], dict[str, Any]]]
    """(relationship, encoded properties, audit of a new one, its write row without ends)"""
    warnings: list[str]


def _relationship_rows(archive: Archive, sel: _Selection) -> _RelRows:
    """Encoded properties and the create row of every selected relationship.

    Needs no database, so :func:`_plan` prepares it on a second thread while the
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
        props = encode_properties(model)
        audit = _audit(rel.source.header, default_user)
        wanted.append((rel, props, audit, _write_row({**props, **audit})))
    return _RelRows(wanted, warnings)


def _plan_relationships(
    run: Runner,
    rows: _RelRows,
    remap: Mapping[str, str],
    stored_ends: set[str],
    plan: _Plan,
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
            plan.rel_updates.append(_rel_write({"guid": rel.source.guid}, {**props, **audit}))
        else:
            plan.rel_deletes.append(rel.source.guid)
            plan.rel_creates.append(
                _rel_write({"start": start, "end": end, "type": neo_type}, {**props, **audit})
            )
        report.relationships_updated += 1
    report.relationships_loaded = dict(loaded)


# ------------------------------------------------------------------ import


def _noop(_phase: str, _done: int, _total: int) -> None:
    return None


def _timeout(store: Store, archive: Archive) -> float:
    size = len(archive.entities) + len(archive.relationships)
    return max(store.query_timeout, 60.0 + size / 500.0)


def plan_import(store: Store, archive: Archive) -> ImportReport:
    """What importing ``archive`` would change, without writing (the dry run)."""

    def work(tx: ManagedTransaction) -> ImportReport:
        return _plan(lambda name, params: store.run(tx, name, params), archive, True).report

    return store.read_tx(f"egeria-plan:{archive.name}", work, timeout=_timeout(store, archive))


def import_archive(
    store: Store,
    archive: Archive,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Load one parsed archive in one transaction (all or nothing); see the module docstring.

    Raises :class:`ArchiveError` (nothing written) when an element's
    qualifiedName belongs to another stored element, and
    :class:`~engine.errors.StoreError` when Neo4j fails (rolled back).
    """
    if dry_run:
        return plan_import(store, archive)
    report_progress = progress or _noop
    started = time.perf_counter()

    def work(tx: ManagedTransaction, lean: bool) -> ImportReport:
        with gc_paused():  # the rows of the plan are long-lived too (see parse_archive)
            plan = _plan(lambda name, params: store.run(tx, name, params), archive, False)
            write_archive_tx(store, tx, plan, report_progress, lean=lean)
        return plan.report

    # Another transaction may commit an element or relationship this one proved absent: the
    # writer then plans again (it is now stored) and writes with MERGE.
    operation = f"egeria-import:{archive.name}"
    report = write_with_replan(store, operation, work, timeout=_timeout(store, archive))
    report.seconds = time.perf_counter() - started
    return report


def import_archives(
    store: Store,
    paths: Sequence[str | os.PathLike[str]],
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> list[ImportReport]:
    """Read every file first (a malformed one stops everything before any write),
    then import each in its own transaction, in order, so later archives can fill
    the proxies of earlier ones."""
    archives = [read_archive(p) for p in paths]
    return [import_archive(store, a, dry_run=dry_run, progress=progress) for a in archives]


# ------------------------------------------------------------------ export


def _millis(value: datetime) -> int:
    return round(value.timestamp() * 1000)


def _primitive(type_name: str, value: Any) -> dict[str, Any]:
    category, guid = PRIMITIVES[type_name]
    out: dict[str, Any] = {
        "class": "PrimitivePropertyValue",
        "headerVersion": 1,
        "instancePropertyCategory": "PRIMITIVE",
    }
    if guid:
        out["typeGUID"] = guid
    out.update({"typeName": type_name, "primitiveDefCategory": category, "primitiveValue": value})
    return out


def encode_value(name: str, value: Any) -> dict[str, Any]:
    """A Python value -> Egeria's typed property value (the inverse of :func:`decode_value`)."""
    enum = ENUMS.get(name)
    if enum is not None and isinstance(value, str) and value in enum[1]:
        return {
            "class": "EnumPropertyValue",
            "headerVersion": 1,
            "instancePropertyCategory": "ENUM",
            "typeName": enum[0],
            "ordinal": enum[1][value],
            "symbolicName": value,
        }
    if isinstance(value, bool):
        return _primitive("boolean", value)
    if isinstance(value, int):
        wide = name in LONG_PROPERTIES or not -(2**31) <= value < 2**31
        return _primitive("long" if wide else "int", value)
    if isinstance(value, float):
        return _primitive("double", value)
    if isinstance(value, datetime):
        return _primitive("date", _millis(value))
    if isinstance(value, Mapping):
        return {
            "class": "MapPropertyValue",
            "headerVersion": 1,
            "instancePropertyCategory": "MAP",
            "mapValues": _instance_properties(value),
            "mapElementCount": len(value),
        }
    if isinstance(value, list | tuple):
        return {
            "class": "ArrayPropertyValue",
            "headerVersion": 1,
            "instancePropertyCategory": "ARRAY",
            "arrayCount": len(value),
            "arrayValues": _instance_properties(
                {str(i): item for i, item in enumerate(value)}, name
            ),
        }
    return _primitive("string", str(value))


def _instance_properties(values: Mapping[str, Any], element_name: str = "") -> dict[str, Any]:
    return {
        "class": "InstanceProperties",
        "headerVersion": 1,
        "instanceProperties": {
            str(k): encode_value(element_name or str(k), v)
            for k, v in values.items()
            if v is not None
        },
    }


def _instance_type(name: str, category: str) -> dict[str, Any]:
    out: dict[str, Any] = {"class": "InstanceType", "headerVersion": 1, "typeDefCategory": category}
    if name in TYPE_GUIDS:
        out["typeDefGUID"] = TYPE_GUIDS[name]
    out.update({"typeDefName": name, "typeDefVersion": 1})
    return out


def _export_header(props: Mapping[str, Any], collection: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"instanceProvenanceType": "EXPORT_ARCHIVE", **collection}
    for key in ("createdBy", "updatedBy"):
        if isinstance(props.get(key), str):
            out[key] = props[key]
    for key in ("createTime", "updateTime"):
        moment = props.get(key)
        if isinstance(moment, datetime):
            out[key] = _millis(moment)
    if isinstance(props.get("version"), int):
        out["version"] = props["version"]
    return out


def _export_properties(decoded: Mapping[str, Any]) -> dict[str, Any]:
    skip = set(RESERVED_PROPERTIES)
    if decoded.get(DERIVED_QN_FLAG):
        skip.add("qualifiedName")
    return {k: v for k, v in decoded.items() if k not in skip}


def export_groups(
    store: Store, group_names: Sequence[str], *, archive_name: str | None = None
) -> dict[str, Any]:
    """An open metadata archive (a JSON-ready dict) of the named groups' subgraphs.

    Covers each group, its registered connectors, their connections (with
    embedded connections, connector types and endpoints), their catalog
    targets and the targets' connections. Elements that are only proxies in
    the graph appear only as relationship-end proxies, as Egeria writes them.
    Importing the result into an empty database reproduces the same graph.
    Raises :class:`NotFoundError` naming any group that does not exist.
    """
    names = list(dict.fromkeys(group_names))
    if not names:
        raise UsageError("name at least one integration group to export")
    rows = store.read(
        "export_groups",
        {"groupNames": names, "relationshipTypes": list(RELATIONSHIP_TYPES.values())},
    )
    found = set(rows[0]["groups"]) if rows else set()
    missing = [n for n in names if n not in found]
    if missing:
        raise NotFoundError(
            f"no integration group with qualifiedName {', '.join(repr(m) for m in missing)}",
            hint="check the names (qualifiedName of each IntegrationGroup)",
        )
    row = rows[0]
    archive_guid = str(uuid.uuid5(uuid.NAMESPACE_URL, "switchboard-export:" + "\n".join(names)))
    name = archive_name or "Switchboard export of " + ", ".join(names)
    collection = {"metadataCollectionId": archive_guid, "metadataCollectionName": name}

    nodes: dict[str, dict[str, Any]] = {}
    for node in row["nodes"]:
        props = {k: to_python(v) for k, v in node["properties"].items()}
        nodes[str(props["guid"])] = props

    entities = []
    for guid, props in sorted(nodes.items(), key=lambda kv: (str(kv[1].get("typeName")), kv[0])):
        if props.get(PROXY_FLAG):
            continue
        decoded = decode_properties(props)
        classifications = decoded.get("classifications") or []
        entity: dict[str, Any] = {
            "class": "EntityDetail",
            "headerVersion": 1,
            "type": _instance_type(str(props["typeName"]), "ENTITY_DEF"),
            **_export_header(props, collection),
            "guid": guid,
        }
        if classifications:
            entity["classifications"] = [
                {
                    "class": "Classification",
                    "headerVersion": 1,
                    "type": _instance_type(str(c.get("typeName")), "CLASSIFICATION_DEF"),
                    "name": c.get("typeName"),
                    "properties": _instance_properties(c.get("properties") or {}),
                    "status": "ACTIVE",
                }
                for c in classifications
                if isinstance(c, Mapping)
            ]
        entity["properties"] = _instance_properties(_export_properties(decoded))
        entity["status"] = "ACTIVE"
        entities.append(entity)

    def proxy(guid: str) -> dict[str, Any]:
        props = nodes[guid]
        decoded = decode_properties(props)
        if props.get(PROXY_FLAG):
            unique = _export_properties(decoded)
        elif decoded.get(DERIVED_QN_FLAG):
            unique = {}
        else:
            unique = {"qualifiedName": decoded["qualifiedName"]}
        return {
            "class": "EntityProxy",
            "headerVersion": 1,
            "type": _instance_type(str(props["typeName"]), "ENTITY_DEF"),
            **_export_header(props, collection),
            "guid": guid,
            "uniqueProperties": _instance_properties(unique),
            "status": "ACTIVE",
        }

    relationships = []
    for rel in sorted(
        row["relationships"], key=lambda r: (r["type"], str(r["properties"]["guid"]))
    ):
        props = {k: to_python(v) for k, v in rel["properties"].items()}
        decoded = decode_properties(props)
        egeria_name = EGERIA_NAMES[rel["type"]]
        relationships.append(
            {
                "class": "Relationship",
                "headerVersion": 1,
                "type": _instance_type(egeria_name, "RELATIONSHIP_DEF"),
                **_export_header(props, collection),
                "guid": props["guid"],
                "entityOneProxy": proxy(rel["start"]),
                "entityTwoProxy": proxy(rel["end"]),
                "properties": _instance_properties(_export_properties(decoded)),
                "status": "ACTIVE",
            }
        )

    return {
        "class": "OpenMetadataArchive",
        "archiveProperties": {
            "class": "OpenMetadataArchiveProperties",
            "archiveGUID": archive_guid,
            "archiveName": name,
            "archiveDescription": "Integration groups exported by Switchboard: " + ", ".join(names),
            "archiveType": "METADATA_EXPORT",
            "originatorName": "Switchboard",
            "creationDate": _millis(_now()),
        },
        "archiveInstanceStore": {
            "class": "OpenMetadataArchiveInstanceStore",
            "entities": entities,
            "relationships": relationships,
        },
    }


def write_archive(archive: Mapping[str, Any], path: str | os.PathLike[str]) -> Path:
    """Write an archive dict (from :func:`export_groups`) as indented JSON; returns the path.

    Writes to a temporary file first and renames it, so a failure leaves no
    half-written archive behind.
    """
    target = Path(path)
    tmp = target.with_name(target.name + ".tmp")
    try:
        tmp.write_text(json.dumps(archive, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UsageError(f"cannot write {target}: {exc}", hint="check the folder exists") from exc
    return target
