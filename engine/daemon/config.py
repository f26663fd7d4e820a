"""The daemon's own configuration: which groups, how often to look for changes, the API.

Read from a YAML or JSON file (``switchboard daemon run --config FILE``) or
built from command-line options. Keys are camelCase, like the graph's. The file
may also be an Egeria integration daemon's ``OMAGServerConfig``
(:mod:`engine.daemon.egeria_config`).

.. code-block:: yaml

    serverName: switchboard
    groups: [demo.integration-group]
    pollInterval: 10          # seconds between change checks
    refreshTimeout: 300       # seconds a refresh may take before it is FAILED
    workers: 4                # refreshes running at once
    aliases:                  # Egeria Java provider class -> Python provider
      org.example.MyJavaProvider: mypackage.connectors:MyProvider
    # egeriaServerConfig: integration-daemon.config   (instead of serverName and groups)
    api: {host: 127.0.0.1, port: 7447, token: env:SWITCHBOARD_DAEMON_TOKEN}
    # beyond loopback without a token: a generated one, or insecureNoToken: true
    # leases: {leaseSeconds: 10, renewSeconds: 3}   # share the groups with other daemons
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from engine.daemon.egeria_config import (
    EgeriaDaemonSettings,
    egeria_daemon_settings,
    is_egeria_server_config,
)
from engine.errors import UsageError

DEFAULT_PORT = 7447


class ApiConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    host: str = "127.0.0.1"
    port: int = Field(default=DEFAULT_PORT, ge=0, le=65535)
    token: str | None = None
    """A bearer token, or a reference to one (env:NAME, file:PATH). Bound beyond loopback
    without one, the daemon uses a generated token (:mod:`engine.daemon.api_token`)."""
    insecure_no_token: bool = Field(default=False, alias="insecureNoToken")
    """Serve without a token even beyond loopback (a warning is logged at every start)."""
    enabled: bool = True


class LeaseConfig(BaseModel):
    """Running under connector leases, shared with other daemons naming the same groups."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    lease_seconds: float = Field(10.0, alias="leaseSeconds", gt=0)
    renew_seconds: float = Field(3.0, alias="renewSeconds", gt=0)


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
    missing_groups: Literal["fail", "report"] = Field("fail", alias="missingGroups")
    """A group not in the graph at start: ``fail`` stops the daemon, ``report`` shows it as
    not found and runs the others (the default for an Egeria server configuration)."""
    egeria_server_config: str | None = Field(None, alias="egeriaServerConfig")
    """An Egeria ``OMAGServerConfig`` file (relative to this one) whose localServerName and
    integration groups this daemon runs, with this file's aliases and other settings."""
    api: ApiConfig = Field(default_factory=lambda: ApiConfig())
    all_groups: bool = Field(False, alias="allGroups")
    """Run every integration group in the graph (followed as groups come and go) instead
    of ``groups``; meant for daemons sharing the work under ``leases``."""
    leases: LeaseConfig | None = None
    """When set, the daemon runs only the connectors whose lease it holds, and spreads the
    connectors of its groups over every live daemon that names them
    (:mod:`engine.daemon.assignment`)."""

    @classmethod
    def from_file(cls, path: Path) -> DaemonConfig:
        """Read a YAML or JSON file; raises :class:`UsageError` naming the problem."""
        return cls.load(path)[0]

    @classmethod
    def load(cls, path: Path) -> tuple[DaemonConfig, list[str]]:
        """Read a Switchboard daemon configuration or an Egeria ``OMAGServerConfig``
        (recognised by its ``class``); the notes say what of the latter has no effect.

        Raises :class:`UsageError` naming the problem.
        """
        data = read_document(path)
        if is_egeria_server_config(data):
            settings = egeria_daemon_settings(data, source=str(path))
            return cls.model_validate(egeria_fields(settings)), settings.notes
        if not isinstance(data, dict):
            raise UsageError(f"{path}: expected a mapping with at least 'groups'")
        notes: list[str] = []
        if data.get("egeriaServerConfig"):
            data, notes = with_egeria_server_config(data, path)
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
        if not config.groups and not config.all_groups:
            raise UsageError(
                f"{path}: 'groups' lists no integration group qualifiedNames",
                hint="name the groups, or set 'allGroups: true' to run every group",
            )
        return config, notes


def with_egeria_server_config(data: dict[str, Any], path: Path) -> tuple[dict[str, Any], list[str]]:
    """``data`` with the server name (unless it sets one) and the groups of the Egeria
    configuration its ``egeriaServerConfig`` names, and the notes on that configuration."""
    if "groups" in data:
        raise UsageError(
            f"{path}: give either 'groups' or 'egeriaServerConfig', not both",
            hint="the groups come from the Egeria configuration's dynamicIntegrationGroupsConfig",
        )
    egeria_path = path.parent / str(data["egeriaServerConfig"])
    document = read_document(egeria_path)
    if not is_egeria_server_config(document):
        raise UsageError(
            f'{egeria_path}: not an Egeria server configuration (no "class": "OMAGServerConfig")',
            hint=f"'egeriaServerConfig' in {path} names an OMAGServerConfig document",
        )
    settings = egeria_daemon_settings(document, source=str(egeria_path))
    fields = egeria_fields(settings)
    merged = {**fields, **data, "groups": fields["groups"]}
    return merged, settings.notes


def egeria_fields(settings: EgeriaDaemonSettings) -> dict[str, Any]:
    """The daemon settings an Egeria server configuration gives: its server name and
    groups, with groups missing from the graph reported rather than fatal."""
    return {
        "serverName": settings.server_name,
        "groups": settings.groups,
        "missingGroups": "report",
    }


def read_document(path: Path) -> Any:
    """A configuration file parsed (JSON for ``.json``, YAML otherwise, which also reads
    JSON); raises :class:`UsageError` when it cannot be read or parsed."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(
            f"cannot read daemon configuration {path}: {exc.strerror}",
            hint="pass an existing YAML or JSON file to --config",
        ) from None
    try:
        return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise UsageError(f"{path} is not valid YAML/JSON: {exc}") from None
    except RecursionError:
        raise UsageError(
            f"{path}: nested deeper than the parser can follow",
            hint="a daemon configuration needs only a few levels; flatten the file",
        ) from None
