"""The connector state machine (SPEC §4): every allowed transition, and refusals."""

from __future__ import annotations

import random

import pytest

from engine.daemon import (
    TRANSITIONS,
    ConnectorState,
    Event,
    InvalidTransition,
    backoff_seconds,
    next_state,
)

S = ConnectorState
E = Event

EXPECTED = {
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
}
for _state in S:
    EXPECTED[(_state, E.RESTART)] = S.INITIALIZED
    if _state is not S.STOPPED:
        EXPECTED[(_state, E.DISCONNECT)] = S.STOPPED


def test_table_is_exactly_the_documented_machine() -> None:
    assert dict(TRANSITIONS) == EXPECTED


@pytest.mark.parametrize(("state", "event"), sorted(EXPECTED, key=str))
def test_each_transition(state: ConnectorState, event: Event) -> None:
    assert next_state(state, event) is EXPECTED[(state, event)]


@pytest.mark.parametrize(
    ("state", "event"),
    sorted(((s, e) for s in S for e in E if (s, e) not in EXPECTED), key=str),
)
def test_everything_else_is_refused(state: ConnectorState, event: Event) -> None:
    with pytest.raises(InvalidTransition, match=event.value):
        next_state(state, event)


def test_failed_is_sticky_until_restart() -> None:
    allowed = {e for (s, e) in TRANSITIONS if s is S.FAILED}
    assert allowed == {E.RESTART, E.DISCONNECT}


def test_config_failed_only_leaves_by_restart_or_disconnect() -> None:
    allowed = {e for (s, e) in TRANSITIONS if s is S.CONFIG_FAILED}
    assert allowed == {E.RESTART, E.DISCONNECT}


def test_backoff_grows_exponentially_and_is_capped() -> None:
    rng = random.Random(7)
    for attempt in range(1, 20):
        value = backoff_seconds(attempt, base=2.0, cap=60.0, rng=rng)
        ceiling = min(60.0, 2.0 * 2 ** (attempt - 1))
        assert ceiling * 0.5 <= value <= ceiling
    assert backoff_seconds(30, base=2.0, cap=60.0, rng=rng) <= 60.0


def test_backoff_has_jitter() -> None:
    rng = random.Random(1)
    values = {round(backoff_seconds(3, rng=rng), 6) for _ in range(20)}
    assert len(values) > 1
