"""Connector providers named by validator test fixtures (loaded by ``validate --deep``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from engine.providers import ConnectorProvider, SecretsStoreProvider


class GoodProvider(ConnectorProvider):
    """An integration connector provider that accepts any configuration."""


class YamlSecretsStoreProvider(SecretsStoreProvider):
    """A secrets-store provider: loadable, but not an integration connector provider."""


class _StrictConfiguration(BaseModel):
    model_config = ConfigDict(extra="forbid")
    directory: str


class StrictProvider(GoodProvider):
    """Requires configurationProperties {directory: str} and nothing else."""

    configuration_schema = _StrictConfiguration
