"""An Egeria integration daemon's server configuration (``OMAGServerConfig``) read as a
Switchboard daemon configuration.

``switchboard daemon run --config integration-daemon.config`` recognises the
document by its ``class`` field. What carries over: ``localServerName`` is the
server name the Egeria-compatible paths of the control API answer to, and each
``dynamicIntegrationGroupsConfig[].integrationGroupQualifiedName`` is a group to
run. A named group that is not in the graph is reported and the others run.
Every other section is reported once, with the reason it has no effect here;
Egeria 5.x ``integrationServicesConfig[].integrationConnectorConfigs`` (connectors
configured in the server rather than in an integration group) are reported as
not supported, naming each connector.

The field names are Egeria's JSON names (Jackson derives them from the Java
getters); unknown fields are ignored, as Egeria's own reader does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from engine.errors import UsageError

__all__ = [
    "EGERIA_IGNORED_SECTIONS",
    "EGERIA_SERVER_CONFIG_CLASS",
    "EgeriaDaemonSettings",
    "IntegrationConnectorConfig",
    "IntegrationGroupConfig",
    "IntegrationServiceConfig",
    "OMAGServerConfig",
    "egeria_daemon_settings",
    "is_egeria_server_config",
]

EGERIA_SERVER_CONFIG_CLASS = "OMAGServerConfig"
"""The ``class`` value that marks a document as an Egeria server configuration."""


class _EgeriaBean(BaseModel):
    """Egeria's JSON: camelCase names, a ``class`` discriminator, unknown fields ignored."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    class_name: str | None = Field(None, alias="class")


class IntegrationGroupConfig(_EgeriaBean):
    """One dynamic integration group of an integration daemon."""

    integration_group_qualified_name: str | None = Field(
        None, alias="integrationGroupQualifiedName"
    )
    omag_server_platform_root_url: str | None = Field(None, alias="omagserverPlatformRootURL")
    """Where the metadata access server runs (Neo4j replaces it here)."""
    omag_server_name: str | None = Field(None, alias="omagserverName")


class IntegrationConnectorConfig(_EgeriaBean):
    """An integration connector configured in the server document (Egeria 5.x)."""

    connector_id: str | None = Field(None, alias="connectorId")
    connector_name: str | None = Field(None, alias="connectorName")
    connector_user_id: str | None = Field(None, alias="connectorUserId")
    connection: dict[str, Any] | None = None
    metadata_source_qualified_name: str | None = Field(None, alias="metadataSourceQualifiedName")
    refresh_time_interval: int | None = Field(None, alias="refreshTimeInterval")
    uses_blocking_calls: bool | None = Field(None, alias="usesBlockingCalls")
    permitted_synchronization: str | None = Field(None, alias="permittedSynchronization")
    generate_integration_reports: bool | None = Field(None, alias="generateIntegrationReports")

    def label(self) -> str:
        """How a report names this connector."""
        provider = ((self.connection or {}).get("connectorType") or {}).get(
            "connectorProviderClassName"
        )
        name = self.connector_name or self.connector_id or "(unnamed connector)"
        return f"{name} ({provider})" if provider else name


class IntegrationServiceConfig(_EgeriaBean):
    """One integration service of an Egeria 5.x integration daemon, with its connectors."""

    omag_server_platform_root_url: str | None = Field(None, alias="omagserverPlatformRootURL")
    omag_server_name: str | None = Field(None, alias="omagserverName")
    integration_service_id: int | None = Field(None, alias="integrationServiceId")
    integration_service_development_status: Any = Field(
        None, alias="integrationServiceDevelopmentStatus"
    )
    integration_service_context_manager_class: str | None = Field(
        None, alias="integrationServiceContextManagerClass"
    )
    integration_service_name: str | None = Field(None, alias="integrationServiceName")
    integration_service_full_name: str | None = Field(None, alias="integrationServiceFullName")
    integration_service_url_marker: str | None = Field(None, alias="integrationServiceURLMarker")
    integration_service_description: str | None = Field(None, alias="integrationServiceDescription")
    integration_service_wiki: str | None = Field(None, alias="integrationServiceWiki")
    integration_service_partner_omas: str | None = Field(
        None, alias="integrationServicePartnerOMAS"
    )
    default_permitted_synchronization: str | None = Field(
        None, alias="defaultPermittedSynchronization"
    )
    integration_service_operational_status: str | None = Field(
        None, alias="integrationServiceOperationalStatus"
    )
    integration_service_options: dict[str, Any] | None = Field(
        None, alias="integrationServiceOptions"
    )
    integration_connector_configs: list[IntegrationConnectorConfig] | None = Field(
        None, alias="integrationConnectorConfigs"
    )


