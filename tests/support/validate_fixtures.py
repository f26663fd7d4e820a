"""Resolved groups built directly in Python for validator tests (no I/O).

:func:`clean_groups` is a small but complete valid configuration: a plain
connection with connector type and endpoint, a virtual connection embedding a
plain connection and a secrets store (referenced by purpose), secret
references of every kind, catalog targets. :func:`groups_strategy` draws
random valid configurations for property tests.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from hypothesis import strategies as st

from engine import (
    CatalogTargetView,
    ConnectionView,
    ConnectorView,
    ElementView,
    EmbeddedConnectionView,
    RegistrationView,
    ResolvedGroup,
)

NAMESPACE = uuid.UUID("0b8d9f36-1f0e-4f1b-9c55-1f7c3c3e2a10")
GOOD_PROVIDER = "tests.support.validate_providers:GoodProvider"
STORE_PROVIDER = "tests.support.validate_providers:YamlSecretsStoreProvider"


def guid(key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, key))


def element(qn: str, type_name: str, **props: Any) -> ElementView:
    return ElementView(guid=guid(qn), qualifiedName=qn, typeName=type_name, properties=props)


def connector_type(qn: str, provider: str = GOOD_PROVIDER) -> ElementView:
    return element(qn, "ConnectorType", connectorProviderClassName=provider)


def connection(
    qn: str,
    *,
    virtual: bool = False,
    provider: str | None = GOOD_PROVIDER,
    endpoint: str | None = None,
    embedded: list[EmbeddedConnectionView] | None = None,
    assets: list[str] | None = None,
    **props: Any,
) -> ConnectionView:
    return ConnectionView(
        guid=guid(qn),
        qualifiedName=qn,
        typeName="VirtualConnection" if virtual else "Connection",
        properties=props,
        connectorType=connector_type(f"{qn}::type", provider) if provider is not None else None,
        endpoint=element(endpoint, "Endpoint", networkAddress="/tmp/x") if endpoint else None,
        embeddedConnections=embedded or [],
        assetQualifiedNames=assets or [],
    )


def embed(
    child: ConnectionView, position: int = 0, purpose: str | None = None
) -> EmbeddedConnectionView:
    return EmbeddedConnectionView(
        guid=guid(f"embed:{child.qualifiedName}:{position}:{purpose}"),
        position=position,
        displayName=purpose,
        connection=child,
    )


def secrets_store(qn: str, purpose: str) -> EmbeddedConnectionView:
    store = connection(
        qn,
        provider=STORE_PROVIDER,
        endpoint=f"{qn}::file",
        configurationProperties={"secretsCollectionName": "default"},
    )
    return embed(store, 0, purpose)


def target(
    name: str, element_qn: str, *, connection_name: str | None = None, own: list[str] | None = None
) -> CatalogTargetView:
    rel: dict[str, Any] = {"guid": guid(f"target:{name}:{element_qn}"), "catalogTargetName": name}
    if connection_name is not None:
        rel["connectionName"] = connection_name
    return CatalogTargetView(
        relationship=rel,
        element=element(element_qn, "FileFolder"),
        elementConnectionNames=own or [],
    )


def connector(
    group_qn: str,
    name: str,
    conn: ConnectionView | None,
    *,
    targets: list[CatalogTargetView] | None = None,
    **reg: Any,
) -> ConnectorView:
    qn = f"{name}::connector"
    if conn is not None and not conn.assetQualifiedNames:
        conn.assetQualifiedNames = [qn]
    return ConnectorView(
        registration=RegistrationView(
            guid=guid(f"reg:{group_qn}:{qn}:{name}"),
            connectorName=name,
            refreshTimeInterval=reg.pop("refreshTimeInterval", 60),
            **reg,
        ),
        connector=element(qn, "IntegrationConnector"),
        connection=conn,
        catalogTargets=targets or [],
    )


def group(qn: str, connectors: list[ConnectorView]) -> ResolvedGroup:
    return ResolvedGroup(group=element(qn, "IntegrationGroup"), connectors=connectors)


def clean_groups() -> list[ResolvedGroup]:
    """Two groups, three connectors, every feature used correctly."""
    files = connector(
        "g1",
        "files",
        connection("files::conn", endpoint="files::ep", configurationProperties={"dir": "/data"}),
        targets=[
            target("landing", "folder-a", connection_name="folder-a::conn", own=["folder-a::conn"]),
            target("archive", "folder-b"),
        ],
        startDate=datetime(2026, 1, 1, tzinfo=UTC),
        connectorShutdownDate=datetime(2027, 1, 1, tzinfo=UTC),
        permittedSynchronization="FROM_THIRD_PARTY",
    )
    db = connector(
        "g1",
        "db",
        connection(
            "db::conn",
            virtual=True,
            embedded=[
                embed(connection("db::jdbc", endpoint="db::ep", userId="svc"), 1),
                secrets_store("db::secrets", "vault"),
            ],
            securedProperties={"password": "vault:db-password", "token": "env:DB_TOKEN"},
            clearPassword="file:/run/secrets/db",
            configurationProperties={"apiKey": "env:API_KEY"},
        ),
        refreshTimeInterval=0,
    )
    other = connector("g2", "other", connection("other::conn"))
    return [group("g1", [files, db]), group("g2", [other])]


# ------------------------------------------------------------------ random valid groups
@dataclass
class Drawn:
    """Random valid groups plus handles to their parts, for defect injection."""

    groups: list[ResolvedGroup]
    connectors: list[ConnectorView] = field(default_factory=list)
    connections: list[ConnectionView] = field(default_factory=list)
    """Every non-secrets-store connection that runs a connector."""
    virtual: list[ConnectionView] = field(default_factory=list)
    plain_leaves: list[ConnectionView] = field(default_factory=list)
    """Plain connections that are not secrets stores and embed nothing."""
    stores: list[tuple[ConnectionView, EmbeddedConnectionView]] = field(default_factory=list)
    """(parent, embedding) of each secrets-store embedding."""
    embeddings: list[EmbeddedConnectionView] = field(default_factory=list)
    endpoints: list[ElementView] = field(default_factory=list)
    targets: list[tuple[ConnectorView, CatalogTargetView]] = field(default_factory=list)


@st.composite
def groups_strategy(draw: st.DrawFn) -> Drawn:
    counter = iter(range(10**9))

    def qn(kind: str) -> str:
        return f"{kind}-{next(counter)}"

    drawn = Drawn(groups=[])

    def make_connection(depth: int) -> ConnectionView:
        virtual = depth < 3 and draw(st.booleans())
        endpoint = qn("ep") if draw(st.booleans()) else None
        props: dict[str, Any] = {}
        if draw(st.booleans()):
            props["configurationProperties"] = {"dir": "/data", "password": "env:PW"}
        if not virtual:
            conn = connection(qn("conn"), endpoint=endpoint, **props)
            drawn.plain_leaves.append(conn)
        else:
            n = draw(st.integers(1, 3))
            ordered = draw(st.booleans())
            embedded = [
                embed(make_connection(depth + 1), i + 1 if ordered else 0) for i in range(n)
            ]
            if draw(st.booleans()):
                purpose = qn("purpose")
                store = secrets_store(qn("store"), purpose)
                embedded.append(store)
                props["securedProperties"] = {"password": f"{purpose}:pw"}
            conn = connection(
                qn("vconn"), virtual=True, endpoint=endpoint, embedded=embedded, **props
            )
            drawn.virtual.append(conn)
            for link in embedded:
                drawn.embeddings.append(link)
                if link.displayName is not None:
                    drawn.stores.append((conn, link))
        if conn.endpoint is not None:
            drawn.endpoints.append(conn.endpoint)
        drawn.connections.append(conn)
        return conn

    for _ in range(draw(st.integers(1, 3))):
        group_qn = qn("group")
        members: list[ConnectorView] = []
        for _ in range(draw(st.integers(1, 4))):
            name = qn("connector")
            targets = []
            for _ in range(draw(st.integers(0, 2))):
                elem = qn("folder")
                own = [f"{elem}::conn"] if draw(st.booleans()) else []
                targets.append(
                    target(qn("target"), elem, connection_name=own[0] if own else None, own=own)
                )
            view = connector(group_qn, name, make_connection(0), targets=targets)
            members.append(view)
            drawn.connectors.append(view)
            drawn.targets.extend((view, t) for t in targets)
        drawn.groups.append(group(group_qn, members))
    return drawn
