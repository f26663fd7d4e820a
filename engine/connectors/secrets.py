"""A secrets store kept in a YAML file (Egeria's YAML secrets store, in Python).

The secrets-store connection's endpoint ``networkAddress`` is the file; its
``configurationProperties.secretsCollectionName`` names the collection. Both
Egeria's layout and a flat one are read::

    secretsCollections:            # Egeria layout
      sales:
        secrets: {password: ..., token: ...}

    sales: {password: ..., token: ...}   # flat layout

The file is read when the connector that embeds the store starts; values
never leave the daemon except to the connector.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from engine.errors import SecretUnavailableError
from engine.providers.sdk import ResolvedConnection, SecretsStoreProvider
from engine.providers.secrets import SecretsStore


class YamlSecretsConfig(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    secrets_collection_name: str = Field(alias="secretsCollectionName", min_length=1)


class YamlSecretsStore(SecretsStore):
    def __init__(self, secrets: dict[str, str]) -> None:
        self._secrets = secrets

    def get(self, name: str) -> str | None:
        return self._secrets.get(name)

    def close(self) -> None:
        self._secrets = {}


class YamlSecretsStoreProvider(SecretsStoreProvider):
    """Secrets from a YAML file at the endpoint's networkAddress."""

    configuration_schema = YamlSecretsConfig
    description = "Secrets store in a YAML file (endpoint networkAddress = the file)"

    def open(self, connection: ResolvedConnection) -> SecretsStore:
        where = f"secrets store {connection.qualified_name}"
        collection = connection.configuration.get("secretsCollectionName")
        if not collection:
            raise SecretUnavailableError(
                f"{where}: configurationProperties.secretsCollectionName is not set"
            )
        address = connection.network_address
        if not address:
            raise SecretUnavailableError(f"{where}: its endpoint has no networkAddress (the file)")
        path = Path(address.removeprefix("file://")).expanduser()
        try:
            data: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except OSError as exc:
            raise SecretUnavailableError(
                f"{where}: cannot read {path} ({exc.strerror})",
                hint="create the secrets file or fix the endpoint's networkAddress",
            ) from None
        except yaml.YAMLError:
            raise SecretUnavailableError(f"{where}: {path} is not valid YAML") from None
        if not isinstance(data, dict):
            raise SecretUnavailableError(f"{where}: {path} does not hold a mapping")
        collections = data.get("secretsCollections")
        entry: Any
        if isinstance(collections, dict) and collection in collections:
            entry = collections[collection]
            if isinstance(entry, dict) and isinstance(entry.get("secrets"), dict):
                entry = entry["secrets"]
        else:
            entry = data.get(collection)
        if not isinstance(entry, dict):
            raise SecretUnavailableError(
                f"{where}: {path} has no secrets collection '{collection}'",
                hint="add the collection to the file",
            )
        return YamlSecretsStore({str(k): str(v) for k, v in entry.items() if v is not None})
