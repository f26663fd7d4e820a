"""The part of the daemon that runs connectors: the state table, ticks and dispatch.

A :class:`Worker` holds one :class:`~engine.daemon.runtime.ConnectorRuntime` per
registered connector the herder asked for. :meth:`Worker.tick` starts
connectors that are due, dispatches refreshes on a bounded number of threads,
times out hung work and retries INITIALIZE_FAILED connectors after their
backoff; it never blocks on a connector. The herder adds, restarts, retargets
and removes runtimes; operators refresh, restart, pause and resume them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum

from engine.daemon.clock import Clock
from engine.daemon.config import DaemonConfig
from engine.daemon.runtime import ConnectorRuntime, Job
from engine.daemon.spec import ConnectorSpec
from engine.daemon.states import ConnectorState
from engine.daemon.status import ConnectorChangeSet, ConnectorStatus
from engine.errors import NotFoundError
from engine.graph.store import Store
from engine.graph.writer import LeaseFence

log = logging.getLogger("switchboard.daemon")

TERMINAL = frozenset({ConnectorState.FAILED, ConnectorState.CONFIG_FAILED, ConnectorState.STOPPED})
FAILED = frozenset(
    {ConnectorState.FAILED, ConnectorState.CONFIG_FAILED, ConnectorState.INITIALIZE_FAILED}
)


class SpecChange(StrEnum):
    """How a connector's new spec differs from the one it runs with."""

    CONFIGURATION = "configuration"
    """Its effective configuration: restart it."""
    TARGETS = "targets"
    """Only its catalog targets: tell the running connector."""
    NONE = "none"
    """Nothing that matters: keep it running, with the new spec."""


