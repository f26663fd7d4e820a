"""The JSON fields of Egeria's REST beans, transcribed from Egeria's Java classes, and a
checker that a document has Egeria's shape: only these names, JSON types that fit the
Java types, no null field and no empty list, dates as ISO-8601 text with an offset.

Source: github odpi/egeria, the classes named in each comment (the newest versions:
IntegrationConnectorStatus with nine values, IntegrationDaemonStatus with
integrationConnectorReports, FFDCResponseBase with exceptionSubclassName).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# org.odpi.openmetadata.commonservices.ffdc.rest.FFDCResponseBase ("class" from its
# @JsonTypeInfo(property = "class"))
FFDC_RESPONSE_BASE: dict[str, type] = {
    "class": str,
    "relatedHTTPCode": int,
    "exceptionClassName": str,
    "exceptionSubclassName": str,
    "exceptionCausedBy": str,
    "actionDescription": str,
    "exceptionErrorMessage": str,
    "exceptionErrorMessageId": str,
    "exceptionErrorMessageParameters": list,
    "exceptionSystemAction": str,
    "exceptionUserAction": str,
    "exceptionProperties": dict,
}

# the payload of each response class, on top of FFDCResponseBase
RESPONSE_PAYLOADS: dict[str, dict[str, type]] = {
    # ...integrationdaemonservices.rest.IntegrationDaemonStatusResponse
    "IntegrationDaemonStatusResponse": {"integrationDaemonStatus": dict},
    # ...integrationdaemonservices.rest.IntegrationGroupSummariesResponse
    "IntegrationGroupSummariesResponse": {"integrationGroupSummaries": list},
    # ...integrationdaemonservices.rest.IntegrationGroupSummaryResponse
    "IntegrationGroupSummaryResponse": {"integrationGroupSummary": dict},
    # ...commonservices.ffdc.rest.VoidResponse
    "VoidResponse": {},
    # ...commonservices.ffdc.rest.PropertiesResponse
    "PropertiesResponse": {"properties": dict},
    # ...commonservices.ffdc.rest.ConnectorReportResponse
    "ConnectorReportResponse": {"connectorReport": dict},
}

# ...integrationdaemonservices.properties.IntegrationDaemonStatus
INTEGRATION_DAEMON_STATUS: dict[str, type] = {
    "integrationServiceSummaries": list,
    "integrationGroupSummaries": list,
    "integrationConnectorReports": list,
}

# ...integrationdaemonservices.properties.IntegrationGroupSummary
INTEGRATION_GROUP_SUMMARY: dict[str, type] = {
    "integrationGroupName": str,
    "integrationGroupGUID": str,
    "integrationGroupDescription": str,
    "integrationGroupStatus": str,
    "integrationConnectorReports": list,
}
GROUP_SUMMARY_ADDITIONS: dict[str, type] = {"lastRefreshTime": str}
"""Not in Egeria's bean (Egeria's clients ignore unknown properties): asked for by issue 14."""

# ...integrationdaemonservices.properties.IntegrationConnectorReport
INTEGRATION_CONNECTOR_REPORT: dict[str, type] = {
    "connectorId": str,
    "connectorGUID": str,
    "connectorName": str,
    "connection": dict,
    "connectorInstanceId": str,
    "connectorStatus": str,
    "lastStatusChange": str,
    "lastRefreshTime": str,
    "minMinutesBetweenRefresh": int,  # a Java long, always sent (0 when unset)
    "failingExceptionMessage": str,
    "statistics": dict,
}
DAEMON_REPORT_ADDITIONS: dict[str, type] = {"integrationGroupGUID": str}
"""In the daemon-wide list only; not in Egeria's bean: asked for by issue 14."""

# ...integrationdaemonservices.properties.IntegrationConnectorStatus
INTEGRATION_CONNECTOR_STATUS = frozenset(
    {
        "INITIALIZED",
        "WAITING",
        "REFRESHING",
        "RUNNING",
        "STOPPED",
        "INITIALIZE_FAILED",
        "CONFIG_FAILED",
        "SHUTDOWN",
        "FAILED",
    }
)
# ...integrationdaemonservices.properties.IntegrationGroupStatus
INTEGRATION_GROUP_STATUS = frozenset({"ASSIGNED", "CONFIGURING", "RUNNING", "FAILED", "DISABLED"})

