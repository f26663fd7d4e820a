"""Recording change sets in the same transaction as the change (see docs/history.md).

A write made through Switchboard runs inside :func:`recorded_write_tx` (or
:func:`~engine.graph.writer.elements.write_with_replan` given a :class:`ChangeInfo`), which
binds a :class:`ChangeRecorder` to its transaction. The writer's functions tell the active
recorder what they are about to touch (:meth:`ChangeRecorder.before`: what is stored there
now is first compared with its last recorded state, and a difference is recorded as a
catch-up change set marked "changed outside Switchboard") and what they touched
(:meth:`ChangeRecorder.after`). Before the transaction commits, :meth:`ChangeRecorder.finish`
records one change set and, for every element and model relationship touched whose stored
state differs from its last recorded one, a new recorded state. Nothing is recorded for a
write that changed nothing; a rolled-back transaction records nothing either.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from neo4j import ManagedTransaction

from engine.errors import UsageError
from engine.graph.records import current_user, new_guid
from engine.graph.store import Store
from engine.graph.writer.templates import relationship_statement

T = TypeVar("T")

HISTORY_SYNC_ELEMENTS = "history_sync_elements"
HISTORY_SYNC_RELATIONSHIPS = "history_sync_relationships"
HISTORY_SYNC_RELATIONSHIPS_TYPED = "history_sync_relationships_typed"
OUTSIDE_SUMMARY = "changed outside Switchboard"
"""The summary of a catch-up change set."""

SyncProgress = Callable[[str, int, int], None]
"""progress(stage, done, total): how many of the guids a sync compares it has compared."""


@dataclass(frozen=True)
class ChangeInfo:
    """Who records a change, with what, and why (a change set's description)."""

    tool: str
    """The Switchboard part that wrote: ``apply``, ``import``, ``api``, ``rollback``, ..."""
    command: str
    """The command or call, e.g. ``switchboard apply groups.yaml``."""
    summary: str
    """One line saying what the change is."""
    user: str | None = None
    """Who; ``SWITCHBOARD_USER`` or the login name when not given."""


@dataclass(frozen=True)
class RelationshipSelector:
    """The relationships of ``type`` from the element named ``from_`` (to ``to`` if given)."""

    type: str
    from_: str
    to: str | None = None

    def params(self) -> dict[str, Any]:
        return {"type": self.type, "from": self.from_, "to": self.to}


@dataclass
class _Scope:
    """What a write touches: element guids, and relationship guids with their types
    (None where the writer did not say: the sync then looks in every model type's index)."""

    elements: set[str] = field(default_factory=set)
    relationships: dict[str, str | None] = field(default_factory=dict)

    def add_relationships(self, found: Mapping[str, str | None]) -> None:
        for guid, rel_type in found.items():
            if rel_type is not None or guid not in self.relationships:
                self.relationships[guid] = rel_type


class ChangeRecorder:
    """Records the change sets of one write transaction."""

    def __init__(self, store: Store, tx: ManagedTransaction, change: ChangeInfo) -> None:
        self.store, self.tx, self.change = store, tx, change
        self.user = change.user or current_user()
        self.scope = _Scope()
        self.change_set: str | None = None
        """The id of the change set recorded by :meth:`finish` (None: nothing changed)."""
        self.catch_up: str | None = None
        """The id of the catch-up change set recorded in this transaction, if any."""
        self._catch_up_time: Any = None

    # ------------------------------------------------------------ what a write touches
    def _locate(
        self,
        names: Iterable[str],
        selectors: Iterable[RelationshipSelector],
        incident: Iterable[str],
    ) -> tuple[set[str], dict[str, str | None]]:
        """Guids of the elements named and of the relationships selected (stored now, with
        their types)."""
        elements: set[str] = set()
        for batch in _chunks(list(dict.fromkeys(names))):
            params = {"qualifiedNames": batch}
            elements.update(g for (g,) in self.store.run_values(self.tx, _ELEMENT_GUIDS, params))
        relationships: dict[str, str | None] = {}
        sel = list(dict.fromkeys(selectors))
        inc = list(dict.fromkeys(incident))
        if sel or inc:
            found = {"selectors": [s.params() for s in sel], "incident": inc}
            for guid, rel_type in self.store.run_values(self.tx, _RELATIONSHIP_GUIDS, found):
                relationships[guid] = rel_type
        return elements, relationships

    def before(
        self,
        *,
        names: Iterable[str] = (),
        guids: Iterable[str] = (),
        selectors: Iterable[RelationshipSelector] = (),
        incident: Iterable[str] = (),
        relationships: Iterable[str] = (),
    ) -> None:
        """What is about to be written: elements by qualifiedName (``names``) or guid,
        relationships by guid, by selector or at either end of the elements ``incident``. Their
        stored states are first brought into the history as changes made outside
        Switchboard, where they differ from the last recorded ones."""
        incident = list(incident)
        elements, found = self._locate(names, selectors, incident)
        elements.update(guids)
        elements.update(incident)
        for guid in relationships:
            found.setdefault(guid, None)
        new_elements = elements - self.scope.elements
        new_relationships = {g: t for g, t in found.items() if g not in self.scope.relationships}
        if new_elements or new_relationships:
            self.sync(new_elements, new_relationships, outside=True)
        self.scope.elements |= elements
        self.scope.add_relationships(found)

    def after(
        self,
        *,
        elements: Iterable[str] = (),
        relationships: Iterable[str] = (),
        relationship_types: Mapping[str, str] | None = None,
        names: Iterable[str] = (),
        selectors: Iterable[RelationshipSelector] = (),
    ) -> None:
        """What was written: guids of elements and relationships (``relationship_types``:
        the types of those the writer knows, guid -> type, so that each is found through
        its own type's index), or elements by qualifiedName and relationships by selector
        (located now)."""
        found_elements, found_relationships = self._locate(names, selectors, ())
        self.scope.elements.update(elements, found_elements)
        types = relationship_types or {}
        self.scope.add_relationships({g: types.get(g) for g in relationships})
        self.scope.add_relationships(found_relationships)

    # ------------------------------------------------------------ recording
    def _open(self, *, outside: bool) -> tuple[str, Any]:
        change_set = new_guid()
        params = {
            "id": change_set,
            "user": self.user,
            "tool": self.change.tool,
            "command": self.change.command,
            "summary": OUTSIDE_SUMMARY if outside else self.change.summary,
            "outside": outside,
        }
        (row,) = self.store.run(self.tx, "history_change_set_create", params)
        return change_set, row["time"]

    def sync(
        self,
        elements: set[str],
        relationships: Mapping[str, str | None],
        *,
        outside: bool,
        progress: SyncProgress | None = None,
    ) -> int:
        """Record, for each of these guids whose stored state differs from its last
        recorded one, a new state: in this transaction's catch-up change set (``outside``)
        or in a new change set of its own. ``progress`` is told, batch by batch, how many
        of the guids were compared. Returns how many states were recorded."""
        if outside:
            if self.catch_up is None:
                self.catch_up, self._catch_up_time = self._open(outside=True)
            change_set, time = self.catch_up, self._catch_up_time
        else:
            change_set, time = self._open(outside=False)
            self.change_set = change_set
        changed, done, total = 0, 0, len(elements) + len(relationships)
        for batch in _chunks(sorted(elements)):
            params = {"guids": batch, "changeSet": change_set, "time": time}
            changed += self._count(HISTORY_SYNC_ELEMENTS, params)
            done += len(batch)
            if progress is not None:
                progress("elements", done, total)
        by_type: dict[str | None, list[str]] = {}
        for guid in sorted(relationships):
            by_type.setdefault(relationships[guid], []).append(guid)
        for rel_type, guids in by_type.items():
            for batch in _chunks(guids):
                changed += self._sync_relationships(rel_type, batch, change_set, time)
                done += len(batch)
                if progress is not None:
                    progress("relationships", done, total)
        return changed

    def _sync_relationships(
        self, rel_type: str | None, guids: list[str], change_set: str, time: Any
    ) -> int:
        """Sync relationships of one type through that type's index (``rel_type`` None:
        of unknown types, looked for in every model type's index)."""
        params: dict[str, Any] = {"changeSet": change_set, "time": time}
        if rel_type is None:
            params["rels"] = [{"guid": g, "type": None} for g in guids]
            return self._count(HISTORY_SYNC_RELATIONSHIPS, params)
        text = relationship_statement(HISTORY_SYNC_RELATIONSHIPS_TYPED, rel_type)
        params["guids"] = guids
        return sum(
            int(c)
            for (c,) in self.store.run_values(
                self.tx, HISTORY_SYNC_RELATIONSHIPS_TYPED, params, text=text
            )
        )

    def _count(self, statement: str, params: dict[str, Any]) -> int:
        return sum(int(c) for (c,) in self.store.run_values(self.tx, statement, params))

    def finish(self) -> None:
        """Record this transaction's change set (called just before it commits); a
        catch-up change set that recorded nothing is dropped, as is an empty one."""
        if self.catch_up is not None and not self._recorded(self.catch_up):
            self._drop(self.catch_up)
            self.catch_up = None
        if not (self.scope.elements or self.scope.relationships):
            return
        changed = self.sync(self.scope.elements, self.scope.relationships, outside=False)
        if not changed and self.change_set is not None:
            self._drop(self.change_set)
            self.change_set = None

    def _recorded(self, change_set: str) -> bool:
        rows = self.store.run_values(self.tx, "history_change_set_size", {"id": change_set})
        return bool(rows and rows[0][0])

    def _drop(self, change_set: str) -> None:
        self.store.run(self.tx, "history_change_set_drop", {"id": change_set})


_ELEMENT_GUIDS = "history_element_guids"
_RELATIONSHIP_GUIDS = "history_relationship_guids"


_CHUNK = 1000


def _chunks(values: list[str], size: int = _CHUNK) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


_ACTIVE: ContextVar[ChangeRecorder | None] = ContextVar("switchboard_change_recorder", default=None)


def active_recorder(tx: ManagedTransaction) -> ChangeRecorder | None:
    """The recorder bound to ``tx`` (None: the write is not recorded)."""
    recorder = _ACTIVE.get()
    return recorder if recorder is not None and recorder.tx is tx else None


@contextmanager
def recording(store: Store, tx: ManagedTransaction, change: ChangeInfo) -> Iterator[ChangeRecorder]:
    """Bind a recorder to ``tx`` for the block; it records when the block ends normally."""
    recorder = ChangeRecorder(store, tx, change)
    token = _ACTIVE.set(recorder)
    try:
        yield recorder
        recorder.finish()
    finally:
        _ACTIVE.reset(token)


_PAUSED: ContextVar[bool] = ContextVar("switchboard_history_paused", default=False)


@contextmanager
def history_paused() -> Iterator[None]:
    """Writes in this block (this thread or task) record no change sets: for measuring what
    recording costs, side by side (benchmarks/history.py). Nothing else should use it."""
    token = _PAUSED.set(True)
    try:
        yield
    finally:
        _PAUSED.reset(token)


def recorded_work(
    store: Store, change: ChangeInfo, work: Callable[[ManagedTransaction], T]
) -> Callable[[ManagedTransaction], T]:
    """``work`` run with a recorder bound to its transaction (unless history is paused)."""
    if _PAUSED.get():
        return work

    def unit(tx: ManagedTransaction) -> T:
        with recording(store, tx, change):
            return work(tx)

    return unit


def recorded_write_tx(
    store: Store,
    operation: str,
    change: ChangeInfo,
    work: Callable[[ManagedTransaction], T],
    *,
    timeout: float | None = None,
) -> T:
    """Run ``work`` in one managed write transaction that records its change set."""
    return store.write_tx(operation, recorded_work(store, change, work), timeout=timeout)


def relationship_selectors(rows: Iterable[Mapping[str, Any]]) -> list[RelationshipSelector]:
    """Selectors for relationship rows ({type, from, to}) as the writer's statements get them."""
    return [RelationshipSelector(r["type"], r["from"], r.get("to")) for r in rows]


@dataclass(frozen=True)
class CheckResult:
    """What ``switchboard history --check`` found: the catch-up change set it recorded
    (None when every stored state matched its last recorded one) and how many states."""

    change_set: str | None
    changed: int


def check_history(
    store: Store, change: ChangeInfo, *, progress: SyncProgress | None = None
) -> CheckResult:
    """Compare every element and relationship of the integration-group model with its last
    recorded state, in one write transaction, and record each difference (an edit, a
    creation or a deletion made around Switchboard) in one catch-up change set marked
    "changed outside Switchboard". ``progress`` is told how far the comparison is."""

    def work(tx: ManagedTransaction) -> CheckResult:
        recorder = ChangeRecorder(store, tx, change)
        rows = store.run_values(tx, "history_check_keys")
        elements = {str(key) for kind, key, _ in rows if kind == "element"}
        relationships: dict[str, str | None] = {}
        for kind, key, rel_type in rows:
            if kind == "relationship" and (rel_type is not None or key not in relationships):
                relationships[str(key)] = rel_type
        changed = recorder.sync(elements, relationships, outside=True, progress=progress)
        recorder.finish()
        return CheckResult(recorder.catch_up, changed)

    return store.write_tx("history:check", work, timeout=max(store.query_timeout, 600.0))


PRUNE_BATCH = 10_000


@dataclass(frozen=True)
class PruneResult:
    """What ``switchboard history prune`` dropped (or, in a dry run, would drop)."""

    states: int
    """Recorded states no time from the cut on needs."""
    change_sets: int
    """Change sets recorded before the cut."""
    dry_run: bool


def prune_history(store: Store, before: datetime, *, dry_run: bool = False) -> PruneResult:
    """Drop the change sets recorded before ``before`` and every recorded state that no
    time from ``before`` on needs (``resolve --as-of`` a later time gives the same).
    ``dry_run`` counts them and writes nothing.

    Raises :class:`UsageError` (and drops nothing) when ``before`` is later than the
    server's clock: such a cut would take the who, when and why of every change away.
    """

    def work(tx: ManagedTransaction) -> PruneResult:
        ((clock,),) = store.run_values(tx, "history_clock")
        now = clock.to_native()
        if before > now:
            raise UsageError(
                f"history prune --before {before.isoformat()} is later than the server's "
                f"clock ({now.isoformat()})",
                hint="give a past time, e.g. --before 90d",
            )
        if dry_run:
            ((states, change_sets),) = store.run_values(
                tx, "history_prune_count", {"before": before}
            )
            return PruneResult(int(states), int(change_sets), dry_run=True)
        dropped = 0
        while True:
            params = {"before": before, "batch": PRUNE_BATCH}
            ((count,),) = store.run_values(tx, "history_prune", params)
            dropped += int(count)
            if count < PRUNE_BATCH:
                break
        ((dropped_sets,),) = store.run_values(tx, "history_prune_change_sets", {"before": before})
        return PruneResult(dropped, int(dropped_sets), dry_run=False)

    return store.write_tx("history:prune", work, timeout=max(store.query_timeout, 600.0))
