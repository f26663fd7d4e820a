"""Change history: who changed what and when, any group as it was at any time (docs/history.md).

The writer records a change set in the same transaction as every write made through
Switchboard (engine.graph.writer.history); this package reads it back: change sets with
their per-element changes, a group resolved as of a time, the difference between two times,
rolling a group back, and keeping the history (catch-up of changes made around Switchboard,
pruning).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.reexports import lazy_reexports

if TYPE_CHECKING:
    from engine.graph.writer import ChangeInfo, CheckResult, PruneResult, prune_history
    from engine.history.asof import group_history_keys, group_rows_as_of, resolve_group_as_of
    from engine.history.changes import (
        ChangeSet,
        ConfigurationChange,
        RecordedChange,
        change_history,
        check_history,
        configuration_changes,
        parse_time,
    )
    from engine.history.diff import diff_group, group_changes, rollback_group

__all__ = [
    "ChangeInfo",
    "ChangeSet",
    "CheckResult",
    "ConfigurationChange",
    "PruneResult",
    "RecordedChange",
    "change_history",
    "check_history",
    "configuration_changes",
    "diff_group",
    "group_changes",
    "group_history_keys",
    "group_rows_as_of",
    "parse_time",
    "prune_history",
    "resolve_group_as_of",
    "rollback_group",
]

__getattr__, __dir__ = lazy_reexports(__name__, __file__)
