"""The synthetic graph's shape as resolved groups made in Python, no Neo4j (the validation
benchmark's in-memory input).

Same shape as :mod:`tests.world.synthetic` (connectors per group, every ``virtual_every``-th
with a VirtualConnection embedding two connections, catalog targets on a pool of folders per
group); guids are uuid5 of the qualifiedName in a namespace of their own.
"""

from __future__ import annotations

import uuid
from typing import Any

from engine import (
    CatalogTargetView,
    ConnectionView,
    ConnectorView,
    ElementView,
    EmbeddedConnectionView,
    RegistrationView,
    ResolvedGroup,
)
from tests.world.rows import stable_guid

NAMESPACE = uuid.UUID("5d2b8f0e-0c55-4f8e-b0b7-9a3c1e7d2f61")


def _guid(qn: str) -> str:
    return stable_guid(NAMESPACE, qn)


def _element(qn: str, type_name: str, **props: Any) -> ElementView:
    return ElementView(guid=_guid(qn), qualifiedName=qn, typeName=type_name, properties=props)


def synthetic_groups(
    groups: int,
    connectors_per_group: int = 100,
    *,
    virtual_every: int = 5,
    targets_per_connector: int = 3,
    folders_per_group: int = 10,
    connector_types: int = 50,
    start: int = 0,
) -> list[ResolvedGroup]:
    """Valid resolved groups in the shape of :mod:`tests.world.synthetic` (pure Python)."""
    types = [
        _element(
            f"bench.connector-type.{k:02d}",
            "ConnectorType",
            connectorProviderClassName=f"bench.providers:Provider{k:02d}",
        )
        for k in range(connector_types)
    ]

    def connection(qn: str, type_name: str, n: int, embedded: list[Any]) -> ConnectionView:
        return ConnectionView(
            guid=_guid(qn),
            qualifiedName=qn,
            typeName=type_name,
            properties={"configurationProperties": {"directory": f"/data/{qn}", "batchSize": 100}},
            connectorType=types[n % connector_types],
            endpoint=_element(f"{qn}.endpoint", "Endpoint", networkAddress=f"file:///data/{qn}"),
            embeddedConnections=embedded,
        )

    out: list[ResolvedGroup] = []
    for i in range(start, start + groups):
        gqn = f"bench.group.{i:04d}"
        folders = [
            _element(f"{gqn}.folder.{f:02d}", "FileFolder", pathName=f"/data/{i}/{f}")
            for f in range(folders_per_group)
        ]
        connectors: list[ConnectorView] = []
        for j in range(connectors_per_group):
            cqn = f"{gqn}.connector.{j:03d}"
            n = i * connectors_per_group + j
            virtual = virtual_every > 0 and j % virtual_every == 0
            embedded = (
                [
                    EmbeddedConnectionView(
                        guid=_guid(f"{cqn}/embedded{e}"),
                        position=e,
                        displayName=f"part{e}",
                        arguments={"role": f"part{e}"},
                        connection=connection(
                            f"{cqn}.connection.embedded{e}", "Connection", n + e, []
                        ),
                    )
                    for e in (1, 2)
                ]
                if virtual
                else []
            )
            root = connection(
                f"{cqn}.connection", "VirtualConnection" if virtual else "Connection", n, embedded
            )
            root.assetQualifiedNames = [cqn]
            targets = [
                CatalogTargetView(
                    relationship={
                        "guid": _guid(f"{cqn}/target{t}"),
                        "catalogTargetName": f"target{t}",
                        "configurationProperties": {"directory": f"/data/{i}/{j}/{t}"},
                    },
                    element=folders[(j + t) % folders_per_group],
                )
                for t in range(targets_per_connector)
            ]
            connectors.append(
                ConnectorView(
                    registration=RegistrationView(
                        guid=_guid(f"{cqn}/registration"),
                        connectorName=f"g{i:04d}-c{j:03d}",
                        refreshTimeInterval=60,
                        permittedSynchronization="FROM_THIRD_PARTY",
                    ),
                    connector=_element(cqn, "IntegrationConnector", usesBlockingCalls=False),
                    connection=root,
                    catalogTargets=targets,
                )
            )
        out.append(ResolvedGroup(group=_element(gqn, "IntegrationGroup"), connectors=connectors))
    return out
