"""Loading connector providers for ``validate --deep`` (rules SB030-SB032) the way the
daemon loads them: through the daemon's registry (:func:`engine.providers.registry.load_provider`:
aliases, ``package.module:Class``, entry points).

The provider machinery (its SDK is pydantic) is imported only when a provider is loaded
or checked, so that validation without ``--deep`` does not load it."""

from __future__ import annotations

from typing import Any


def is_integration_provider(provider: Any) -> tuple[bool, str]:
    """Whether ``provider`` (a provider instance or class) is an integration connector
    provider, and if not, what it is instead (the end of a sentence)."""
    from engine.providers.sdk import ConnectorProvider

    base = ConnectorProvider
    expected = f"{base.__module__}.{base.__qualname__}"
    if isinstance(provider, type):
        return issubclass(provider, base), f"is not a {expected}"
    return isinstance(provider, base), f"is a {type(provider).__name__}, not a {expected}"


class LoadedProviders:
    """Providers loaded once per validation (by connectorProviderClassName)."""

    def __init__(self) -> None:
        self.loaded: dict[str, tuple[Any, Exception | None]] = {}

    def get(self, name: str) -> tuple[Any, Exception | None]:
        """(the provider, None), or (None, the error loading it raised)."""
        if name not in self.loaded:
            from engine.providers.registry import load_provider

            try:
                self.loaded[name] = (load_provider(name), None)
            except Exception as exc:  # any failure of foreign code is a finding
                self.loaded[name] = (None, exc)
        return self.loaded[name]
