"""The daemon's status and connectors as Egeria's integration daemon services send them.

Field names, nesting and value types follow Egeria's beans: ``IntegrationDaemonStatus``
(``integrationGroupSummaries`` and ``integrationConnectorReports``),
``IntegrationGroupSummary``, ``IntegrationConnectorReport``, the OCF ``Connection``,
``ConnectorType``, ``Endpoint`` and ``EmbeddedConnection`` beans, and ``ConnectorReport``
for a validated provider. States map onto Egeria's ``IntegrationConnectorStatus`` and
``IntegrationGroupStatus`` values; dates are ISO-8601 text with an offset; null fields
and empty lists are left out (:func:`engine.egeria_rest.without_empty`). Two fields
Egeria's beans do not have are added for Egeria's clients, which ignore unknown
properties: a group summary's ``lastRefreshTime`` and, in the daemon-wide list, each
report's ``integrationGroupGUID``.

The messages of the daemon's failures (:data:`UNKNOWN_CONNECTOR_NAME`, ...) are Egeria's
own where Egeria has one (``IntegrationDaemonServicesErrorCode``,
``OMAGServerInstanceErrorCode``); the others carry ``SWITCHBOARD-DAEMON-`` ids.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.daemon.states import ConnectorState
from engine.daemon.status import ConnectorStatus, DaemonStatus, GroupStatus
from engine.egeria_rest import EgeriaMessage, egeria_time, without_empty
from engine.providers.sdk import AnyConfiguration, ConnectorProvider
from engine.providers.secrets import REDACTED
from engine.resolved import ConnectionView, ElementView, EmbeddedConnectionView

INTEGRATION_CONNECTOR_STATUSES = (
    "INITIALIZED",
    "WAITING",
    "REFRESHING",
    "RUNNING",
    "STOPPED",
    "INITIALIZE_FAILED",
    "CONFIG_FAILED",
    "SHUTDOWN",
    "FAILED",
)
"""Egeria's IntegrationConnectorStatus values."""
INTEGRATION_GROUP_STATUSES = ("ASSIGNED", "CONFIGURING", "RUNNING", "FAILED", "DISABLED")
"""Egeria's IntegrationGroupStatus values."""
CONNECTOR_STATUS_BY_STATE: Mapping[ConnectorState, str] = {
    ConnectorState.INITIALIZED: "INITIALIZED",
    ConnectorState.WAITING: "WAITING",
    ConnectorState.REFRESHING: "REFRESHING",
    ConnectorState.RUNNING: "RUNNING",
    ConnectorState.STOPPED: "STOPPED",
    ConnectorState.CONFIG_FAILED: "CONFIG_FAILED",
    ConnectorState.INITIALIZE_FAILED: "INITIALIZE_FAILED",
    ConnectorState.FAILED: "FAILED",
}
"""Each connector state as Egeria names it (SHUTDOWN is Egeria's own: never sent)."""

