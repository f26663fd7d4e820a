"""``switchboard import`` and ``switchboard export-archive``: Egeria open metadata archives."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from cli._common import console, handle_errors, print_json, progress_bar, store
from engine.declare.egeria import (
    Archive,
    ImportReport,
    export_archive,
    import_archive,
    read_archive,
    write_archive,
)
from engine.declare.egeria import (
    ImportProgress as ProgressCallback,
)

PROGRESS_THRESHOLD = 2_000
"""Archives with more instances than this get a progress bar (on a terminal)."""


@contextmanager
def _progress(archive: Archive, enabled: bool) -> Iterator[ProgressCallback | None]:
    size = len(archive.entities) + len(archive.relationships)
    with progress_bar(enabled and size >= PROGRESS_THRESHOLD, verb=f"{archive.name}:") as bar:
        yield bar


def _render(report: ImportReport) -> None:
    verb = "would load" if report.dry_run else "loaded"
    console.print(
        f"[bold]{report.archive_name}[/] ({report.source}): {report.entities_in_archive} "
        f"entities, {report.relationships_in_archive} relationships in the archive"
    )
    table = Table("loaded", "type", "count", title=None, show_edge=False)
    for name, count in sorted(report.loaded.items()):
        table.add_row("element", name, str(count))
    for name, count in sorted(report.relationships_loaded.items()):
        table.add_row("relationship", name, str(count))
    if table.row_count:
        console.print(table)
    console.print(
        f"elements: {report.elements_created} created, {report.elements_updated} updated, "
        f"{report.elements_unchanged} unchanged; relationships: {report.relationships_created} "
        f"created, {report.relationships_updated} updated, {report.relationships_unchanged} "
        f"unchanged ({verb})"
    )
    if report.proxies_created:
        console.print(f"proxies created: {len(report.proxies_created)}")
        for proxy in report.proxies_created:
            console.print(f"  {proxy['typeName']} {proxy['qualifiedName']} ({proxy['guid']})")
    if report.proxies_filled:
        console.print(f"proxies filled in place: {report.proxies_filled}")
    skipped_e = sum(report.skipped_entities.values())
    skipped_r = sum(report.skipped_relationships.values())
    if skipped_e or skipped_r:
        console.print(
            f"skipped (outside the integration-group model): {skipped_e} entities, "
            f"{skipped_r} relationships"
        )
        types = {**report.skipped_entities, **report.skipped_relationships}
        console.print(
            "  " + ", ".join(f"{name} {count}" for name, count in sorted(types.items())),
            soft_wrap=True,
        )
    for warning in report.warnings:
        console.print(f"[yellow]warning:[/] {warning}", soft_wrap=True, markup=True)
    if not report.changed:
        console.print("no changes" + (" would be made" if report.dry_run else ""))


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--dry-run",
    is_flag=True,
    help="Plan only: report what would change, write nothing (each archive is planned "
    "against the database as it is now).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the reports as JSON.")
@handle_errors
def import_cmd(files: tuple[Path, ...], dry_run: bool, as_json: bool) -> None:
    """Load Egeria open metadata archives (.omarchive) into the graph.

    Loads every integration group, connector, connection, connector type and
    endpoint, with their relationships (old Egeria names such as
    ConnectionEndpoint and ConnectionToAsset are read), plus every element
    that is a catalog target or the asset of a connection. Other elements are
    skipped and counted. Ends an archive references but does not define
    become proxies, filled in place when a later archive defines them.

    Every file is read and checked before anything is written; each archive
    is then loaded in its own transaction, in the order given (all or nothing
    per archive). Importing the same archive again changes nothing.

    \b
    Examples:
      switchboard import CoreContentPack.omarchive OpenLineageContentPack.omarchive
      switchboard import --dry-run --json APIsContentPack.omarchive

    Exit code 2 for a malformed archive (the message names the file and the
    entity or relationship), with nothing written.
    """
    archives = [read_archive(path) for path in files]
    st = store(quiet=as_json)
    reports = []
    for archive in archives:
        with _progress(archive, not as_json) as progress:
            report = import_archive(st, archive, dry_run=dry_run, progress=progress)
        reports.append(report)
        if not as_json:
            _render(report)
    if as_json:
        print_json([r.as_dict() for r in reports])


def export_omarchive(
    groups: Sequence[str], output: Path | None, *, archive_name: str | None = None
) -> dict[str, Any]:
    """Export ``groups`` as an open metadata archive to ``output`` (stdout when None).

    Shared by ``export-archive`` and ``export --format omarchive``; returns a summary.
    """
    archive = export_archive(store(quiet=True), list(groups), archive_name=archive_name)
    instances = archive["archiveInstanceStore"]
    summary: dict[str, Any] = {
        "file": str(output) if output else None,
        "format": "omarchive",
        "groups": list(groups),
        "entities": len(instances["entities"]),
        "relationships": len(instances["relationships"]),
    }
    if output is None:
        click.echo(json.dumps(archive, indent=2, ensure_ascii=False))
    else:
        write_archive(archive, output)
    return summary


@click.command("export-archive")
@click.argument("groups", nargs=-1, required=True)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The .omarchive file to write.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["omarchive"]),
    default="omarchive",
    show_default=True,
    help="Archive format (Egeria open metadata archive JSON).",
)
@click.option("--name", "archive_name", help="archiveName to record (default: from the groups).")
@click.option("--json", "as_json", is_flag=True, help="Print a summary as JSON.")
@handle_errors
def export_archive_cmd(
    groups: tuple[str, ...], output: Path, fmt: str, archive_name: str | None, as_json: bool
) -> None:
    """Write integration groups to an Egeria open metadata archive.

    GROUP is the qualifiedName of an IntegrationGroup. The archive holds each
    group, its registered connectors, their connections (with embedded
    connections, connector types and endpoints) and their catalog targets,
    in Egeria's format; elements that are only proxies here are written as
    relationship-end proxies. 'switchboard import' of the file into an empty
    database reproduces the same graph.

    \b
    Example:
      switchboard export-archive Egeria:IntegrationGroup:OpenLineage -o lineage.omarchive
    """
    summary = export_omarchive(groups, output, archive_name=archive_name)
    if as_json:
        print_json(summary)
    else:
        console.print(
            f"wrote {output}: {summary['entities']} entities, "
            f"{summary['relationships']} relationships"
        )
