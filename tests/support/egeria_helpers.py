"""Helpers for the Egeria archive tests: where the archives are, and a canonical graph dump."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from engine.declare.egeria import ARCHIVES_ENV, sample_archives_dir
from engine.graph import Store, to_python

ARCHIVES = Path(__file__).parents[1] / "data" / "archives"
MALFORMED = ARCHIVES / "malformed"


def guid(n: int) -> str:
    """The guids of tests/data/archives (see build_archives.py)."""
    return f"00000000-0000-4000-8000-{n:012d}"


def sample(name: str) -> Path:
    """A sample archive from Egeria, or skip the test when the folder is absent."""
    folder = sample_archives_dir()
    path = folder / name
    if not path.is_file():
        pytest.skip(
            f"Egeria sample archive {name} not found in {folder} "
            f"(set {ARCHIVES_ENV} to the folder holding the .omarchive samples)"
        )
    return path


HISTORY_LABELS = frozenset({"HistoryState", "ChangeSet"})
"""Labels of the change history's own nodes, which a model dump leaves out."""

HOME_FIELDS = ("metadataCollectionId", "metadataCollectionName", "instanceProvenanceType")
"""The instance-header fields naming an instance's home, as an element keeps them."""


def dump(store: Store) -> dict[str, Any]:
    """Every element and relationship of the model keyed by guid, values made
    JSON-comparable (the change history's own nodes left out)."""
    nodes: dict[str, Any] = {}
    rels: dict[str, Any] = {}
    for row in store.read("graph_dump_by_guid"):
        props = {k: _plain(to_python(v)) for k, v in row["props"].items()}
        if row["kind"] == "node" and HISTORY_LABELS & set(row["labelsOrType"]):
            continue
        if row["kind"] == "node":
            nodes[row["guid"]] = {"labels": sorted(row["labelsOrType"]), "props": props}
        else:
            rels[row["guid"]] = {
                "type": row["labelsOrType"][0],
                "start": row["start"],
                "end": row["end"],
                "props": props,
            }
    return {"nodes": nodes, "relationships": rels}


CLASSIFICATION_HEADER = (
    *HOME_FIELDS,
    "maintainedBy",
    "createdBy",
    "updatedBy",
    "createTime",
    "updateTime",
    "version",
    "classificationOrigin",
    "classificationOriginGUID",
)
"""What an element keeps of each classification's instance header (under ``header``)."""


def exported_classifications(archive: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """guid -> the classifications each entity of an exported archive was written with."""
    return {
        entity["guid"]: entity.get("classifications", [])
        for entity in archive["archiveInstanceStore"]["entities"]
    }


def _with_classification_headers(text: str, exported: list[dict[str, Any]]) -> str:
    """An element's stored classifications (JSON) after importing an export that wrote
    them with ``exported``: those without a header keep the one they were written with."""
    items = json.loads(text)
    for item, written in zip(items, exported, strict=True):
        if "header" not in item:
            item["header"] = {k: written[k] for k in CLASSIFICATION_HEADER if k in written}
    return json.dumps(items, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def exported_homes(archive: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """guid -> the home (HOME_FIELDS) each entity, proxy and relationship of an exported
    archive was written with."""
    homes: dict[str, dict[str, Any]] = {}
    store = archive["archiveInstanceStore"]
    instances = [*store["entities"], *store["relationships"]]
    for rel in store["relationships"]:
        instances.extend((rel["entityOneProxy"], rel["entityTwoProxy"]))
    for instance in instances:
        homes[instance["guid"]] = {k: instance[k] for k in HOME_FIELDS}
    return homes


def with_export_homes(before: dict[str, Any], archive: dict[str, Any]) -> dict[str, Any]:
    """The dump ``before`` as importing ``archive`` (its export) stores it: an element,
    relationship or classification that had no home keeps the export's as its own."""
    homes = exported_homes(archive)
    classifications = exported_classifications(archive)
    out: dict[str, Any] = {"nodes": {}, "relationships": {}}
    for part in ("nodes", "relationships"):
        for guid_, item in before[part].items():
            props = dict(item["props"])
            if "metadataCollectionId" not in props and guid_ in homes:
                props.update(homes[guid_])
            if "classifications" in props and guid_ in classifications:
                props["classifications"] = _with_classification_headers(
                    props["classifications"], classifications[guid_]
                )
            out[part][guid_] = {**item, "props": props}
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def checksum(store: Store) -> str:
    """A hash of :func:`dump`: equal exactly when the graph is unchanged."""
    text = json.dumps(dump(store), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()
