"""Exporting stored integration groups as an Egeria open metadata archive."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from engine.declare.egeria.conventions import (
    DERIVED_QN_FLAG,
    EGERIA_NAMES,
    HOME_PROPERTIES,
    PROXY_FLAG,
    RESERVED_PROPERTIES,
    now,
)
from engine.declare.egeria.typedefs import TYPES_ARCHIVE_GUID, type_def
from engine.declare.egeria.values import instance_properties, millis
from engine.errors import NotFoundError, UsageError
from engine.graph.graphmap import decode_properties, to_python
from engine.graph.store import Store
from engine.typesystem import RELATIONSHIP_TYPES

EXPORT_PROVENANCE = "EXPORT_ARCHIVE"
"""instanceProvenanceType of the instances Switchboard created (their home is the export)."""

ORIGINATOR = "Switchboard"
ORIGINATOR_LICENSE = "Apache-2.0"
"""originatorLicense written when the caller names none."""

ARCHIVE_PROVENANCE = frozenset({"CONTENT_PACK", "EXPORT_ARCHIVE"})
"""Provenance of instances whose home collection is an archive (metadataCollectionId = its
archiveGUID): a proxy of such an instance makes the export depend on that archive."""


@dataclass(frozen=True)
class _Home:
    """The export's own metadata collection: the home of what Switchboard created."""

    collection_id: str
    collection_name: str

    def of(self, props: Mapping[str, Any]) -> dict[str, Any]:
        """An instance's home: the one it was imported with, else the export's."""
        if isinstance(props.get("metadataCollectionId"), str):
            home = {k: props[k] for k in HOME_PROPERTIES if props.get(k) is not None}
            home.setdefault("instanceProvenanceType", EXPORT_PROVENANCE)
        else:
            home = {
                "instanceProvenanceType": EXPORT_PROVENANCE,
                "metadataCollectionId": self.collection_id,
                "metadataCollectionName": self.collection_name,
            }
        maintainers = props.get("maintainedBy")
        if isinstance(maintainers, list) and maintainers:
            home["maintainedBy"] = [str(m) for m in maintainers]
        return home


def _instance_type(name: str, category: str, kept: Mapping[str, Any], what: str) -> dict[str, Any]:
    """Egeria's InstanceType of ``name``: the GUID from the table (for a type it lacks, the
    one kept at import), the version kept at import else the table's; raises
    :class:`UsageError` for a type Egeria's loader would not know."""
    known = type_def(name)
    type_guid = known.guid if known else kept.get("typeDefGUID")
    version = kept.get("typeDefVersion") or (known.version if known else 1)
    if not isinstance(type_guid, str):
        raise UsageError(
            f"cannot export {what}: Egeria has no type named {name!r}, so its archive "
            "loader would refuse the instance",
            hint="give the element an Egeria type name (engine/declare/egeria/"
            "open_metadata_types.json lists them) or export a manifest instead",
        )
    return {
        "class": "InstanceType",
        "headerVersion": 1,
        "typeDefCategory": category,
        "typeDefGUID": type_guid,
        "typeDefName": name,
        "typeDefVersion": version,
    }


def _audit(props: Mapping[str, Any]) -> dict[str, Any]:
    """createdBy, updatedBy, createTime, updateTime and version, as Egeria writes them."""
    out: dict[str, Any] = {}
    for key in ("createdBy", "updatedBy"):
        if isinstance(props.get(key), str):
            out[key] = props[key]
    for key in ("createTime", "updateTime"):
        moment = props.get(key)
        if isinstance(moment, datetime):
            out[key] = millis(moment)
        elif isinstance(moment, int):  # a classification's header keeps epoch millis
            out[key] = moment
    if isinstance(props.get("version"), int):
        out["version"] = props["version"]
    return out


def _header(
    props: Mapping[str, Any], home: _Home, type_name: str, category: str, what: str
) -> dict[str, Any]:
    """The instance header of a stored element or relationship: ``headerVersion``, its
    type, home, audit fields and ``maintainedBy``; ``what`` names it in errors."""
    home_fields = home.of(props)
    maintainers = home_fields.pop("maintainedBy", None)
    out: dict[str, Any] = {
        "headerVersion": 1,
        "type": _instance_type(type_name, category, props, what),
        **home_fields,
        **_audit(props),
    }
    if maintainers:
        out["maintainedBy"] = maintainers
    return out


