"""``switchboard validate``: structural checks of integration groups (SPEC.md §3)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

import click
from rich.markup import escape

from cli._common import console, handle_errors, print_json, store
from cli.remote import remote_findings, server_url
from engine import NotFoundError, UsageError
from engine.graph import resolve_groups_plain
from engine.validate import RULES, validate_graph, validate_groups

if TYPE_CHECKING:
    from engine.graph import Store
    from engine.validate import Finding

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow"}
UNATTRIBUTED = "(no registered connector)"


@click.command("validate")
@click.argument("qualified_names", nargs=-1, metavar="[GROUP_QN]...")
@click.option(
    "--all",
    "all_groups",
    is_flag=True,
    help="Validate the whole database (every group, and elements no group reaches).",
)
@click.option(
    "--deep",
    is_flag=True,
    help="Also load each connector provider and check the connection's configuration "
    "against the provider's schema (imports code).",
)
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: findings grouped by group and connector; json: a document for tools.",
)
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option("--rules", "list_rules", is_flag=True, help="List the rules and exit.")
@handle_errors
def validate_cmd(
    qualified_names: tuple[str, ...],
    all_groups: bool,
    deep: bool,
    strict: bool,
    fmt: str,
    as_json: bool,
    list_rules: bool,
) -> None:
    """Check integration groups for structural errors before anything runs.

    Every finding names its rule (SB001...), the group and connector it
    blocks, the elements by qualifiedName, what is wrong and how to fix it.
    Errors block 'apply' and stop the daemon from starting that connector;
    warnings do not. The groups named are validated together as the set one
    daemon runs, so connectorName must be unique across them; with --all,
    across every group in the database.

    \b
    Exit codes: 0 no errors (warnings allowed unless --strict),
                1 errors (or warnings with --strict), 2 bad usage or unknown group.

    \b
    Examples:
      switchboard validate sales.integration
      switchboard validate sales.integration finance.integration --deep
      switchboard validate --all --strict --format json
      switchboard validate --rules
    """
    fmt = "json" if as_json else fmt
    if list_rules:
        _print_rules(fmt)
        return
    _check_scope(qualified_names, all_groups)
    if server_url():
        findings, scope = remote_findings(qualified_names, all_groups, deep)
    else:
        findings, scope = _findings(store(quiet=fmt == "json"), qualified_names, all_groups, deep)
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    failed = errors > 0 or (strict and warnings > 0)
    if fmt == "json":
        print_json(
            {
                "ok": not failed,
                "scope": "all" if all_groups else list(dict.fromkeys(qualified_names)),
                "deep": deep,
                "strict": strict,
                "errors": errors,
                "warnings": warnings,
                "findings": [f.as_dict() for f in findings],
            }
        )
    else:
        _print_findings(findings, scope)
        _print_summary(errors, warnings, strict, deep)
    raise SystemExit(1 if failed else 0)


def _check_scope(qualified_names: tuple[str, ...], all_groups: bool) -> None:
    if all_groups and qualified_names:
        raise UsageError(
            "give group qualifiedNames or --all, not both",
            hint="'switchboard validate --all' already includes every group",
        )
    if not all_groups and not qualified_names:
        raise UsageError(
            "nothing to validate",
            hint="name one or more groups (see 'switchboard groups list') or pass --all",
        )


def _findings(
    st: Store, qualified_names: tuple[str, ...], all_groups: bool, deep: bool
) -> tuple[list[Finding], str]:
    """The findings and a description of what was validated."""
    if all_groups:
        from engine.validate import load_snapshot

        return validate_graph(load_snapshot(st), deep=deep), "the whole database"
    try:
        groups = resolve_groups_plain(st, qualified_names)  # no pydantic views needed
    except NotFoundError as exc:
        raise UsageError(exc.message, hint=exc.hint) from None
    return validate_groups(groups, deep=deep), ", ".join(qualified_names)


def _print_rules(fmt: str) -> None:
    if fmt == "json":
        print_json([rule.as_dict() for rule in RULES.values()])
        return
    from rich.table import Table

    table = Table("rule", "severity", "title and explanation", "spec", title="validation rules")
    for rule in RULES.values():
        severity = f"[{SEVERITY_STYLE[rule.severity]}]{rule.severity}[/]"
        text = f"[bold]{escape(rule.title)}[/]\n[dim]{escape(rule.explanation)}[/]"
        spec = escape(rule.spec) + ("\n[cyan]--deep[/]" if rule.deep else "")
        table.add_row(rule.id, severity, text, spec)
    console.print(table)


def _print_findings(findings: Sequence[Finding], scope: str) -> None:
    if not findings:
        console.print(f"[green]no findings[/] in {escape(scope)}")
        return
    tree: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for f in findings:
        tree[f.group or UNATTRIBUTED][f.connector or ""].append(f)
    for group, connectors in tree.items():
        console.print(f"[bold]group[/] {escape(group)}")
        for connector, items in connectors.items():
            indent = "  "
            if connector:
                console.print(f"  [bold]connector[/] {escape(connector)}")
                indent = "    "
            for f in items:
                style = SEVERITY_STYLE[f.severity]
                console.print(
                    f"{indent}[{style}]{f.severity}[/] [bold]{f.rule}[/] {escape(f.title)}",
                    soft_wrap=True,
                )
                console.print(f"{indent}  {escape(f.message)}", soft_wrap=True)
                where = ", ".join(f.elements)
                if f.relationship:
                    where += f" (relationship {f.relationship})"
                if where:
                    console.print(f"{indent}  [dim]elements:[/] {escape(where)}", soft_wrap=True)
                console.print(f"{indent}  [cyan]fix:[/] {escape(f.fix)}", soft_wrap=True)


def _print_summary(errors: int, warnings: int, strict: bool, deep: bool) -> None:
    checked = sum(1 for rule in RULES.values() if deep or not rule.deep)
    colour = "red" if errors or (strict and warnings) else ("yellow" if warnings else "green")
    console.print(
        f"[{colour}]{errors} error{'s' * (errors != 1)}, "
        f"{warnings} warning{'s' * (warnings != 1)}[/] ({checked} rules checked"
        + ("" if deep else "; --deep also loads providers")
        + ")"
    )
