"""Rule 15 of SPEC §3, run by validate --deep: connector providers load and fit (SB030-SB032)."""

from __future__ import annotations

from collections.abc import Iterator

from engine.typesystem import ASSET_CONNECTION, CONNECTION_CONNECTOR_TYPE
from engine.validate.context import Context
from engine.validate.findings import Hit
from engine.validate.providers import LoadedProviders, is_integration_provider
from engine.validate.registry import rule
from engine.validate.rules.common import as_map, is_blank


def _top_connections(ctx: Context) -> dict[str, list[str]]:
    """registered connectors' own connections -> their connector types (in graph order)."""
    found: dict[str, list[str]] = {}
    for _, connector, _, _ in ctx.registrations():
        for conn, _, _ in ctx.out[ASSET_CONNECTION].get(connector, ()):
            found[conn] = [ct for ct, _, _ in ctx.out[CONNECTION_CONNECTOR_TYPE].get(conn, ())]
    return found


def _providers(ctx: Context) -> LoadedProviders:
    """The providers loaded in this validation (shared by SB030-SB032)."""
    cached = ctx.cache.get("providers")
    if not isinstance(cached, LoadedProviders):
        cached = LoadedProviders()
        ctx.cache["providers"] = cached
    return cached


@rule("SB030", "error", "Connector provider cannot be loaded", spec="§3 rule 15", deep=True)
def _provider_loadable(ctx: Context) -> Iterator[Hit]:
    """validate --deep loads each connectorProviderClassName the way the daemon does
    (an alias, 'package.module:Class' or an entry-point name); a provider that does
    not load cannot run."""
    providers = _providers(ctx)
    seen: set[str] = set()
    for conn in ctx.runtime_connections():
        for ct, _, _ in ctx.out[CONNECTION_CONNECTOR_TYPE].get(conn, ()):
            name = ctx.props(ct).get("connectorProviderClassName")
            if ct in seen or is_blank(name):
                continue
            seen.add(ct)
            _, error = providers.get(str(name))
            if error is not None:
                hint = getattr(error, "hint", None)
                yield Hit(
                    f"connector type {ctx.name(ct)}: provider '{name}' cannot be loaded "
                    f"({type(error).__name__}: {getattr(error, 'message', error)})",
                    hint
                    or "install the package that provides it, or fix connectorProviderClassName "
                    "('package.module:Class')",
                    (ctx.name(ct),),
                    (ct,),
                )


@rule(
    "SB031",
    "error",
    "Provider does not produce an integration connector",
    spec="§3 rule 15",
    deep=True,
)
def _provider_kind(ctx: Context) -> Iterator[Hit]:
    """The provider of a registered connector's own connection must be an integration
    connector provider (engine.providers.sdk.ConnectorProvider), not e.g. a secrets-store
    provider."""
    providers = _providers(ctx)
    seen: set[str] = set()
    for types in _top_connections(ctx).values():
        for ct in types:
            name = ctx.props(ct).get("connectorProviderClassName")
            if ct in seen or is_blank(name):
                continue
            seen.add(ct)
            provider, error = providers.get(str(name))
            if error is not None:
                continue  # SB030
            ok, problem = is_integration_provider(provider)
            if not ok:
                yield Hit(
                    f"connector type {ctx.name(ct)}: provider '{name}' {problem}",
                    "point connectorProviderClassName at an integration connector provider",
                    (ctx.name(ct),),
                    (ct,),
                )


@rule(
    "SB032",
    "error",
    "Connection configuration does not fit the provider's schema",
    spec="§3 rule 15",
    deep=True,
)
def _configuration_fits(ctx: Context) -> Iterator[Hit]:
    """A provider declares the configurationProperties it accepts; validate --deep
    checks each registered connector's connection against that schema."""
    providers = _providers(ctx)
    for conn, types in _top_connections(ctx).items():
        if len(types) != 1:
            continue  # SB013 / SB014
        name = ctx.props(types[0]).get("connectorProviderClassName")
        if is_blank(name):
            continue
        provider, error = providers.get(str(name))
        parse = getattr(provider, "parse_configuration", None)
        if error is not None or not callable(parse) or isinstance(provider, type):
            continue
        config = as_map(ctx.props(conn).get("configurationProperties"))
        try:
            parse(config, where=f"connection {ctx.name(conn)}")
        except Exception as exc:
            yield Hit(
                str(getattr(exc, "message", exc)),
                str(getattr(exc, "hint", None) or "fix the connection's configurationProperties"),
                (ctx.name(conn), ctx.name(types[0])),
                (conn,),
            )
