"""``switchboard history``, ``diff`` and ``rollback``: what changed, when, by whom, and
putting a group back as it was (docs/history.md)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, NoReturn

import click

from cli._common import console, handle_errors, print_json, progress_bar, store
from engine import UsageError

if TYPE_CHECKING:
    from engine.graph import Store
    from engine.history import ChangeSet, RecordedChange

DEFAULT_CHANGES = 50
"""How many changes of each change set `history` shows unless told otherwise."""
TIME_HELP = "ISO 8601 (2026-12-04T03:00:00Z, 2026-12-04) or relative (30m, 2h, 3d, 1w)"
_COLOURS = {"create": "green", "update": "yellow", "delete": "red"}


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _render_change(change: RecordedChange) -> None:
    versions = f"v{change.version_before or '-'} -> v{change.version_after or '-'}"
    colour = _COLOURS[change.action]
    console.print(
        f"  [{colour}]{change.action}[/] {change.kind} {change.type} "
        f"[bold]{change.name}[/] ({versions})",
        soft_wrap=True,
    )
    if change.action == "update":
        before, after = change.before or {}, change.after or {}
        for key in change.changed_properties():
            if key in ("updateTime", "version", "updatedBy"):
                continue
            console.print(
                f"      {key}: {_short(before.get(key))} -> {_short(after.get(key))}",
                soft_wrap=True,
                markup=False,
            )


def _render(change_sets: list[ChangeSet]) -> None:
    if not change_sets:
        console.print("no recorded changes match")
        return
    for cs in change_sets:
        # a catch-up change set's summary says "changed outside Switchboard" itself
        console.print(
            f"[bold]{cs.time.isoformat()}[/] {cs.user} {cs.tool}: {cs.summary}  [dim]{cs.id}[/]",
            soft_wrap=True,
        )
        for change in cs.changes:
            _render_change(change)
        hidden = cs.change_count - len(cs.changes)
        if hidden > 0:
            console.print(
                f"  [dim]... and {hidden:,} more change(s): --changes 0 shows all, "
                f"or name an element[/]"
            )


def _prune(before: str, dry_run: bool, as_json: bool) -> None:
    from engine.history import parse_time, prune_history

    result = prune_history(store(quiet=as_json), parse_time(before), dry_run=dry_run)
    if as_json:
        print_json(
            {
                "droppedStates": result.states,
                "droppedChangeSets": result.change_sets,
                "dryRun": result.dry_run,
            }
        )
        return
    verb = "would drop" if result.dry_run else "dropped"
    console.print(
        f"{verb} {result.change_sets} change set(s) and {result.states} recorded state(s) "
        "no later time needs"
    )


def _check(the_store: Store, as_json: bool) -> NoReturn:
    """Record what changed around Switchboard; exit 1 when anything had."""
    from engine.history import check_history

    with progress_bar(not as_json, verb="comparing") as progress:
        result = check_history(the_store, progress=progress)
    if as_json:
        print_json({"changeSet": result.change_set, "changed": result.changed})
    elif result.changed:
        console.print(
            f"recorded {result.changed} state(s) changed outside Switchboard "
            f"in change set {result.change_set}"
        )
    else:
        console.print("the graph matches its recorded history")
    raise SystemExit(1 if result.changed else 0)


@click.command("history")
@click.argument("name", required=False, metavar="[NAME | prune]")
@click.option("--group", "-g", metavar="GROUP", help="Changes to anything that was in GROUP.")
@click.option("--since", metavar="TIME", help=f"Only change sets from TIME on: {TIME_HELP}.")
@click.option("--until", metavar="TIME", help="Only change sets up to TIME.")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Show at most this many change sets (the newest).",
)
@click.option(
    "--changes",
    type=click.IntRange(min=0),
    default=DEFAULT_CHANGES,
    show_default=True,
    help="Show at most this many changes of each change set (a bulk apply records one per "
    "element and relationship; JSON's changeCount gives the total); 0 shows them all.",
)
@click.option(
    "--check",
    is_flag=True,
    help="Compare the graph with its last recorded states and record every difference "
    "(changes made around Switchboard) as a catch-up change set; exit 1 when it found any.",
)
@click.option(
    "--before", metavar="TIME", help="With 'prune': drop change sets recorded before TIME."
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="With 'prune': count what it would drop and write nothing.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (for scripts).")
@handle_errors
def history_cmd(
    name: str | None,
    group: str | None,
    since: str | None,
    until: str | None,
    limit: int,
    changes: int,
    check: bool,
    before: str | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Who changed what and when: recorded change sets, newest first.

    Every write made through Switchboard (apply, import, the write API,
    rollback) records a change set in the same transaction: its time, user,
    tool and summary, and each element and relationship it created, updated
    or deleted with versions and properties before and after. Secrets stay
    references. A change made around Switchboard (a plain Cypher SET) is
    recorded as "changed outside Switchboard" by the next write touching it
    or by --check.

    \b
    Examples:
      switchboard history --group sales.integration --since 1d
      switchboard history Switchboard:Endpoint:warehouse --json
      switchboard history --check
      switchboard history prune --before 90d --dry-run
    """
    from engine.history import change_history, parse_time

    if name == "prune":
        if before is None:
            raise UsageError("history prune needs --before TIME", hint=f"TIME: {TIME_HELP}")
        _prune(before, dry_run, as_json)
        return
    if before is not None or dry_run:
        option = "--before" if before is not None else "--dry-run"
        raise UsageError(f"{option} goes with 'history prune'", hint="switchboard history --help")
    the_store = store(quiet=as_json)
    if check:
        _check(the_store, as_json)
    found = change_history(
        the_store,
        name,
        group=group,
        since=parse_time(since) if since else None,
        until=parse_time(until) if until else None,
        limit=limit,
        changes=changes or None,
    )
    if as_json:
        print_json([cs.as_dict() for cs in found])
    else:
        _render(found)


