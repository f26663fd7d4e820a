"""The daemon's own configuration: which groups, how often to look for changes, the API.

Read from a YAML or JSON file (``switchboard daemon run --config FILE``) or
built from command-line options. Keys are camelCase, like the graph's.

.. code-block:: yaml

    serverName: switchboard
    groups: [demo.integration-group]
    pollInterval: 10          # seconds between change checks
    refreshTimeout: 300       # seconds a refresh may take before it is FAILED
    workers: 4                # refreshes running at once
    aliases:                  # Egeria Java provider class -> Python provider
      org.example.MyJavaProvider: mypackage.connectors:MyProvider
    api: {host: 127.0.0.1, port: 7447, token: env:SWITCHBOARD_DAEMON_TOKEN}
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from engine.errors import UsageError

DEFAULT_PORT = 7447


class ApiConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    host: str = "127.0.0.1"
    port: int = Field(default=DEFAULT_PORT, ge=0, le=65535)
    token: str | None = None
    """A bearer token, or a reference to one (env:NAME, file:PATH)."""
    enabled: bool = True


class DaemonConfig(BaseModel):
    """Everything the supervisor needs besides the graph."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    server_name: str = Field("switchboard", alias="serverName")
    groups: list[str] = Field(default_factory=list)
    poll_interval: float = Field(10.0, alias="pollInterval", gt=0)
    refresh_timeout: float = Field(300.0, alias="refreshTimeout", gt=0)
    disconnect_timeout: float = Field(10.0, alias="disconnectTimeout", gt=0)
    workers: int = Field(4, ge=1, le=256)
    aliases: dict[str, str] = Field(default_factory=dict)
    backoff_base: float = Field(5.0, alias="backoffBase", gt=0)
    """Seconds before the first retry of an INITIALIZE_FAILED connector (doubles each time)."""
    backoff_cap: float = Field(300.0, alias="backoffCap", gt=0)
    store_retry_interval: float = Field(5.0, alias="storeRetryInterval", gt=0)
    """Seconds before a refresh that failed because Neo4j was unreachable is retried."""
    mass_delete_threshold: float = Field(0.5, alias="massDeleteThreshold", ge=0, le=1)
    api: ApiConfig = Field(default_factory=lambda: ApiConfig())

    @classmethod
    def from_file(cls, path: Path) -> DaemonConfig:
        """Read a YAML or JSON file; raises :class:`UsageError` naming the problem."""
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(
                f"cannot read daemon configuration {path}: {exc.strerror}",
                hint="pass an existing YAML or JSON file to --config",
            ) from None
        try:
            data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
        except (ValueError, yaml.YAMLError) as exc:
            raise UsageError(f"{path} is not valid YAML/JSON: {exc}") from None
        if not isinstance(data, dict):
            raise UsageError(f"{path}: expected a mapping with at least 'groups'")
        try:
            config = cls.model_validate(data)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}"
                for e in exc.errors()
            )
            raise UsageError(
                f"{path}: {problems}", hint="see 'switchboard daemon run --help'"
            ) from None
        if not config.groups:
            raise UsageError(f"{path}: 'groups' lists no integration group qualifiedNames")
        return config
