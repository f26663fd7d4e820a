"""Before a change is applied: which running connectors it would restart, and where.

A running daemon restarts a connector when anything of its effective configuration changes:
the connector element, its registration, its connection (and embedded ones), connector
type or endpoint (catalog targets are handed to the running connector instead). Given an
apply plan, :func:`restart_impact` resolves the planned groups as they are stored now and
names every connector whose resolved view contains an element the plan updates or
deletes, or a relationship it creates, updates or deletes (catalog targets aside), with
the daemon that holds its lease (under leases; ``None`` otherwise).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engine.daemon.leases import lease_states, live_daemons
from engine.declare.manifest.plan import Plan
from engine.graph.resolve import resolve_existing_groups
from engine.graph.store import Store

if TYPE_CHECKING:
    from engine.resolved import ConnectorView

TARGET_RELATIONSHIP = "CatalogTarget"
"""Changes to catalog targets reach running connectors without a restart."""

LIVE_SECONDS = 10.0
"""A daemon whose heartbeat is older than this is not shown as a holder."""


@dataclass(frozen=True)
class RestartImpact:
    """A connector that running daemons would restart, and the daemon holding it."""

    group: str
    connector_name: str
    registration: str
    holder: str | None
    """The holding daemon's name (under leases), or None when no live daemon holds it."""
    holder_id: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "connectorName": self.connector_name,
            "registration": self.registration,
            "holder": self.holder,
            "holderId": self.holder_id,
        }


def touched_names(plan: Plan) -> set[str]:
    """qualifiedNames the plan changes in a way that restarts a connector using them."""
    names: set[str] = set()
    for change in plan.changes:
        if change.kind == "element" and change.action in ("update", "delete"):
            names.add(change.name)
        elif (
            change.kind == "relationship"
            and change.action != "unchanged"
            and change.typeName != TARGET_RELATIONSHIP
        ):
            names.update(change.name.split(" [", 1)[0].split(" -> "))
    return names


def _view_names(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        name = value.get("qualifiedName")
        if isinstance(name, str):
            yield name
        for item in value.values():
            yield from _view_names(item)
    elif isinstance(value, list):
        for item in value:
            yield from _view_names(item)


def connector_names(view: ConnectorView) -> set[str]:
    """Every element a connector's effective configuration comes from (not its targets)."""
    return set(_view_names(view.model_dump(exclude={"catalogTargets"})))


def restart_impact(store: Store, plan: Plan) -> list[RestartImpact]:
    """The connectors of the plan's groups that applying it would restart, by group and
    name, with their holders."""
    touched = touched_names(plan)
    if not touched or not plan.groups:
        return []
    hit = [
        (group.qualified_name, view)
        for group in resolve_existing_groups(store, plan.groups)
        for view in group.connectors
        if connector_names(view) & touched
    ]
    states = lease_states(store, (view.registration.guid for _, view in hit))
    live = {d.id: d.name for d in live_daemons(store, live_seconds=LIVE_SECONDS)}
    impacts = []
    for group, view in hit:
        state = states.get(view.registration.guid)
        holder_id = state.holder if state and not state.expired and state.holder in live else None
        impacts.append(
            RestartImpact(
                group=group,
                connector_name=view.connector_name,
                registration=view.registration.guid,
                holder=live[holder_id] if holder_id else None,
                holder_id=holder_id,
            )
        )
    return sorted(impacts, key=lambda i: (i.group, i.connector_name))
