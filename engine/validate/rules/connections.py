"""Rules 6-8 of SPEC §3: connections, connector types, endpoints (SB010-SB016)."""

from __future__ import annotations

from collections.abc import Iterator

from engine.typesystem import ASSET_CONNECTION, CONNECT_TO_ENDPOINT, CONNECTION_CONNECTOR_TYPE
from engine.validate.context import Context
from engine.validate.findings import Hit
from engine.validate.registry import rule
from engine.validate.rules.common import is_blank


@rule("SB010", "error", "Registered connector without a connection", spec="§3 rule 6")
def _no_connection(ctx: Context) -> Iterator[Hit]:
    """A connector is built from its connection: without one there is nothing to run
    (Egeria skips such a connector silently; Switchboard refuses it)."""
    out = ctx.out[ASSET_CONNECTION]
    for _, connector, key, _ in ctx.registrations():
        if not out.get(connector):
            yield Hit(
                f"connector {ctx.name(connector)} ({ctx.connector_name(key)}) has no connection",
                "link exactly one Connection to the connector with AssetConnection",
                (ctx.name(connector),),
                registration=key,
            )


@rule("SB011", "error", "Registered connector with several connections", spec="§3 rule 6")
def _several_connections(ctx: Context) -> Iterator[Hit]:
    """A connector needs exactly one connection; with two, which one runs is arbitrary."""
    out = ctx.out[ASSET_CONNECTION]
    for _, connector, key, _ in ctx.registrations():
        links = out.get(connector)
        if not links or len(links) < 2:
            continue
        conns = sorted({ctx.name(v) for v, _, _ in links})
        if len(conns) > 1:
            yield Hit(
                f"connector {ctx.name(connector)} ({ctx.connector_name(key)}) has "
                f"{len(conns)} connections: {', '.join(conns)}",
                "keep one AssetConnection; embed the others in a VirtualConnection if needed",
                (ctx.name(connector), *conns),
                registration=key,
            )


@rule("SB012", "error", "Connection belongs to several assets", spec="§3 rule 7")
def _shared_connection(ctx: Context) -> Iterator[Hit]:
    """A connection belongs to at most one asset: changing it for one connector would
    silently change the others."""
    inn = ctx.inn[ASSET_CONNECTION]
    for key in dict.fromkeys(ctx.with_assets):
        links = inn.get(key, ())
        resolved = ctx.nodes[key]["assetQualifiedNames"]
        if len(links) + len(resolved) < 2:
            continue
        assets = {ctx.name(u) for u, _, _ in links}
        assets.update(resolved)
        if len(assets) > 1:
            names = sorted(assets)
            yield Hit(
                f"connection {ctx.name(key)} belongs to {len(names)} assets: {', '.join(names)}",
                "give each asset its own copy of the connection",
                (ctx.name(key), *names),
                (key,),
            )


@rule("SB013", "error", "Connection without a connector type", spec="§3 rule 8")
def _no_connector_type(ctx: Context) -> Iterator[Hit]:
    """A connection that runs a connector (a registered connector's connection, or one it
    embeds) names the connector's provider through exactly one ConnectorType."""
    out = ctx.out[CONNECTION_CONNECTOR_TYPE]
    for conn in ctx.runtime_connections():
        if not out.get(conn):
            yield Hit(
                f"connection {ctx.name(conn)} has no connector type",
                "link a ConnectorType with ConnectionConnectorType",
                (ctx.name(conn),),
                (conn,),
            )


@rule("SB014", "error", "Connection with several connector types", spec="§3 rule 8")
def _several_connector_types(ctx: Context) -> Iterator[Hit]:
    """A connection has at most one connector type; with two, which provider runs is
    arbitrary."""
    out = ctx.out[CONNECTION_CONNECTOR_TYPE]
    for conn in ctx.runtime_connections():
        links = out.get(conn)
        if not links or len(links) < 2:
            continue
        types = sorted({ctx.name(v) for v, _, _ in links})
        if len(types) > 1:
            yield Hit(
                f"connection {ctx.name(conn)} has {len(types)} connector types: {', '.join(types)}",
                "keep exactly one ConnectionConnectorType",
                (ctx.name(conn), *types),
                (conn,),
            )


@rule("SB015", "error", "Connector type without connectorProviderClassName", spec="§3 rule 8")
def _no_provider_class(ctx: Context) -> Iterator[Hit]:
    """The connectorProviderClassName is what the daemon loads; without it the connector
    cannot be built."""
    for ct in ctx.runtime_connector_types():
        if is_blank(ctx.props(ct).get("connectorProviderClassName")):
            proxy = ctx.node(ct)["isProxy"]
            yield Hit(
                f"connector type {ctx.name(ct)} has no connectorProviderClassName"
                + (" (it is only a proxy from an archive import)" if proxy else ""),
                "set connectorProviderClassName to the provider's import path "
                "'package.module:Class'"
                + (", or import the archive that defines the connector type" if proxy else ""),
                (ctx.name(ct),),
                (ct,),
            )


@rule("SB016", "error", "Connection with several endpoints", spec="§3 rule 8")
def _several_endpoints(ctx: Context) -> Iterator[Hit]:
    """A connection has at most one endpoint; with two, where the connector connects is
    arbitrary."""
    for conn, links in ctx.out[CONNECT_TO_ENDPOINT].items():
        if len(links) < 2:
            continue
        eps = sorted({ctx.name(v) for v, _, _ in links})
        if len(eps) > 1:
            yield Hit(
                f"connection {ctx.name(conn)} has {len(eps)} endpoints: {', '.join(eps)}",
                "keep one ConnectToEndpoint; embed a second connection for a second endpoint",
                (ctx.name(conn), *eps),
                (conn,),
            )
