"""The integration daemon's supervisor: resolve, validate, schedule, follow changes.

One :class:`Supervisor` runs the groups of one :class:`DaemonConfig`. Its
loop (:meth:`Supervisor.run`) calls :meth:`tick` a few times a second and
:meth:`poll_changes` every ``pollInterval`` seconds. ``tick`` starts
connectors that are due, dispatches refreshes on a bounded worker pool,
times out hung refreshes and retries INITIALIZE_FAILED connectors after
their backoff. ``poll_changes`` reads a fingerprint of every group's subgraph (a hash of
the rows of ``cypher/group_fingerprint.cypher``: the resolution query's rows without the
audit times); when it changed it
re-resolves and re-validates, then restarts only the connectors whose
effective configuration changed, starts added ones, disconnects and forgets
removed ones and hands catalog-target changes to running ones. When Neo4j
cannot be reached the daemon reports itself degraded, backs off and resumes.

Time comes from an injectable :class:`~engine.daemon.clock.Clock`; the
resolver and validator are injectable callables (tests, alternative stores).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from engine.daemon.clock import Clock, SystemClock
from engine.daemon.config import DaemonConfig
from engine.daemon.handler import ConnectorHandler, Job
from engine.daemon.spec import ConnectorSpec, blocking_errors, group_specs, specs_from_groups
from engine.daemon.states import ConnectorState
from engine.errors import NotFoundError, StoreError, UsageError
from engine.graph.resolve import RESOLVE_GROUPS_QUERY, gc_paused, group_from_row
from engine.graph.store import Store
from engine.resolved import ResolvedGroup

log = logging.getLogger("switchboard.daemon")

Resolver = Callable[[Store, Sequence[str]], list[ResolvedGroup]]
Validator = Callable[[Sequence[ResolvedGroup]], Sequence[Any]]

FINGERPRINT_QUERY = "group_fingerprint"

TERMINAL = {ConnectorState.FAILED, ConnectorState.CONFIG_FAILED, ConnectorState.STOPPED}


def default_resolver(store: Store, names: Sequence[str]) -> list[ResolvedGroup]:
    from engine.graph.resolve import resolve_groups

    return resolve_groups(store, names)


def default_validator(groups: Sequence[ResolvedGroup]) -> Sequence[Any]:
    from engine.validate import validate_groups

    return validate_groups(groups)


def _combined(fingerprints: dict[str, str]) -> str:
    text = repr(sorted(fingerprints.items()))
    return hashlib.sha256(text.encode()).hexdigest()


class Supervisor:
    """Runs every registered connector of the configured groups."""

    def __init__(
        self,
        store: Store,
        config: DaemonConfig,
        *,
        clock: Clock | None = None,
        resolver: Resolver | None = None,
        validator: Validator | None = None,
        tick_seconds: float = 0.2,
    ) -> None:
        self.store = store
        self.config = config
        self.clock: Clock = clock or SystemClock()
        self.resolver = resolver or default_resolver
        self.validator = validator or default_validator
        self.tick_seconds = tick_seconds
        self.lock = threading.RLock()
        self.handlers: dict[str, ConnectorHandler] = {}
        self.groups: dict[str, dict[str, Any]] = {
            name: {"qualifiedName": name, "found": None, "displayName": None, "guid": None}
            for name in config.groups
        }
        self.fingerprint: str | None = None
        self._resolved: dict[str, tuple[str, ResolvedGroup]] = {}
        """group qualifiedName -> (its fingerprint, its resolution), for reloads that
        resolve only the groups whose fingerprint changed."""
        self._group_specs: dict[str, tuple[Any, list[ConnectorSpec]]] = {}
        """group qualifiedName -> (fingerprint and blocking errors, its specs)."""
        self.degraded = False
        self.degraded_reason: str | None = None
        self.degraded_since: datetime | None = None
        self.store_failures = 0
        self.next_poll_mono = self.clock.monotonic()
        self.polls = 0
        self.reloads = 0
        self.started_at = self.clock.now()
        self._busy = 0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._loaded = False
        self._reload_lock = threading.RLock()

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
                fingerprints = self._fingerprints()
            groups = self._resolve(fingerprints)
        except NotFoundError:
            if not self._loaded:
                raise
            self._mark_missing()
            return True
        except StoreError as exc:
            self._outage(exc)
            return False
        findings = list(self.validator(groups))
        self._recovered()
        self.fingerprint = _combined(fingerprints)
        for group in groups:
            self.groups[group.qualified_name].update(
                found=True,
                displayName=group.group.properties.get("displayName"),
                guid=group.group.guid,
            )
        self.reconcile(self._specs(groups, findings, fingerprints))
        self._loaded = True
        self.reloads += 1
        return True

    def _resolve(self, fingerprints: dict[str, str]) -> list[ResolvedGroup]:
        """Every configured group, resolving again only those whose fingerprint changed
        (with the default resolver; an injected resolver is asked for all of them)."""
        names = list(dict.fromkeys(self.config.groups))
        if self.resolver is not default_resolver or any(n not in fingerprints for n in names):
            self._resolved.clear()
            return self.resolver(self.store, self.config.groups)
        stale = [n for n in names if self._resolved.get(n, ("", None))[0] != fingerprints[n]]
        if stale:
            rows = self.store.read(RESOLVE_GROUPS_QUERY, {"qualifiedNames": stale})
            fresh = {str(row["group"]["qualifiedName"]): group_from_row(row) for row in rows}
            if set(fresh) != set(stale):  # deleted since the fingerprint was read
                self._resolved.clear()
                return self.resolver(self.store, self.config.groups)
            for name in stale:
                self._resolved[name] = (fingerprints[name], fresh[name])
        return [self._resolved[n][1] for n in names]

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

    def _mark_missing(self) -> None:
        try:
            fingerprint = _combined(self._fingerprints())
            rows = self._rows()
        except StoreError as exc:
            self._outage(exc)
            return
        self._recovered()
        present = {str(row["group"]["qualifiedName"]) for row in rows}
        for name, info in self.groups.items():
            info["found"] = name in present
        groups = [group_from_row(row) for row in rows]
        findings = list(self.validator(groups)) if groups else []
        self.fingerprint = fingerprint
        self._resolved.clear()
        self.reconcile(specs_from_groups(groups, findings))

    def _rows(self) -> list[dict[str, Any]]:
        return self.store.read(RESOLVE_GROUPS_QUERY, {"qualifiedNames": self.config.groups})

    def _fingerprints(self) -> dict[str, str]:
        """Per configured group found, a hash of its row of ``cypher/group_fingerprint.cypher``.

        That query is the one-query resolution without the audit times: it sees exactly
        what resolution sees (group, registrations, connectors, connections and embedded
        connections, connector types, endpoints, catalog targets and their elements) and
        nothing that connectors write, whoever changed it and however (a plain Cypher
        ``SET`` bumps no version, so the properties themselves are hashed). Rows are
        hashed as the driver returns them (``repr`` of plain values, key order included):
        equal data gives equal text, and an order that differed would cost one needless
        reload, never a missed change.
        """
        with gc_paused():
            rows = self.store.read_values(FINGERPRINT_QUERY, {"qualifiedNames": self.config.groups})
            return {
                str(row[0]["qualifiedName"]): hashlib.sha256(repr(row).encode()).hexdigest()
                for row in rows
            }

    def _fingerprint(self) -> str:
        """One hash of every configured group's fingerprint (see :meth:`_fingerprints`)."""
        return _combined(self._fingerprints())

    def reconcile(self, specs: Sequence[ConnectorSpec]) -> dict[str, list[str]]:
        """Bring the running connectors in line with ``specs``; returns what was done."""
        done: dict[str, list[str]] = {
            "started": [],
            "restarted": [],
            "removed": [],
            "targets": [],
            "unchanged": [],
        }
        wanted = {s.identity: s for s in specs}
        with self.lock:
            current = dict(self.handlers)
        for identity, handler in current.items():
            if identity not in wanted:
                handler.disconnect("removed from its group")
                with self.lock:
                    self.handlers.pop(identity, None)
                done["removed"].append(handler.name)
        for identity, spec in wanted.items():
            existing = current.get(identity)
            if existing is None:
                handler = ConnectorHandler(
                    spec, store=self.store, config=self.config, clock=self.clock
                )
                with self.lock:
                    self.handlers[identity] = handler
                done["started"].append(spec.name)
            elif existing.spec.config_key != spec.config_key:
                existing.restart(spec, reason="configuration changed")
                done["restarted"].append(spec.name)
            elif dict(existing.spec.target_keys) != dict(spec.target_keys):
                existing.update_targets(spec)
                done["targets"].append(spec.name)
            else:
                existing.spec = spec
                done["unchanged"].append(spec.name)
        if any(done[k] for k in ("started", "restarted", "removed", "targets")):
            log.info(
                "groups reconciled: %s",
                ", ".join(f"{k} {', '.join(v)}" for k, v in done.items() if v and k != "unchanged"),
            )
        self._wake.set()
        return done

    # ---------------------------------------------------------------- change following
    def poll_changes(self) -> bool:
        """Check the fingerprint; reload when it changed. Returns True when it reloaded."""
        with self._reload_lock:
            return self._poll_changes()

    def _poll_changes(self) -> bool:
        self.polls += 1
        began = self.clock.monotonic()
        try:
            fingerprints = self._fingerprints()
        except StoreError as exc:
            self._outage(exc)
            return False
        was_degraded = self.degraded
        self._recovered()
        if _combined(fingerprints) == self.fingerprint and not was_degraded and self._loaded:
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

    def _outage(self, exc: StoreError) -> None:
        self.store_failures += 1
        delay = min(60.0, self.config.poll_interval * (2 ** min(self.store_failures - 1, 6)))
        self.next_poll_mono = self.clock.monotonic() + delay
        if not self.degraded:
            self.degraded_since = self.clock.now()
            log.warning("Neo4j unreachable, daemon degraded: %s", exc.message)
        self.degraded = True
        self.degraded_reason = exc.message

    def _recovered(self) -> None:
        if self.degraded:
            log.info("Neo4j reachable again; daemon resumes")
        self.degraded = False
        self.degraded_reason = None
        self.degraded_since = None
        self.store_failures = 0

    # ---------------------------------------------------------------- scheduling
    def tick(self) -> None:
        """One scheduling pass over every connector (never blocks on a connector)."""
        now = self.clock.now()
        mono = self.clock.monotonic()
        with self.lock:
            handlers = list(self.handlers.values())
        for h in handlers:
            self._tick_one(h, now, mono)

    def _tick_one(self, h: ConnectorHandler, now: datetime, mono: float) -> None:
        timeout = self.config.refresh_timeout
        with h.lock:
            state, job = h.state, h.job
        started, ended = h.in_window(now)
        if ended and state is not ConnectorState.STOPPED and job is None:
            h.disconnect("connectorShutdownDate reached")
            return
        if state is ConnectorState.INITIALIZED:
            if job is not None:
                if mono - job.started_mono > timeout:
                    self._release(job)
                    h.start_timed_out()
            elif started:
                self._dispatch(h, "start")
        elif state is ConnectorState.INITIALIZE_FAILED:
            if h.retry_mono is not None and mono >= h.retry_mono:
                h.retry()
                self._dispatch(h, "start")
        elif state is ConnectorState.WAITING:
            if started and h.due(mono):
                self._dispatch(h, "refresh")
        elif (
            state is ConnectorState.REFRESHING
            and job is not None
            and mono - job.started_mono > timeout
        ):
            self._release(job)
            h.refresh_timed_out()

    def _dispatch(self, h: ConnectorHandler, kind: str) -> bool:
        with self.lock:
            if self._busy >= self.config.workers:
                return False
            self._busy += 1
        with h.lock:
            expected = ConnectorState.INITIALIZED if kind == "start" else ConnectorState.WAITING
            if h.state is not expected or h.job is not None:
                with self.lock:
                    self._busy -= 1
                return False
            job = h.begin_job(kind)
        target = h.run_start if kind == "start" else h.run_refresh
        thread = threading.Thread(
            target=self._run_job, args=(job, target), name=f"{kind}-{h.name}", daemon=True
        )
        thread.start()
        return True

    def _run_job(self, job: Job, target: Callable[[Job], None]) -> None:
        try:
            target(job)
        except Exception:
            log.exception(
                "[%s/%s] internal error in %s", job.handler.group, job.handler.name, job.kind
            )
        finally:
            self._release(job)
            self._wake.set()

    def _release(self, job: Job) -> None:
        with self.lock:
            if not job.released:
                job.released = True
                self._busy -= 1

    # ---------------------------------------------------------------- loop
    def run(self, stop: threading.Event | None = None) -> None:
        """Load, then tick and poll until :meth:`stop` (or ``stop``) is set."""
        stop_event = stop or self._stop
        while not self._loaded and not stop_event.is_set() and not self._stop.is_set():
            if self.load():
                break
            self._stop.wait(min(5.0, self.config.poll_interval))
        self.next_poll_mono = self.clock.monotonic() + self.config.poll_interval
        poller: threading.Thread | None = None
        while not stop_event.is_set() and not self._stop.is_set():
            self.tick()
            due = self.clock.monotonic() >= self.next_poll_mono
            if due and (poller is None or not poller.is_alive()):
                # a query against an unreachable server can take the driver's whole
                # retry time: poll on the side so scheduling never waits for it
                poller = threading.Thread(target=self._poll_safely, name="poller", daemon=True)
                poller.start()
            self._wake.wait(self.tick_seconds)
            self._wake.clear()
        if poller is not None:
            poller.join(self.config.disconnect_timeout)
        self.shutdown()

    def _poll_safely(self) -> None:
        try:
            self.poll_changes()
        except Exception:
            log.exception("change check failed")
            self.next_poll_mono = self.clock.monotonic() + self.config.poll_interval

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def shutdown(self) -> None:
        """Disconnect every connector (in parallel, each within the disconnect timeout)."""
        with self.lock:
            handlers = list(self.handlers.values())
        threads = [
            threading.Thread(target=h.disconnect, args=("daemon shutting down",), daemon=True)
            for h in handlers
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(self.config.disconnect_timeout + 1)

    def run_once(self, *, timeout: float | None = None) -> dict[str, Any]:
        """Start every connector, refresh each once, disconnect; the report.

        ``ok`` is true only when every connector refreshed (or, when blocking,
        engaged) without error.
        """
        if not self.load():
            raise UsageError(
                f"cannot reach Neo4j: {self.degraded_reason}",
                hint="start it with 'switchboard neo4j start' or set NEO4J_URI",
            )
        limit = timeout if timeout is not None else self.config.refresh_timeout * 2 + 30
        import time

        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            self.tick()
            if all(self._once_done(h) for h in self.handlers.values()):
                break
            self._wake.wait(0.05)
            self._wake.clear()
        report = self.status()
        report["ok"] = all(self._once_ok(h) for h in self.handlers.values())
        self.shutdown()
        return report

    @staticmethod
    def _once_done(h: ConnectorHandler) -> bool:
        with h.lock:
            if h.state in TERMINAL or h.state is ConnectorState.RUNNING:
                return True
            if h.state is ConnectorState.INITIALIZE_FAILED:
                return True
            return h.state is ConnectorState.WAITING and (h.refreshed_once or h.refresh_count > 0)

    @staticmethod
    def _once_ok(h: ConnectorHandler) -> bool:
        with h.lock:
            if h.state is ConnectorState.RUNNING:
                return True
            return (
                h.state is ConnectorState.WAITING
                and h.refreshed_once
                and h.last_error is None
                and not (h.last_report and h.last_report.failures)
            )

    # ---------------------------------------------------------------- control
    def find(self, name: str | None) -> list[ConnectorHandler]:
        """Connectors by connectorName or registration guid (all when ``name`` is None)."""
        with self.lock:
            handlers = list(self.handlers.values())
        if name is None:
            return handlers
        found = [h for h in handlers if name in (h.name, h.identity)]
        if not found:
            raise NotFoundError(
                f"no connector named '{name}' in this daemon",
                hint="'switchboard daemon status' lists the connectors",
            )
        return found

    def request_refresh(self, name: str | None = None) -> list[str]:
        """Ask for a refresh as soon as a worker is free (not for blocking connectors)."""
        done = []
        for h in self.find(name):
            with h.lock:
                if h.state in (ConnectorState.WAITING, ConnectorState.REFRESHING) or (
                    h.state is ConnectorState.INITIALIZED
                ):
                    h.refresh_requested = True
                    h.next_refresh_mono = None
                    done.append(h.name)
        self._wake.set()
        return done

    def restart(self, name: str | None = None, *, only_failed: bool = False) -> list[str]:
        """Restart one connector, all, or only those in a failed state."""
        failed = {
            ConnectorState.FAILED,
            ConnectorState.CONFIG_FAILED,
            ConnectorState.INITIALIZE_FAILED,
        }
        done = []
        for h in self.find(name):
            if only_failed and h.state not in failed:
                continue
            h.restart(reason="requested")
            done.append(h.name)
        self._wake.set()
        return done

    def pause(self, name: str | None = None) -> list[str]:
        """Stop scheduling refreshes (explicit refresh requests still run)."""
        done = []
        for h in self.find(name):
            with h.lock:
                h.paused = True
            done.append(h.name)
        return done

    def resume(self, name: str | None = None) -> list[str]:
        done = []
        for h in self.find(name):
            with h.lock:
                h.paused = False
            done.append(h.name)
        self._wake.set()
        return done

    # ---------------------------------------------------------------- status
    def health(self) -> dict[str, Any]:
        return {
            "status": "degraded" if self.degraded else "ok",
            "degradedReason": self.degraded_reason,
            "connectors": len(self.handlers),
        }

    def status(self) -> dict[str, Any]:
        """Per group and connector: the status documents of SPEC §4."""
        with self.lock:
            handlers = sorted(self.handlers.values(), key=lambda h: (h.group, h.name))
        connectors = [h.status() for h in handlers]
        groups = []
        for name, info in self.groups.items():
            groups.append(
                {
                    **info,
                    "connectors": [c for c in connectors if c["group"] == name],
                }
            )
        return {
            "serverName": self.config.server_name,
            "status": "degraded" if self.degraded else "ok",
            "degradedReason": self.degraded_reason,
            "degradedSince": self.degraded_since.isoformat() if self.degraded_since else None,
            "startedAt": self.started_at.isoformat(),
            "pollInterval": self.config.poll_interval,
            "polls": self.polls,
            "reloads": self.reloads,
            "groups": groups,
        }
