"""What running connectors catalogue, written with provenance.

With a ``fence`` (:class:`~engine.graph.writer.leases.LeaseFence`), each write first checks,
in its own transaction, that the daemon still holds the connector's lease at its epoch
(:func:`~engine.graph.writer.leases.fenced_write`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine.graph.graphmap import now
from engine.graph.store import Store
from engine.graph.writer.leases import LeaseFence, fenced_write


def upsert_catalogued_elements(
    store: Store,
    rows: Sequence[Mapping[str, Any]],
    *,
    source: str,
    user: str,
    fence: LeaseFence | None = None,
) -> list[dict[str, Any]]:
    """Create or update elements a connector catalogues (MERGE on qualifiedName), each
    carrying ``metadataSourceQualifiedName = source``; one owned by another source (or by
    none) is left untouched. ``rows``: {qualifiedName, guid, labels, properties}.
    Returns per row: qualifiedName, guid, action ('created' | 'updated' | 'unchanged' |
    'conflict'); see cypher/engine/daemon_upsert_elements.cypher."""
    return fenced_write(
        store,
        fence,
        "daemon_upsert_elements",
        {"elements": list(rows), "source": source, "user": user, "now": now()},
    )


def link_catalogued_elements(
    store: Store,
    rows: Sequence[Mapping[str, Any]],
    *,
    source: str,
    user: str,
    fence: LeaseFence | None = None,
) -> int:
    """Create the relationships a connector catalogues that do not exist yet (``rows``:
    {type (from engine.typesystem), from, to, guid}); returns how many exist now."""
    out = fenced_write(
        store,
        fence,
        "daemon_upsert_relationships",
        {"relationships": list(rows), "source": source, "user": user, "now": now()},
    )
    return int(out[0]["count"]) if out else 0


def delete_catalogued_elements(
    store: Store,
    qualified_names: Sequence[str],
    *,
    source: str,
    fence: LeaseFence | None = None,
) -> list[str]:
    """Delete the named elements that ``source`` wrote (with their relationships; others'
    elements stay); returns the deleted guids."""
    out = fenced_write(
        store,
        fence,
        "daemon_delete_elements",
        {"qualifiedNames": list(qualified_names), "source": source},
    )
    return [row["guid"] for row in out]
