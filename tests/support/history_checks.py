"""Checks that the change history agrees with the graph (docs/history.md)."""

from __future__ import annotations

from engine.graph import Store
from engine.history import check_history

EMPTY_CHANGE_SETS = """
MATCH (c:ChangeSet)
WHERE NOT EXISTS { MATCH (s:HistoryState {_hChangeSet: c.id}) }
RETURN c.id AS id
"""
ORPHAN_STATES = """
MATCH (s:HistoryState)
WHERE NOT EXISTS { MATCH (c:ChangeSet {id: s._hChangeSet}) }
RETURN s._hKey AS key
"""


def assert_history_consistent(store: Store) -> None:
    """No change set without its change, no recorded state without its change set, and no
    stored element or relationship that differs from its last recorded state (a change
    without its change set: ``check_history`` would record it)."""
    records, _, _ = store.driver.execute_query(EMPTY_CHANGE_SETS)
    assert records == [], "a change set without its change"
    records, _, _ = store.driver.execute_query(ORPHAN_STATES)
    assert records == [], "a recorded state without its change set"
    assert check_history(store).changed == 0, "a change without its change set"
