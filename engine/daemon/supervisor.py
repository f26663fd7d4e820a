"""The integration daemon of one :class:`DaemonConfig`: a herder and a worker in one loop.

The :class:`~engine.daemon.herder.Herder` decides (load groups, poll for changes,
reconcile); the :class:`~engine.daemon.worker.Worker` runs (tick, dispatch,
per-connector state). :class:`Supervisor` composes them: its loop
(:meth:`Supervisor.run`) ticks the worker a few times a second and, every
``pollInterval`` seconds, lets the herder poll on a thread of its own (a query
against an unreachable server can take the driver's whole retry time, and
scheduling never waits for it). It is also what the control API and the CLI
talk to: status, health and the operators' refresh, restart, pause and resume.

Time comes from an injectable :class:`~engine.daemon.clock.Clock`; the
resolver and validator are injectable callables (tests, alternative stores).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from engine.daemon.clock import Clock, SystemClock
from engine.daemon.cluster import ClusterStatus, ConnectorHolder, cluster_status
from engine.daemon.config import DaemonConfig
from engine.daemon.connection_updates import (
    write_configuration_properties,
    write_connection,
    write_endpoint_address,
)
from engine.daemon.forward import forward_control
from engine.daemon.herder import (
    CallableResolution,
    GroupResolution,
    Herder,
    IncrementalResolution,
    Resolver,
    Validator,
    default_validator,
)
from engine.daemon.leases import LeaseKeeper, LeaseSettings
from engine.daemon.runtime import ConnectorRuntime
from engine.daemon.status import (
    DaemonStatus,
    HealthStatus,
    LeaseStatus,
    LostConnector,
    RunOnceReport,
)
from engine.daemon.worker import Worker
from engine.errors import NotFoundError, StoreError, UsageError
from engine.graph.store import Store
from engine.resolved import ConnectionView, ConnectorView

log = logging.getLogger("switchboard.daemon")


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
        """``resolver``: asked for every group at each load (default: resolve from
        ``store``, again only the groups whose fingerprint changed)."""
        self.clock: Clock = clock or SystemClock()
        self.worker = Worker(store, config, clock=self.clock)
        resolution: GroupResolution = (
            IncrementalResolution() if resolver is None else CallableResolution(resolver)
        )
        self.herder = Herder(
            store,
            config,
            self.worker,
            clock=self.clock,
            resolution=resolution,
            validator=validator or default_validator,
        )
        if config.leases is not None:
            self.herder.use_leases(lease_keeper(store, config))
        self.tick_seconds = tick_seconds
        self.api_token: str | None = None
        """The bearer token requests forwarded to another daemon carry (its API's own)."""
        self.started_at = self.clock.now()
        self._stop = threading.Event()

    @property
    def config(self) -> DaemonConfig:
        return self.herder.config

    # ------------------------------------------------------------ decide, run
    def load(self) -> bool:
        """See :meth:`Herder.load`."""
        return self.herder.load()

    def poll_changes(self) -> bool:
        """See :meth:`Herder.poll_changes`."""
        return self.herder.poll_changes()

    def tick(self) -> None:
        """See :meth:`Worker.tick`."""
        self.worker.tick()

    # ---------------------------------------------------------------- loop
    def run(self, stop: threading.Event | None = None) -> None:
        """Load, then tick and poll until :meth:`stop` (or ``stop``) is set."""
        stop_event = stop or self._stop
        herder, wakeup = self.herder, self.worker.wakeup
        while not herder.loaded and not stop_event.is_set() and not self._stop.is_set():
            if self.load():
                break
            self._stop.wait(min(5.0, self.config.poll_interval))
        herder.next_poll_mono = self.clock.monotonic() + self.config.poll_interval
        if herder.leases is not None:
            herder.leases.start()
        poller: threading.Thread | None = None
        while not stop_event.is_set() and not self._stop.is_set():
            self.tick()
            if herder.poll_due() and (poller is None or not poller.is_alive()):
                poller = threading.Thread(target=self._poll_safely, name="poller", daemon=True)
                poller.start()
            wakeup.wait(self.tick_seconds)
            wakeup.clear()
        if poller is not None:
            poller.join(self.config.disconnect_timeout)
        self.shutdown()

    def _poll_safely(self) -> None:
        try:
            self.poll_changes()
        except Exception:
            log.exception("change check failed")
            self.herder.next_poll_mono = self.clock.monotonic() + self.config.poll_interval

    def stop(self) -> None:
        self._stop.set()
        self.worker.wakeup.set()

    def shutdown(self) -> None:
        """Disconnect every connector (in parallel, each within the disconnect timeout), then
        give up their leases."""
        self.worker.shutdown()
        if self.herder.leases is not None:
            self.herder.leases.shutdown()

    def run_once(self, *, timeout: float | None = None) -> RunOnceReport:
        """Start every connector, refresh each once, disconnect; the report.

        ``ok`` is true only when every connector refreshed (or, when blocking,
        engaged) without error and every group was found. Raises :class:`UsageError` when Neo4j cannot be reached.
        """
        if not self.load():
            raise UsageError(
                f"cannot reach Neo4j: {self.herder.outage.reason}",
                hint="start it with 'switchboard neo4j start' or set NEO4J_URI",
            )
        limit = timeout if timeout is not None else self.config.refresh_timeout * 2 + 30
        deadline = time.monotonic() + limit
        wakeup = self.worker.wakeup
        while time.monotonic() < deadline:
            self.tick()
            if self.worker.settled_once():
                break
            wakeup.wait(0.05)
            wakeup.clear()
        status = self.status()
        every_group_found = all(group.found is not False for group in status.groups)
        ok = self.worker.succeeded_once() and every_group_found
        report = RunOnceReport(**dict(status), ok=ok)
        self.shutdown()
        return report

    # ---------------------------------------------------------------- control
    def find(self, name: str | None) -> list[ConnectorRuntime]:
        """See :meth:`Worker.find`."""
        return self.worker.find(name)

    def request_refresh(self, name: str | None = None) -> list[str]:
        """See :meth:`Worker.request_refresh`; under leases, a connector another daemon
        holds is refreshed there (:mod:`engine.daemon.forward`)."""
        holder = self._held_elsewhere(name)
        if holder is not None:
            return forward_control(holder, "refresh", {"connector": name}, token=self.api_token)
        return self.worker.request_refresh(name)

    def restart(self, name: str | None = None, *, only_failed: bool = False) -> list[str]:
        """See :meth:`Worker.restart`; under leases, a connector another daemon holds is
        restarted there."""
        holder = self._held_elsewhere(name)
        if holder is not None:
            body = {"connector": name, "onlyFailed": only_failed}
            return forward_control(holder, "restart", body, token=self.api_token)
        return self.worker.restart(name, only_failed=only_failed)

    def serving(self, api_url: str | None, token: str | None) -> None:
        """The control API serves at ``api_url`` with ``token``: other daemons forward
        requests there (under leases the address is published with the heartbeat)."""
        self.api_token = token
        if self.herder.leases is not None and api_url is not None:
            self.herder.leases.keeper.api_url = api_url.rstrip("/")

    def _held_elsewhere(self, name: str | None) -> ConnectorHolder | None:
        """Under leases, the holder of connector ``name`` when this daemon does not run it."""
        if self.herder.leases is None or name is None:
            return None
        if any(name in (rt.name, rt.identity) for rt in self.worker.all()):
            return None
        connectors = self.cluster().connectors
        return next((c for c in connectors if name in (c.connector_name, c.registration)), None)

    def pause(self, name: str | None = None) -> list[str]:
        """See :meth:`Worker.pause`; under leases, kept with the lease (whoever holds it)."""
        if self.herder.leases is not None:
            return self.herder.set_desired_state(name, "PAUSED")
        return self.worker.pause(name)

    def resume(self, name: str | None = None) -> list[str]:
        """See :meth:`Worker.resume`; under leases, kept with the lease (whoever holds it)."""
        if self.herder.leases is not None:
            return self.herder.set_desired_state(name, "RUNNING")
        return self.worker.resume(name)

    def publish_open_lineage_event(self, event: str) -> list[str]:
        """See :meth:`Worker.publish_open_lineage_event`."""
        return self.worker.publish_open_lineage_event(event)

    def refresh_group_config(self, name: str) -> bool:
        """Read group ``name``'s configuration from the graph again now; connectors whose
        configuration changed restart. False while Neo4j cannot be reached."""
        if name not in self.config.groups:
            raise NotFoundError(
                f"integration group '{name}' is not run by this daemon",
                hint="'switchboard daemon status' lists its groups",
            )
        return self.load()

    # ------------------------------------------------- changes to connections
    def update_configuration_properties(
        self,
        name: str | None,
        properties: Mapping[str, Any],
        *,
        merge: bool,
        user: str | None = None,
    ) -> list[str]:
        """Write new configurationProperties to the connection of connector ``name`` (every
        connector when None) and follow the change; the connectors affected."""
        return self._change_connections(
            name,
            lambda view: write_configuration_properties(
                self.worker.store, view, properties, merge=merge, user=user
            ),
        )

    def update_endpoint_address(self, name: str, address: str, *, user: str | None = None) -> None:
        """Write a new network address to connector ``name``'s endpoint and follow it."""
        self._change_connections(
            name, lambda view: write_endpoint_address(self.worker.store, view, address, user=user)
        )

    def update_connection(
        self, name: str, bean: Mapping[str, Any], *, user: str | None = None
    ) -> None:
        """Apply an Egeria Connection bean to connector ``name`` and follow it."""
        self._change_connections(
            name, lambda view: write_connection(self.worker.store, view, bean, user=user)
        )

    def _change_connections(
        self, name: str | None, change: Callable[[ConnectorView], object]
    ) -> list[str]:
        """Apply ``change`` once per connection of the connectors ``name`` selects, then
        poll at once so the daemon follows it as any change in the graph."""
        runtimes = self.find(name)
        seen: set[str | None] = set()
        for rt in runtimes:
            view = rt.spec.view
            key = view.connection.qualifiedName if view.connection else None
            if key is not None and key in seen:
                continue
            seen.add(key)
            change(view)
        self.poll_changes()
        return [rt.name for rt in runtimes]

    # ---------------------------------------------------------------- status
    def connections(self) -> dict[str, ConnectionView | None]:
        """The connection each connector runs with, by registration guid."""
        return {identity: spec.view.connection for identity, spec in self.worker.specs().items()}

    def cluster(self) -> ClusterStatus:
        """The live daemons and the holder of each connector of this daemon's groups, as
        the graph shows them (:mod:`engine.daemon.cluster`)."""
        leases = self.herder.leases
        live = leases.keeper.settings.live_seconds if leases else LeaseSettings().live_seconds
        return cluster_status(self.worker.store, self.herder.eligible_specs(), live_seconds=live)

    def health(self) -> HealthStatus:
        outage = self.herder.outage
        return HealthStatus(
            status="degraded" if outage.degraded else "ok",
            degraded_reason=outage.reason,
            connectors=len(self.worker.runtimes),
        )

    def lease_status(self, *, with_cluster: bool = False) -> LeaseStatus | None:
        """Under leases: this process's id, the leases it holds and those it lost; with
        ``with_cluster``, who holds what as ``GET /daemons`` shows it (read now)."""
        leases = self.herder.leases
        if leases is None:
            return None
        keeper = leases.keeper
        specs = {spec.identity: spec for spec in self.herder.eligible_specs()}
        lost = []
        for gone in keeper.lost_leases():
            spec = specs.get(gone.registration)
            lost.append(
                LostConnector(
                    connector_name=spec.name if spec else gone.registration,
                    registration_guid=gone.registration,
                    group=spec.group if spec else None,
                    epoch=gone.epoch,
                    reason=gone.reason,
                    lost_at=gone.lost_at.isoformat(),
                )
            )
        status = LeaseStatus(
            daemon_id=keeper.daemon_id, held=len(keeper.held_registrations()), lost=lost
        )
        if with_cluster and self.herder.outage.degraded:
            status.cluster_error = f"Neo4j unreachable: {self.herder.outage.reason}"
        elif with_cluster and leases.last_error:  # not read: it would wait out the driver
            status.cluster_error = f"the last lease round failed: {leases.last_error}"
        elif with_cluster:
            try:
                status.cluster = self.cluster()
            except StoreError as exc:
                status.cluster_error = exc.message
        return status

    def status(self, *, with_cluster: bool = False) -> DaemonStatus:
        """Per group and connector: the status documents of SPEC §4; under leases also
        :meth:`lease_status` (``with_cluster``: with every connector's holder, read now)."""
        herder = self.herder
        outage = herder.outage
        return DaemonStatus(
            server_name=self.config.server_name,
            status="degraded" if outage.degraded else "ok",
            degraded_reason=outage.reason,
            degraded_since=outage.since.isoformat() if outage.since else None,
            started_at=self.started_at.isoformat(),
            poll_interval=self.config.poll_interval,
            polls=herder.polls,
            reloads=herder.reloads,
            groups=herder.group_statuses(),
            leases=self.lease_status(with_cluster=with_cluster),
        )


def lease_keeper(store: Store, config: DaemonConfig) -> LeaseKeeper:
    """This process's lease keeper for ``config`` (which has ``leases``)."""
    assert config.leases is not None
    api = config.api
    return LeaseKeeper(
        store,
        name=config.server_name,
        api_url=f"http://{api.host}:{api.port}" if api.enabled else None,
        groups=tuple(config.groups),
        all_groups=config.all_groups,
        settings=LeaseSettings(
            lease_seconds=config.leases.lease_seconds,
            renew_seconds=config.leases.renew_seconds,
            # a renewal slower than this would come after the fence watch stopped the
            # connectors anyway; a server that is slow for a while (just started, busy)
            # gets that long rather than failing every round
            statement_timeout=config.leases.lease_seconds
            - config.leases.renew_seconds
            - LeaseSettings.safety_margin,
        ),
    )
