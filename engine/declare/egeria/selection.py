"""Which parts of an archive an import loads: the model's entities and relationships
(old relationship names read), and every element at either end of such a relationship."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from engine.declare.egeria.archive import Archive, ArchiveEntity, ArchiveRelationship, EntityRef
from engine.typesystem import ELEMENT_SUPERTYPES, RELATIONSHIP_TYPES

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


def _is_model_type(type_name: str) -> bool:
    if type_name in MODEL_ENTITY_TYPES:
        return True
    return any(s in MODEL_ENTITY_TYPES for s in ELEMENT_SUPERTYPES.get(type_name, ()))


def _has_label(type_name: str | None, label: str) -> bool:
    if type_name is None:
        return False
    return type_name == label or label in ELEMENT_SUPERTYPES.get(type_name, ())


@dataclass
class SelectedRelationship:
    """A model relationship, named and oriented as SPEC.md §2 says."""

    source: ArchiveRelationship
    name: str
    start: EntityRef
    end: EntityRef
    properties: dict[str, Any]


@dataclass
class Selection:
    archive: Archive
    entities: list[ArchiveEntity] = field(default_factory=list)
    rels: list[SelectedRelationship] = field(default_factory=list)
    proxies: dict[str, EntityRef] = field(default_factory=dict)
    skipped_entities: Counter[str] = field(default_factory=Counter)
    skipped_relationships: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)


def _end_type(archive: Archive, ref: EntityRef) -> str | None:
    defined = archive.entity(ref.guid)
    return defined.type_name if defined is not None else ref.type_name


def select(archive: Archive) -> Selection:
    sel = Selection(archive)
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
        sel.rels.append(SelectedRelationship(rel, name, start, end, props))
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
