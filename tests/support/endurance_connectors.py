"""Connector provider for the daemon endurance test (run inside the daemon process).

Behaviour comes from the connection's configurationProperties:

* ``mode: ok`` - every refresh succeeds without touching Neo4j;
* ``mode: write`` - every refresh upserts one Asset (``endurance.out.<key>``) whose
  description changes each time, so it needs Neo4j and each successful refresh adds
  exactly one to that element's ``version``;
* ``mode: fail-start`` - ``start()`` always raises (a dependency that never comes up);
* ``mode: flap`` - every other refresh raises (the first one succeeds).

Each refresh counts ``tag:<tag>`` in its report, so the daemon's status
(``lastReport.counters``) shows which configuration the running instance has.
Counters are per connector ``key`` and live as long as the daemon process, so a
flapping connector keeps alternating across restarts.
"""

from __future__ import annotations

import threading
from collections import defaultdict

from pydantic import BaseModel, ConfigDict

from engine.daemon import CataloguedElement, ConnectorProvider, IntegrationConnectorBase

_LOCK = threading.Lock()
_ATTEMPTS: dict[str, int] = defaultdict(int)


def out_qualified_name(key: str) -> str:
    """The element a ``write`` connector keeps upserting."""
    return f"endurance.out.{key}"


class EnduranceConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mode: str = "ok"
    key: str
    tag: str = "v1"


class EnduranceConnector(IntegrationConnectorBase):
    @property
    def cfg(self) -> EnduranceConfig:
        assert isinstance(self.context.configuration, EnduranceConfig)
        return self.context.configuration

    def start(self) -> None:
        if self.cfg.mode == "fail-start":
            raise ConnectionError(f"{self.cfg.key}: dependency never comes up")

    def refresh(self) -> None:
        cfg = self.cfg
        with _LOCK:
            _ATTEMPTS[cfg.key] += 1
            attempt = _ATTEMPTS[cfg.key]
        self.context.report.count(f"tag:{cfg.tag}")
        if cfg.mode == "flap" and attempt % 2 == 0:
            raise RuntimeError(f"{cfg.key}: flapped (refresh {attempt})")
        if cfg.mode == "write":
            self.context.writer.upsert(
                [
                    CataloguedElement(
                        "Asset",
                        out_qualified_name(cfg.key),
                        {"description": f"refresh attempt {attempt}"},
                    )
                ]
            )


class EnduranceProvider(ConnectorProvider):
    connector_class = EnduranceConnector
    configuration_schema = EnduranceConfig
    default_refresh_minutes = 1
    description = "endurance test connector"