SERVER_NOT_AVAILABLE = EgeriaMessage(
    404,
    "OMAG-MULTI-TENANT-404-001",
    "The OMAG Server {0} is not available to service a request from user {1}",
    "The system is unable to process the request because the server is not running on the "
    "called platform.",
    "Verify that the correct server is being called on the correct platform and that this "
    "server is running. Retry the request when the server is available.",
)
UNKNOWN_CONNECTOR_NAME = EgeriaMessage(
    400,
    "INTEGRATION-DAEMON-SERVICES-400-031",
    "Integration connector named {0} is not running in the integration daemon {1}",
    "The integration connector specified on a request is not known to the integration daemon.",
    "Check the connector's name against the daemon's status (GET .../status) and the "
    "groups the daemon runs, then retry the request.",
)
UNKNOWN_GROUP_NAME = EgeriaMessage(
    400,
    "INTEGRATION-DAEMON-SERVICES-400-034",
    "Integration group named {0} is not running in the integration daemon {1}",
    "The integration group specified on a request is not known to the integration daemon.",
    "Check the group's qualifiedName against the daemon's configuration (its groups), "
    "then retry the request.",
)
NO_INTEGRATION_GROUPS = EgeriaMessage(
    400,
    "INTEGRATION-DAEMON-SERVICES-400-035",
    "No integration groups are running in the integration daemon {0}",
    "The call to the integration daemon fails and an exception is returned to the caller.",
    "Add the integration groups to run to the daemon's configuration and restart it.",
)
MALFORMED_REQUEST_BODY = EgeriaMessage(
    400,
    "SWITCHBOARD-DAEMON-400-001",
    "The request body sent to {0} is not valid JSON: {1}",
    "The request is rejected; nothing is changed.",
    "Send a JSON document of the request body class the operation expects.",
)
MISSING_REQUEST_FIELD = EgeriaMessage(
    400,
    "SWITCHBOARD-DAEMON-400-002",
    "The {0} field of the request body sent to {1} is missing or has the wrong type",
    "The request is rejected; nothing is changed.",
    "Send the field with a value of the type the request body class declares.",
)
INVALID_CONNECTOR_PROVIDER = EgeriaMessage(
    400,
    "SWITCHBOARD-DAEMON-400-003",
    "The connector provider {0} cannot run in the integration daemon {1}: {2}",
    "The connector provider is not loaded; nothing is changed.",
    "Install the package that provides it, name it by 'package.module:Class' or an entry "
    "point, or map the Java class name to a Python provider in the daemon's aliases.",
)
CHANGE_REJECTED = EgeriaMessage(
    400,
    "SWITCHBOARD-DAEMON-400-004",
    "The change requested by {0} cannot be made: {1}",
    "The request is rejected; the graph is unchanged.",
    "Correct the request as the message says and retry it.",
)
METADATA_STORE_FAILED = EgeriaMessage(
    500,
    "SWITCHBOARD-DAEMON-500-001",
    "The integration daemon {0} could not complete {1} against its metadata store: {2}",
    "The request did not complete; a change may not have been written.",
    "Check that Neo4j is reachable ('switchboard db status') and retry the request.",
)

CONNECTOR_TYPE_FIELDS = (
    "supportedAssetTypeName",
    "expectedDataFormat",
    "connectorProviderClassName",
    "connectorFrameworkName",
    "connectorInterfaceLanguage",
    "connectorInterfaces",
    "targetTechnologySource",
    "targetTechnologyName",
    "targetTechnologyInterfaces",
    "targetTechnologyVersions",
    "recognizedAdditionalProperties",
    "recognizedConfigurationProperties",
    "recognizedSecuredProperties",
)
"""The properties of Egeria's ConnectorType bean sent when stored."""


def egeria_group_status(group: GroupStatus, *, degraded: bool) -> str:
    """The IntegrationGroupStatus of a group: ASSIGNED before its configuration could be
    read (Neo4j unreachable), CONFIGURING while it is being read, FAILED when it is not in
    the graph, DISABLED when every connector is paused, else RUNNING."""
    if group.found is None:
        return "ASSIGNED" if degraded else "CONFIGURING"
    if group.found is False:
        return "FAILED"
    if group.connectors and all(c.paused for c in group.connectors):
        return "DISABLED"
    return "RUNNING"


def egeria_connector_report(
    status: ConnectorStatus,
    connection: ConnectionView | None,
    *,
    group_guid: str | None = None,
) -> dict[str, Any]:
    """An IntegrationConnectorReport (``group_guid``: only in the daemon-wide list)."""
    return without_empty(
        {
            "connectorId": status.registration_guid,
            "connectorGUID": status.connector_guid,
            "integrationGroupGUID": group_guid,
            "connectorName": status.connector_name,
            "connection": egeria_connection_bean(connection),
            "connectorInstanceId": f"{status.registration_guid}:{status.restart_count}",
            "connectorStatus": CONNECTOR_STATUS_BY_STATE[status.state],
            "lastStatusChange": egeria_time(status.last_status_change),
            "lastRefreshTime": egeria_time(status.last_refresh_start),
            "minMinutesBetweenRefresh": status.refresh_time_interval or 0,
            "failingExceptionMessage": status.last_error,
            "statistics": dict(status.statistics),
        }
    )


