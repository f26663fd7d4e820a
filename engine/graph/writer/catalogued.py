"""What running connectors catalogue, written with provenance."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine.graph.graphmap import now
from engine.graph.store import Store


def upsert_catalogued_elements(
    store: Store, rows: Sequence[Mapping[str, Any]], *, source: str, user: str
) -> list[dict[str, Any]]:
    """Create or update elements a connector catalogues (MERGE on qualifiedName), each
    carrying ``metadataSourceQualifiedName = source``; one owned by another source (or by
    none) is left untouched. ``rows``: {qualifiedName, guid, labels, properties}.
    Returns per row: qualifiedName, guid, action ('created' | 'updated' | 'unchanged' |
    'conflict'); see cypher/engine/daemon_upsert_elements.cypher."""
    return store.write(
        "daemon_upsert_elements",
        {"elements": list(rows), "source": source, "user": user, "now": now()},
    )


def link_catalogued_elements(
    store: Store, rows: Sequence[Mapping[str, Any]], *, source: str, user: str
) -> int:
    """Create the relationships a connector catalogues that do not exist yet (``rows``:
    {type (from engine.typesystem), from, to, guid}); returns how many exist now."""
    out = store.write(
        "daemon_upsert_relationships",
        {"relationships": list(rows), "source": source, "user": user, "now": now()},
    )
    return int(out[0]["count"]) if out else 0


def delete_catalogued_elements(
    store: Store, qualified_names: Sequence[str], *, source: str
) -> list[str]:
    """Delete the named elements that ``source`` wrote (with their relationships; others'
    elements stay); returns the deleted guids."""
    out = store.write(
        "daemon_delete_elements", {"qualifiedNames": list(qualified_names), "source": source}
    )
    return [row["guid"] for row in out]
