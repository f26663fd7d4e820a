"""Connector providers named by validator test fixtures (loaded by ``validate --deep``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from engine.validate import integration_connector_provider_base

try:  # the daemon's SDK, when installed
    from engine.daemon.sdk import ConnectorProvider as _Base
    from engine.daemon.sdk import SecretsStoreProvider as _StoreBase
except ImportError:  # pragma: no cover - only before the daemon package exists
    _Base = integration_connector_provider_base() or object  # type: ignore[assignment,misc]
    _StoreBase = object  # type: ignore[assignment,misc]


class GoodProvider(_Base):  # type: ignore[misc,valid-type]
    """An integration connector provider that accepts any configuration."""


class YamlSecretsStoreProvider(_StoreBase):  # type: ignore[misc,valid-type]
    """A secrets-store provider: loadable, but not an integration connector provider."""


def not_a_class() -> None:
    """A function, which no connectorProviderClassName should name."""


class _StrictConfiguration(BaseModel):
    model_config = ConfigDict(extra="forbid")
    directory: str


class StrictProvider(GoodProvider):
    """Requires configurationProperties {directory: str} and nothing else."""

    configuration_schema = _StrictConfiguration
