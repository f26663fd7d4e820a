"""Data files monitor: catalogues the files under a folder as DataFile elements.

Folders come from the connector's FileFolder catalog targets (the target's
effective configuration ``directory``, else the element's ``pathName``), or,
with no targets, from the connection endpoint's ``networkAddress`` (the
connector then catalogues the folder itself as a FileFolder). Each file
becomes a ``DataFile`` (``pathName``, ``name``, ``fileExtension``, ``size``,
``modifiedTime``) linked ``FileFolder -NestedFile-> DataFile``.

Refreshes are incremental: only new files and files whose size or
modification time changed are written. Files that disappeared are deleted,
unless the scan was incomplete (an unreadable sub-folder) or more than
``massDeleteThreshold`` of the known files vanished at once (at least
``massDeleteMinimum`` of them): then nothing is deleted and the refresh
reports why, because an unmounted share must not wipe the catalogue.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from engine.errors import ConnectorConfigError
from engine.graph.graphmap import to_python
from engine.providers.sdk import (
    CataloguedElement,
    ConnectorProvider,
    IntegrationConnectorBase,
    Link,
)


class DataFilesConfig(BaseModel):
    """configurationProperties of a data files monitor (connection or catalog target)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    directory: str | None = None
    """Folder to scan (overrides the endpoint or the target's pathName)."""
    recursive: bool = True
    pattern: str | None = Field(None, validation_alias=AliasChoices("pattern", "fileGlob"))
    """fnmatch pattern on file names, e.g. ``*.csv`` (also read as ``fileGlob``)."""
    include_hidden: bool = Field(False, alias="includeHidden")
    mass_delete_threshold: float = Field(0.5, alias="massDeleteThreshold", ge=0, le=1)
    mass_delete_minimum: int = Field(10, alias="massDeleteMinimum", ge=1)


@dataclass(frozen=True)
class Folder:
    qualified_name: str
    path: Path
    config: DataFilesConfig
    source: str


def file_qualified_name(path: Path) -> str:
    return f"DataFile::{path}"