class Worker:
    """Runs the connectors in its state table (identity -> runtime)."""

    def __init__(self, store: Store, config: DaemonConfig, *, clock: Clock) -> None:
        self.store = store
        self.config = config
        self.clock = clock
        self.lock = threading.RLock()
        self.runtimes: dict[str, ConnectorRuntime] = {}
        self.wakeup = threading.Event()
        """Set when there is work to do sooner than the next tick."""
        self._busy = 0
        self.fence_for: Callable[[str], LeaseFence] | None = None
        """Under connector leases: the fence of a registration's writes (set by the herder)."""

    # ---------------------------------------------------------- state table
    def specs(self) -> dict[str, ConnectorSpec]:
        """The spec of every connector in the table, by identity."""
        with self.lock:
            return {identity: rt.spec for identity, rt in self.runtimes.items()}

    def add(self, spec: ConnectorSpec) -> None:
        """A new connector, INITIALIZED (the next tick starts it)."""
        runtime = ConnectorRuntime(spec, store=self.store, config=self.config, clock=self.clock)
        if self.fence_for is not None:
            runtime.fence = self.fence_for(spec.identity)
        with self.lock:
            self.runtimes[spec.identity] = runtime

    def remove(self, identity: str, reason: str) -> None:
        """Disconnect a connector and forget it."""
        with self.lock:
            runtime = self.runtimes.get(identity)
        if runtime is None:
            return
        runtime.disconnect(reason)
        with self.lock:
            self.runtimes.pop(identity, None)

    def replace_spec(
        self,
        spec: ConnectorSpec,
        *,
        change: SpecChange,
        change_set: ConnectorChangeSet | None = None,
    ) -> None:
        """Hand a connector its new spec (see :class:`SpecChange`; ``change_set``: the change
        set behind a configuration change)."""
        with self.lock:
            runtime = self.runtimes[spec.identity]
        if change is SpecChange.CONFIGURATION:
            runtime.restart(spec, reason="configuration changed", change_set=change_set)
        elif change is SpecChange.TARGETS:
            runtime.update_targets(spec)
        else:
            runtime.spec = spec

    def all(self) -> list[ConnectorRuntime]:
        with self.lock:
            return list(self.runtimes.values())

    def find(self, name: str | None) -> list[ConnectorRuntime]:
        """Connectors by connectorName or registration guid (all when ``name`` is None)."""
        runtimes = self.all()
        if name is None:
            return runtimes
        found = [rt for rt in runtimes if name in (rt.name, rt.identity)]
        if not found:
            raise NotFoundError(
                f"no connector named '{name}' in this daemon",
                hint="'switchboard daemon status' lists the connectors",
            )
        return found

    # ---------------------------------------------------------------- ticks
    def tick(self) -> None:
        """One scheduling pass over every connector (never blocks on a connector)."""
        now = self.clock.now()
        mono = self.clock.monotonic()
        for runtime in self.all():
            self._tick_one(runtime, now, mono)

    def _tick_one(self, rt: ConnectorRuntime, now: datetime, mono: float) -> None:
        timeout = self.config.refresh_timeout
        with rt.lock:
            state, job = rt.state, rt.job
        started, ended = rt.in_window(now)
        if ended and state is not ConnectorState.STOPPED and job is None:
            rt.disconnect("connectorShutdownDate reached")
            return
        if state is ConnectorState.INITIALIZED:
            if job is not None:
                if mono - job.started_mono > timeout:
                    self._release(job)
                    rt.start_timed_out()
            elif started:
                self._dispatch(rt, "start")
        elif state is ConnectorState.INITIALIZE_FAILED:
            retry = rt.backoff.retry_mono
            if retry is not None and mono >= retry:
                rt.retry()
                self._dispatch(rt, "start")
        elif state is ConnectorState.WAITING:
            if started and rt.due(mono):
                self._dispatch(rt, "refresh")
        elif (
            state is ConnectorState.REFRESHING
            and job is not None
            and mono - job.started_mono > timeout
        ):
            self._release(job)
            rt.refresh_timed_out()

    def _dispatch(self, rt: ConnectorRuntime, kind: str) -> bool:
        with self.lock:
            if self._busy >= self.config.workers:
                return False
            self._busy += 1
        with rt.lock:
            expected = ConnectorState.INITIALIZED if kind == "start" else ConnectorState.WAITING
            if rt.state is not expected or rt.job is not None:
                with self.lock:
                    self._busy -= 1
                return False
            job = rt.begin_job(kind)
        target = rt.run_start if kind == "start" else rt.run_refresh
        thread = threading.Thread(
            target=self._run_job, args=(job, target), name=f"{kind}-{rt.name}", daemon=True
        )
        thread.start()
        return True

    def _run_job(self, job: Job, target: Callable[[Job], None]) -> None:
        try:
            target(job)
        except Exception:
            log.exception(
                "[%s/%s] internal error in %s", job.runtime.group, job.runtime.name, job.kind
            )
        finally:
            self._release(job)
            self.wakeup.set()

    def _release(self, job: Job) -> None:
        with self.lock:
            if not job.released:
                job.released = True
                self._busy -= 1

    # -------------------------------------------------------------- control
    def request_refresh(self, name: str | None = None) -> list[str]:
        """Ask for a refresh as soon as a thread is free (not for blocking connectors)."""
        done = []
        for rt in self.find(name):
            with rt.lock:
                if rt.state in (
                    ConnectorState.WAITING,
                    ConnectorState.REFRESHING,
                    ConnectorState.INITIALIZED,
                ):
                    rt.schedule.refresh_requested = True
                    rt.schedule.next_refresh_mono = None
                    done.append(rt.name)
        self.wakeup.set()
        return done

    def restart(self, name: str | None = None, *, only_failed: bool = False) -> list[str]:
        """Restart one connector, all, or only those in a failed state."""
        done = []
        for rt in self.find(name):
            if only_failed and rt.state not in FAILED:
                continue
            rt.restart(reason="requested")
            done.append(rt.name)
        self.wakeup.set()
        return done

    def pause(self, name: str | None = None) -> list[str]:
        """Stop scheduling refreshes (explicit refresh requests still run)."""
        return self._set_paused(name, True)

    def resume(self, name: str | None = None) -> list[str]:
        done = self._set_paused(name, False)
        self.wakeup.set()
        return done

    def _set_paused(self, name: str | None, paused: bool) -> list[str]:
        done = []
        for rt in self.find(name):
            with rt.lock:
                rt.schedule.paused = paused
            done.append(rt.name)
        return done

    def publish_open_lineage_event(self, event: str) -> list[str]:
        """Hand an OpenLineage event to every running connector that consumes them."""
        return [rt.name for rt in self.all() if rt.deliver_open_lineage_event(event)]

    def shutdown(self) -> None:
        """Disconnect every connector (in parallel, each within the disconnect timeout)."""
        threads = [
            threading.Thread(target=rt.disconnect, args=("daemon shutting down",), daemon=True)
            for rt in self.all()
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(self.config.disconnect_timeout + 1)

    # ---------------------------------------------------------------- status
    def statuses(self) -> list[ConnectorStatus]:
        """Every connector's status, by group then connectorName."""
        runtimes = sorted(self.all(), key=lambda rt: (rt.group, rt.name))
        return [rt.status() for rt in runtimes]

    def settled_once(self) -> bool:
        """Whether every connector started and refreshed once, or could not (run once)."""
        return all(_settled(rt) for rt in self.all())

    def succeeded_once(self) -> bool:
        """Whether every connector refreshed (or, when blocking, engaged) without error."""
        return all(_succeeded(rt) for rt in self.all())


def _settled(rt: ConnectorRuntime) -> bool:
    with rt.lock:
        if rt.state in TERMINAL or rt.state is ConnectorState.RUNNING:
            return True
        if rt.state is ConnectorState.INITIALIZE_FAILED:
            return True
        return rt.state is ConnectorState.WAITING and (
            rt.schedule.refreshed_once or rt.stats.refreshes > 0
        )


def _succeeded(rt: ConnectorRuntime) -> bool:
    with rt.lock:
        if rt.state is ConnectorState.RUNNING:
            return True
        report = rt.stats.last_report
        return (
            rt.state is ConnectorState.WAITING
            and rt.schedule.refreshed_once
            and rt.failure.last_error is None
            and not (report and report.failures)
        )
