"""Bulk loads of pre-built rows (test and benchmark graphs) and wiping the database."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine.graph.store import Store


def bulk_create_elements(store: Store, rows: Sequence[Mapping[str, Any]]) -> int:
    """Create elements from pre-built rows ({labels, props}: props complete, encoded, with
    guid, qualifiedName, typeName and audit fields) in one statement; returns how many.

    For test and benchmark graphs that follow the storage conventions exactly (fixed guids
    and times) or break them on purpose; no checks, no versions."""
    out = store.write("bulk_create_nodes", {"rows": list(rows)})
    return int(out[0]["created"])


def bulk_create_relationships(store: Store, rows: Sequence[Mapping[str, Any]]) -> int:
    """Create relationships from pre-built rows ({type, from, to (guids), props}) in one
    statement; returns how many (see :func:`bulk_create_elements`)."""
    out = store.write("bulk_create_relationships", {"rows": list(rows)})
    return int(out[0]["created"])


def bulk_relate_by_name(store: Store, rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """Like :func:`bulk_create_relationships`, with ends by qualifiedName; returns the guids
    of the relationships created (none for a row with a missing end)."""
    out = store.write("bulk_create_relationships_by_name", {"rows": list(rows)})
    return [str(guid) for guid in out[0]["guids"]]


def wipe_database(store: Store, *, timeout: float | None = None) -> int:
    """Delete every node and relationship in one transaction; returns how many nodes."""
    return int(store.write("wipe_all", timeout=timeout)[0]["deleted"])


def wipe_database_batched(store: Store, *, timeout: float | None = None) -> None:
    """Delete everything in batches of their own transactions (for graphs of millions)."""
    store.run_autocommit("wipe_batched", timeout=timeout)