def _export_properties(decoded: Mapping[str, Any]) -> dict[str, Any]:
    skip = set(RESERVED_PROPERTIES)
    if decoded.get(DERIVED_QN_FLAG):
        skip.add("qualifiedName")
    return {k: v for k, v in decoded.items() if k not in skip}


def export_archive(
    store: Store,
    group_names: Sequence[str],
    *,
    archive_name: str | None = None,
    originator_license: str = ORIGINATOR_LICENSE,
) -> dict[str, Any]:
    """An open metadata archive (a JSON-ready dict) of the named groups' subgraphs.

    Covers each group, its registered connectors, their connections (with
    embedded connections, connector types and endpoints), their catalog
    targets and the targets' connections. Elements that are only proxies in
    the graph appear only as relationship-end proxies, as Egeria writes them.
    Every instance carries the header Egeria's loader checks: its type's
    ``typeDefGUID``/``typeDefVersion`` (:mod:`.typedefs`), its home collection and
    provenance as imported (an element Switchboard created gets the export's own
    collection, ``EXPORT_ARCHIVE``), audit fields and status; classifications carry
    theirs. ``dependsOnArchives`` names Egeria's types archive and the archives that are
    home to exported proxies.
    The archive's date is the latest change among its instances, so exporting
    unchanged groups again gives the same archive. Importing the result into an empty
    database reproduces the same graph. Raises :class:`NotFoundError` naming any group
    that does not exist, :class:`UsageError` for a type Egeria does not have.
    """
    names = list(dict.fromkeys(group_names))
    if not names:
        raise UsageError("name at least one integration group to export")
    row = _read_groups(store, names)
    archive_guid = str(uuid.uuid5(uuid.NAMESPACE_URL, "switchboard-export:" + "\n".join(names)))
    name = archive_name or "Switchboard export of " + ", ".join(names)
    home = _Home(archive_guid, name)
    nodes: dict[str, dict[str, Any]] = {}
    for node in row["nodes"]:
        props = {k: to_python(v) for k, v in node["properties"].items()}
        nodes[str(props["guid"])] = props
    rels = [
        {**r, "properties": {k: to_python(v) for k, v in r["properties"].items()}}
        for r in row["relationships"]
    ]
    entities = [
        _entity_doc(guid, props, home)
        for guid, props in sorted(nodes.items(), key=lambda kv: (str(kv[1].get("typeName")), kv[0]))
        if not props.get(PROXY_FLAG)
    ]
    relationships = [
        _relationship_doc(rel, nodes, home)
        for rel in sorted(rels, key=lambda r: (r["type"], str(r["properties"]["guid"])))
    ]
    instances = [*nodes.values(), *(r["properties"] for r in rels)]
    properties = _archive_properties(home, names, originator_license, instances)
    properties["dependsOnArchives"] = _archives_depended_on(nodes.values(), archive_guid)
    return {
        "class": "OpenMetadataArchive",
        "archiveProperties": properties,
        "archiveInstanceStore": {
            "class": "OpenMetadataArchiveInstanceStore",
            "entities": entities,
            "relationships": relationships,
        },
    }


def _archive_properties(
    home: _Home, names: Sequence[str], license_: str, instances: Iterable[Mapping[str, Any]]
) -> dict[str, Any]:
    """OpenMetadataArchiveProperties of an export; its date and version are the latest
    change among its instances."""
    created = _latest_change(instances)
    return {
        "class": "OpenMetadataArchiveProperties",
        "archiveGUID": home.collection_id,
        "archiveName": home.collection_name,
        "archiveDescription": "Integration groups exported by Switchboard: " + ", ".join(names),
        "archiveType": "METADATA_EXPORT",
        "archiveVersion": created,
        "originatorName": ORIGINATOR,
        "originatorLicense": license_,
        "creationDate": created,
    }


def _latest_change(instances: Iterable[Mapping[str, Any]]) -> int:
    """Epoch millis of the latest updateTime (or createTime) among ``instances``; now if none."""
    times = [
        millis(moment)
        for props in instances
        for moment in (props.get("updateTime"), props.get("createTime"))
        if isinstance(moment, datetime)
    ]
    return max(times) if times else millis(now())


