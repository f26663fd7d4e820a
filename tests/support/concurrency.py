"""Manifests and connection settings for tests that write from several processes at once."""

from __future__ import annotations

from typing import Any

from tests import conftest


def concurrent_manifest(worker: int, round_: int) -> dict[str, Any]:
    """Shared elements declared identically by everyone, a counter each round changes,
    and connectors of the worker's own."""
    shared_connector = {
        "qualifiedName": "c-shared",
        "registration": {"connectorName": "shared", "refreshTimeInterval": 5},
        "connection": {
            "qualifiedName": "conn-shared",
            "connectorType": "ct",
            "endpoint": "ep",
        },
        "catalogTargets": [{"element": "folder", "catalogTargetName": "t"}],
    }
    own = [
        {
            "qualifiedName": f"c-{worker}-{k}",
            "registration": {"connectorName": f"own-{worker}-{k}"},
            "connection": {
                "qualifiedName": f"conn-{worker}-{k}",
                "connectorType": "ct",
                "endpoint": "ep",
            },
            "catalogTargets": [{"element": "folder", "catalogTargetName": f"t-{worker}-{k}"}],
        }
        for k in range(3)
    ]
    return {
        "connectorTypes": [{"qualifiedName": "ct", "connectorProviderClassName": "m:P"}],
        "endpoints": [{"qualifiedName": "ep", "networkAddress": "/data"}],
        "elements": [
            {"typeName": "FileFolder", "qualifiedName": "folder"},
            {
                "typeName": "Asset",
                "qualifiedName": "counter",
                "description": f"worker {worker} round {round_}",
            },
        ],
        "integrationGroups": [
            {"qualifiedName": "g-shared", "connectors": [shared_connector]},
            {"qualifiedName": f"g-{worker % 2}", "connectors": own},
        ],
    }


def server_settings(server: conftest.TestServer) -> dict[str, Any]:
    s = server.settings
    return {"uri": s.uri, "username": s.username, "password": s.password}
