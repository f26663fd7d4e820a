"""The state of one connector at run time, grouped by concern.

A :class:`~engine.daemon.runtime.ConnectorRuntime` holds one of each and changes
them under its lock: :class:`Schedule` (when it refreshes next),
:class:`Statistics` (counts and times), :class:`Failure` (what went wrong last),
:class:`Backoff` (retries of a failed start) and :class:`Instance` (the connector
object while it runs).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime

from engine.daemon.instantiate import SecretResources
from engine.providers.sdk import (
    ConnectorContext,
    ConnectorProvider,
    ConnectorReport,
    IntegrationConnectorBase,
)


@dataclass
class Schedule:
    """When the connector refreshes next (monotonic seconds)."""

    paused: bool = False
    refresh_requested: bool = False
    refreshed_once: bool = False
    next_refresh_mono: float | None = None

    def due(self, mono: float) -> bool:
        """Whether a WAITING connector should refresh at ``mono``."""
        if self.paused and not self.refresh_requested:
            return False
        if self.refresh_requested or not self.refreshed_once:
            return self.next_refresh_mono is None or mono >= self.next_refresh_mono
        return self.next_refresh_mono is not None and mono >= self.next_refresh_mono


@dataclass
class Statistics:
    """Counts and times of refreshes, restarts and catalog-target changes."""

    refreshes: int = 0
    refresh_failures: int = 0
    restarts: int = 0
    target_changes: int = 0
    counters: dict[str, int] = field(default_factory=dict)
    """The connectors' own counters, summed over refreshes."""
    last_report: ConnectorReport | None = None
    last_refresh_start: datetime | None = None
    last_refresh_end: datetime | None = None
    last_refresh_duration: float | None = None
    """Seconds."""

    def add_report(self, report: ConnectorReport) -> None:
        self.last_report = report
        self.refreshes += 1
        for key, value in report.counters.items():
            self.counters[key] = self.counters.get(key, 0) + value


@dataclass
class Failure:
    """What went wrong last (every text redacted)."""

    last_error: str | None = None
    last_trace: str | None = None
    last_check: str | None = None
    """What the connector's check() last reported (None: healthy or no check)."""

    def clear(self) -> None:
        self.last_error = None
        self.last_trace = None


@dataclass
class Backoff:
    """Retries of a connector whose start failed."""

    attempts: int = 0
    retry_mono: float | None = None

    def reset(self) -> None:
        self.attempts = 0
        self.retry_mono = None


@dataclass
class Instance:
    """The connector object while it runs, and what it was given."""

    connector: IntegrationConnectorBase | None = None
    context: ConnectorContext | None = None
    provider: ConnectorProvider | None = None
    blocking: bool = False
    engage_thread: threading.Thread | None = None
    stop_event: threading.Event = field(default_factory=threading.Event)
    resources: SecretResources = field(default_factory=SecretResources)
