"""Synthetic manifest files: ``groups`` x ``per_group`` connectors (the apply benchmark's and
the crash tests' input).

Each connector has its own connection, endpoint and registration, a connector type drawn
from a shared pool of :data:`CONNECTOR_TYPES` and 2 catalog targets (FileFolder elements from
a pool of :data:`FOLDERS`); ``shared.json`` declares the pools, ``group-NNN.json`` one group.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CONNECTOR_TYPES = 50
FOLDERS = 1000


def connector_doc(g: int, i: int) -> dict[str, Any]:
    n = g * 1000 + i
    return {
        "qualifiedName": f"bench:connector:{g:03d}:{i:03d}",
        "displayName": f"Connector {g}/{i}",
        "registration": {
            "connectorName": f"bench-{g:03d}-{i:03d}",
            "refreshTimeInterval": 5,
            "permittedSynchronization": "FROM_THIRD_PARTY",
        },
        "connection": {
            "qualifiedName": f"bench:connection:{g:03d}:{i:03d}",
            "connectorType": f"bench:connector-type:{n % CONNECTOR_TYPES:02d}",
            "endpoint": {
                "qualifiedName": f"bench:endpoint:{g:03d}:{i:03d}",
                "networkAddress": f"/data/{g}/{i}",
            },
            "configurationProperties": {"batchSize": 100, "mode": "incremental"},
        },
        "catalogTargets": [
            {
                "element": f"bench:folder:{(n * 2 + k) % FOLDERS:04d}",
                "catalogTargetName": f"target-{k}",
                "configurationProperties": {"pattern": f"*.{k}"},
            }
            for k in range(2)
        ],
    }


def shared_doc() -> dict[str, Any]:
    return {
        "connectorTypes": [
            {
                "qualifiedName": f"bench:connector-type:{t:02d}",
                "connectorProviderClassName": f"bench.providers:Provider{t}",
            }
            for t in range(CONNECTOR_TYPES)
        ],
        "elements": [
            {"typeName": "FileFolder", "qualifiedName": f"bench:folder:{f:04d}"}
            for f in range(FOLDERS)
        ],
    }


def group_doc(g: int, per_group: int) -> dict[str, Any]:
    return {
        "integrationGroups": [
            {
                "qualifiedName": f"bench:group:{g:03d}",
                "connectors": [connector_doc(g, i) for i in range(per_group)],
            }
        ]
    }


def write_manifest_files(folder: Path, groups: int, per_group: int) -> list[Path]:
    """``shared.json`` (connector types, folders) and ``group-NNN.json`` per group in ``folder``."""
    paths = [folder / "shared.json"]
    paths[0].write_text(json.dumps(shared_doc()))
    for g in range(groups):
        path = folder / f"group-{g:03d}.json"
        path.write_text(json.dumps(group_doc(g, per_group)))
        paths.append(path)
    return paths
