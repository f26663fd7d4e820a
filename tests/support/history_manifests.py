"""The small manifests the history tests apply: one connector type, one group, connectors
named as given, each with a connection ``<name>-conn`` of that type."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def group_manifest(
    group: str,
    connectors: Iterable[str],
    *,
    port: int | None = None,
    interval: int | None = None,
    endpoint: str | None = None,
) -> dict[str, Any]:
    """The manifest of ``group`` with ``connectors`` (in the order given). ``port`` goes into
    each connection's configuration properties, ``interval`` into each registration's
    refresh interval, ``endpoint`` into an endpoint ``<name>-ep`` of each connection."""

    def connector(name: str) -> dict[str, Any]:
        registration: dict[str, Any] = {"connectorName": name}
        if interval is not None:
            registration["refreshTimeInterval"] = interval
        connection: dict[str, Any] = {"qualifiedName": f"{name}-conn", "connectorType": "ct"}
        if port is not None:
            connection["configurationProperties"] = {"port": port}
        if endpoint is not None:
            connection["endpoint"] = {"qualifiedName": f"{name}-ep", "networkAddress": endpoint}
        return {"qualifiedName": name, "registration": registration, "connection": connection}

    return {
        "connectorTypes": [{"qualifiedName": "ct", "connectorProviderClassName": "m:P"}],
        "integrationGroups": [
            {"qualifiedName": group, "connectors": [connector(name) for name in connectors]}
        ],
    }