class DataFilesMonitor(IntegrationConnectorBase):
    """Keeps DataFile elements in step with the files in one or more folders."""

    def start(self) -> None:
        folders = self.folders()
        if not folders:
            raise ConnectorConfigError(
                f"{self.context.connector_name}: no folder to monitor",
                hint="give the connection an endpoint networkAddress, a 'directory' "
                "configuration property, or a FileFolder catalog target",
            )

    @property
    def config(self) -> DataFilesConfig:
        cfg = self.context.configuration
        assert isinstance(cfg, DataFilesConfig)
        return cfg

    def folders(self) -> list[Folder]:
        ctx = self.context
        out: list[Folder] = []
        for target in ctx.catalog_targets:
            cfg = ctx.target_configuration(target)
            assert isinstance(cfg, DataFilesConfig)
            path = cfg.directory or _str(target.element_properties.get("pathName"))
            if not path:
                ctx.report.failure(
                    "catalog target has neither a 'directory' configuration property "
                    "nor a pathName",
                    element=target.element_qualified_name,
                )
                continue
            out.append(
                Folder(target.element_qualified_name, Path(path), cfg, target.metadata_source)
            )
        if not ctx.catalog_targets:
            path = self.config.directory or ctx.connection.network_address
            if path:
                folder = Path(path.removeprefix("file://")).expanduser().resolve()
                out.append(
                    Folder(f"FileFolder::{folder}", folder, self.config, ctx.metadata_source)
                )
        return out

    def refresh(self) -> None:
        for folder in self.folders():
            if self.context.stopping:
                return
            self.refresh_folder(folder)

    def refresh_folder(self, folder: Folder) -> None:
        ctx = self.context
        writer = ctx.writer
        report = ctx.report
        if not ctx.catalog_targets:
            writer.upsert(
                [
                    CataloguedElement(
                        "FileFolder",
                        folder.qualified_name,
                        {"pathName": str(folder.path), "displayName": folder.path.name},
                    )
                ],
                source=folder.source,
            )
        files, errors = scan(folder.path, folder.config)
        for err in errors:
            report.failure(err, element=folder.qualified_name)
        known = writer.existing("DataFile", linked_to=folder.qualified_name, source=folder.source)
        changed: list[CataloguedElement] = []
        seen: set[str] = set()
        for path, stat in files:
            qn = file_qualified_name(path)
            seen.add(qn)
            props: dict[str, Any] = {
                "pathName": str(path),
                "name": path.name,
                "displayName": path.name,
                "fileExtension": path.suffix.lstrip(".") or None,
                "size": stat.st_size,
                "modifiedTime": datetime.fromtimestamp(stat.st_mtime, UTC),
            }
            old = known.get(qn)
            if old is not None and _same(old, props):
                report.count("files_unchanged")
                continue
            changed.append(CataloguedElement("DataFile", qn, props))
        report.count("files_seen", len(files))
        if changed:
            result = writer.upsert(changed, source=folder.source)
            writer.link(
                [
                    Link("NestedFile", folder.qualified_name, qn)
                    for qn in (*result.created, *result.updated, *result.unchanged)
                ],
                source=folder.source,
            )
        missing = sorted(set(known) - seen)
        if missing and self.may_delete(folder, missing, len(known), incomplete=bool(errors)):
            writer.delete(missing, source=folder.source)

    def may_delete(
        self, folder: Folder, missing: list[str], known: int, *, incomplete: bool
    ) -> bool:
        """Whether files no longer seen may be deleted from the catalogue: not after an
        incomplete scan, nor when too many vanished at once (the mass-deletion guard)."""
        report = self.context.report
        if incomplete:
            report.failure(
                f"{len(missing)} file(s) not seen, but the scan was incomplete: nothing deleted",
                element=folder.qualified_name,
            )
            return False
        cfg = folder.config
        if known >= cfg.mass_delete_minimum and len(missing) > cfg.mass_delete_threshold * known:
            report.failure(
                f"{len(missing)} of {known} catalogued files vanished at once (more than "
                f"{cfg.mass_delete_threshold:.0%}): nothing deleted, as a safety measure",
                element=folder.qualified_name,
            )
            report.count("mass_delete_refused")
            return False
        return True


def _same(old: dict[str, Any], new: dict[str, Any]) -> bool:
    same_size = old.get("size") == new["size"]
    return bool(same_size and to_python(old.get("modifiedTime")) == new["modifiedTime"])


def _str(value: Any) -> str | None:
    return str(value) if value else None


def scan(root: Path, cfg: DataFilesConfig) -> tuple[list[tuple[Path, os.stat_result]], list[str]]:
    """Files under ``root`` (absolute paths) and the errors met on the way."""
    errors: list[str] = []
    found: list[tuple[Path, os.stat_result]] = []
    root = root.expanduser().resolve()
    if not root.is_dir():
        return [], [f"folder {root} does not exist or is not a directory"]

    def on_error(exc: OSError) -> None:
        errors.append(f"cannot read {exc.filename}: {exc.strerror}")

    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error):
        if not cfg.include_hidden:
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        dirnames.sort()
        for name in sorted(filenames):
            if not cfg.include_hidden and name.startswith("."):
                continue
            if cfg.pattern and not fnmatch.fnmatch(name, cfg.pattern):
                continue
            path = Path(dirpath) / name
            try:
                found.append((path, path.stat()))
            except OSError as exc:
                errors.append(f"cannot stat {path}: {exc.strerror}")
        if not cfg.recursive:
            break
    return found, errors


class DataFilesMonitorProvider(ConnectorProvider):
    """Catalogues files under a folder as DataFile elements (incremental, delete-safe)."""

    connector_class = DataFilesMonitor
    configuration_schema = DataFilesConfig
    supported_target_types = ("FileFolder",)
    default_refresh_minutes = 60
    description = "Catalogues the files under a folder as DataFile elements"


__all__: Sequence[str] = ("DataFilesConfig", "DataFilesMonitor", "DataFilesMonitorProvider")
