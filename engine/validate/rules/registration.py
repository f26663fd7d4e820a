"""Rules 4-5 of SPEC §3: registration settings and enum values (SB007-SB009)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from engine.typesystem import CATALOG_TARGET, DELETE_METHODS, PERMITTED_SYNCHRONIZATIONS
from engine.validate.context import Context
from engine.validate.findings import Hit
from engine.validate.registry import rule
from engine.validate.rules.common import registration_hit


def as_datetime(value: Any) -> datetime | None:
    """A datetime or ISO text as an aware datetime (UTC when it has no zone); else None."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


@rule("SB007", "error", "Negative refreshTimeInterval", spec="§3 rule 4")
def _refresh_negative(ctx: Context) -> Iterator[Hit]:
    """refreshTimeInterval is in minutes, >= 0 (0 = no periodic refresh)."""
    for group, connector, key, props in ctx.registrations():
        value = props.get("refreshTimeInterval")
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            yield registration_hit(
                ctx,
                (group, connector, key),
                f"refreshTimeInterval of {ctx.connector_name(key)} is {value!r}",
                "set refreshTimeInterval to a whole number of minutes >= 0 "
                "(0 turns periodic refresh off)",
            )


@rule("SB008", "error", "startDate after connectorShutdownDate", spec="§3 rule 4")
def _dates_reversed(ctx: Context) -> Iterator[Hit]:
    """A connector runs only inside [startDate, connectorShutdownDate]; a start after
    the shutdown means it never runs."""
    for group, connector, key, props in ctx.registrations():
        start = as_datetime(props.get("startDate"))
        stop = as_datetime(props.get("connectorShutdownDate"))
        if start is not None and stop is not None and start > stop:
            yield registration_hit(
                ctx,
                (group, connector, key),
                f"{ctx.connector_name(key)} starts {start.isoformat()}, after its "
                f"connectorShutdownDate {stop.isoformat()}",
                "move startDate before connectorShutdownDate, or clear one of them",
            )


@rule("SB009", "error", "Enum property holds an unlisted value", spec="§3 rule 5")
def _enum_values(ctx: Context) -> Iterator[Hit]:
    """permittedSynchronization and deleteMethod take one of the values SPEC §2 lists;
    anything else is a typo the daemon would reject at run time."""
    sync, delete = frozenset(PERMITTED_SYNCHRONIZATIONS), frozenset(DELETE_METHODS)
    checks: list[tuple[str, str, str, str, str, Mapping[str, Any], str | None]] = [
        ("registration", group, connector, key, "permittedSynchronization", reg_props, key)
        for group, connector, key, reg_props in ctx.registrations()
        if not _listed(reg_props.get("permittedSynchronization"), sync)
    ]
    for u, v, key, data in ctx.edges[CATALOG_TARGET]:
        props = data["properties"]
        if not _listed(props.get("permittedSynchronization"), sync):
            checks.append(("catalog target", u, v, key, "permittedSynchronization", props, None))
        if not _listed(props.get("deleteMethod"), delete):
            checks.append(("catalog target", u, v, key, "deleteMethod", props, None))
    for what, start, end, key, name, props, reg in checks:
        value = props.get(name)
        if value is None:
            continue
        allowed = (
            PERMITTED_SYNCHRONIZATIONS if name == "permittedSynchronization" else DELETE_METHODS
        )
        if value not in allowed:
            yield Hit(
                f"{name} of the {what} {ctx.name(start)} -> {ctx.name(end)} is {value!r}",
                f"use one of {', '.join(allowed)}",
                (ctx.name(start), ctx.name(end)),
                (start,),
                relationship=ctx.edge(start, end, key)["guid"],
                registration=reg,
            )


def _listed(value: Any, allowed: frozenset[str]) -> bool:
    """None, or a listed value (unhashable values are not listed)."""
    if value is None:
        return True
    try:
        return value in allowed
    except TypeError:
        return False
