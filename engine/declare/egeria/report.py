"""The report of one archive import (or of its dry run)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ImportReport:
    """What one archive import did (or, for a dry run, would do)."""

    source: str
    archive_name: str
    archive_guid: str | None
    dry_run: bool
    entities_in_archive: int = 0
    relationships_in_archive: int = 0
    loaded: dict[str, int] = field(default_factory=dict)
    relationships_loaded: dict[str, int] = field(default_factory=dict)
    skipped_entities: dict[str, int] = field(default_factory=dict)
    skipped_relationships: dict[str, int] = field(default_factory=dict)
    proxies_created: list[dict[str, Any]] = field(default_factory=list)
    proxies_filled: int = 0
    elements_created: int = 0
    elements_updated: int = 0
    elements_unchanged: int = 0
    relationships_created: int = 0
    relationships_updated: int = 0
    relationships_unchanged: int = 0
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        """True when the import wrote (or a dry run would write) anything."""
        return bool(
            self.elements_created
            or self.elements_updated
            or self.proxies_filled
            or self.proxies_created
            or self.relationships_created
            or self.relationships_updated
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "archiveName": self.archive_name,
            "archiveGUID": self.archive_guid,
            "dryRun": self.dry_run,
            "changed": self.changed,
            "entitiesInArchive": self.entities_in_archive,
            "relationshipsInArchive": self.relationships_in_archive,
            "loaded": dict(sorted(self.loaded.items())),
            "relationshipsLoaded": dict(sorted(self.relationships_loaded.items())),
            "skippedEntities": dict(sorted(self.skipped_entities.items())),
            "skippedRelationships": dict(sorted(self.skipped_relationships.items())),
            "proxiesCreated": self.proxies_created,
            "proxiesFilled": self.proxies_filled,
            "elements": {
                "created": self.elements_created,
                "updated": self.elements_updated,
                "unchanged": self.elements_unchanged,
            },
            "relationships": {
                "created": self.relationships_created,
                "updated": self.relationships_updated,
                "unchanged": self.relationships_unchanged,
            },
            "warnings": self.warnings,
            "seconds": round(self.seconds, 3),
        }
