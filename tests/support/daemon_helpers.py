"""Build ResolvedGroup documents in Python and drive a supervisor in tests."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from engine import (
    CatalogTargetView,
    ConnectionView,
    ConnectorView,
    ElementView,
    RegistrationView,
    ResolvedGroup,
)
from engine.daemon import DaemonConfig, ManualClock, Supervisor
from engine.graph import Store

FAKE = "tests.support.daemon_fakes:FakeProvider"
BLOCKING = "tests.support.daemon_fakes:BlockingFakeProvider"


def _guid(key: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, key))


def target(name: str, element_type: str = "FileFolder", **config: Any) -> CatalogTargetView:
    return CatalogTargetView(
        relationship={"guid": _guid(f"target:{name}"), "catalogTargetName": name},
        element=ElementView(
            guid=_guid(f"el:{name}"), qualifiedName=f"el.{name}", typeName=element_type
        ),
        effectiveConfiguration=config,
    )


def connector(
    name: str,
    *,
    provider: str = FAKE,
    config: dict[str, Any] | None = None,
    secured: dict[str, str] | None = None,
    refresh: int | None = 60,
    blocking: bool = False,
    targets: Sequence[CatalogTargetView] = (),
    start: datetime | None = None,
    stop: datetime | None = None,
    password: str | None = None,
) -> ConnectorView:
    props: dict[str, Any] = {"configurationProperties": {"key": name, **(config or {})}}
    if secured:
        props["securedProperties"] = secured
    if password:
        props["clearPassword"] = password
    return ConnectorView(
        registration=RegistrationView(
            guid=_guid(f"reg:{name}"),
            connectorName=name,
            refreshTimeInterval=refresh,
            startDate=start,
            connectorShutdownDate=stop,
        ),
        connector=ElementView(
            guid=_guid(f"connector:{name}"),
            qualifiedName=f"connector.{name}",
            typeName="IntegrationConnector",
        ),
        usesBlockingCalls=blocking,
        connection=ConnectionView(
            guid=_guid(f"conn:{name}"),
            qualifiedName=f"conn.{name}",
            typeName="Connection",
            properties=props,
            connectorType=ElementView(
                guid=_guid(f"ct:{provider}"),
                qualifiedName=f"ct.{provider}",
                typeName="ConnectorType",
                properties={"connectorProviderClassName": provider},
            ),
        ),
        catalogTargets=list(targets),
    )


def group(name: str, *connectors: ConnectorView) -> ResolvedGroup:
    return ResolvedGroup(
        group=ElementView(
            guid=_guid(f"group:{name}"), qualifiedName=name, typeName="IntegrationGroup"
        ),
        connectors=list(connectors),
    )


class Holder:
    """A mutable set of groups the injected resolver returns."""

    def __init__(self, *groups: ResolvedGroup) -> None:
        self.groups = list(groups)
        self.calls = 0

    def __call__(self, store: Store, names: Sequence[str]) -> list[ResolvedGroup]:
        self.calls += 1
        return [g for g in self.groups if g.qualified_name in names]


def make_supervisor(
    store: Store,
    holder: Holder,
    *,
    clock: ManualClock | None = None,
    findings: Callable[[Sequence[ResolvedGroup]], list[Any]] | None = None,
    **config: Any,
) -> Supervisor:
    cfg = DaemonConfig.model_validate(
        {
            "groups": [g.qualified_name for g in holder.groups],
            "refreshTimeout": 30,
            "backoffBase": 10,
            "backoffCap": 60,
            "disconnectTimeout": 5,
            **config,
        }
    )
    return Supervisor(
        store,
        cfg,
        clock=clock or ManualClock(),
        resolver=holder,
        validator=findings or (lambda groups: []),
    )


def wait_for(
    predicate: Callable[[], bool], sup: Supervisor | None = None, timeout: float = 20.0
) -> None:
    """Tick ``sup`` until ``predicate`` holds (real time; generous timeout, not a threshold)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sup is not None:
            sup.tick()
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError("condition not reached within the test timeout")


def state(sup: Supervisor, name: str) -> str:
    return sup.find(name)[0].state.value
