"""Finding connector providers by ``connectorProviderClassName``.

A name is, in this order: an alias (the daemon configuration's map, over
:data:`DEFAULT_ALIASES`, so groups that name Egeria's Java provider classes
run with Python implementations), a ``package.module:Class`` import path, or
a name registered under the ``switchboard.connectors`` entry-point group.
A provider that cannot be loaded is reported with the reason, never skipped
silently.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

from engine.errors import ProviderLoadError
from engine.providers.sdk import ConnectorProvider, SecretsStoreProvider

ENTRY_POINT_GROUP = "switchboard.connectors"

BUILTIN_PROVIDERS: dict[str, str] = {
    "data-files-monitor": "engine.connectors.files:DataFilesMonitorProvider",
    "sql-database-cataloguer": "engine.connectors.sql:SqlDatabaseCataloguerProvider",
    "yaml-secrets-store": "engine.connectors.secrets:YamlSecretsStoreProvider",
}
"""Built-in providers by short name (also declared as entry points in pyproject.toml)."""

DEFAULT_ALIASES: dict[str, str] = {
    "org.odpi.openmetadata.adapters.connectors.integration.basicfiles."
    "DataFilesMonitorIntegrationProvider": BUILTIN_PROVIDERS["data-files-monitor"],
    "org.odpi.openmetadata.adapters.connectors.integration.jdbc."
    "JDBCIntegrationConnectorProvider": BUILTIN_PROVIDERS["sql-database-cataloguer"],
    "org.odpi.openmetadata.adapters.connectors.secretsstore.yaml."
    "YAMLSecretsStoreProvider": BUILTIN_PROVIDERS["yaml-secrets-store"],
}
"""Egeria Java provider class names that run with a built-in Python provider."""

AnyProvider = ConnectorProvider | SecretsStoreProvider


@dataclass(frozen=True)
class ProviderInfo:
    """One provider as ``switchboard connectors list`` shows it."""

    name: str
    target: str
    source: str
    """'builtin', 'entry-point' or 'alias'."""
    enabled: bool
    reason: str | None = None
    kind: str | None = None
    """'integration-connector' or 'secrets-store'."""
    blocking: bool | None = None
    default_refresh_minutes: int | None = None
    supported_target_types: tuple[str, ...] = ()
    description: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "target": self.target,
            "source": self.source,
            "enabled": self.enabled,
            "reason": self.reason,
            "kind": self.kind,
            "blocking": self.blocking,
            "defaultRefreshMinutes": self.default_refresh_minutes,
            "supportedTargetTypes": list(self.supported_target_types),
            "description": self.description,
        }


def _import_path(path: str) -> Any:
    module_name, _, attr = path.partition(":")
    if not module_name or not attr:
        raise ProviderLoadError(
            f"'{path}' is not an import path",
            hint="use 'package.module:Class' or an entry-point name",
        )
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:
        raise ProviderLoadError(
            f"cannot import module '{module_name}' for provider '{path}': "
            f"{type(exc).__name__}: {exc}",
            hint="install the package that provides it, or fix connectorProviderClassName",
        ) from None
    obj = module
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise ProviderLoadError(
                f"module '{module_name}' has no attribute '{attr}' (provider '{path}')",
                hint="check the class name after the colon",
            ) from None
    return obj


def _entry_point(name: str) -> Any:
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name == name:
            try:
                return ep.load()
            except Exception as exc:
                raise ProviderLoadError(
                    f"entry point '{name}' ({ep.value}) cannot be loaded: "
                    f"{type(exc).__name__}: {exc}"
                ) from None
    return None


def _instantiate(obj: Any, name: str) -> AnyProvider:
    if not isinstance(obj, type) or not issubclass(obj, ConnectorProvider | SecretsStoreProvider):
        raise ProviderLoadError(
            f"'{name}' is not a connector provider (it must subclass "
            "engine.daemon.ConnectorProvider or engine.daemon.SecretsStoreProvider)",
            hint="name the provider class, not the connector class",
        )
    try:
        return obj()
    except Exception as exc:
        raise ProviderLoadError(
            f"provider '{name}' cannot be created: {type(exc).__name__}: {exc}"
        ) from None


def load_provider(name: str, aliases: Mapping[str, str] | None = None) -> AnyProvider:
    """The provider named by a ``connectorProviderClassName``.

    Raises :class:`ProviderLoadError` saying why (unknown name, import
    error, not a provider class).
    """
    if not name or not name.strip():
        raise ProviderLoadError("connectorProviderClassName is empty")
    alias_map = {**DEFAULT_ALIASES, **(aliases or {})}
    target = alias_map.get(name, name)
    target = BUILTIN_PROVIDERS.get(target, target)
    if ":" in target:
        return _instantiate(_import_path(target), name)
    obj = _entry_point(target)
    if obj is None:
        raise ProviderLoadError(
            f"no connector provider named '{name}'",
            hint=f"use 'package.module:Class', a '{ENTRY_POINT_GROUP}' entry point, "
            "or map the name in the daemon configuration's aliases",
        )
    return _instantiate(obj, name)


def load_connector_provider(
    name: str, aliases: Mapping[str, str] | None = None
) -> ConnectorProvider:
    """Like :func:`load_provider` but requires an integration-connector provider (rule 15)."""
    provider = load_provider(name, aliases)
    if not isinstance(provider, ConnectorProvider):
        raise ProviderLoadError(
            f"'{name}' is a secrets-store provider, not an integration-connector provider",
            hint="register a connector whose connection names an integration connector provider",
        )
    return provider


def _describe(name: str, target: str, source: str) -> ProviderInfo:
    try:
        provider = load_provider(target)
    except ProviderLoadError as exc:
        return ProviderInfo(name, target, source, False, exc.message)
    if isinstance(provider, ConnectorProvider):
        return ProviderInfo(
            name,
            target,
            source,
            True,
            kind="integration-connector",
            blocking=provider.blocking,
            default_refresh_minutes=provider.default_refresh_minutes,
            supported_target_types=provider.supported_target_types,
            description=provider.description,
        )
    return ProviderInfo(
        name, target, source, True, kind="secrets-store", description=provider.description
    )


def list_providers(aliases: Mapping[str, str] | None = None) -> list[ProviderInfo]:
    """Every known provider (built-in, entry points, aliases), enabled or not, with the reason."""
    infos: dict[str, ProviderInfo] = {}
    for short, target in BUILTIN_PROVIDERS.items():
        infos[short] = _describe(short, target, "builtin")
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in infos:
            continue
        try:
            obj = ep.load()
        except Exception as exc:
            infos[ep.name] = ProviderInfo(
                ep.name, ep.value, "entry-point", False, f"{type(exc).__name__}: {exc}"
            )
            continue
        try:
            _instantiate(obj, ep.name)
        except ProviderLoadError as exc:
            infos[ep.name] = ProviderInfo(ep.name, ep.value, "entry-point", False, exc.message)
            continue
        infos[ep.name] = _describe(ep.name, ep.value, "entry-point")
    for alias, target in {**DEFAULT_ALIASES, **(aliases or {})}.items():
        info = _describe(alias, BUILTIN_PROVIDERS.get(target, target), "alias")
        infos[alias] = info
    return sorted(infos.values(), key=lambda i: (i.source != "builtin", i.name))
