"""One registered connector at run time: its state, its connector instance, its status.

A :class:`ConnectorRuntime` owns the connector object and every state change
(through :func:`engine.daemon.states.next_state`). The worker decides *when* to
start or refresh it; the runtime does the work, on a thread the worker
provides, and records the outcome in small state objects (:class:`Schedule`,
:class:`Statistics`, :class:`Failure`, :class:`Backoff`, :class:`Instance`).
Work that finishes after the runtime moved on (a refresh that timed out, a
start that was overtaken by a restart) is recognised by its generation number
and ignored, so a hung connector can never corrupt the status of its successor.
"""

from __future__ import annotations

import logging
import threading
import traceback
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from engine.daemon.clock import Clock
from engine.daemon.config import DaemonConfig
from engine.daemon.instantiate import (
    build_context,
    choose_provider,
    is_blocking,
    supported_targets,
)
from engine.daemon.runtime_state import Backoff, Failure, Instance, Schedule, Statistics
from engine.daemon.spec import ConnectorSpec
from engine.daemon.states import ConnectorState, Event, backoff_seconds, next_state
from engine.daemon.status import ConnectorChangeSet, ConnectorStatus, RefreshReport
from engine.errors import (
    ConnectorConfigError,
    ProviderLoadError,
    SecretUnavailableError,
    StoreUnavailableError,
)
from engine.graph.store import Store
from engine.graph.writer import LeaseFence
from engine.providers.sdk import (
    CataloguedElement,
    ConnectorContext,
    ConnectorProvider,
    ConnectorReport,
    IntegrationConnectorBase,
    MetadataWriter,
)
from engine.providers.secrets import redact

log = logging.getLogger("switchboard.daemon")

HISTORY_LIMIT = 100
"""State changes kept per connector (the older half is dropped when it is reached)."""


@dataclass
class Job:
    """A unit of work the worker runs on a thread of its own."""

    runtime: ConnectorRuntime
    kind: str
    """'start' or 'refresh'."""
    generation: int
    started_mono: float
    released: bool = False


