"""Reads the view-service paths need beyond the write API's: by name, by search string, and a
catalog target by its guid (statements in cypher/engine/server_*.cypher)."""

from __future__ import annotations

import re
from typing import Any

from engine.errors import NotFoundError
from engine.graph.reader import stored_element, stored_relationship
from engine.graph.records import StoredElement, StoredRelationship
from engine.graph.store import Store
from engine.server.problems import DocumentError

RESULT_LIMIT = 1000
"""Most elements one by-name or by-search-string request answers."""


def elements_by_name(store: Store, name: str, labels: list[str]) -> list[StoredElement]:
    """Elements of ``labels`` whose qualifiedName or displayName is ``name``."""
    rows = store.read(
        "server_elements_by_name", {"name": name, "labels": labels, "limit": RESULT_LIMIT}
    )
    return [stored_element(_present(row)) for row in rows]


def elements_matching(store: Store, search: str, labels: list[str]) -> list[StoredElement]:
    """Elements of ``labels`` whose qualifiedName, displayName or description contains a match
    of the regular expression ``search`` (Egeria's search strings)."""
    try:
        re.compile(search)
    except re.error as exc:
        raise DocumentError(
            f"request body: searchString: not a regular expression: {exc}",
            hint="escape special characters, e.g. '\\.' for a dot",
        ) from None
    pattern = f"(?s).*(?:{search}).*"
    rows = store.read(
        "server_elements_search", {"pattern": pattern, "labels": labels, "limit": RESULT_LIMIT}
    )
    return [stored_element(_present(row)) for row in rows]


def catalog_target(store: Store, guid: str) -> tuple[StoredRelationship, str, str]:
    """The catalog target with relationship guid ``guid``, with its end guids."""
    rows = store.read("server_catalog_target_by_guid", {"guid": guid})
    if not rows:
        raise NotFoundError(
            f"no catalog target with relationship guid {guid}",
            hint="list a connector's catalog targets first",
        )
    row = rows[0]
    relationship = stored_relationship({**row, "props": _present_props(row["props"])})
    return relationship, str(row["fromGuid"]), str(row["toGuid"])


def _present(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "props": _present_props(row["props"])}


def _present_props(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if v is not None}