# ElementBase / Referenceable of the OCF beans (frameworks.connectors.properties.beans)
_REFERENCEABLE: dict[str, type] = {
    "class": str,
    "headerVersion": int,
    "type": dict,
    "guid": str,
    "url": str,
    "classifications": list,
    "qualifiedName": str,
    "additionalProperties": dict,
    "displayName": str,
    "description": str,
}
# ...frameworks.connectors.properties.beans.Connection (and VirtualConnection)
CONNECTION: dict[str, type] = {
    **_REFERENCEABLE,
    "connectorType": dict,
    "endpoint": dict,
    "userId": str,
    "encryptedPassword": str,
    "clearPassword": str,
    "configurationProperties": dict,
    "securedProperties": dict,
    "assetSummary": str,
    "embeddedConnections": list,  # VirtualConnection
}
# ...frameworks.connectors.properties.beans.ConnectorType
CONNECTOR_TYPE: dict[str, type] = {
    **_REFERENCEABLE,
    "supportedAssetTypeName": str,
    "expectedDataFormat": str,
    "connectorProviderClassName": str,
    "connectorFrameworkName": str,
    "connectorInterfaceLanguage": str,
    "connectorInterfaces": list,
    "targetTechnologySource": str,
    "targetTechnologyName": str,
    "targetTechnologyInterfaces": list,
    "targetTechnologyVersions": list,
    "recognizedAdditionalProperties": list,
    "recognizedConfigurationProperties": list,
    "recognizedSecuredProperties": list,
}
# ...frameworks.connectors.properties.beans.Endpoint
ENDPOINT: dict[str, type] = {
    **_REFERENCEABLE,
    "address": str,
    "protocol": str,
    "encryptionMethod": str,
}
# ...frameworks.connectors.properties.beans.EmbeddedConnection
EMBEDDED_CONNECTION: dict[str, type] = {
    "class": str,
    "headerVersion": int,
    "position": int,
    "displayName": str,
    "arguments": dict,
    "embeddedConnection": dict,
}
# ...commonservices.ffdc.properties.ConnectorReport
CONNECTOR_REPORT: dict[str, type] = {
    "componentDescription": dict,
    "connectorType": dict,
    "refreshTimeInterval": int,
    "usesBlockingCalls": bool,
    "supportedRequestTypes": list,
    "supportedRequestParameters": list,
    "supportedRequestSourceNames": list,
    "supportedActionTargetNames": list,
    "supportedGuards": list,
}
# ...frameworks.auditlog.ComponentDescription
COMPONENT_DESCRIPTION: dict[str, type] = {
    "componentId": int,
    "componentDevelopmentStatus": str,
    "componentName": str,
    "componentDescription": str,
    "componentWikiURL": str,
}

# request bodies the daemon reads
NAME_REQUEST_BODY = (
    "name",
    "nameParameterName",
    "namePropertyName",
)  # ...ffdc.rest.NameRequestBody
STRING_REQUEST_BODY = ("string",)  # ...ffdc.rest.StringRequestBody
# ...integrationdaemonservices.rest.ConnectorConfigPropertiesRequestBody
CONNECTOR_CONFIG_PROPERTIES_REQUEST_BODY = (
    "connectorName",
    "mergeUpdate",
    "configurationProperties",
)

DATE_FIELDS = frozenset({"lastStatusChange", "lastRefreshTime"})
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$")


def check_bean(document: Mapping[str, Any], fields: Mapping[str, type], where: str) -> None:
    """``document`` uses only ``fields``, each with its JSON type, none null or an empty
    list, dates as ISO-8601 text with milliseconds and an offset."""
    unknown = set(document) - set(fields)
    assert not unknown, f"{where}: fields Egeria's bean does not have: {sorted(unknown)}"
    for name, value in document.items():
        expected = fields[name]
        assert value is not None, f"{where}.{name} is null (Egeria leaves it out)"
        assert value != [], f"{where}.{name} is an empty list (Egeria leaves it out)"
        if expected is int:
            assert isinstance(value, int) and not isinstance(value, bool), f"{where}.{name}"
        else:
            assert isinstance(value, expected), f"{where}.{name}: {type(value).__name__}"
        if name in DATE_FIELDS:
            assert ISO_WITH_OFFSET.match(value), f"{where}.{name}: {value!r} is not ISO-8601"


