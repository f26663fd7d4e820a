"""Interoperability with other metadata tools (Egeria open metadata archives)."""

from __future__ import annotations

from engine.interop.egeria import (
    ARCHIVES_ENV,
    Archive,
    ImportReport,
    export_groups,
    import_archive,
    import_archives,
    parse_archive,
    plan_import,
    read_archive,
    sample_archives_dir,
    write_archive,
)

__all__ = [
    "ARCHIVES_ENV",
    "Archive",
    "ImportReport",
    "export_groups",
    "import_archive",
    "import_archives",
    "parse_archive",
    "plan_import",
    "read_archive",
    "sample_archives_dir",
    "write_archive",
]