def _archives_depended_on(nodes: Iterable[Mapping[str, Any]], own: str) -> list[str]:
    """The archives (by archiveGUID) an export depends on: Egeria's types archive first
    (every instance names a type of it), then those home to the exported proxies."""
    homes = {
        str(props["metadataCollectionId"])
        for props in nodes
        if props.get(PROXY_FLAG)
        and props.get("instanceProvenanceType") in ARCHIVE_PROVENANCE
        and isinstance(props.get("metadataCollectionId"), str)
    }
    return [TYPES_ARCHIVE_GUID, *sorted(homes - {own, TYPES_ARCHIVE_GUID})]


def _read_groups(store: Store, names: list[str]) -> dict[str, Any]:
    """The groups' subgraph as one row (nodes, relationships); every group must exist."""
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
    return rows[0]


def _entity_doc(guid: str, props: Mapping[str, Any], home: _Home) -> dict[str, Any]:
    """A stored element (not a proxy) as an EntityDetail."""
    decoded = decode_properties(props)
    entity: dict[str, Any] = {
        "class": "EntityDetail",
        **_header(props, home, str(props["typeName"]), "ENTITY_DEF", f"element {guid}"),
        "guid": guid,
    }
    classifications = [c for c in decoded.get("classifications") or [] if isinstance(c, Mapping)]
    if classifications:
        entity["classifications"] = [
            _classification_doc(c, props, home, guid) for c in classifications
        ]
    entity["properties"] = instance_properties(_export_properties(decoded))
    entity["status"] = "ACTIVE"
    return entity


def _classification_doc(
    stored: Mapping[str, Any], element: Mapping[str, Any], home: _Home, guid: str
) -> dict[str, Any]:
    """A classification with its own instance header: the one kept at import, else the
    element's (home, audit)."""
    kept = stored.get("header")
    kept = kept if isinstance(kept, Mapping) else {}
    type_name = str(stored.get("typeName"))
    home_of = kept if isinstance(kept.get("metadataCollectionId"), str) else element
    home_fields = home.of(home_of)
    maintainers = home_fields.pop("maintainedBy", None)
    out: dict[str, Any] = {
        "class": "Classification",
        "headerVersion": 1,
        "type": _instance_type(
            type_name, "CLASSIFICATION_DEF", kept, f"a classification of element {guid}"
        ),
        **home_fields,
        **(_audit(kept) if "createdBy" in kept else _audit(element)),
    }
    if maintainers:
        out["maintainedBy"] = maintainers
    out["classificationOrigin"] = kept.get("classificationOrigin") or "ASSIGNED"
    if isinstance(kept.get("classificationOriginGUID"), str):
        out["classificationOriginGUID"] = kept["classificationOriginGUID"]
    out["name"] = type_name
    if stored.get("properties"):
        out["properties"] = instance_properties(stored["properties"])
    out["status"] = "ACTIVE"
    return out


def _proxy_doc(props: Mapping[str, Any], guid: str, home: _Home) -> dict[str, Any]:
    """A relationship end as an EntityProxy (a proxy keeps its unique properties)."""
    decoded = decode_properties(props)
    if props.get(PROXY_FLAG):
        unique = _export_properties(decoded)
    elif decoded.get(DERIVED_QN_FLAG):
        unique = {}
    else:
        unique = {"qualifiedName": decoded["qualifiedName"]}
    return {
        "class": "EntityProxy",
        **_header(props, home, str(props["typeName"]), "ENTITY_DEF", f"element {guid}"),
        "guid": guid,
        "uniqueProperties": instance_properties(unique),
        "status": "ACTIVE",
    }


def _relationship_doc(
    rel: Mapping[str, Any], nodes: Mapping[str, Mapping[str, Any]], home: _Home
) -> dict[str, Any]:
    props = rel["properties"]
    decoded = decode_properties(props)
    egeria_name = EGERIA_NAMES[rel["type"]]
    out: dict[str, Any] = {
        "class": "Relationship",
        **_header(props, home, egeria_name, "RELATIONSHIP_DEF", f"relationship {props['guid']}"),
        "guid": props["guid"],
        "entityOneProxy": _proxy_doc(nodes[rel["start"]], rel["start"], home),
        "entityTwoProxy": _proxy_doc(nodes[rel["end"]], rel["end"], home),
    }
    values = _export_properties(decoded)
    if values:  # Egeria leaves out a relationship's empty properties
        out["properties"] = instance_properties(values)
    out["status"] = "ACTIVE"
    return out


def write_archive(archive: Mapping[str, Any], path: str | os.PathLike[str]) -> Path:
    """Write an archive dict (from :func:`export_archive`) as indented JSON; returns the path.

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
