"""Manifests and archives carried in request and response bodies.

The same steps as ``switchboard apply``, ``export`` and ``import`` (the engine's functions),
with the request body in place of a file: errors name it ``request body``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from engine.declare.egeria import export_archive, import_archive, parse_archive
from engine.declare.manifest import (
    DEFAULT_PRUNE_THRESHOLD,
    apply_documents,
    documents_from_text,
    dump_document,
    export_manifest,
    parse_document,
    validate_in_transaction,
)
from engine.errors import ManifestError
from engine.graph.store import Store
from engine.server.elements_io import BODY


def apply_text(
    store: Store,
    text: str,
    *,
    is_json: bool,
    dry_run: bool = False,
    prune: bool = False,
    force: bool = False,
    prune_threshold: float = DEFAULT_PRUNE_THRESHOLD,
    validate: bool = True,
    user: str | None = None,
) -> dict[str, Any]:
    """Apply manifest text (YAML, or JSON when ``is_json``) all or nothing; the report as JSON
    (``switchboard apply --json``). Raises :class:`ManifestError` for bad input."""
    if not text.strip():
        raise ManifestError(
            f"{BODY}: empty; expected a manifest (YAML or JSON)",
            hint="see docs/manifests.md or 'switchboard schema'",
        )
    docs = [
        parse_document(source, data)
        for source, data in documents_from_text(text, BODY, is_json=is_json)
    ]
    report = apply_documents(
        store,
        docs,
        dry_run=dry_run,
        prune=prune,
        force=force,
        prune_threshold=prune_threshold,
        validator=validate_in_transaction if validate else None,
        user=user,
    )
    return report.as_dict()


def export_text(store: Store, groups: Sequence[str], fmt: str) -> tuple[str, str]:
    """``groups`` as a manifest (``yaml``, ``json``) or an Egeria archive (``omarchive``):
    the text and its media type."""
    if fmt == "omarchive":
        archive = export_archive(store, list(groups))
        return json.dumps(archive, indent=2, ensure_ascii=False), "application/json"
    doc = export_manifest(store, list(groups))
    if fmt == "json":
        return dump_document(doc, "json"), "application/json"
    return dump_document(doc, "yaml"), "application/yaml"


def import_text(store: Store, data: bytes, *, dry_run: bool = False) -> dict[str, Any]:
    """Import one archive from its JSON text; the report (``switchboard import --json``).
    Raises :class:`~engine.errors.ArchiveError` for a malformed archive (nothing written)."""
    archive = parse_archive(data, source=BODY)
    return import_archive(store, archive, dry_run=dry_run).as_dict()
