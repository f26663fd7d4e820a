"""Rules 1-3 of SPEC §3: identity (qualifiedName, guid), registrations, connectorName (SB001-SB006)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from engine.validate.context import Context
from engine.validate.findings import Hit
from engine.validate.graph import element_name
from engine.validate.registry import rule
from engine.validate.rules.common import is_blank, registration_hit


@rule("SB001", "error", "Element without qualifiedName", spec="§3 rule 1")
def _qualified_name_missing(ctx: Context) -> Iterator[Hit]:
    """Every element needs a qualifiedName: it is the natural key manifests, imports and
    the CLI use to find it."""
    for key, data in ctx.nodes.items():
        qn = data["qualifiedName"]
        if type(qn) is str and qn and not qn[0].isspace() and not qn[-1].isspace():
            continue  # the common case without a call
        if is_blank(qn):
            yield Hit(
                f"{data['typeName']} {element_name(data)} has no qualifiedName",
                "give the element a qualifiedName that is unique across all elements",
                (element_name(data),),
                (key,),
            )


@rule("SB002", "error", "qualifiedName shared by several elements", spec="§3 rule 1")
def _qualified_name_duplicate(ctx: Context) -> Iterator[Hit]:
    """A qualifiedName names exactly one element; two elements with the same one make
    every lookup by name ambiguous."""
    names = [data["qualifiedName"] for data in ctx.nodes.values()]
    if len(set(names)) == len(names):
        return  # the common case, decided in C: every name (blank or not) is unique
    by_name: dict[str, list[str]] = defaultdict(list)
    for key, data in ctx.nodes.items():
        if not is_blank(data["qualifiedName"]):
            by_name[data["qualifiedName"]].append(key)
    for name, keys in by_name.items():
        if len(keys) > 1:
            guids = ", ".join(sorted(str(ctx.node(k)["guid"]) for k in keys))
            yield Hit(
                f"qualifiedName '{name}' is used by {len(keys)} elements (guids {guids})",
                "rename all but one of them, or merge them into one element",
                (name,),
                tuple(keys),
            )


@rule("SB003", "error", "guid missing or shared", spec="§3 rule 1")
def _guid_problems(ctx: Context) -> Iterator[Hit]:
    """Every element and relationship has its own guid, which never changes; a missing
    or reused guid breaks identity (a connector's identity is its registration's guid)."""
    for entry in ctx.attrs.get("missing_guids", ()):
        yield Hit(
            f"{entry['kind']} {entry['name']} has no guid",
            "recreate it through switchboard (apply or import), which assigns guids",
            (entry["name"],),
        )
    for entry in ctx.attrs.get("guid_conflicts", ()):
        names = tuple(sorted(entry["names"]))
        subjects = (entry["guid"],) if entry["guid"] in ctx.nodes else ()
        yield Hit(
            f"guid {entry['guid']} is used by more than one {entry['kind']}: " + "; ".join(names),
            f"give each {entry['kind']} its own guid (a guid never changes once assigned)",
            names,
            subjects,
        )


@rule("SB004", "error", "Connector registered twice in one group", spec="§3 rule 2")
def _registered_twice(ctx: Context) -> Iterator[Hit]:
    """A connector joins a group at most once; a second registration would run it twice
    with diverging settings."""
    regs = ctx.registrations()
    if len({(group, connector) for group, connector, _, _ in regs}) == len(regs):
        return
    pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for group, connector, key, _ in regs:
        pairs[(group, connector)].append(key)
    for (group, connector), keys in pairs.items():
        if len(keys) > 1:
            for key in keys:
                others = ", ".join(sorted(str(ctx.edge(group, connector, k)["guid"]) for k in keys))
                yield registration_hit(
                    ctx,
                    (group, connector, key),
                    f"connector {ctx.name(connector)} is registered {len(keys)} times in group "
                    f"{ctx.name(group)} (registrations {others})",
                    "remove all but one RegisteredIntegrationConnector between them",
                )


@rule("SB005", "error", "Registration without connectorName", spec="§3 rule 3")
def _connector_name_missing(ctx: Context) -> Iterator[Hit]:
    """The connectorName is how the daemon, its status and its control API name a
    connector; a registration without one is not run."""
    for group, connector, key, props in ctx.registrations():
        if is_blank(props.get("connectorName")):
            yield registration_hit(
                ctx,
                (group, connector, key),
                f"the registration of {ctx.name(connector)} in group {ctx.name(group)} "
                "has no connectorName",
                "set connectorName on the registration",
            )


@rule("SB006", "error", "connectorName not unique across the groups", spec="§3 rule 3")
def _connector_name_duplicate(ctx: Context) -> Iterator[Hit]:
    """connectorName is unique across all the groups one daemon runs (the groups
    validated together): status, logs and restart commands address connectors by it."""
    registrations = ctx.registrations()
    names = [props.get("connectorName") for _, _, _, props in registrations]
    if len(set(names)) == len(names):
        return
    by_name: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for group, connector, key, props in registrations:
        name = props.get("connectorName")
        if not is_blank(name):
            by_name[str(name)].append((group, connector, key))
    for name, regs in by_name.items():
        if len(regs) > 1:
            where = "; ".join(sorted(f"{ctx.name(c)} in group {ctx.name(g)}" for g, c, _ in regs))
            for group, connector, key in regs:
                yield registration_hit(
                    ctx,
                    (group, connector, key),
                    f"connectorName '{name}' is used by {len(regs)} registrations: {where}",
                    "give each registration its own connectorName",
                )