def egeria_group_summary(
    group: GroupStatus,
    connections: Mapping[str, ConnectionView | None],
    *,
    degraded: bool,
) -> dict[str, Any]:
    """An IntegrationGroupSummary with its connectors' reports."""
    return without_empty(
        {
            "integrationGroupName": group.qualified_name,
            "integrationGroupGUID": group.guid,
            "integrationGroupDescription": group.description,
            "integrationGroupStatus": egeria_group_status(group, degraded=degraded),
            "lastRefreshTime": egeria_time(group.last_refresh_time),
            "integrationConnectorReports": [
                egeria_connector_report(c, connections.get(c.registration_guid))
                for c in group.connectors
            ],
        }
    )


def egeria_daemon_status(
    status: DaemonStatus, connections: Mapping[str, ConnectionView | None]
) -> dict[str, Any]:
    """An IntegrationDaemonStatus: every group's summary and every connector's report."""
    degraded = status.degraded
    return without_empty(
        {
            "integrationGroupSummaries": [
                egeria_group_summary(g, connections, degraded=degraded) for g in status.groups
            ],
            "integrationConnectorReports": [
                egeria_connector_report(c, connections.get(c.registration_guid), group_guid=g.guid)
                for g in status.groups
                for c in g.connectors
            ],
        }
    )


def egeria_connection_bean(view: ConnectionView | None) -> dict[str, Any] | None:
    """A connection as Egeria's Connection (or VirtualConnection) bean, secrets masked."""
    if view is None:
        return None
    props = view.properties
    bean = _element_bean(view.typeName, view)
    bean.update(
        connectorType=_connector_type_bean(view.connectorType),
        endpoint=_endpoint_bean(view.endpoint),
        userId=props.get("userId"),
        clearPassword=REDACTED if props.get("clearPassword") else None,
        encryptedPassword=REDACTED if props.get("encryptedPassword") else None,
        configurationProperties=props.get("configurationProperties") or None,
        securedProperties={k: REDACTED for k in props.get("securedProperties") or {}} or None,
        embeddedConnections=[_embedded_bean(e) for e in view.embeddedConnections],
    )
    return without_empty(bean)


def _element_bean(class_name: str, view: ElementView) -> dict[str, Any]:
    props = view.properties
    return {
        "class": class_name,
        "headerVersion": 0,
        "guid": view.guid,
        "qualifiedName": view.qualifiedName,
        "additionalProperties": props.get("additionalProperties") or None,
        "displayName": props.get("displayName"),
        "description": props.get("description"),
    }


def _connector_type_bean(view: ElementView | None) -> dict[str, Any] | None:
    if view is None:
        return None
    bean = _element_bean("ConnectorType", view)
    bean.update({k: view.properties[k] for k in CONNECTOR_TYPE_FIELDS if k in view.properties})
    return without_empty(bean)


def _endpoint_bean(view: ElementView | None) -> dict[str, Any] | None:
    if view is None:
        return None
    bean = _element_bean("Endpoint", view)
    props = view.properties
    bean.update(
        address=props.get("networkAddress"),
        protocol=props.get("protocol"),
        encryptionMethod=props.get("encryptionMethod"),
    )
    return without_empty(bean)


def _embedded_bean(embedded: EmbeddedConnectionView) -> dict[str, Any]:
    return without_empty(
        {
            "class": "EmbeddedConnection",
            "headerVersion": 0,
            "position": embedded.position,
            "displayName": embedded.displayName,
            "arguments": embedded.arguments or None,
            "embeddedConnection": None
            if embedded.cycle
            else egeria_connection_bean(embedded.connection),
        }
    )


def egeria_provider_report(name: str, provider: ConnectorProvider) -> dict[str, Any]:
    """Egeria's ConnectorReport for connector provider ``name`` (validate-connector)."""
    schema = provider.configuration_schema
    recognised = [] if schema is AnyConfiguration else sorted(schema.model_fields)
    return without_empty(
        {
            "componentDescription": without_empty(
                {
                    "componentName": type(provider).__name__,
                    "componentDescription": provider.description,
                }
            ),
            "connectorType": without_empty(
                {
                    "class": "ConnectorType",
                    "headerVersion": 0,
                    "displayName": type(provider).__name__,
                    "description": provider.description,
                    "connectorProviderClassName": name,
                    "connectorFrameworkName": "Switchboard",
                    "connectorInterfaceLanguage": "Python",
                    "recognizedConfigurationProperties": recognised,
                }
            ),
            "refreshTimeInterval": provider.default_refresh_minutes,
            "usesBlockingCalls": provider.blocking,
        }
    )