class OMAGServerConfig(_EgeriaBean):
    """An Egeria server configuration document (the sections of 5.x and later)."""

    version_id: str | None = Field(None, alias="versionId")
    local_server_id: str | None = Field(None, alias="localServerId")
    local_server_name: str | None = Field(None, alias="localServerName")
    local_server_description: str | None = Field(None, alias="localServerDescription")
    local_server_type: str | None = Field(None, alias="localServerType")
    organization_name: str | None = Field(None, alias="organizationName")
    local_server_url: str | None = Field(None, alias="localServerURL")
    local_server_user_id: str | None = Field(None, alias="localServerUserId")
    local_server_password: str | None = Field(None, alias="localServerPassword")
    max_page_size: int | None = Field(None, alias="maxPageSize")
    server_security_connection: Any = Field(None, alias="serverSecurityConnection")
    event_bus_config: Any = Field(None, alias="eventBusConfig")
    access_services_config: Any = Field(None, alias="accessServicesConfig")
    integration_services_config: list[IntegrationServiceConfig] | None = Field(
        None, alias="integrationServicesConfig"
    )
    dynamic_integration_groups_config: list[IntegrationGroupConfig] | None = Field(
        None, alias="dynamicIntegrationGroupsConfig"
    )
    view_services_config: Any = Field(None, alias="viewServicesConfig")
    repository_services_config: Any = Field(None, alias="repositoryServicesConfig")
    conformance_suite_config: Any = Field(None, alias="conformanceSuiteConfig")
    engine_host_services_config: Any = Field(None, alias="engineHostServicesConfig")
    audit_trail: list[str] | None = Field(None, alias="auditTrail")


_NEO4J = "Neo4j replaces the metadata access server"

EGERIA_IGNORED_SECTIONS: dict[str, str] = {
    "versionId": "the document's format version; nothing to configure",
    "localServerId": "the daemon identifies itself by its server name",
    "localServerDescription": "descriptive only",
    "localServerType": "descriptive only",
    "organizationName": "descriptive only",
    "localServerURL": "the control API's address is set with --host/--port or 'api'",
    "localServerUserId": f"no user calls a metadata access server ({_NEO4J})",
    "localServerPassword": f"no user calls a metadata access server ({_NEO4J})",
    "maxPageSize": "the graph is read in one query per group, not in pages",
    "serverSecurityConnection": "the control API is protected by its bearer token ('api.token')",
    "eventBusConfig": "no event bus: the daemon notices changes by polling the graph",
    "accessServicesConfig": f"no access services: {_NEO4J}",
    "viewServicesConfig": "no view services: the control API and the CLI take their place",
    "repositoryServicesConfig": f"no repository or audit log services: {_NEO4J}",
    "conformanceSuiteConfig": "the conformance suite is not part of Switchboard",
    "engineHostServicesConfig": "governance engines are not run by Switchboard",
    "auditTrail": "the history of the Egeria configuration; nothing to configure",
}
"""Why each top-level section of an ``OMAGServerConfig`` has no effect here."""

_USED_SECTIONS = frozenset({"class", "localServerName", "dynamicIntegrationGroupsConfig"})


def is_egeria_server_config(document: object) -> bool:
    """Whether ``document`` (parsed JSON/YAML) is an Egeria ``OMAGServerConfig``."""
    return isinstance(document, dict) and document.get("class") == EGERIA_SERVER_CONFIG_CLASS


@dataclass
class EgeriaDaemonSettings:
    """What an Egeria server configuration means for a Switchboard daemon."""

    server_name: str
    groups: list[str]
    notes: list[str] = field(default_factory=list)
    """One line per section or connector that has no effect, with the reason."""


def _connector_notes(config: OMAGServerConfig) -> list[str]:
    notes = []
    for service in config.integration_services_config or []:
        where = service.integration_service_name or service.integration_service_full_name
        for connector in service.integration_connector_configs or []:
            notes.append(
                f"integrationServicesConfig: connector {connector.label()}"
                + (f" of integration service {where}" if where else "")
                + " is not supported: connectors configured in the server document"
                " (Egeria 5.x) do not run; declare it in an integration group"
                " (RegisteredIntegrationConnector) and name the group in"
                " dynamicIntegrationGroupsConfig"
            )
    if config.integration_services_config is not None and not notes:
        notes.append(
            "integrationServicesConfig ignored: integration services (Egeria 5.x) are not"
            " supported; connectors run from dynamic integration groups"
        )
    return notes


def egeria_daemon_settings(document: dict[str, Any], *, source: str = "") -> EgeriaDaemonSettings:
    """The server name, groups and notes of an ``OMAGServerConfig`` document.

    Raises :class:`UsageError` when it names no server or no integration group.
    """
    where = f"{source}: " if source else ""
    try:
        config = OMAGServerConfig.model_validate(document)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}" for e in exc.errors()
        )
        raise UsageError(f"{where}{problems}") from None
    if not config.local_server_name:
        raise UsageError(f"{where}the OMAGServerConfig has no localServerName")
    groups = [
        g.integration_group_qualified_name
        for g in config.dynamic_integration_groups_config or []
        if g.integration_group_qualified_name
    ]
    if not groups:
        raise UsageError(
            f"{where}dynamicIntegrationGroupsConfig names no integrationGroupQualifiedName",
            hint="add the integration groups to run, as Egeria's admin services do",
        )
    notes = []
    for key in document:
        if key in _USED_SECTIONS or key == "integrationServicesConfig":
            continue
        reason = EGERIA_IGNORED_SECTIONS.get(key, "not an integration daemon setting")
        notes.append(f"{key} ignored: {reason}")
    notes.extend(_connector_notes(config))
    return EgeriaDaemonSettings(
        server_name=config.local_server_name, groups=list(dict.fromkeys(groups)), notes=notes
    )
