"""A synthetic Egeria open metadata archive (the archive import benchmark's and the crash
tests' input).

About ``entities`` entities: connector types, then per connector unit a connector, a
connection, an endpoint and a catalog-target folder, registered in groups of ``per_group``;
5 relationships per unit. Guids and times are fixed, so the same arguments give the same
text.
"""

from __future__ import annotations

import json
from typing import Any

from engine.declare.egeria import encode_value

T0 = 1767225600000


# ------------------------------------------------------------------ synthetic archive
def _props(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "class": "InstanceProperties",
        "instanceProperties": {k: encode_value(k, v) for k, v in values.items()},
    }


def _header() -> dict[str, Any]:
    return {"createdBy": "bench", "updatedBy": "bench", "createTime": T0, "updateTime": T0}


def _entity(guid: str, type_name: str, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "class": "EntityDetail",
        "type": {"class": "InstanceType", "typeDefName": type_name},
        **_header(),
        "version": 1,
        "guid": guid,
        "classifications": [
            {
                "class": "Classification",
                "type": {"class": "InstanceType", "typeDefName": "Anchors"},
                "properties": _props({"anchorGUID": guid}),
            }
        ],
        "properties": _props(values),
    }


def _proxy(guid: str, type_name: str, qualified_name: str) -> dict[str, Any]:
    return {
        "class": "EntityProxy",
        "type": {"class": "InstanceType", "typeDefName": type_name},
        "guid": guid,
        "uniqueProperties": _props({"qualifiedName": qualified_name}),
    }


def _rel(
    guid: str, type_name: str, one: dict[str, Any], two: dict[str, Any], values: dict[str, Any]
) -> dict[str, Any]:
    return {
        "class": "Relationship",
        "type": {"class": "InstanceType", "typeDefName": type_name},
        **_header(),
        "version": 1,
        "guid": guid,
        "entityOneProxy": one,
        "entityTwoProxy": two,
        "properties": _props(values),
    }


def _guid(kind: int, n: int) -> str:
    return f"{kind:08x}-0000-4000-8000-{n:012d}"


def synthetic_archive(entities: int, per_group: int = 100, connector_types: int = 10) -> str:
    """Archive JSON text with about ``entities`` entities (see the module docstring)."""
    units = max(1, (entities - connector_types) // 4)
    groups = max(1, units // per_group)
    ents: list[dict[str, Any]] = []
    rels: list[dict[str, Any]] = []
    ct_refs = []
    for t in range(connector_types):
        qn = f"bench:connector-type:{t}"
        ents.append(
            _entity(
                _guid(1, t),
                "ConnectorType",
                {
                    "qualifiedName": qn,
                    "connectorProviderClassName": f"bench.Provider{t}",
                    "recognizedConfigurationProperties": ["directory", "pattern"],
                },
            )
        )
        ct_refs.append(_proxy(_guid(1, t), "ConnectorType", qn))
    group_refs = []
    for gi in range(groups):
        qn = f"bench:group:{gi:04d}"
        ents.append(_entity(_guid(2, gi), "IntegrationGroup", {"qualifiedName": qn}))
        group_refs.append(_proxy(_guid(2, gi), "IntegrationGroup", qn))
    rel_n = 0
    for u in range(units):
        names = {
            "IntegrationConnector": f"bench:connector:{u:06d}",
            "Connection": f"bench:connection:{u:06d}",
            "Endpoint": f"bench:endpoint:{u:06d}",
            "FileFolder": f"bench:folder:{u:06d}",
        }
        connector = _entity(
            _guid(3, u),
            "IntegrationConnector",
            {"qualifiedName": names["IntegrationConnector"], "usesBlockingCalls": False},
        )
        connection = _entity(
            _guid(4, u),
            "Connection",
            {
                "qualifiedName": names["Connection"],
                "configurationProperties": {"directory": f"/data/{u}", "depth": 2},
            },
        )
        endpoint = _entity(
            _guid(5, u), "Endpoint", {"qualifiedName": names["Endpoint"], "networkAddress": "h:1"}
        )
        folder = _entity(
            _guid(6, u), "FileFolder", {"qualifiedName": names["FileFolder"], "pathName": "/d"}
        )
        ents.extend([connector, connection, endpoint, folder])
        c_ref = _proxy(_guid(3, u), "IntegrationConnector", names["IntegrationConnector"])
        n_ref = _proxy(_guid(4, u), "Connection", names["Connection"])
        for type_name, one, two, values in (
            (
                "RegisteredIntegrationConnector",
                group_refs[u % groups],
                c_ref,
                {"connectorName": f"c{u}", "refreshTimeInterval": 60},
            ),
            ("AssetConnection", c_ref, n_ref, {}),
            ("ConnectionConnectorType", n_ref, ct_refs[u % connector_types], {}),
            (
                "ConnectToEndpoint",
                n_ref,
                _proxy(_guid(5, u), "Endpoint", names["Endpoint"]),
                {},
            ),
            (
                "CatalogTarget",
                c_ref,
                _proxy(_guid(6, u), "FileFolder", names["FileFolder"]),
                {"catalogTargetName": "inbox", "configurationProperties": {"pattern": "*.csv"}},
            ),
        ):
            rels.append(_rel(_guid(7, rel_n), type_name, one, two, values))
            rel_n += 1
    doc = {
        "class": "OpenMetadataArchive",
        "archiveProperties": {"archiveName": "Synthetic", "originatorName": "bench"},
        "archiveInstanceStore": {"entities": ents, "relationships": rels},
    }
    return json.dumps(doc)
