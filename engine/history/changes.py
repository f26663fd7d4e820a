"""Reading the change history: change sets with their per-element changes, newest first,
and the times operators type (ISO 8601 or relative: ``2h``, ``3d``)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from engine.errors import UsageError
from engine.graph.graphmap import to_python
from engine.graph.store import Store
from engine.graph.writer import OUTSIDE_SUMMARY, ChangeInfo, CheckResult, SyncProgress
from engine.graph.writer import check_history as _record_outside_changes
from engine.history.asof import group_history_keys, stored_properties
from engine.resolved import ConnectionView, ConnectorView

DEFAULT_LIMIT = 1000
"""Most change sets :func:`change_history` returns unless told otherwise."""
_NO_CAP = 2**62
"""The cap of changes per change set that caps nothing (the query's LIMIT takes an int)."""

_RELATIVE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_time(text: str, *, now: datetime | None = None) -> datetime:
    """An aware datetime from ISO 8601 (a time without zone is UTC) or a relative time
    (``90s``, ``15m``, ``2h``, ``3d``, ``1w``: that long before now).

    Raises :class:`UsageError` for anything else.
    """
    relative = _RELATIVE.match(text)
    if relative:
        amount, unit = float(relative.group(1)), _UNITS[relative.group(2)]
        return (now or datetime.now(UTC)) - timedelta(**{unit: amount})
    try:
        parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"{text!r} is not a time",
            hint="give ISO 8601 (2026-12-04T17:00:00Z, 2026-12-04) or a relative time "
            "(30m, 2h, 3d, 1w)",
        ) from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


Action = Literal["create", "update", "delete"]


@dataclass
class RecordedChange:
    """What one change set did to one element or relationship."""

    key: str
    """The guid."""
    kind: Literal["element", "relationship"]
    type: str
    """typeName of an element, relationship type of a relationship."""
    name: str
    """qualifiedName of an element, ``TYPE from -> to`` (guids) of a relationship."""
    action: Action
    version_before: int | None
    version_after: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    def changed_properties(self) -> list[str]:
        """Names of the properties whose values differ between before and after."""
        before, after = self.before or {}, self.after or {}
        return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kind": self.kind,
            "type": self.type,
            "name": self.name,
            "action": self.action,
            "versionBefore": self.version_before,
            "versionAfter": self.version_after,
            "changedProperties": self.changed_properties(),
            "before": self.before,
            "after": self.after,
        }


@dataclass
class ChangeSet:
    """One recorded change: who, when, with what, why, and what it changed."""

    id: str
    time: datetime
    user: str
    tool: str
    command: str
    summary: str
    outside: bool
    """A catch-up: these states were changed outside Switchboard (found later)."""
    changes: list[RecordedChange] = field(default_factory=list)
    """Its changes: all of them, or the first ones when :func:`change_history` was given a
    cap (``change_count`` says how many there are)."""
    change_count: int = 0
    """How many changes it recorded (of the elements asked about), shown or not."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "time": self.time.isoformat(),
            "user": self.user,
            "tool": self.tool,
            "command": self.command,
            "summary": self.summary,
            "outside": self.outside,
            "changeCount": self.change_count,
            "changes": [c.as_dict() for c in self.changes],
        }


_AUDIT_TIMES = frozenset({"createTime", "updateTime"})
"""Properties history_states_of.cypher returns as text (ISO 8601, UTC offsets)."""


def _plain(props: dict[str, Any]) -> dict[str, Any]:
    return {
        k: _audit_time(v) if k in _AUDIT_TIMES else to_python(v)
        for k, v in stored_properties(props).items()
    }


def _audit_time(value: Any) -> Any:
    """An audit time sent as text, as the datetime the driver would have given (to the
    microsecond); anything else (a datetime, a value of another type) as to_python."""
    if isinstance(value, str):
        return datetime.fromisoformat(value.split("[", 1)[0])  # "+01:00[Europe/Paris]"
    return to_python(value)


def _change(
    after: dict[str, Any], before: dict[str, Any] | None, names: dict[str, str]
) -> RecordedChange:
    """A recorded state and the one it replaced as a change; a relationship is named by
    its ends' qualifiedNames (``names``, by guid; the guid where none was recorded)."""
    deleted = bool(after.get("_hDeleted"))
    if before is not None and before.get("_hDeleted"):
        before = None
    action: Action = "delete" if deleted else "create" if before is None else "update"
    if after.get("_hKind") == "relationship":
        ends = [str(after.get(k)) for k in ("_hFrom", "_hTo")]
        name = " -> ".join(names.get(end, end) for end in ends)
    else:
        name = str(after.get("_hName"))
    old = _plain(before) if before is not None else None
    new = None if deleted else _plain(after)
    return RecordedChange(
        key=str(after["_hKey"]),
        kind="relationship" if after.get("_hKind") == "relationship" else "element",
        type=str(after.get("_hType")),
        name=name,
        action=action,
        version_before=(old or {}).get("version"),
        version_after=(new or {}).get("version"),
        before=old,
        after=new,
    )


