"""A connector that does nothing but record when it started and with which configuration.

The daemon benchmark (benchmarks/daemon_poll.py) runs 1,000 of them through the daemon's
alias map; it lives in its own module so that the daemon's provider registry and the
benchmark see the same :data:`STARTED` also when the benchmark runs as ``__main__``.
"""

from __future__ import annotations

import threading
import time
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from engine.daemon import ConnectorProvider, IntegrationConnectorBase

PROVIDER = "benchmarks.idle_connectors:IdleProvider"

STARTED: dict[str, tuple[float, dict[str, Any]]] = {}
"""connectorName -> (time.monotonic() when start() returned, its configuration)."""
STARTED_LOCK = threading.Lock()


class IdleConfiguration(BaseModel):
    model_config = ConfigDict(extra="allow")


class IdleConnector(IntegrationConnectorBase):
    """Starts, records its configuration, refreshes doing nothing."""

    def start(self) -> None:
        with STARTED_LOCK:
            STARTED[self.context.connector_name] = (
                time.monotonic(),
                self.context.configuration.model_dump(),
            )

    def refresh(self) -> None:
        return None


class IdleProvider(ConnectorProvider):
    connector_class: ClassVar[type[IntegrationConnectorBase]] = IdleConnector
    configuration_schema: ClassVar[type[BaseModel]] = IdleConfiguration
    default_refresh_minutes: ClassVar[int] = 60
    description: ClassVar[str] = "benchmark connector that does nothing"
