"""One registered connector at run time: its state, its connector instance, its status.

The :class:`ConnectorHandler` owns the connector object and every state
change (through :func:`engine.daemon.states.next_state`). The supervisor
decides *when* to start or refresh it; the handler does the work, on a
worker thread the supervisor provides, and records the outcome. Work that
finishes after the handler moved on (a refresh that timed out, a start that
was overtaken by a restart) is recognised by its generation number and
ignored, so a hung connector can never corrupt the status of its successor.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import SecretStr

from engine.daemon.clock import Clock
from engine.daemon.config import DaemonConfig
from engine.daemon.spec import ConnectorSpec
from engine.daemon.states import ConnectorState, Event, backoff_seconds, next_state
from engine.errors import (
    ConnectorConfigError,
    ProviderLoadError,
    SecretUnavailableError,
    StoreUnavailableError,
)
from engine.graph.store import Store
from engine.providers.registry import load_connector_provider, load_provider
from engine.providers.sdk import (
    CatalogTarget,
    ConnectorContext,
    ConnectorProvider,
    ConnectorReport,
    Element,
    IntegrationConnector,
    MetadataWriter,
    ResolvedConnection,
    ResolvedEmbedded,
    ResolvedEndpoint,
    SecretsStoreProvider,
    connector_logger,
)
from engine.providers.secrets import (
    SecretsStore,
    forget_secrets,
    redact,
    register_secrets,
    resolve_reference,
)
from engine.resolved import CatalogTargetView, ConnectionView
from engine.typesystem import labels_for

log = logging.getLogger("switchboard.daemon")

SECRET_PROPERTIES = ("clearPassword", "encryptedPassword")


@dataclass
class Job:
    """A unit of work the supervisor runs on a worker thread."""

    handler: ConnectorHandler
    kind: str
    """'start' or 'refresh'."""
    generation: int
    started_mono: float
    released: bool = False


class ConnectorHandler:
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
        self.last_status_change: datetime = clock.now()
        self.last_refresh_start: datetime | None = None
        self.last_refresh_end: datetime | None = None
        self.last_refresh_duration: float | None = None
        self.last_error: str | None = None
        self.last_trace: str | None = None
        self.last_check: str | None = None
        """What the connector's check() last reported (None: healthy or no check)."""
        self.restart_count = 0
        self.refresh_count = 0
        self.refresh_failures = 0
        self.statistics: dict[str, int] = {}
        self.last_report: ConnectorReport | None = None
        self.paused = False
        self.refresh_requested = False
        self.refreshed_once = False
        self.next_refresh_mono: float | None = None
        self.retry_mono: float | None = None
        self.init_attempts = 0
        self.job: Job | None = None
        self.targets_changes = 0
        self.history: list[tuple[ConnectorState, ConnectorState, Event]] = []
        self.connector: IntegrationConnector | None = None
        self.context: ConnectorContext | None = None
        self.provider: ConnectorProvider | None = None
        self.blocking = False
        self._engage_thread: threading.Thread | None = None
        self._stop_event = threading.Event()
        self._secret_values: list[str] = []
        self._stores: list[SecretsStore] = []

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
            return self.provider.default_refresh_minutes if self.provider else 60
        return value

    # ---------------------------------------------------------- transitions
    def _move(self, event: Event, error: str | None = None) -> None:
        """Apply ``event`` (caller holds the lock)."""
        before = self.state
        after = next_state(before, event)
        self.state = after
        self.history.append((before, after, event))
        if len(self.history) > 100:
            del self.history[:50]
        if before is not after:
            self.last_status_change = self.clock.now()
        if error is not None:
            self.last_error = redact(error)
        log.info(
            "[%s/%s] %s -> %s (%s)%s",
            self.group,
            self.name,
            before.value,
            after.value,
            event.value,
            f": {self.last_error}" if error else "",
        )

    def in_window(self, now: datetime) -> tuple[bool, bool]:
        """(started, ended): whether ``now`` is past startDate / past connectorShutdownDate."""
        reg = self.spec.view.registration
        started = reg.startDate is None or now >= reg.startDate
        ended = reg.connectorShutdownDate is not None and now >= reg.connectorShutdownDate
        return started, ended

    # ---------------------------------------------------------------- start
    def begin_job(self, kind: str) -> Job:
        job = Job(self, kind, self.generation, self.clock.monotonic())
        self.job = job
        if kind == "refresh":
            self._move(Event.REFRESH)
            self.refresh_requested = False
            self.last_refresh_start = self.clock.now()
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
            self._finish_start(job, Event.INITIALIZE_ERROR, _describe(exc), _trace())
            return
        try:
            connector.initialize(context)
            connector.start()
        except ConnectorConfigError as exc:
            self._finish_start(job, Event.CONFIG_ERROR, str(exc), None, connector)
            return
        except Exception as exc:
            self._finish_start(job, Event.INITIALIZE_ERROR, _describe(exc), _trace(), connector)
            return
        with self.lock:
            if job.generation != self.generation:
                _safe_disconnect(connector, self.name)
                return
            self.connector, self.context, self.provider = connector, context, provider
            self.job = None
            self.init_attempts = 0
            self.retry_mono = None
            self.last_error = None
            if self.blocking:
                self._move(Event.ENGAGED)
                self._engage_thread = threading.Thread(
                    target=self._engage,
                    args=(connector, self.generation),
                    name=f"engage-{self.name}",
                    daemon=True,
                )
                self._engage_thread.start()
            else:
                self._move(Event.STARTED)

    def _finish_start(
        self,
        job: Job,
        event: Event,
        message: str,
        trace: str | None,
        connector: IntegrationConnector | None = None,
    ) -> None:
        if connector is not None:
            _safe_disconnect(connector, self.name)
        self._release_secrets()
        with self.lock:
            if job.generation != self.generation:
                return
            self.job = None
            self.last_trace = redact(trace) if trace else None
            if event is Event.INITIALIZE_ERROR:
                self.init_attempts += 1
                delay = backoff_seconds(
                    self.init_attempts, base=self.config.backoff_base, cap=self.config.backoff_cap
                )
                self.retry_mono = self.clock.monotonic() + delay
            self._move(event, message)

    def start_timed_out(self) -> None:
        with self.lock:
            if self.state is not ConnectorState.INITIALIZED or self.job is None:
                return
            self.generation += 1
            self.job = None
            self.init_attempts += 1
            self.retry_mono = self.clock.monotonic() + backoff_seconds(
                self.init_attempts, base=self.config.backoff_base, cap=self.config.backoff_cap
            )
            self._move(
                Event.INITIALIZE_ERROR,
                f"start timed out after {self.config.refresh_timeout:g} s",
            )

    def retry(self) -> None:
        with self.lock:
            if self.state is ConnectorState.INITIALIZE_FAILED:
                self._move(Event.RETRY)

    def _prepare(self) -> tuple[IntegrationConnector, ConnectorContext, ConnectorProvider]:
        spec = self.spec
        view = spec.view
        if spec.errors:
            raise ConnectorConfigError(
                "validation errors: " + "; ".join(spec.errors),
                hint="run 'switchboard validate' and fix the group",
            )
        if view.connection is None:
            raise ConnectorConfigError(f"{view.connector.qualifiedName} has no connection")
        ct = view.connection.connectorType
        class_name = ct.properties.get("connectorProviderClassName") if ct else None
        if not class_name:
            raise ConnectorConfigError(
                f"connection {view.connection.qualifiedName} has no connector type with a "
                "connectorProviderClassName"
            )
        provider = load_connector_provider(str(class_name), self.config.aliases)
        configuration = provider.parse_configuration(
            view.connection.configuration_properties, where=view.connection.qualifiedName
        )
        self.blocking = bool(view.usesBlockingCalls or provider.blocking)
        connection, stores = self._resolve_connection(view.connection, str(class_name))
        reg = view.registration
        report = ConnectorReport()
        source = reg.metadataSourceQualifiedName or view.connector.qualifiedName
        user = reg.connectorUserId or "switchboard"
        self._stop_event = threading.Event()
        targets = self._targets(view.catalogTargets, provider, source)
        context = ConnectorContext(
            group=spec.group,
            connector_name=spec.name,
            connector_qualified_name=view.connector.qualifiedName,
            connector_guid=view.connector.guid,
            registration_guid=reg.guid,
            connection=connection,
            configuration=configuration,
            catalog_targets=targets,
            metadata_source=source,
            metadata_collection=reg.metadataCollectionQualifiedName,
            user_id=user,
            permitted_synchronization=reg.permittedSynchronization or "BOTH_DIRECTIONS",
            generate_activity_reports=reg.generateConnectorActivityReports,
            writer=MetadataWriter(self.store, source=source, user=user, report=report),
            report=report,
            logger=connector_logger(spec.group, spec.name),
            stop_event=self._stop_event,
            secrets_stores=stores,
        )
        return provider.create_connector(), context, provider

    def _targets(
        self, views: list[CatalogTargetView], provider: ConnectorProvider, source: str
    ) -> list[CatalogTarget]:
        out = []
        for t in views:
            supported = provider.supported_target_types
            if supported and not set(labels_for(t.element.typeName)) & set(supported):
                log.warning(
                    "[%s/%s] catalog target %s is a %s; the provider supports %s: skipped",
                    self.group,
                    self.name,
                    t.name or t.guid,
                    t.element.typeName,
                    ", ".join(supported),
                )
                continue
            out.append(catalog_target(t, source))
        return out

    def _resolve_connection(
        self, view: ConnectionView, class_name: str
    ) -> tuple[ResolvedConnection, dict[str, SecretsStore]]:
        stores: dict[str, SecretsStore] = {}
        embedded: list[ResolvedEmbedded] = []
        for emb in view.embeddedConnections:
            if emb.cycle:
                continue
            child = _plain_connection(emb.connection)
            ct = emb.connection.connectorType
            name = ct.properties.get("connectorProviderClassName") if ct else None
            if name and emb.displayName:
                try:
                    provider = load_provider(str(name), self.config.aliases)
                except ProviderLoadError:
                    provider = None
                if isinstance(provider, SecretsStoreProvider):
                    store = provider.open(child)
                    self._stores.append(store)
                    stores[emb.displayName] = store
            embedded.append(
                ResolvedEmbedded(emb.position, emb.displayName, dict(emb.arguments), child)
            )
        where = f"connection {view.qualifiedName}"
        secured_refs = view.properties.get("securedProperties") or {}
        secured: dict[str, SecretStr] = {}
        if isinstance(secured_refs, Mapping):
            for key, ref in secured_refs.items():
                secured[key] = resolve_reference(str(ref), name=key, where=where, stores=stores)
        password: SecretStr | None = None
        for prop in SECRET_PROPERTIES:
            ref = view.properties.get(prop)
            if ref:
                password = resolve_reference(str(ref), name="password", where=where, stores=stores)
                break
        base = _plain_connection(view)
        resolved = ResolvedConnection(
            qualified_name=base.qualified_name,
            type_name=base.type_name,
            configuration=base.configuration,
            endpoint=base.endpoint,
            connector_provider_class_name=class_name,
            user_id=base.user_id,
            secured=secured,
            password=password,
            embedded=tuple(embedded),
        )
        self._secret_values = resolved.secret_values()
        register_secrets(self._secret_values)
        return resolved, stores

    def _release_secrets(self) -> None:
        for store in self._stores:
            try:
                store.close()
            except Exception:
                log.warning("[%s/%s] closing a secrets store failed", self.group, self.name)
        self._stores = []
        if self._secret_values:
            forget_secrets(self._secret_values)
            self._secret_values = []

    # -------------------------------------------------------------- refresh
    def run_refresh(self, job: Job) -> None:
        """refresh() once (worker thread), then the activity report."""
        connector, context = self.connector, self.context
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
            event, message, trace = Event.ERROR, _describe(exc), _trace()
        report.finished = self.clock.now()
        with self.lock:
            if job.generation != self.generation or self.state is not ConnectorState.REFRESHING:
                return
            self.job = None
            self.last_refresh_end = report.finished
            start = self.last_refresh_start or report.finished
            self.last_refresh_duration = (report.finished - start).total_seconds()
            self.last_report = report
            self.refresh_count += 1
            for key, value in report.counters.items():
                self.statistics[key] = self.statistics.get(key, 0) + value
            mono = self.clock.monotonic()
            if event is Event.REFRESHED:
                self.refreshed_once = True
                self.last_error = None
                self.last_trace = None
                minutes = self.refresh_minutes
                self.next_refresh_mono = job.started_mono + minutes * 60 if minutes > 0 else None
                if self.next_refresh_mono is not None and self.next_refresh_mono < mono:
                    self.next_refresh_mono = mono
            elif event is Event.REFRESH_UNAVAILABLE:
                self.refresh_failures += 1
                self.next_refresh_mono = mono + self.config.store_retry_interval
            else:
                self.refresh_failures += 1
                self.last_trace = redact(trace) if trace else None
            self._move(event, message)

    def _check(self, connector: IntegrationConnector) -> None:
        """The connector's optional health check, shown in status (it changes no state)."""
        try:
            problem = connector.check()
        except Exception as exc:
            problem = f"check() raised {_describe(exc)}"
        with self.lock:
            self.last_check = redact(problem) if problem else None

    def _activity_report(self, context: ConnectorContext, report: ConnectorReport) -> None:
        started = report.started or self.clock.now()
        qn = (
            f"ConnectorActivityReport::{context.connector_name}::"
            f"{started.isoformat()}::{self.refresh_count + 1}"
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
        )
        writer.upsert([Element("ConnectorActivityReport", qn, props)])
        report.count("activity_reports")

    def refresh_timed_out(self) -> None:
        with self.lock:
            if self.state is not ConnectorState.REFRESHING:
                return
            self.generation += 1
            self.job = None
            self.refresh_failures += 1
            self.last_refresh_end = self.clock.now()
            self._move(Event.TIMEOUT, f"refresh timed out after {self.config.refresh_timeout:g} s")
        connector = self.connector
        if connector is not None:
            threading.Thread(
                target=_safe_disconnect, args=(connector, self.name), daemon=True
            ).start()

    def due(self, mono: float) -> bool:
        """Whether a WAITING connector should refresh now."""
        if self.paused and not self.refresh_requested:
            return False
        if self.refresh_requested or not self.refreshed_once:
            return self.next_refresh_mono is None or mono >= self.next_refresh_mono
        return self.next_refresh_mono is not None and mono >= self.next_refresh_mono

    # --------------------------------------------------------------- engage
    def _engage(self, connector: IntegrationConnector, generation: int) -> None:
        try:
            connector.engage()
        except Exception as exc:
            message, trace = _describe(exc), _trace()
            with self.lock:
                if generation == self.generation and self.state is ConnectorState.RUNNING:
                    self.last_trace = redact(trace)
                    self._move(Event.ERROR, message)
            return
        with self.lock:
            if generation == self.generation and self.state is ConnectorState.RUNNING:
                self._move(Event.ENGAGE_RETURNED)

    # --------------------------------------------------------- stop, restart
    def disconnect(self, reason: str | None = None) -> None:
        """Stop the connector (idempotent); waits up to the disconnect timeout."""
        with self.lock:
            if self.state is ConnectorState.STOPPED:
                return
            self.generation += 1
            self.job = None
            connector, thread = self.connector, self._engage_thread
            self.connector, self._engage_thread = None, None
            self._stop_event.set()
            self._move(Event.DISCONNECT, reason)
        self._wind_down(connector, thread)

    def _wind_down(
        self, connector: IntegrationConnector | None, thread: threading.Thread | None
    ) -> None:
        """Disconnect a detached connector and join its engage thread, each within
        the disconnect timeout, then forget its resolved secrets."""
        if connector is not None:
            worker = threading.Thread(
                target=_safe_disconnect, args=(connector, self.name), daemon=True
            )
            worker.start()
            worker.join(self.config.disconnect_timeout)
        if thread is not None:
            thread.join(self.config.disconnect_timeout)
        self._release_secrets()

    def restart(self, spec: ConnectorSpec | None = None, *, reason: str = "restart") -> None:
        """Disconnect, take ``spec`` if given, and go back to INITIALIZED."""
        with self.lock:
            connector, thread = self.connector, self._engage_thread
            self.connector, self._engage_thread, self.context = None, None, None
            self.generation += 1
            self.job = None
            self._stop_event.set()
            if spec is not None:
                self.spec = spec
            self.restart_count += 1
            self.refreshed_once = False
            self.refresh_requested = False
            self.next_refresh_mono = None
            self.retry_mono = None
            self.init_attempts = 0
            self.last_error = None
            self.last_trace = None
            self._move(Event.RESTART)
            log.info("[%s/%s] restarting: %s", self.group, self.name, reason)
        self._wind_down(connector, thread)

    def update_targets(self, spec: ConnectorSpec) -> None:
        """Hand added, changed and removed catalog targets to the running connector."""
        old_keys = self.spec.target_keys
        new_keys = spec.target_keys
        with self.lock:
            self.spec = spec
            context, connector, provider = self.context, self.connector, self.provider
        if context is None or connector is None or provider is None:
            return
        new_targets = self._targets(spec.view.catalogTargets, provider, context.metadata_source)
        by_guid_old = {t.guid: t for t in context.catalog_targets}
        added = [t for t in new_targets if t.guid not in old_keys]
        changed = [
            t for t in new_targets if t.guid in old_keys and old_keys[t.guid] != new_keys[t.guid]
        ]
        removed = [by_guid_old[g] for g in old_keys if g not in new_keys and g in by_guid_old]
        context.catalog_targets = new_targets
        with self.lock:
            self.targets_changes += 1
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
                "[%s/%s] catalog_targets_changed raised: %s", self.group, self.name, _describe(exc)
            )

    # --------------------------------------------------------------- status
    def status(self) -> dict[str, Any]:
        """The status document of SPEC §4 (no secret can appear: errors are redacted)."""
        with self.lock:
            now = self.clock.now()
            mono = self.clock.monotonic()
            next_refresh: datetime | None = None
            if self.state is ConnectorState.WAITING and not self.paused:
                if not self.refreshed_once or self.refresh_requested:
                    next_refresh = now
                if self.next_refresh_mono is not None:
                    next_refresh = now + timedelta(seconds=max(0.0, self.next_refresh_mono - mono))
            elif self.state is ConnectorState.INITIALIZE_FAILED and self.retry_mono is not None:
                next_refresh = None
            retry_at = (
                now + timedelta(seconds=max(0.0, self.retry_mono - mono))
                if self.state is ConnectorState.INITIALIZE_FAILED and self.retry_mono is not None
                else None
            )
            reg = self.spec.view.registration
            return {
                "connectorName": self.name,
                "registrationGuid": self.identity,
                "connectorQualifiedName": self.spec.view.connector.qualifiedName,
                "connectorGuid": self.spec.view.connector.guid,
                "group": self.group,
                "state": self.state.value,
                "paused": self.paused,
                "blocking": self.blocking,
                "lastStatusChange": _iso(self.last_status_change),
                "lastRefreshStart": _iso(self.last_refresh_start),
                "lastRefreshEnd": _iso(self.last_refresh_end),
                "lastRefreshDuration": self.last_refresh_duration,
                "nextRefresh": _iso(next_refresh),
                "nextRetry": _iso(retry_at),
                "refreshTimeInterval": reg.refreshTimeInterval,
                "lastError": self.last_error,
                "lastErrorTrace": self.last_trace,
                "healthCheck": self.last_check,
                "validationErrors": list(self.spec.errors),
                "restartCount": self.restart_count,
                "catalogTargets": [t.name or t.guid for t in self.spec.view.catalogTargets],
                "catalogTargetChanges": self.targets_changes,
                "statistics": {
                    "refreshes": self.refresh_count,
                    "refreshFailures": self.refresh_failures,
                    **self.statistics,
                },
                "lastReport": self.last_report.as_dict() if self.last_report else None,
            }