def change_history(
    store: Store,
    name: str | None = None,
    *,
    group: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = DEFAULT_LIMIT,
    changes: int | None = None,
) -> list[ChangeSet]:
    """Change sets, newest first, with their per-element changes: of the element (or
    relationship guid) ``name``, of everything that was ever part of ``group``, or all;
    at most ``limit`` change sets, each with at most ``changes`` changes (None: all; each
    change set's ``change_count`` says how many it recorded).

    Raises :class:`UsageError` when ``since`` is later than ``until``."""
    if since is not None and until is not None and since > until:
        raise UsageError(
            f"--since {since.isoformat()} is later than --until {until.isoformat()}",
            hint="give the earlier time to --since",
        )
    if name is None and group is None:
        cap = _NO_CAP if changes is None else changes
        params = {"since": since, "until": until, "limit": limit, "keys": None, "changes": cap}
        rows = [
            (row["changeSet"], row["states"], int(row["changeCount"]))
            for row in store.read("history_change_sets", params)
        ]
    else:
        keys: list[str] = [] if name is None else [name]  # a guid works too
        if group is not None:
            keys.extend(group_history_keys(store, group))
        states = store.read("history_states_of", {"keys": keys, "name": name})
        rows = [
            (c, found[:changes], len(found))
            for c, found in _change_sets_of(states, since, until, limit)
        ]
    names = _end_names(store, [(c, found) for c, found, _ in rows])
    return [
        _change_set(c, [_change(s["after"], s["before"], names) for s in found], count)
        for c, found, count in rows
    ]


def _change_set(c: dict[str, Any], changes: list[RecordedChange], count: int) -> ChangeSet:
    """A change set from its stored properties, with ``changes`` of its ``count``."""
    return ChangeSet(
        id=str(c["id"]),
        time=to_python(c["time"]),
        user=str(c.get("user")),
        tool=str(c.get("tool")),
        command=str(c.get("command")),
        summary=str(c.get("summary")),
        outside=bool(c.get("outside")),
        changes=changes,
        change_count=count,
    )


def _end_names(
    store: Store, rows: list[tuple[dict[str, Any], list[dict[str, Any]]]]
) -> dict[str, str]:
    """The qualifiedNames of the relationships' ends (element guid -> name): from the
    element states at hand, the others from their newest recorded state (one read)."""
    names: dict[str, str] = {}
    ends: set[str] = set()
    for _, found in rows:
        for pair in found:
            state = pair["after"]
            if state.get("_hKind") == "relationship":
                ends.update(str(state[k]) for k in ("_hFrom", "_hTo") if state.get(k))
            elif state.get("_hName") is not None:
                names[str(state["_hKey"])] = str(state["_hName"])
    missing = sorted(ends - names.keys())
    if missing:
        for row in store.read("history_names_of_keys", {"keys": missing}):
            names[str(row["key"])] = str(row["name"])
    return names


