"""Who runs what, seen from any daemon: live daemons and the holder of each connector.

Read from the graph (``(:Daemon)`` heartbeats and ``(:ConnectorLease)`` nodes), so every
daemon of a set that shares groups answers the same; served as ``GET /daemons`` and shown
by ``switchboard daemon list``. A connector whose lease no live daemon holds is
``UNASSIGNED``.
"""

from __future__ import annotations

from collections.abc import Iterable

from engine.daemon.leases import LeaseState, lease_states, live_daemons
from engine.daemon.spec import ConnectorSpec
from engine.daemon.status import (
    UNASSIGNED,
    ClusterStatus,
    ConnectorHolder,
    DaemonEntry,
)
from engine.graph.store import Store

__all__ = ["UNASSIGNED", "ClusterStatus", "ConnectorHolder", "DaemonEntry", "cluster_status"]


def cluster_status(
    store: Store, specs: Iterable[ConnectorSpec], *, live_seconds: float
) -> ClusterStatus:
    """The live daemons and, for each connector of ``specs``, its holder (read now)."""
    daemons = live_daemons(store, live_seconds=live_seconds)
    live = {d.id for d in daemons}
    specs = sorted(specs, key=lambda s: (s.group, s.name))
    states = lease_states(store, (s.identity for s in specs))
    connectors = [_holder(spec, states.get(spec.identity), live) for spec in specs]
    return ClusterStatus(
        daemons=[
            DaemonEntry(
                id=d.id,
                name=d.name,
                api_url=d.api_url,
                started_at=d.started_at,
                heartbeat_at=d.heartbeat_at,
                groups=list(d.groups),
                all_groups=d.all_groups,
                held=d.held,
            )
            for d in daemons
        ],
        connectors=connectors,
    )


def _holder(spec: ConnectorSpec, state: LeaseState | None, live: set[str]) -> ConnectorHolder:
    base = ConnectorHolder(
        connector_name=spec.name,
        group=spec.group,
        registration=spec.identity,
        holder=UNASSIGNED,
        epoch=state.epoch if state else 0,
        desired_state=state.desired_state if state else None,
    )
    if state is None or state.expired or state.holder not in live:
        return base
    return base.model_copy(
        update={
            "holder": state.holder_name or state.holder,
            "holder_id": state.holder,
            "holder_api_url": state.holder_api_url,
            "lease_expires": state.expires_at,
        }
    )
