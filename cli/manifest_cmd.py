"""``switchboard apply | export | schema | get | delete``: declarative groups and elements."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.markup import escape

from cli._common import console, err_console, handle_errors, print_json, progress_bar, store
from cli.remote import RemoteApplyReport, remote_apply, remote_element, server_url
from engine import ManifestError
from engine.declare.manifest import (
    DEFAULT_PRUNE_THRESHOLD,
    ApplyReport,
    Plan,
    apply,
    dump_document,
    export_manifest,
    manifest_json_schema,
    validate_in_transaction,
)

if TYPE_CHECKING:
    from rich.table import Table

    from engine.daemon import RestartImpact
    from engine.graph import Store

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
MAX_PLAN_ROWS = 200
"""Longer plans are summarised by action and type (``--json`` has every change)."""


def expand_paths(paths: tuple[str, ...]) -> list[Path]:
    """Files as given; a directory stands for its *.yaml, *.yml and *.json files (sorted)."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(f for f in p.iterdir() if f.suffix.lower() in MANIFEST_SUFFIXES)
            if not found:
                raise ManifestError(f"{raw}: no .yaml, .yml or .json files in this folder")
            out.extend(found)
        else:
            out.append(p)
    return out


def _table(**options: Any) -> Table:
    """A rich table (rich.table is imported when a command first prints one)."""
    from rich.table import Table

    return Table(**options)


