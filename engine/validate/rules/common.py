"""Small value tests and hit builders the rules of several families share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.validate.context import Context
from engine.validate.findings import Hit


def is_blank(value: Any) -> bool:
    """None, or a string of blanks only."""
    return value is None or (isinstance(value, str) and not value.strip())


def as_map(value: Any) -> dict[str, Any]:
    """A copy of ``value`` when it is a mapping, else an empty dict."""
    return dict(value) if isinstance(value, Mapping) else {}


def registration_hit(
    ctx: Context, registration: tuple[str, str, str], message: str, fix: str
) -> Hit:
    """A hit about one registration, given as (group key, connector key, edge key): it names
    both ends and carries the registration's relationship guid and key."""
    group, connector, key = registration
    return Hit(
        message,
        fix,
        (ctx.name(group), ctx.name(connector)),
        relationship=ctx.edge(group, connector, key)["guid"],
        registration=key,
    )