def check_response(document: Mapping[str, Any], response_class: str) -> None:
    """An Egeria response of ``response_class``: FFDCResponseBase plus its payload."""
    assert document.get("class") == response_class, document
    fields = {**FFDC_RESPONSE_BASE, **RESPONSE_PAYLOADS[response_class]}
    check_bean(document, fields, response_class)


def check_connection(document: Mapping[str, Any], where: str) -> None:
    """A Connection bean with its connector type, endpoint and embedded connections."""
    check_bean(document, CONNECTION, where)
    if "connectorType" in document:
        check_bean(document["connectorType"], CONNECTOR_TYPE, f"{where}.connectorType")
    if "endpoint" in document:
        check_bean(document["endpoint"], ENDPOINT, f"{where}.endpoint")
    for index, embedded in enumerate(document.get("embeddedConnections", [])):
        check_bean(embedded, EMBEDDED_CONNECTION, f"{where}.embeddedConnections[{index}]")
        if "embeddedConnection" in embedded:
            check_connection(embedded["embeddedConnection"], f"{where}.embedded[{index}]")


def check_connector_report(
    report: Mapping[str, Any], where: str, *, daemon_wide: bool = False
) -> None:
    """An IntegrationConnectorReport (``daemon_wide``: the list in IntegrationDaemonStatus)."""
    fields = {**INTEGRATION_CONNECTOR_REPORT, **(DAEMON_REPORT_ADDITIONS if daemon_wide else {})}
    check_bean(report, fields, where)
    assert report["connectorStatus"] in INTEGRATION_CONNECTOR_STATUS, report["connectorStatus"]
    for key, value in report.get("statistics", {}).items():
        assert isinstance(value, int | float) and not isinstance(value, bool), (where, key)
    if "connection" in report:
        check_connection(report["connection"], f"{where}.connection")


def check_group_summary(summary: Mapping[str, Any], where: str) -> None:
    """An IntegrationGroupSummary and each of its connector reports."""
    check_bean(summary, {**INTEGRATION_GROUP_SUMMARY, **GROUP_SUMMARY_ADDITIONS}, where)
    assert summary["integrationGroupStatus"] in INTEGRATION_GROUP_STATUS
    for index, report in enumerate(summary.get("integrationConnectorReports", [])):
        check_connector_report(report, f"{where}.integrationConnectorReports[{index}]")


def check_daemon_status(status: Mapping[str, Any]) -> None:
    """An IntegrationDaemonStatus, all the way down."""
    check_bean(status, INTEGRATION_DAEMON_STATUS, "integrationDaemonStatus")
    for index, summary in enumerate(status.get("integrationGroupSummaries", [])):
        check_group_summary(summary, f"integrationGroupSummaries[{index}]")
    for index, report in enumerate(status.get("integrationConnectorReports", [])):
        check_connector_report(report, f"integrationConnectorReports[{index}]", daemon_wide=True)


def check_error(
    document: Mapping[str, Any],
    response_class: str,
    *,
    http_code: int,
    message_id: str,
    parameter: str | None = None,
) -> None:
    """An Egeria error: the envelope filled, the message starting with its id."""
    check_response(document, response_class)
    assert document["relatedHTTPCode"] == http_code, document
    assert document["exceptionErrorMessageId"] == message_id, document
    assert document["exceptionErrorMessage"].startswith(message_id + " "), document
    for name in (
        "exceptionClassName",
        "exceptionErrorMessageParameters",
        "exceptionSystemAction",
        "exceptionUserAction",
    ):
        assert document.get(name), (name, document)
    if parameter is not None:
        assert document["exceptionProperties"]["parameterName"] == parameter, document