def _value(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def render_plan(plan: Plan) -> None:
    """The plan's changes as a table (unchanged elements are only counted)."""
    changes = [c for c in plan.changes if c.action != "unchanged"]
    if len(changes) > MAX_PLAN_ROWS:
        grouped = Counter((c.action, c.typeName) for c in changes)
        table = _table(show_header=True, header_style="bold", box=None, pad_edge=False)
        for column in ("action", "type", "count"):
            table.add_column(column)
        for (action, type_name), count in sorted(grouped.items()):
            table.add_row(action, type_name, str(count))
        console.print(table)
        console.print(f"({len(changes)} changes; --json lists each with its diff)")
        return
    if changes:
        table = _table(show_header=True, header_style="bold", box=None, pad_edge=False)
        table.add_column("action")
        table.add_column("type")
        table.add_column("name", overflow="fold")
        table.add_column("changes", overflow="fold")
        colour = {"create": "green", "update": "yellow", "delete": "red"}
        for c in changes:
            diff = "\n".join(f"{k}: {_value(a)} -> {_value(b)}" for k, (a, b) in c.diff.items())
            table.add_row(f"[{colour[c.action]}]{c.action}[/]", c.typeName, c.name, diff)
        console.print(table)


def render_summary(report: ApplyReport | RemoteApplyReport) -> None:
    """One line: what changed (or would change)."""
    counts = report.counts
    verb = "would change" if report.dry_run else "changed"
    console.print(
        f"{verb} {report.changes}: {counts['create']} to create, {counts['update']} to update, "
        f"{counts['delete']} to delete, {counts['unchanged']} unchanged"
        if report.dry_run
        else f"{verb} {report.changes}: {counts['create']} created, {counts['update']} updated, "
        f"{counts['delete']} deleted, {counts['unchanged']} unchanged"
    )


def render_warnings(report: ApplyReport | RemoteApplyReport) -> None:
    """The validator's warnings: applied anyway, but worth fixing."""
    if not report.warnings:
        return
    console.print(
        f"[yellow]{len(report.warnings)} warning(s)[/yellow] "
        "(applied anyway; 'switchboard validate' shows them again):"
    )
    for w in report.warnings:
        where = " ".join(str(w[k]) for k in ("group", "connector") if w.get(k))
        console.print(
            f"  [yellow]{w['rule']}[/yellow] {escape(where)}: {escape(str(w['message']))}",
            highlight=False,
        )
        console.print(f"    fix: {escape(str(w['fix']))}", highlight=False)


@click.command("apply")
@click.option(
    "-f",
    "--file",
    "files",
    multiple=True,
    required=True,
    type=click.Path(),
    help="A manifest (.yaml, .yml, .json) or a folder of them; repeat for several.",
)
@click.option("--dry-run", is_flag=True, help="Show the plan and stop; write nothing.")
@click.option(
    "--prune",
    is_flag=True,
    help="Also delete registrations and catalog targets the files' groups no longer declare.",
)
@click.option("--force", is_flag=True, help="Let --prune delete more than the threshold share.")
@click.option(
    "--prune-threshold",
    type=click.FloatRange(0.0, 1.0),
    default=DEFAULT_PRUNE_THRESHOLD,
    show_default=True,
    help="Largest share of a scope's registrations and targets --prune deletes without --force.",
)
@click.option(
    "--no-validate",
    is_flag=True,
    help="Skip the structural rules that otherwise run on the result before commit.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the plan and counts as JSON.")
@handle_errors
def apply_cmd(
    files: tuple[str, ...],
    dry_run: bool,
    prune: bool,
    force: bool,
    prune_threshold: float,
    no_validate: bool,
    as_json: bool,
) -> None:
    """Make the graph match manifest files, all or nothing.

    Shows the plan (elements and relationships to create, update or delete,
    with property diffs), then applies it in one transaction: if anything is
    wrong - a syntax or schema error, a duplicate qualifiedName, a dangling
    reference, a plaintext secret, a failed validation rule - nothing is
    written and the command exits 2. Applying the same files again changes
    nothing. Format: docs/manifests.md; JSON Schema: 'switchboard schema'.

    \b
    Examples:
      switchboard apply -f examples/files-group.yaml --dry-run
      switchboard apply -f examples/
      switchboard apply -f groups/ --prune
    """
    paths = expand_paths(files)
    if server_url():
        remote = remote_apply(
            paths,
            dry_run=dry_run,
            prune=prune,
            force=force,
            prune_threshold=prune_threshold,
            validate=not no_validate,
        )
        if as_json:
            print_json(remote.document)
        else:
            render_summary(remote)
            render_warnings(remote)
        return
    st = store(quiet=as_json)
    with progress_bar(not as_json and not dry_run, verb="writing") as progress:
        report = apply(
            st,
            paths,
            dry_run=dry_run,
            prune=prune,
            force=force,
            prune_threshold=prune_threshold,
            validator=None if no_validate else validate_in_transaction,
            progress=progress,
            on_plan=None if as_json else render_plan if dry_run else plan_and_restarts(st),
        )
    render_apply_report(st, report, dry_run=dry_run, as_json=as_json)


def render_apply_report(st: Store, report: ApplyReport, *, dry_run: bool, as_json: bool) -> None:
    """An apply's outcome: with --dry-run its plan and the restarts it would cause, then
    the summary and warnings (or all of it as one JSON document)."""
    restarts = restarts_of(st, report.plan) if dry_run else []
    if as_json:
        document = report.as_dict()
        if dry_run:
            document["restarts"] = [r.as_dict() for r in restarts]
        print_json(document)
        return
    if dry_run:
        render_plan(report.plan)
        render_restarts(restarts)
    render_summary(report)
    render_warnings(report)


def restarts_of(st: Store, plan: Plan) -> list[RestartImpact]:
    """The connectors running daemons would restart for ``plan``: none when the plan changes
    nothing, and then the daemon package is not even loaded."""
    if not plan.change_count:
        return []
    from engine.daemon import restart_impact  # the daemon package only for a change

    return restart_impact(st, plan)


def plan_and_restarts(st: Store) -> Callable[[Plan], None]:
    """Show a plan before it is applied with the connectors running daemons will restart."""

    def show(plan: Plan) -> None:
        render_plan(plan)
        render_restarts(restarts_of(st, plan), applying=True)

    return show


def render_restarts(restarts: list[RestartImpact], *, applying: bool = False) -> None:
    """The connectors running daemons would (or, ``applying``, will) restart, with the
    daemon holding each."""
    if not restarts:
        return
    verb = "will" if applying else "would"
    console.print(f"running daemons {verb} restart {len(restarts)} connector(s):")
    table = _table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for col in ("group", "connector", "held by"):
        table.add_column(col, overflow="fold")
    for r in restarts:
        table.add_row(r.group, r.connector_name, r.holder or "-")
    console.print(table)


@click.command("export")
@click.argument("groups", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["yaml", "json", "omarchive"]),
    default=None,
    help="Output format (default: from the -o suffix, else yaml); omarchive writes an "
    "Egeria open metadata archive (same as 'switchboard export-archive').",
)
@handle_errors
def export_cmd(groups: tuple[str, ...], output: str | None, fmt: str | None) -> None:
    """Write integration groups back as a manifest (qualifiedNames as arguments).

    Exporting, applying the result to an empty database and exporting again
    gives the identical document (guids included).

    \b
    Example:
      switchboard export Switchboard:IntegrationGroup:files -o files.yaml
    """
    if fmt == "omarchive" or (fmt is None and output and output.lower().endswith(".omarchive")):
        from cli.egeria_cmd import export_omarchive  # the archive code only when asked for

        export_omarchive(groups, Path(output) if output else None)
        if output:
            err_console.print(f"wrote {len(groups)} group(s) to {output}")
        return
    chosen = fmt or ("json" if output and output.lower().endswith(".json") else "yaml")
    doc = export_manifest(store(quiet=True), list(groups))
    text = dump_document(doc, "json" if chosen == "json" else "yaml")
    if output:
        Path(output).write_text(text, encoding="utf-8")
        err_console.print(f"wrote {len(groups)} group(s) to {output}")
    else:
        click.echo(text, nl=False)


