"""Rule 12 of SPEC §3: catalog targets (SB022-SB024)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from engine.typesystem import ASSET_CONNECTION, CATALOG_TARGET
from engine.validate.context import Context
from engine.validate.findings import Hit
from engine.validate.registry import rule
from engine.validate.rules.common import is_blank


@rule("SB022", "error", "CatalogTarget not from an IntegrationConnector", spec="§3 rule 12")
def _target_source(ctx: Context) -> Iterator[Hit]:
    """Only integration connectors have catalog targets; on anything else the link is
    never read."""
    connectors = ctx.labelled("IntegrationConnector")
    for u, v, _, data in ctx.edges[CATALOG_TARGET]:
        if u not in connectors:
            yield Hit(
                f"catalog target {ctx.name(v)} hangs off {ctx.node(u)['typeName']} {ctx.name(u)}, "
                "not an IntegrationConnector",
                "link the target from the IntegrationConnector that should process it",
                (ctx.name(u), ctx.name(v)),
                (u,),
                relationship=data["guid"],
            )


@rule("SB023", "warning", "catalogTargetName repeated within a connector", spec="§3 rule 12")
def _target_name_repeated(ctx: Context) -> Iterator[Hit]:
    """Connectors look catalog targets up by catalogTargetName; a repeated name makes the
    lookup ambiguous."""
    for connector, edges in ctx.out[CATALOG_TARGET].items():
        if len(edges) < 2:
            continue
        given = [data["properties"].get("catalogTargetName") for _, _, data in edges]
        if len(set(map(str, given))) == len(given):
            continue  # every name differs (blank ones included)
        by_name: dict[str, list[str]] = defaultdict(list)
        for target, _, data in edges:
            name = data["properties"].get("catalogTargetName")
            if not is_blank(name):
                by_name[str(name)].append(ctx.name(target))
        for name, targets in sorted(by_name.items()):
            if len(targets) > 1:
                yield Hit(
                    f"{ctx.name(connector)} has {len(targets)} catalog targets named '{name}': "
                    f"{', '.join(sorted(targets))}",
                    "give each catalog target of the connector its own catalogTargetName",
                    (ctx.name(connector), *sorted(set(targets))),
                    (connector,),
                )


@rule(
    "SB024",
    "warning",
    "catalog target connectionName names no connection of the target",
    spec="§3 rule 12",
)
def _target_connection_name(ctx: Context) -> Iterator[Hit]:
    """connectionName picks one of the target element's own connections (by
    qualifiedName or displayName); a name that matches none is ignored."""
    assets = ctx.out[ASSET_CONNECTION]
    for u, v, _, data in ctx.edges[CATALOG_TARGET]:
        wanted = data["properties"].get("connectionName")
        if wanted is None or is_blank(wanted):
            continue
        names = set(ctx.node(v)["connectionNames"])
        for conn, _, _ in assets.get(v, ()):
            names.add(ctx.node(conn)["qualifiedName"])
            names.add(ctx.props(conn).get("displayName"))
        if wanted not in names:
            yield Hit(
                f"catalog target {ctx.name(v)} of {ctx.name(u)} names connection '{wanted}', "
                "which is not one of the target's connections",
                "set connectionName to the qualifiedName or displayName of a connection linked "
                "to the target element, or clear it",
                (ctx.name(u), ctx.name(v)),
                (u,),
                relationship=data["guid"],
            )