class ConnectorRuntime:
    """State, status and lifecycle of one registered connector."""

    def __init__(
        self, spec: ConnectorSpec, *, store: Store, config: DaemonConfig, clock: Clock
    ) -> None:
        self.spec = spec
        self.store = store
        self.config = config
        self.clock = clock
        self.lock = threading.RLock()
        self.state = ConnectorState.INITIALIZED
        self.generation = 0
        self.job: Job | None = None
        self.last_status_change: datetime = clock.now()
        self.history: list[tuple[ConnectorState, ConnectorState, Event]] = []
        self.schedule = Schedule()
        self.stats = Statistics()
        self.failure = Failure()
        self.backoff = Backoff()
        self.instance = Instance()
        self.fence: LeaseFence | None = None
        """Under connector leases: what every write of the connector must prove."""
        self.change_set: ConnectorChangeSet | None = None
        """The change set behind the last restart, when a configuration change caused it."""

    # ------------------------------------------------------------ identity
    @property
    def identity(self) -> str:
        return self.spec.identity

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def group(self) -> str:
        return self.spec.group

    @property
    def refresh_minutes(self) -> int:
        value = self.spec.view.registration.refreshTimeInterval
        if value is None:
            provider = self.instance.provider
            return provider.default_refresh_minutes if provider else 60
        return value

    # ---------------------------------------------------------- transitions
    def _move(self, event: Event, error: str | None = None) -> None:
        """Apply ``event`` (caller holds the lock)."""
        before = self.state
        after = next_state(before, event)
        self.state = after
        self.history.append((before, after, event))
        if len(self.history) > HISTORY_LIMIT:
            del self.history[: HISTORY_LIMIT // 2]
        if before is not after:
            self.last_status_change = self.clock.now()
        if error is not None:
            self.failure.last_error = redact(error)
        log.info(
            "[%s/%s] %s -> %s (%s)%s",
            self.group,
            self.name,
            before.value,
            after.value,
            event.value,
            f": {self.failure.last_error}" if error else "",
        )

    def in_window(self, now: datetime) -> tuple[bool, bool]:
        """(started, ended): whether ``now`` is past startDate / past connectorShutdownDate."""
        reg = self.spec.view.registration
        started = reg.startDate is None or now >= reg.startDate
        ended = reg.connectorShutdownDate is not None and now >= reg.connectorShutdownDate
        return started, ended

    def due(self, mono: float) -> bool:
        """Whether a WAITING connector should refresh now."""
        return self.schedule.due(mono)

    def _retry_later(self) -> None:
        """Count a failed start and set when to try again (caller holds the lock)."""
        self.backoff.attempts += 1
        self.backoff.retry_mono = self.clock.monotonic() + backoff_seconds(
            self.backoff.attempts, base=self.config.backoff_base, cap=self.config.backoff_cap
        )

    # ---------------------------------------------------------------- start
    def begin_job(self, kind: str) -> Job:
        job = Job(self, kind, self.generation, self.clock.monotonic())
        self.job = job
        if kind == "refresh":
            self._move(Event.REFRESH)
            self.schedule.refresh_requested = False
            self.stats.last_refresh_start = self.clock.now()
        return job

    def run_start(self, job: Job) -> None:
        """initialize() and start() the connector (worker thread)."""
        try:
            connector, context, provider = self._prepare()
        except (ProviderLoadError, ConnectorConfigError) as exc:
            self._finish_start(job, Event.CONFIG_ERROR, str(exc), None)
            return
        except SecretUnavailableError as exc:
            self._finish_start(job, Event.INITIALIZE_ERROR, str(exc), None)
            return
        except Exception as exc:  # secrets stores are foreign code
            self._finish_start(job, Event.INITIALIZE_ERROR, describe(exc), _trace())
            return
        try:
            connector.initialize(context)
            connector.start()
        except ConnectorConfigError as exc:
            self._finish_start(job, Event.CONFIG_ERROR, str(exc), None, connector)
            return
        except Exception as exc:
            self._finish_start(job, Event.INITIALIZE_ERROR, describe(exc), _trace(), connector)
            return
        with self.lock:
            if job.generation != self.generation:
                safe_disconnect(connector, self.name)
                return
            self._started(connector, context, provider)

    def _started(
        self,
        connector: IntegrationConnectorBase,
        context: ConnectorContext,
        provider: ConnectorProvider,
    ) -> None:
        """Record a connector that started (caller holds the lock)."""
        inst = self.instance
        inst.connector, inst.context, inst.provider = connector, context, provider
        self.job = None
        self.backoff.reset()
        self.failure.last_error = None
        if inst.blocking:
            self._move(Event.ENGAGED)
            inst.engage_thread = threading.Thread(
                target=self._engage,
                args=(connector, self.generation),
                name=f"engage-{self.name}",
                daemon=True,
            )
            inst.engage_thread.start()
        else:
            self._move(Event.STARTED)

    def _finish_start(
        self,
        job: Job,
        event: Event,
        message: str,
        trace: str | None,
        connector: IntegrationConnectorBase | None = None,
    ) -> None:
        if connector is not None:
            safe_disconnect(connector, self.name)
        self._release_secrets()
        with self.lock:
            if job.generation != self.generation:
                return
            self.job = None
            self.failure.last_trace = redact(trace) if trace else None
            if event is Event.INITIALIZE_ERROR:
                self._retry_later()
            self._move(event, message)

    def start_timed_out(self) -> None:
        with self.lock:
            if self.state is not ConnectorState.INITIALIZED or self.job is None:
                return
            self.generation += 1
            self.job = None
            self._retry_later()
            self._move(
                Event.INITIALIZE_ERROR,
                f"start timed out after {self.config.refresh_timeout:g} s",
            )

    def retry(self) -> None:
        with self.lock:
            if self.state is ConnectorState.INITIALIZE_FAILED:
                self._move(Event.RETRY)

    def _prepare(self) -> tuple[IntegrationConnectorBase, ConnectorContext, ConnectorProvider]:
        choice = choose_provider(self.spec, self.config.aliases)
        inst = self.instance
        inst.blocking = is_blocking(self.spec, choice.provider)
        inst.stop_event = threading.Event()
        context = build_context(
            self.spec,
            choice,
            store=self.store,
            aliases=self.config.aliases,
            resources=inst.resources,
            stop_event=inst.stop_event,
        )
        context.writer.fence = self.fence
        return choice.provider.create_connector(), context, choice.provider

    def _release_secrets(self) -> None:
        self.instance.resources.release(f"{self.group}/{self.name}")

    # -------------------------------------------------------------- refresh
    def run_refresh(self, job: Job) -> None:
        """refresh() once (worker thread), then the activity report."""
        connector, context = self.instance.connector, self.instance.context
        assert connector is not None and context is not None
        report = ConnectorReport(started=self.clock.now())
        context.report = report
        context.writer.report = report
        event, message, trace = Event.REFRESHED, None, None
        try:
            connector.refresh()
            if context.generate_activity_reports and report.changed:
                self._activity_report(context, report)
            self._check(connector)
        except StoreUnavailableError as exc:
            event, message = Event.REFRESH_UNAVAILABLE, str(exc)
        except Exception as exc:
            event, message, trace = Event.ERROR, describe(exc), _trace()
        report.finished = self.clock.now()
        with self.lock:
            if job.generation != self.generation or self.state is not ConnectorState.REFRESHING:
                return
            self._refreshed(job, report, event, trace)
            self._move(event, message)

    def _refreshed(
        self, job: Job, report: ConnectorReport, event: Event, trace: str | None
    ) -> None:
        """Record the outcome of a refresh (caller holds the lock)."""
        assert report.finished is not None
        self.job = None
        stats, schedule = self.stats, self.schedule
        stats.last_refresh_end = report.finished
        start = stats.last_refresh_start or report.finished
        stats.last_refresh_duration = (report.finished - start).total_seconds()
        stats.add_report(report)
        mono = self.clock.monotonic()
        if event is Event.REFRESHED:
            schedule.refreshed_once = True
            self.failure.clear()
            minutes = self.refresh_minutes
            schedule.next_refresh_mono = job.started_mono + minutes * 60 if minutes > 0 else None
            if schedule.next_refresh_mono is not None and schedule.next_refresh_mono < mono:
                schedule.next_refresh_mono = mono
        elif event is Event.REFRESH_UNAVAILABLE:
            stats.refresh_failures += 1
            schedule.next_refresh_mono = mono + self.config.store_retry_interval
        else:
            stats.refresh_failures += 1
            self.failure.last_trace = redact(trace) if trace else None

    def _check(self, connector: IntegrationConnectorBase) -> None:
        """The connector's optional health check, shown in status (it changes no state)."""
        try:
            problem = connector.check()
        except Exception as exc:
            problem = f"check() raised {describe(exc)}"
        with self.lock:
            self.failure.last_check = redact(problem) if problem else None

    def _activity_report(self, context: ConnectorContext, report: ConnectorReport) -> None:
        started = report.started or self.clock.now()
        qn = (
            f"ConnectorActivityReport::{context.connector_name}::"
            f"{started.isoformat()}::{self.stats.refreshes + 1}"
        )
        props: dict[str, Any] = {
            "displayName": f"Activity of {context.connector_name}",
            "connectorId": context.connector_guid,
            "connectorName": context.connector_name,
            "integrationGroup": context.group,
            "refreshStartDate": started,
            "refreshCompletionDate": self.clock.now(),
            "createdElements": list(report.created),
            "updatedElements": list(report.updated),
            "deletedElements": list(report.deleted),
        }
        writer = MetadataWriter(
            self.store,
            source=context.metadata_source,
            user=context.user_id,
            report=ConnectorReport(),
            fence=self.fence,
        )
        writer.upsert([CataloguedElement("ConnectorActivityReport", qn, props)])
        report.count("activity_reports")

    def refresh_timed_out(self) -> None:
        with self.lock:
            if self.state is not ConnectorState.REFRESHING:
                return
            self.generation += 1
            self.job = None
            self.stats.refresh_failures += 1
            self.stats.last_refresh_end = self.clock.now()
            self._move(Event.TIMEOUT, f"refresh timed out after {self.config.refresh_timeout:g} s")
        connector = self.instance.connector
        if connector is not None:
            threading.Thread(
                target=safe_disconnect, args=(connector, self.name), daemon=True
            ).start()

    # --------------------------------------------------------------- engage
    def _engage(self, connector: IntegrationConnectorBase, generation: int) -> None:
        try:
            connector.engage()
        except Exception as exc:
            message, trace = describe(exc), _trace()
            with self.lock:
                if generation == self.generation and self.state is ConnectorState.RUNNING:
                    self.failure.last_trace = redact(trace)
                    self._move(Event.ERROR, message)
            return
        with self.lock:
            if generation == self.generation and self.state is ConnectorState.RUNNING:
                self._move(Event.ENGAGE_RETURNED)

    # --------------------------------------------------------- stop, restart
    def _detach(self) -> tuple[IntegrationConnectorBase | None, threading.Thread | None]:
        """Take the running connector and its engage thread away and signal it to stop
        (caller holds the lock); a newer generation makes late work count for nothing."""
        inst = self.instance
        connector, thread = inst.connector, inst.engage_thread
        inst.connector, inst.engage_thread = None, None
        self.generation += 1
        self.job = None
        inst.stop_event.set()
        return connector, thread

    def disconnect(self, reason: str | None = None) -> None:
        """Stop the connector (idempotent); waits up to the disconnect timeout."""
        with self.lock:
            if self.state is ConnectorState.STOPPED:
                return
            connector, thread = self._detach()
            self._move(Event.DISCONNECT, reason)
        self._wind_down(connector, thread)

    def _wind_down(
        self, connector: IntegrationConnectorBase | None, thread: threading.Thread | None
    ) -> None:
        """Disconnect a detached connector and join its engage thread, each within
        the disconnect timeout, then forget its resolved secrets."""
        if connector is not None:
            worker = threading.Thread(
                target=safe_disconnect, args=(connector, self.name), daemon=True
            )
            worker.start()
            worker.join(self.config.disconnect_timeout)
        if thread is not None:
            thread.join(self.config.disconnect_timeout)
        self._release_secrets()

    def restart(
        self,
        spec: ConnectorSpec | None = None,
        *,
        reason: str = "restart",
        change_set: ConnectorChangeSet | None = None,
    ) -> None:
        """Disconnect, take ``spec`` if given, and go back to INITIALIZED (``change_set``:
        the change that caused it, shown in the status until the next restart)."""
        with self.lock:
            connector, thread = self._detach()
            self.instance.context = None
            if spec is not None:
                self.spec = spec
            self.change_set = change_set
            self.stats.restarts += 1
            self.schedule = Schedule(paused=self.schedule.paused)
            self.backoff.reset()
            self.failure.clear()
            self._move(Event.RESTART)
            log.info("[%s/%s] restarting: %s", self.group, self.name, reason)
        self._wind_down(connector, thread)

    def update_targets(self, spec: ConnectorSpec) -> None:
        """Hand added, changed and removed catalog targets to the running connector."""
        old_keys = self.spec.target_keys
        new_keys = spec.target_keys
        with self.lock:
            self.spec = spec
            inst = self.instance
            context, connector, provider = inst.context, inst.connector, inst.provider
        if context is None or connector is None or provider is None:
            return
        new_targets = supported_targets(
            spec, spec.view.catalogTargets, provider, context.metadata_source
        )
        by_guid_old = {t.guid: t for t in context.catalog_targets}
        added = [t for t in new_targets if t.guid not in old_keys]
        changed = [
            t for t in new_targets if t.guid in old_keys and old_keys[t.guid] != new_keys[t.guid]
        ]
        removed = [by_guid_old[g] for g in old_keys if g not in new_keys and g in by_guid_old]
        context.catalog_targets = new_targets
        with self.lock:
            self.stats.target_changes += 1
        log.info(
            "[%s/%s] catalog targets: %d added, %d changed, %d removed",
            self.group,
            self.name,
            len(added),
            len(changed),
            len(removed),
        )
        try:
            connector.catalog_targets_changed(added, changed, removed)
        except Exception as exc:
            log.warning(
                "[%s/%s] catalog_targets_changed raised: %s", self.group, self.name, describe(exc)
            )

    # ---------------------------------------------------------- open lineage
    def deliver_open_lineage_event(self, event: str) -> bool:
        """Hand an OpenLineage event to the running connector when its provider consumes
        them; counted in its statistics (``openLineageEvents``, or
        ``openLineageEventFailures`` when the connector raised). False when not handed."""
        with self.lock:
            connector, provider = self.instance.connector, self.instance.provider
        if connector is None or provider is None or not provider.consumes_open_lineage_events:
            return False
        counter = "openLineageEvents"
        try:
            connector.open_lineage_event(event)
        except Exception as exc:
            counter = "openLineageEventFailures"
            log.warning(
                "[%s/%s] open_lineage_event raised: %s", self.group, self.name, describe(exc)
            )
        with self.lock:
            self.stats.counters[counter] = self.stats.counters.get(counter, 0) + 1
        return True

    # --------------------------------------------------------------- status
    def _next_times(self, now: datetime, mono: float) -> tuple[datetime | None, datetime | None]:
        """(next refresh, next retry) as wall-clock times (caller holds the lock)."""
        schedule = self.schedule
        next_refresh: datetime | None = None
        if self.state is ConnectorState.WAITING and not schedule.paused:
            if not schedule.refreshed_once or schedule.refresh_requested:
                next_refresh = now
            if schedule.next_refresh_mono is not None:
                next_refresh = now + timedelta(seconds=max(0.0, schedule.next_refresh_mono - mono))
        retry = self.backoff.retry_mono
        retry_at = (
            now + timedelta(seconds=max(0.0, retry - mono))
            if self.state is ConnectorState.INITIALIZE_FAILED and retry is not None
            else None
        )
        return next_refresh, retry_at

    def status(self) -> ConnectorStatus:
        """The status document of SPEC §4 (no secret can appear: errors are redacted)."""
        with self.lock:
            next_refresh, retry_at = self._next_times(self.clock.now(), self.clock.monotonic())
            stats, view = self.stats, self.spec.view
            report = stats.last_report
            return ConnectorStatus(
                connector_name=self.name,
                registration_guid=self.identity,
                connector_qualified_name=view.connector.qualifiedName,
                connector_guid=view.connector.guid,
                group=self.group,
                state=self.state,
                paused=self.schedule.paused,
                blocking=self.instance.blocking,
                last_status_change=_iso(self.last_status_change),
                last_refresh_start=_iso(stats.last_refresh_start),
                last_refresh_end=_iso(stats.last_refresh_end),
                last_refresh_duration=stats.last_refresh_duration,
                next_refresh=_iso(next_refresh),
                next_retry=_iso(retry_at),
                refresh_time_interval=view.registration.refreshTimeInterval,
                last_error=self.failure.last_error,
                last_error_trace=self.failure.last_trace,
                health_check=self.failure.last_check,
                validation_errors=list(self.spec.errors),
                restart_count=stats.restarts,
                change_set=self.change_set,
                catalog_targets=[t.name or t.guid for t in view.catalogTargets],
                catalog_target_changes=stats.target_changes,
                statistics={
                    "refreshes": stats.refreshes,
                    "refreshFailures": stats.refresh_failures,
                    **stats.counters,
                },
                last_report=RefreshReport.model_validate(report.as_dict()) if report else None,
            )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def describe(exc: BaseException) -> str:
    """``Type: message`` of an exception, redacted."""
    text = str(exc) or type(exc).__name__
    return redact(f"{type(exc).__name__}: {text}")


def _trace() -> str:
    return redact(traceback.format_exc(limit=20))


def safe_disconnect(connector: IntegrationConnectorBase, name: str) -> None:
    """``connector.disconnect()``, logging (not raising) what it raises."""
    try:
        connector.disconnect()
    except Exception as exc:
        log.warning("[%s] disconnect raised: %s", name, describe(exc))
