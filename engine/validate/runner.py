"""Running the rules: every rule of :data:`RULES` over one graph, each hit attributed to
the registrations it concerns, all findings sorted."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import engine.validate.rules  # noqa: F401  (registers every rule, in id order)
from engine.gcpause import gc_paused
from engine.validate.context import Context
from engine.validate.findings import Finding, Hit, finding_order
from engine.validate.graph import PlainGraph, build_plain
from engine.validate.registry import RULES, Rule

if TYPE_CHECKING:
    import networkx as nx

    from engine.graph.document import PlainGroup
    from engine.resolved import ResolvedGroup


def validate_groups(
    groups: Sequence[ResolvedGroup | PlainGroup], *, deep: bool = False
) -> list[Finding]:
    """Every finding for ``groups`` (views, or their plain data from
    :func:`engine.graph.resolve.resolve_groups_plain`), taken together as the set one
    daemon runs.

    ``deep`` also loads each connector provider (rules SB030-SB032).
    """
    with gc_paused():
        return validate_graph(build_plain(groups), deep=deep)


def validate_graph(graph: PlainGraph | nx.MultiDiGraph, *, deep: bool = False) -> list[Finding]:
    """Every finding for a graph from :func:`build_graph`, :func:`build_plain` or
    :func:`load_snapshot`, sorted by group, connector, rule and elements."""
    with gc_paused():
        return _run_rules(graph, deep)


def _run_rules(graph: PlainGraph | nx.MultiDiGraph, deep: bool) -> list[Finding]:
    ctx = Context(graph, deep=deep)
    reg_info = _RegistrationNames(ctx)
    findings: set[Finding] = set()
    for current in RULES.values():
        if current.deep and not deep:
            continue
        for hit in current.check(ctx):
            findings.update(_attribute(ctx, current, hit, reg_info))
    return sorted(findings, key=finding_order)


class _RegistrationNames(dict[str, tuple[str, str]]):
    """Registration edge key -> (group name, connectorName), filled on the first finding."""

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self._ctx = ctx
        self._filled = False

    def __missing__(self, key: str) -> tuple[str, str]:
        if self._filled:
            raise KeyError(key)
        self._filled = True
        ctx = self._ctx
        for group, connector, reg, props in ctx.registrations():
            name = props.get("connectorName")
            self[reg] = (ctx.name(group), str(name) if name else ctx.name(connector))
        return self[key]


def _attribute(
    ctx: Context, current: Rule, hit: Hit, reg_info: Mapping[str, tuple[str, str]]
) -> Iterator[Finding]:
    """One finding per registration ``hit`` concerns (one without any when none does)."""
    base: dict[str, Any] = {
        "rule": current.id,
        "severity": current.severity,
        "title": current.title,
        "elements": hit.elements,
        "relationship": hit.relationship,
        "message": hit.message,
        "fix": hit.fix,
    }
    regs: set[str] = set()
    if hit.registration is not None:
        regs.add(hit.registration)
    elif hit.subjects:
        regs.update(ctx.owners_of_all(hit.subjects))
    if not regs:
        groups = [s for s in hit.subjects if ctx.has_label(s, "IntegrationGroup")]
        yield Finding(**base, group=ctx.name(groups[0]) if groups else None)
        return
    for reg in regs:
        group, connector = reg_info[reg]
        yield Finding(**base, group=group, connector=connector, registration=reg)
