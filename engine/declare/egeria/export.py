"""Exporting stored integration groups as an Egeria open metadata archive."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from engine.declare.egeria.conventions import (
    DERIVED_QN_FLAG,
    EGERIA_NAMES,
    PROXY_FLAG,
    RESERVED_PROPERTIES,
    now,
)
from engine.declare.egeria.values import instance_properties, millis
from engine.errors import NotFoundError, UsageError
from engine.graph.graphmap import decode_properties, to_python
from engine.graph.store import Store
from engine.typesystem import RELATIONSHIP_TYPES

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
            out[key] = millis(moment)
    if isinstance(props.get("version"), int):
        out["version"] = props["version"]
    return out


def _export_properties(decoded: Mapping[str, Any]) -> dict[str, Any]:
    skip = set(RESERVED_PROPERTIES)
    if decoded.get(DERIVED_QN_FLAG):
        skip.add("qualifiedName")
    return {k: v for k, v in decoded.items() if k not in skip}


def export_archive(
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
    row = _read_groups(store, names)
    archive_guid = str(uuid.uuid5(uuid.NAMESPACE_URL, "switchboard-export:" + "\n".join(names)))
    name = archive_name or "Switchboard export of " + ", ".join(names)
    collection = {"metadataCollectionId": archive_guid, "metadataCollectionName": name}
    nodes: dict[str, dict[str, Any]] = {}
    for node in row["nodes"]:
        props = {k: to_python(v) for k, v in node["properties"].items()}
        nodes[str(props["guid"])] = props
    entities = [
        _entity_doc(guid, props, collection)
        for guid, props in sorted(nodes.items(), key=lambda kv: (str(kv[1].get("typeName")), kv[0]))
        if not props.get(PROXY_FLAG)
    ]
    relationships = [
        _relationship_doc(rel, nodes, collection)
        for rel in sorted(
            row["relationships"], key=lambda r: (r["type"], str(r["properties"]["guid"]))
        )
    ]
    return {
        "class": "OpenMetadataArchive",
        "archiveProperties": {
            "class": "OpenMetadataArchiveProperties",
            "archiveGUID": archive_guid,
            "archiveName": name,
            "archiveDescription": "Integration groups exported by Switchboard: " + ", ".join(names),
            "archiveType": "METADATA_EXPORT",
            "originatorName": "Switchboard",
            "creationDate": millis(now()),
        },
        "archiveInstanceStore": {
            "class": "OpenMetadataArchiveInstanceStore",
            "entities": entities,
            "relationships": relationships,
        },
    }


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


def _entity_doc(
    guid: str, props: Mapping[str, Any], collection: Mapping[str, Any]
) -> dict[str, Any]:
    """A stored element (not a proxy) as an EntityDetail."""
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
                "properties": instance_properties(c.get("properties") or {}),
                "status": "ACTIVE",
            }
            for c in classifications
            if isinstance(c, Mapping)
        ]
    entity["properties"] = instance_properties(_export_properties(decoded))
    entity["status"] = "ACTIVE"
    return entity


def _proxy_doc(
    props: Mapping[str, Any], guid: str, collection: Mapping[str, Any]
) -> dict[str, Any]:
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
        "headerVersion": 1,
        "type": _instance_type(str(props["typeName"]), "ENTITY_DEF"),
        **_export_header(props, collection),
        "guid": guid,
        "uniqueProperties": instance_properties(unique),
        "status": "ACTIVE",
    }


def _relationship_doc(
    rel: Mapping[str, Any],
    nodes: Mapping[str, Mapping[str, Any]],
    collection: Mapping[str, Any],
) -> dict[str, Any]:
    props = {k: to_python(v) for k, v in rel["properties"].items()}
    decoded = decode_properties(props)
    egeria_name = EGERIA_NAMES[rel["type"]]
    return {
        "class": "Relationship",
        "headerVersion": 1,
        "type": _instance_type(egeria_name, "RELATIONSHIP_DEF"),
        **_export_header(props, collection),
        "guid": props["guid"],
        "entityOneProxy": _proxy_doc(nodes[rel["start"]], rel["start"], collection),
        "entityTwoProxy": _proxy_doc(nodes[rel["end"]], rel["end"], collection),
        "properties": instance_properties(_export_properties(decoded)),
        "status": "ACTIVE",
    }


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
