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


def dump(store: Store) -> dict[str, Any]:
    """Every node and relationship keyed by guid, values made JSON-comparable."""
    nodes: dict[str, Any] = {}
    rels: dict[str, Any] = {}
    for row in store.read("graph_dump_by_guid"):
        props = {k: _plain(to_python(v)) for k, v in row["props"].items()}
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
