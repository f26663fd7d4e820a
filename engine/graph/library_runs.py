"""Running the analysts' library queries (:mod:`engine.graph.querylib`) by name, read-only.

Kept apart from the catalogue, which needs no driver (the Browser guide is generated from
it), and from the element reader, which needs the pydantic models: ``switchboard query``
and ``groups list`` load neither.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.graph.querylib import get_query, plain
from engine.graph.store import Store


def run_library_query(store: Store, name: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Run library query ``name`` with already converted ``params`` (read-only).

    Temporal values come back as Python datetimes.
    """
    query = get_query(name)
    rows = store.read(query.name, params)
    return [{key: plain(value) for key, value in row.items()} for row in rows]
