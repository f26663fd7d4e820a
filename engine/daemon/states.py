"""The connector state machine of SPEC.md §4, as an explicit transition table.

::

    INITIALIZED -> WAITING <-> REFRESHING           (scheduled, non-blocking)
    INITIALIZED -> RUNNING                          (usesBlockingCalls: own thread, engage())
    any -> STOPPED (disconnect)
    CONFIG_FAILED      bad provider or configuration: retried only when the configuration changes
    INITIALIZE_FAILED  a dependency is down: retried with capped exponential backoff and jitter
    FAILED             the connector raised: sticky until an explicit restart

Every state change goes through :func:`next_state`; an event the table does
not list for a state raises :class:`InvalidTransition` so a bug in the
supervisor shows instead of silently corrupting status.
"""

from __future__ import annotations

import random
from enum import StrEnum


class ConnectorState(StrEnum):
    """Egeria's connector statuses (as reported by the daemon)."""

    INITIALIZED = "INITIALIZED"
    WAITING = "WAITING"
    REFRESHING = "REFRESHING"
    RUNNING = "RUNNING"
    STOPPED = "STOPPED"
    CONFIG_FAILED = "CONFIG_FAILED"
    INITIALIZE_FAILED = "INITIALIZE_FAILED"
    FAILED = "FAILED"


class Event(StrEnum):
    """What can happen to a connector."""

    STARTED = "started"
    """initialize() and start() returned (non-blocking connector)."""
    ENGAGED = "engaged"
    """initialize() and start() returned and engage() runs on its own thread."""
    CONFIG_ERROR = "config_error"
    """Provider not loadable, configuration invalid, or validation errors."""
    INITIALIZE_ERROR = "initialize_error"
    """initialize() or start() raised, or a secret could not be resolved."""
    RETRY = "retry"
    """The backoff after INITIALIZE_FAILED elapsed."""
    REFRESH = "refresh"
    """A refresh was dispatched."""
    REFRESHED = "refreshed"
    """refresh() returned."""
    REFRESH_UNAVAILABLE = "refresh_unavailable"
    """refresh() failed because Neo4j could not be reached: retried, not sticky."""
    ERROR = "error"
    """refresh() or engage() raised."""
    TIMEOUT = "timeout"
    """refresh() did not return within the refresh timeout."""
    ENGAGE_RETURNED = "engage_returned"
    """A blocking connector's engage() returned by itself."""
    DISCONNECT = "disconnect"
    """disconnect() was called (shutdown, removal, end of the connector's window)."""
    RESTART = "restart"
    """Explicit restart, or a change of the connector's configuration."""


S = ConnectorState
E = Event

_ALL = tuple(ConnectorState)
_LIVE = tuple(s for s in ConnectorState if s is not S.STOPPED)

TRANSITIONS: dict[tuple[ConnectorState, Event], ConnectorState] = {
    (S.INITIALIZED, E.STARTED): S.WAITING,
    (S.INITIALIZED, E.ENGAGED): S.RUNNING,
    (S.INITIALIZED, E.CONFIG_ERROR): S.CONFIG_FAILED,
    (S.INITIALIZED, E.INITIALIZE_ERROR): S.INITIALIZE_FAILED,
    (S.INITIALIZE_FAILED, E.RETRY): S.INITIALIZED,
    (S.WAITING, E.REFRESH): S.REFRESHING,
    (S.REFRESHING, E.REFRESHED): S.WAITING,
    (S.REFRESHING, E.REFRESH_UNAVAILABLE): S.WAITING,
    (S.REFRESHING, E.ERROR): S.FAILED,
    (S.REFRESHING, E.TIMEOUT): S.FAILED,
    (S.RUNNING, E.ERROR): S.FAILED,
    (S.RUNNING, E.ENGAGE_RETURNED): S.STOPPED,
    **{(state, E.DISCONNECT): S.STOPPED for state in _LIVE},
    **{(state, E.RESTART): S.INITIALIZED for state in _ALL},
}
"""(state, event) -> next state. Nothing else is allowed."""


class InvalidTransition(RuntimeError):
    """An event that the table does not allow in the current state."""


def next_state(state: ConnectorState, event: Event) -> ConnectorState:
    """The state after ``event`` in ``state``; raises :class:`InvalidTransition`."""
    try:
        return TRANSITIONS[(state, event)]
    except KeyError:
        raise InvalidTransition(f"{event.value} is not allowed in state {state.value}") from None


def backoff_seconds(
    attempt: int,
    *,
    base: float = 5.0,
    cap: float = 300.0,
    rng: random.Random | None = None,
) -> float:
    """Delay before retry number ``attempt`` (1-based): capped exponential with jitter.

    ``min(cap, base * 2**(attempt-1))`` scaled by a random factor in
    [0.5, 1.0] ("equal jitter"), so many connectors failing on the same
    dependency do not retry in lockstep, and no retry waits longer than
    ``cap`` seconds.
    """
    exp = min(cap, base * (2 ** max(0, attempt - 1)))
    factor = (rng or random).uniform(0.5, 1.0)
    return float(exp * factor)
