"""Running the analysts' library queries (:mod:`engine.statements.catalogue`) by name, read-only.

Kept apart from the catalogue, which needs no driver (the Browser guide is generated from
it), and from the element reader, which needs the pydantic models: ``switchboard query``
and ``groups list`` load neither.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.graph.graphmap import to_python
from engine.graph.store import Store
from engine.statements.catalogue import get_query


def run_library_query(store: Store, name: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Run library query ``name`` with already converted ``params`` (read-only).

    Temporal values come back as Python datetimes.
    """
    query = get_query(name)
    rows = store.read(query.name, params)
    return [{key: plain(value) for key, value in row.items()} for row in rows]


def plain(value: Any) -> Any:
    """Driver values -> Python ones, through nested maps and lists."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return to_python(value)