def _change_sets_of(
    rows: list[dict[str, Any]], since: datetime | None, until: datetime | None, limit: int
) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Change sets (newest first, at most ``limit``, within ``since``..``until``) with their
    states, each paired with the state it replaced (its key's state closed at its time),
    from ``history_states_of`` rows."""
    replaced = {(r["state"]["_hKey"], r["state"]["_hUntil"]): r["state"] for r in rows}
    sets: dict[str, dict[str, Any]] = {}
    states: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        change_set = row["changeSet"]
        if change_set is None:  # pruned
            continue
        time = to_python(change_set["time"])
        if (since is not None and time < since) or (until is not None and time > until):
            continue
        sets[change_set["id"]] = {**change_set, "time": time}
        state = row["state"]
        before = replaced.get((state["_hKey"], state["_hTime"]))
        states.setdefault(change_set["id"], []).append({"after": state, "before": before})
    ordered = sorted(sets.values(), key=lambda c: c["id"])
    ordered.sort(key=lambda c: c["time"], reverse=True)
    for found in states.values():
        found.sort(key=_state_order)
    return [(c, states[c["id"]]) for c in ordered[:limit]]


def _state_order(pair: dict[str, Any]) -> tuple[Any, ...]:
    """Relationships first, then by name (an element's) or type, then guid: as
    history_change_sets.cypher orders a change set's states."""
    after = pair["after"]
    name = after.get("_hName")
    return (
        after.get("_hKind") != "relationship",
        name if name is not None else after.get("_hType") or "",
        after["_hKey"],
    )


def check_history(
    store: Store,
    *,
    user: str | None = None,
    progress: SyncProgress | None = None,
) -> CheckResult:
    """Record what was changed around Switchboard since it was last recorded (a plain
    Cypher ``SET``, say) as one catch-up change set; see ``switchboard history --check``.
    ``progress(stage, done, total)`` is told how far the comparison is."""
    change = ChangeInfo("history", "history --check", OUTSIDE_SUMMARY, user)
    return _record_outside_changes(store, change, progress=progress)


@dataclass(frozen=True)
class ConfigurationChange:
    """The change set behind a connector's current configuration."""

    change_set: ChangeSet | None
    """The newest change set that recorded a state of any part of the configuration (without
    its changes); None when none was recorded, or it was pruned."""
    outside: bool
    """A part is no longer stored as last recorded: changed outside Switchboard (a plain
    Cypher edit, say) and not caught up yet, so no change set names that change."""


def configuration_changes(
    store: Store, connectors: Sequence[ConnectorView]
) -> dict[str, ConfigurationChange]:
    """Per registration guid of ``connectors``, the change set behind its configuration as
    resolved: the newest that touched its registration, connector, connections (embedded
    ones too), connector types, endpoints, catalog targets or the links between them. One
    read for them all; reads only."""
    if not connectors:
        return {}
    configurations = [
        {
            "registration": view.registration.guid,
            "elements": sorted(_configuration_elements(view)),
            "from": sorted({view.connector.guid, *(c.guid for c in _connections(view))}),
        }
        for view in connectors
    ]
    rows = store.read("history_configuration_changes", {"configurations": configurations})
    return {
        str(row["registration"]): ConfigurationChange(
            change_set=_change_set(row["changeSet"], [], 0) if row["changeSet"] else None,
            outside=bool(row["outside"]),
        )
        for row in rows
    }


def _connections(view: ConnectorView) -> list[ConnectionView]:
    """The connector's connections and, to any depth, the connections they embed."""
    found: list[ConnectionView] = []
    pending = [c for c in [view.connection, *view.additionalConnections] if c is not None]
    while pending:
        connection = pending.pop()
        found.append(connection)
        pending.extend(e.connection for e in connection.embeddedConnections if not e.cycle)
    return found


def _configuration_elements(view: ConnectorView) -> set[str]:
    """The guids of the elements the connector's configuration is made of."""
    guids = {view.connector.guid, *(t.element.guid for t in view.catalogTargets)}
    for connection in _connections(view):
        guids.add(connection.guid)
        parts: Iterable[Any] = (
            connection.connectorType,
            *connection.additionalConnectorTypes,
            connection.endpoint,
            *connection.additionalEndpoints,
        )
        guids.update(part.guid for part in parts if part is not None)
    return guids