@click.command("diff")
@click.argument("group", metavar="GROUP")
@click.option("--from", "since", required=True, metavar="TIME", help=f"From: {TIME_HELP}.")
@click.option("--to", "until", metavar="TIME", help="To (default: now, as stored).")
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
@handle_errors
def diff_cmd(group: str, since: str, until: str | None, as_json: bool) -> None:
    """What changed in GROUP between two times, as 'apply --dry-run' shows a plan.

    \b
    Examples:
      switchboard diff sales.integration --from 3h
      switchboard diff sales.integration --from 2026-12-04T01:00Z --to 2026-12-04T03:00Z
    """
    from cli.manifest_cmd import render_plan
    from engine.declare.manifest import Plan
    from engine.history import diff_group, parse_time

    changes = diff_group(
        store(quiet=as_json),
        group,
        parse_time(since),
        parse_time(until) if until else None,
    )
    if as_json:
        print_json({"group": group, "changes": [c.as_dict() for c in changes]})
        return
    if not changes:
        console.print("no changes")
        return
    render_plan(Plan(changes=changes))


@click.command("rollback")
@click.argument("group", metavar="GROUP")
@click.option("--to", "to", required=True, metavar="TIME", help=f"Back to: {TIME_HELP}.")
@click.option("--dry-run", is_flag=True, help="Show the plan and stop; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@handle_errors
def rollback_cmd(group: str, to: str, dry_run: bool, as_json: bool) -> None:
    """Make GROUP's current state equal its state at a time.

    Goes through the normal plan and apply: elements get new versions, and
    one change set names the rollback. Registrations and catalog targets added
    since are removed. Refused when a connector the group had then is now
    registered in another group.

    \b
    Examples:
      switchboard rollback sales.integration --to 2h --dry-run
      switchboard rollback sales.integration --to 2026-12-04T02:55:00Z
    """
    from cli.manifest_cmd import render_plan, render_summary
    from engine.history import parse_time, rollback_group

    report = rollback_group(store(quiet=as_json), group, parse_time(to), dry_run=dry_run)
    if as_json:
        print_json(report.as_dict())
        return
    render_plan(report.plan)
    render_summary(report)
