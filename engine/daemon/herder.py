"""The part of the daemon that decides: which groups and connectors, and when they changed.

A :class:`Herder` loads the configured groups (resolve, validate, turn into
connector specs), polls a fingerprint of every group's subgraph every
``pollInterval`` seconds (:func:`engine.graph.resolve.group_fingerprints`) and,
when it changed, loads again and reconciles: it tells its
:class:`~engine.daemon.worker.Worker` to restart only the connectors whose
effective configuration changed, to start added ones, to disconnect and forget
removed ones and to hand catalog-target changes to running ones. When Neo4j
cannot be reached the herder reports the daemon degraded, backs off and resumes.

How groups are resolved is injected as a :class:`GroupResolution`: by default
:class:`IncrementalResolution` (only the groups whose fingerprint changed are
resolved again); :class:`CallableResolution` asks a given resolver for every
group each time (tests, alternative stores).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from engine.daemon.assignment import LeaseCoordinator
from engine.daemon.clock import Clock
from engine.daemon.config import DaemonConfig
from engine.daemon.leases import LeaseKeeper
from engine.daemon.spec import ConnectorSpec, blocking_errors, group_specs, specs_from_groups
from engine.daemon.status import ConnectorChangeSet, GroupStatus
from engine.daemon.worker import SpecChange, Worker
from engine.errors import NotFoundError, StoreError
from engine.graph.resolve import group_fingerprints, resolve_existing_groups, resolve_groups
from engine.graph.store import Store
from engine.graph.writer import OUTSIDE_SUMMARY, set_desired_state
from engine.history.changes import ConfigurationChange, configuration_changes
from engine.resolved import ResolvedGroup

log = logging.getLogger("switchboard.daemon")

Resolver = Callable[[Store, Sequence[str]], list[ResolvedGroup]]
Validator = Callable[[Sequence[ResolvedGroup]], Sequence[Any]]


def default_validator(groups: Sequence[ResolvedGroup]) -> Sequence[Any]:
    """Every validation finding of ``groups`` (engine.validate)."""
    from engine.validate import validate_groups

    return validate_groups(groups)


def combined_fingerprint(fingerprints: dict[str, str]) -> str:
    """One hash of every group's fingerprint."""
    text = repr(sorted(fingerprints.items()))
    return hashlib.sha256(text.encode()).hexdigest()


class GroupResolution(Protocol):
    """How the herder turns group names into resolved groups."""

    def resolve(
        self, store: Store, names: list[str], fingerprints: dict[str, str]
    ) -> list[ResolvedGroup]:
        """Every group of ``names`` (fingerprints as just read); raises NotFoundError."""
        ...

    def forget(self) -> None:
        """Drop whatever was kept from earlier resolutions."""
        ...


