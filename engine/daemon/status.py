"""The daemon's status documents (SPEC §4) as typed models.

The worker builds them, the control API serves them and the CLI renders them:
one set of models for all three. Field names are the JSON names of SPEC §4
(camelCase aliases), in the order the documents have always had; :meth:`as_dict`
gives the JSON document (times stay ISO-8601 text, as they were produced).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer
from pydantic.alias_generators import to_camel

from engine.daemon.states import ConnectorState

__all__ = [
    "UNASSIGNED",
    "ClusterStatus",
    "ConnectorChangeSet",
    "ConnectorHolder",
    "ConnectorStatus",
    "ControlResult",
    "DaemonEntry",
    "DaemonStatus",
    "GroupStatus",
    "HealthStatus",
    "LeaseStatus",
    "LostConnector",
    "RefreshReport",
    "RunOnceReport",
]

UNASSIGNED = "UNASSIGNED"
"""The holder shown for a connector that no live daemon holds."""


class _Document(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")

    def as_dict(self) -> dict[str, Any]:
        """The JSON document (camelCase names, declaration order)."""
        return self.model_dump(by_alias=True)


class RefreshReport(_Document):
    """What the last refresh did (a connector's activity report)."""

    started: str | None = None
    finished: str | None = None
    counters: dict[str, int] = Field(default_factory=dict)
    failures: list[dict[str, Any]] = Field(default_factory=list)
    """Each ``{"message": ..., "element": ...}`` (element may be absent or None)."""
    created: int = 0
    updated: int = 0
    deleted: int = 0


class ConnectorChangeSet(_Document):
    """The change set whose change restarted a connector (docs/history.md)."""

    id: str | None = None
    """None: changed outside Switchboard, no change set recorded (yet)."""
    time: str | None = None
    user: str | None = None
    summary: str
    outside: bool = False
    """Changed outside Switchboard: a catch-up change set, or none recorded yet."""

    def short(self) -> str:
        """One line for a table: ``id-prefix user: summary``, or the summary alone."""
        if self.id is None:
            return self.summary
        return f"{self.id[:8]} {self.user}: {self.summary}"


class ConnectorStatus(_Document):
    """One registered connector (no secret can appear: errors are redacted)."""

    connector_name: str
    registration_guid: str
    connector_qualified_name: str
    connector_guid: str
    group: str
    state: ConnectorState
    paused: bool = False
    blocking: bool = False
    last_status_change: str | None = None
    last_refresh_start: str | None = None
    last_refresh_end: str | None = None
    last_refresh_duration: float | None = None
    """Seconds."""
    next_refresh: str | None = None
    next_retry: str | None = None
    refresh_time_interval: int | None = None
    """Minutes, as registered (None: the provider's default)."""
    last_error: str | None = None
    last_error_trace: str | None = None
    health_check: str | None = None
    validation_errors: list[str] = Field(default_factory=list)
    restart_count: int = 0
    change_set: ConnectorChangeSet | None = None
    """Since its last restart, when that was for a change of its configuration in the
    graph: the change set that made it."""
    catalog_targets: list[str] = Field(default_factory=list)
    catalog_target_changes: int = 0
    statistics: dict[str, int] = Field(default_factory=dict)
    """``refreshes``, ``refreshFailures``, then the connector's own counters."""
    last_report: RefreshReport | None = None

    @field_serializer("state")
    def _state_name(self, state: ConnectorState) -> str:
        return state.value


class GroupStatus(_Document):
    """One configured integration group and its connectors."""

    qualified_name: str
    found: bool | None = None
    """None until the first load; False once the group was not found."""
    display_name: str | None = None
    description: str | None = None
    guid: str | None = None
    last_refresh_time: str | None = None
    """When the group's configuration was last read from the graph."""
    connectors: list[ConnectorStatus] = Field(default_factory=list)


class DaemonEntry(_Document):
    """A live daemon: its identity, where its control API is, how many leases it holds."""

    id: str
    name: str
    api_url: str | None = None
    started_at: str
    heartbeat_at: str
    groups: list[str]
    all_groups: bool = False
    held: int


class ConnectorHolder(_Document):
    """Which daemon runs one connector, under which epoch, until when."""

    connector_name: str
    group: str
    registration: str
    holder: str
    """The holding daemon's name, or :data:`UNASSIGNED`."""
    holder_id: str | None = None
    holder_api_url: str | None = None
    epoch: int = 0
    lease_expires: str | None = None
    desired_state: str | None = None


class ClusterStatus(_Document):
    """``GET /daemons``: the live daemons and the holder of every connector of the groups."""

    daemons: list[DaemonEntry]
    connectors: list[ConnectorHolder]


class LostConnector(_Document):
    """A connector whose lease this daemon lost (not gave up): stopped, writing nothing more."""

    connector_name: str
    registration_guid: str
    group: str | None = None
    epoch: int
    """The epoch this daemon ran it under."""
    reason: str
    lost_at: str


class LeaseStatus(_Document):
    """Under connector leases: this daemon process, what it holds and lost, who holds what."""

    daemon_id: str
    held: int
    """Connector leases this daemon holds now."""
    lost: list[LostConnector] = Field(default_factory=list)
    """Leases lost and not taken again since, oldest first."""
    cluster: ClusterStatus | None = None
    """The live daemons and every connector's holder, as ``GET /daemons`` shows them."""
    cluster_error: str | None = None
    """Why ``cluster`` could not be read (Neo4j unreachable)."""


class DaemonStatus(_Document):
    """The whole daemon: ``GET /status``."""

    server_name: str
    status: Literal["ok", "degraded"]
    degraded_reason: str | None = None
    degraded_since: str | None = None
    started_at: str
    poll_interval: float
    """Seconds."""
    polls: int = 0
    reloads: int = 0
    groups: list[GroupStatus] = Field(default_factory=list)
    leases: LeaseStatus | None = None
    """Only under connector leases."""

    @property
    def degraded(self) -> bool:
        return self.status == "degraded"

    def connectors(self) -> list[ConnectorStatus]:
        """Every connector of every group."""
        return [c for g in self.groups for c in g.connectors]


class RunOnceReport(DaemonStatus):
    """``daemon run --once``: the status after one pass, and whether it all worked."""

    ok: bool


class HealthStatus(_Document):
    """``GET /health``: liveness and degraded state."""

    status: Literal["ok", "degraded"]
    degraded_reason: str | None = None
    connectors: int = 0


class ControlResult(_Document):
    """What a refresh, restart, pause or resume request affected."""

    operation: str
    connectors: list[str] = Field(default_factory=list)
