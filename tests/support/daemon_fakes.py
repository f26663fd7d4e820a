"""Real connector classes for daemon tests: they succeed, raise, hang, flap and block.

Behaviour is chosen by the connection's configurationProperties ``mode``; every
instance records its calls in :data:`CALLS` (keyed by ``key``), so tests can
see what the daemon did without mocking anything.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from engine import StoreUnavailableError
from engine.daemon import ConnectorProvider, IntegrationConnectorBase, RequestedCatalogTarget

CALLS: dict[str, list[str]] = defaultdict(list)
RELEASE: dict[str, threading.Event] = defaultdict(threading.Event)
SEEN: dict[str, Any] = {}
FLAPS: dict[str, int] = defaultdict(int)


def reset() -> None:
    CALLS.clear()
    for event in RELEASE.values():
        event.set()
    RELEASE.clear()
    SEEN.clear()
    FLAPS.clear()


class FakeConfig(BaseModel):
    model_config = ConfigDict(extra="allow")

    mode: str = "ok"
    key: str = "default"
    flaps: int = 1


class FakeConnector(IntegrationConnectorBase):
    @property
    def cfg(self) -> FakeConfig:
        assert isinstance(self.context.configuration, FakeConfig)
        return self.context.configuration

    def _record(self, what: str) -> None:
        CALLS[self.cfg.key].append(what)

    def start(self) -> None:
        self._record("start")
        SEEN[self.cfg.key] = self.context
        if self.cfg.mode == "start-raises":
            raise RuntimeError("cannot start")
        if self.cfg.mode == "flap-start" and FLAPS[self.cfg.key] < self.cfg.flaps:
            FLAPS[self.cfg.key] += 1
            raise ConnectionError("dependency down")
        if self.cfg.mode == "leaks-secret":
            raise RuntimeError(f"bad password {self.context.connection.secret('password')}")

    def refresh(self) -> None:
        self._record("refresh")
        mode = self.cfg.mode
        if mode == "raises":
            raise ValueError("refresh exploded")
        if mode == "hangs":
            RELEASE[self.cfg.key].wait(60)
        if mode == "store-down" and FLAPS[self.cfg.key] < self.cfg.flaps:
            FLAPS[self.cfg.key] += 1
            raise StoreUnavailableError("cannot reach Neo4j (test)")
        if mode == "counts":
            self.context.report.count("things", 3)

    def engage(self) -> None:
        self._record("engage")
        if self.cfg.mode == "engage-raises":
            raise RuntimeError("engage exploded")
        self.context.stop_event.wait(60)
        self._record("engage-returned")

    def catalog_targets_changed(
        self,
        added: Sequence[RequestedCatalogTarget],
        changed: Sequence[RequestedCatalogTarget],
        removed: Sequence[RequestedCatalogTarget],
    ) -> None:
        self._record(
            "targets:"
            + ",".join(f"+{t.name}" for t in added)
            + ",".join(f"~{t.name}" for t in changed)
            + ",".join(f"-{t.name}" for t in removed)
        )

    def check(self) -> str | None:
        return "disk nearly full" if self.cfg.mode == "unhealthy" else None

    def disconnect(self) -> None:
        self._record("disconnect")


class FakeProvider(ConnectorProvider):
    connector_class = FakeConnector
    configuration_schema = FakeConfig
    default_refresh_minutes = 60
    description = "test connector"


class BlockingFakeProvider(FakeProvider):
    blocking = True


class NotAProvider:
    """Used to check that a class that is not a provider is refused."""