@click.command("schema")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file.")
def schema_cmd(output: str | None) -> None:
    """Print the JSON Schema of manifest files (for editor completion and checks).

    \b
    Example (VS Code YAML extension): put this first in a manifest:
      # yaml-language-server: $schema=./manifest.schema.json
    """
    text = json.dumps(manifest_json_schema(), indent=2, sort_keys=True) + "\n"
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@click.command("get")
@click.argument("name")
@click.option("--guid", "by_guid", is_flag=True, help="NAME is a guid, not a qualifiedName.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@handle_errors
def get_cmd(name: str, by_guid: bool, as_json: bool) -> None:
    """Show one element: properties, audit fields and outgoing relationships."""
    if server_url():
        data = remote_element(name, by_guid)
    else:
        from engine.graph import get_element, get_relationships  # the element API here only
        from engine.server import element_document

        st = store(quiet=as_json)
        found = get_element(st, guid=name) if by_guid else get_element(st, name)
        data = element_document(found, get_relationships(st, found.qualifiedName))
    if as_json:
        print_json(data)
        return
    table = _table(show_header=False, box=None, pad_edge=False)
    for key, value in data.items():
        if key != "relationships":
            table.add_row(f"[bold]{key}[/]", _value(value))
    console.print(table)
    for r in data["relationships"]:
        console.print(f"  -[{r['type']}]-> {r['to']} ({r['toTypeName']})")


@click.command("delete")
@click.argument("name")
@click.option("--guid", "by_guid", is_flag=True, help="NAME is a guid, not a qualifiedName.")
@click.option(
    "--expected-version", type=int, default=None, help="Fail if the element moved past this."
)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@handle_errors
def delete_cmd(name: str, by_guid: bool, expected_version: int | None, yes: bool) -> None:
    """Delete one element.

    A connector takes along its registrations, catalog-target links and the
    connection(s) and endpoints only it uses (connector types stay); a group
    takes along its registrations, not its connectors.
    """
    from engine.graph import delete_element  # the element API (and its writes) here only

    if not yes:
        click.confirm(f"delete {name}?", abort=True, err=True)
    st = store()
    if by_guid:
        result = delete_element(st, guid=name, expected_version=expected_version)
    else:
        result = delete_element(st, name, expected_version=expected_version)
    console.print(f"deleted {len(result.elements)} element(s): {', '.join(result.elements)}")