def catalog_target(view: CatalogTargetView, source: str) -> CatalogTarget:
    rel = view.relationship
    return CatalogTarget(
        guid=view.guid,
        name=view.name,
        element_qualified_name=view.element.qualifiedName,
        element_guid=view.element.guid,
        element_type=view.element.typeName,
        element_properties=dict(view.element.properties),
        configuration=dict(view.effectiveConfiguration),
        metadata_source=str(rel.get("metadataSourceQualifiedName") or source),
        permitted_synchronization=view.effectivePermittedSynchronization,
        delete_method=rel.get("deleteMethod"),
        connection_name=rel.get("connectionName"),
        templates=dict(rel.get("templates") or {}),
    )


def _plain_connection(view: ConnectionView) -> ResolvedConnection:
    """A connection without secrets (embedded connections, secrets stores)."""
    ep = view.endpoint
    endpoint = (
        ResolvedEndpoint(
            ep.qualifiedName,
            _str_or_none(ep.properties.get("networkAddress")),
            _str_or_none(ep.properties.get("protocol")),
        )
        if ep
        else None
    )
    ct = view.connectorType
    return ResolvedConnection(
        qualified_name=view.qualifiedName,
        type_name=view.typeName,
        configuration=view.configuration_properties,
        endpoint=endpoint,
        connector_provider_class_name=_str_or_none(
            ct.properties.get("connectorProviderClassName") if ct else None
        ),
        user_id=_str_or_none(view.properties.get("userId")),
    )


def _str_or_none(value: Any) -> str | None:
    return str(value) if value is not None else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return redact(f"{type(exc).__name__}: {text}")


def _trace() -> str:
    return redact(traceback.format_exc(limit=20))


def _safe_disconnect(connector: IntegrationConnector, name: str) -> None:
    try:
        connector.disconnect()
    except Exception as exc:
        log.warning("[%s] disconnect raised: %s", name, _describe(exc))