class CallableResolution:
    """Asks ``resolver`` for every group, every time."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver

    def resolve(
        self, store: Store, names: list[str], fingerprints: dict[str, str]
    ) -> list[ResolvedGroup]:
        return self.resolver(store, names)

    def forget(self) -> None:
        pass


class IncrementalResolution:
    """Resolves again only the groups whose fingerprint changed since last time."""

    def __init__(self) -> None:
        self.resolved: dict[str, tuple[str, ResolvedGroup]] = {}
        """group qualifiedName -> (its fingerprint, its resolution)."""

    def resolve(
        self, store: Store, names: list[str], fingerprints: dict[str, str]
    ) -> list[ResolvedGroup]:
        unique = list(dict.fromkeys(names))
        if any(n not in fingerprints for n in unique):
            self.resolved.clear()
            return resolve_groups(store, names)
        stale = [n for n in unique if self.resolved.get(n, ("", None))[0] != fingerprints[n]]
        if stale:
            fresh = {g.qualified_name: g for g in resolve_existing_groups(store, stale)}
            if set(fresh) != set(stale):  # deleted since the fingerprint was read
                self.resolved.clear()
                return resolve_groups(store, names)
            for name in stale:
                self.resolved[name] = (fingerprints[name], fresh[name])
        return [self.resolved[n][1] for n in unique]

    def cached(self, name: str) -> ResolvedGroup | None:
        """The resolution kept for group ``name``, if any."""
        entry = self.resolved.get(name)
        return entry[1] if entry else None

    def forget(self) -> None:
        self.resolved.clear()


def restart_cause(change: ConfigurationChange) -> ConnectorChangeSet | None:
    """What a connector's status says caused its restart: the change set, or "changed
    outside Switchboard" (no id) when a part of its configuration differs from its
    recorded state; None when nothing is recorded (pruned)."""
    if change.outside:
        return ConnectorChangeSet(summary=OUTSIDE_SUMMARY, outside=True)
    found = change.change_set
    if found is None:
        return None
    return ConnectorChangeSet(
        id=found.id,
        time=found.time.isoformat(),
        user=found.user,
        summary=found.summary,
        outside=found.outside,
    )


@dataclass
class GroupInfo:
    """What the herder knows of one configured group (found: None until the first load)."""

    qualified_name: str
    found: bool | None = None
    display_name: str | None = None
    guid: str | None = None
    description: str | None = None
    loaded_at: datetime | None = None
    """When its configuration was last read from the graph."""


@dataclass
class Outage:
    """Whether Neo4j is unreachable, since when and why."""

    degraded: bool = False
    reason: str | None = None
    since: datetime | None = None
    failures: int = 0
    """Failed polls in a row (the backoff grows with them)."""


class Herder:
    """Decides which connectors run, from the configured groups as they are in Neo4j."""

    def __init__(
        self,
        store: Store,
        config: DaemonConfig,
        worker: Worker,
        *,
        clock: Clock,
        resolution: GroupResolution,
        validator: Validator,
    ) -> None:
        self.store = store
        self.config = config
        self.worker = worker
        self.clock = clock
        self.resolution = resolution
        self.validator = validator
        self.groups = {name: GroupInfo(name) for name in config.groups}
        self.fingerprint: str | None = None
        self.outage = Outage()
        self.next_poll_mono = clock.monotonic()
        self.polls = 0
        self.reloads = 0
        self.loaded = False
        self._group_specs: dict[str, tuple[Any, list[ConnectorSpec]]] = {}
        """group qualifiedName -> (fingerprint and blocking errors, its specs)."""
        self._reload_lock = threading.RLock()
        self.leases: LeaseCoordinator | None = None
        """Set by :meth:`use_leases`: only the connectors whose lease this daemon holds run."""
        self._eligible: list[ConnectorSpec] = []
        """Under leases: every connector of the configured groups (held or not)."""

    # --------------------------------------------------------------- loading
    def load(self) -> bool:
        """Resolve, validate and reconcile now. False (degraded) when Neo4j is unreachable.

        Raises :class:`NotFoundError` when a configured group does not exist at
        the first load (a typo must not look like an idle daemon).
        """
        with self._reload_lock:
            return self._load()

    def _load(self, fingerprints: dict[str, str] | None = None) -> bool:
        """``fingerprints``: per group, as just read by the poll that called (not read again)."""
        try:
            # the fingerprints first: a change landing between the two queries is then seen
            # again by the next poll instead of being taken as already loaded
            if fingerprints is None:
                self._follow_all_groups()
                fingerprints = self.read_fingerprints()
            groups = self.resolution.resolve(self.store, self.config.groups, fingerprints)
        except NotFoundError:
            if not self.loaded:
                if self.config.missing_groups == "fail":
                    raise
                return self._load_present_groups()
            self._mark_missing()
            return True
        except StoreError as exc:
            self._outage(exc)
            return False
        findings = list(self.validator(groups))
        self._recovered()
        self.fingerprint = combined_fingerprint(fingerprints)
        for group in groups:
            self._note_loaded(group)
        self.reconcile(self._specs(groups, findings, fingerprints))
        self.loaded = True
        self.reloads += 1
        return True

    def _specs(
        self, groups: Sequence[ResolvedGroup], findings: Sequence[Any], fingerprints: dict[str, str]
    ) -> list[ConnectorSpec]:
        """The connector specs, reusing a group's specs while its fingerprint and the
        errors that block its connectors stay the same."""
        by_reg, by_group = blocking_errors(findings)
        specs: list[ConnectorSpec] = []
        for group in groups:
            qn = group.qualified_name
            regs = {view.registration.guid for view in group.connectors}
            key = (
                fingerprints.get(qn),
                tuple(by_group.get(qn, ())),
                tuple(sorted((r, tuple(by_reg[r])) for r in regs if r in by_reg)),
            )
            cached = self._group_specs.get(qn)
            if cached is None or cached[0] != key or key[0] is None:
                cached = (key, group_specs(group, by_reg, by_group))
                self._group_specs[qn] = cached
            specs.extend(cached[1])
        return specs

    def _load_present_groups(self) -> bool:
        """First load with groups missing (``missingGroups: report``): report each one,
        run the others; a missing group starts once it appears in the graph."""
        self._mark_missing()
        if self.outage.degraded:
            return False
        for name, info in self.groups.items():
            if info.found is False:
                log.warning(
                    "integration group '%s' is not in the graph: its connectors start when "
                    "it is created; the other groups run",
                    name,
                )
        self.loaded = True
        return True

    def _mark_missing(self) -> None:
        """A configured group disappeared: run the connectors of those still there."""
        try:
            fingerprint = self.current_fingerprint()
            groups = resolve_existing_groups(self.store, self.config.groups)
        except StoreError as exc:
            self._outage(exc)
            return
        self._recovered()
        present = {group.qualified_name for group in groups}
        for name, info in self.groups.items():
            info.found = name in present
        for group in groups:
            self._note_loaded(group)
        findings = list(self.validator(groups)) if groups else []
        self.fingerprint = fingerprint
        self.resolution.forget()
        self.reconcile(specs_from_groups(groups, findings))

    def _note_loaded(self, group: ResolvedGroup) -> None:
        """``group`` was read from the graph: its identity and when, for the status."""
        info = self.groups[group.qualified_name]
        info.found = True
        info.display_name = group.group.properties.get("displayName")
        info.description = group.group.properties.get("description")
        info.guid = group.group.guid
        info.loaded_at = self.clock.now()

    def _follow_all_groups(self) -> None:
        """With ``allGroups``: the groups in the graph become the configured ones (a new
        group is loaded like a changed one; a deleted one is forgotten)."""
        if not self.config.all_groups:
            return
        names = [row["qualifiedName"] for row in self.store.read("integration_group_names")]
        if names == self.config.groups:
            return
        self.config = self.config.model_copy(update={"groups": names})
        self.groups = {name: self.groups.get(name) or GroupInfo(name) for name in names}

    def read_fingerprints(self) -> dict[str, str]:
        """Per configured group found, the hash of its subgraph as resolution sees it."""
        return group_fingerprints(self.store, self.config.groups)

    def current_fingerprint(self) -> str:
        """One hash of every configured group's fingerprint, read now."""
        return combined_fingerprint(self.read_fingerprints())

    # ---------------------------------------------------------------- leases
    def use_leases(self, keeper: LeaseKeeper) -> LeaseCoordinator:
        """Run only the connectors whose lease ``keeper`` holds, sharing the configured groups
        with other daemons (:mod:`engine.daemon.assignment`); the coordinator, not started."""
        self.leases = LeaseCoordinator(
            keeper, stop=self._stop_connectors, changed=self._held_changed, describe=self.describe
        )
        self.worker.fence_for = keeper.fence
        return self.leases

    def _held_specs(self) -> list[ConnectorSpec]:
        """The connectors of the configured groups whose lease this daemon holds, unless the
        operator stopped them."""
        assert self.leases is not None
        keeper = self.leases.keeper
        held = []
        for spec in self._eligible:
            grant = keeper.holds(spec.identity)
            if grant is not None and grant.desired_state != "STOPPED":
                held.append(spec)
        return held

    def describe(self, registrations: Collection[str]) -> str:
        """The connector names of ``registrations`` (the guid where none is known)."""
        names = {spec.identity: spec.name for spec in self._eligible}
        return ", ".join(sorted(names.get(reg, reg) for reg in registrations))

    def _stop_connectors(self, registrations: Collection[str]) -> None:
        """Stop and forget the connectors of ``registrations`` now (leases lost or given up),
        in parallel: each may wait the disconnect timeout for a connector stuck in a write
        to an unreachable Neo4j, and one after the other they would hold up the lease
        threads (and the connectors still to stop) that many times over."""
        reason = "its lease is no longer this daemon's"
        threads = [
            threading.Thread(
                target=self.worker.remove, args=(registration, reason), name="stop", daemon=True
            )
            for registration in registrations
        ]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + self.config.disconnect_timeout + 1
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def _held_changed(self) -> None:
        """Run what this daemon holds now. While a reload runs, leave it to that reload
        (it reconciles with the leases held when it ends): a lease round never waits for
        Neo4j on another thread's behalf, or its next renewal would come late."""
        if not self._reload_lock.acquire(blocking=False):
            return
        try:
            self._reconcile(self._held_specs())
            self._follow_desired_states()
        finally:
            self._reload_lock.release()

    def _follow_desired_states(self) -> None:
        """Pause or resume each running connector as its lease's desiredState says."""
        assert self.leases is not None
        keeper = self.leases.keeper
        for runtime in self.worker.all():
            grant = keeper.holds(runtime.identity)
            paused = grant is not None and grant.desired_state == "PAUSED"
            if runtime.schedule.paused != paused:
                (self.worker.pause if paused else self.worker.resume)(runtime.identity)

    def eligible_specs(self) -> list[ConnectorSpec]:
        """Every connector of the configured groups (under leases, held or not)."""
        if self.leases is None:
            return list(self.worker.specs().values())
        return list(self._eligible)

    def set_desired_state(self, name: str | None, state: str) -> list[str]:
        """Record ``state`` with the lease of connector ``name`` (every connector of the
        groups when None), wherever it runs; the connectors named. Raises NotFoundError."""
        specs = [s for s in self._eligible if name is None or name in (s.name, s.identity)]
        if not specs:
            raise NotFoundError(
                f"no connector named '{name}' in this daemon's groups",
                hint="'switchboard daemon status' lists the connectors",
            )
        set_desired_state(self.store, [s.identity for s in specs], state)
        if self.leases is not None:
            self.leases.run_round()
        return [s.name for s in specs]

    def reconcile(self, specs: Sequence[ConnectorSpec]) -> dict[str, list[str]]:
        """Bring the worker's connectors in line with ``specs`` (under leases: those of them
        whose lease this daemon holds); returns what was done."""
        if self.leases is None:
            return self._reconcile(specs)
        added = {spec.identity for spec in specs} - self.leases.eligible
        self._eligible = list(specs)
        self.leases.set_eligible(spec.identity for spec in specs)
        if added:  # claim new connectors now rather than at the next round
            self.leases.run_round()
        done = self._reconcile(self._held_specs())
        self._follow_desired_states()
        return done

    def _reconcile(self, specs: Sequence[ConnectorSpec]) -> dict[str, list[str]]:
        done: dict[str, list[str]] = {
            "started": [],
            "restarted": [],
            "removed": [],
            "targets": [],
            "unchanged": [],
        }
        wanted = {s.identity: s for s in specs}
        running = self.worker.specs()
        causes = self._change_sets(
            [s for i, s in wanted.items() if i in running and running[i].config_key != s.config_key]
        )
        for identity, spec in running.items():
            if identity not in wanted:
                self.worker.remove(identity, "removed from its group")
                done["removed"].append(spec.name)
        for identity, spec in wanted.items():
            current = running.get(identity)
            if current is None:
                self.worker.add(spec)
                done["started"].append(spec.name)
            elif current.config_key != spec.config_key:
                self.worker.replace_spec(
                    spec, change=SpecChange.CONFIGURATION, change_set=causes.get(identity)
                )
                done["restarted"].append(spec.name)
            elif dict(current.target_keys) != dict(spec.target_keys):
                self.worker.replace_spec(spec, change=SpecChange.TARGETS)
                done["targets"].append(spec.name)
            else:
                self.worker.replace_spec(spec, change=SpecChange.NONE)
                done["unchanged"].append(spec.name)
        if any(done[k] for k in ("started", "restarted", "removed", "targets")):
            log.info(
                "groups reconciled: %s",
                ", ".join(f"{k} {', '.join(v)}" for k, v in done.items() if v and k != "unchanged"),
            )
        self.worker.wakeup.set()
        return done

    def _change_sets(self, restarting: Sequence[ConnectorSpec]) -> dict[str, ConnectorChangeSet]:
        """The change set behind each new configuration of ``restarting`` (one history read,
        only when connectors restart); none where the read fails: the restarts go on."""
        if not restarting:
            return {}
        try:
            found = configuration_changes(self.store, [spec.view for spec in restarting])
        except Exception as exc:  # a status detail never stops a restart
            log.debug("change sets of restarted connectors not read: %s", exc, exc_info=True)
            return {}
        causes = {identity: restart_cause(change) for identity, change in found.items()}
        return {identity: cause for identity, cause in causes.items() if cause is not None}

    # ---------------------------------------------------------------- change following
    def poll_changes(self) -> bool:
        """Check the fingerprint; reload when it changed. Returns True when it reloaded."""
        with self._reload_lock:
            return self._poll_changes()

    def _poll_changes(self) -> bool:
        self.polls += 1
        began = self.clock.monotonic()
        try:
            self._follow_all_groups()
            fingerprints = self.read_fingerprints()
        except StoreError as exc:
            self._outage(exc)
            return False
        was_degraded = self.outage.degraded
        self._recovered()
        unchanged = combined_fingerprint(fingerprints) == self.fingerprint
        if unchanged and not was_degraded and self.loaded:
            self._next_poll(began)
            return False
        try:
            ok = self._load(fingerprints)
        except NotFoundError as exc:
            log.warning("%s", exc.message)
            ok = False
        if ok:
            self._next_poll(began)
        return ok

    def _next_poll(self, began: float) -> None:
        """Polls start every ``pollInterval`` seconds (the time a poll takes does not add
        to the delay before a change is noticed), but never closer than half an interval
        after the previous one ended."""
        interval = self.config.poll_interval
        self.next_poll_mono = max(began + interval, self.clock.monotonic() + interval / 2)

    def poll_due(self) -> bool:
        return self.clock.monotonic() >= self.next_poll_mono

    def _outage(self, exc: StoreError) -> None:
        outage = self.outage
        outage.failures += 1
        delay = min(60.0, self.config.poll_interval * (2 ** min(outage.failures - 1, 6)))
        self.next_poll_mono = self.clock.monotonic() + delay
        if not outage.degraded:
            outage.since = self.clock.now()
            log.warning("Neo4j unreachable, daemon degraded: %s", exc.message)
        outage.degraded = True
        outage.reason = exc.message

    def _recovered(self) -> None:
        if self.outage.degraded:
            log.info("Neo4j reachable again; daemon resumes")
        self.outage = Outage()

    # ---------------------------------------------------------------- status
    def group_statuses(self) -> list[GroupStatus]:
        """Every configured group, with its connectors' status, in configuration order."""
        connectors = self.worker.statuses()
        return [
            GroupStatus(
                qualified_name=name,
                found=info.found,
                display_name=info.display_name,
                description=info.description,
                guid=info.guid,
                last_refresh_time=info.loaded_at.isoformat() if info.loaded_at else None,
                connectors=[c for c in connectors if c.group == name],
            )
            for name, info in self.groups.items()
        ]
