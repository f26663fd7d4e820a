"""Egeria's JSON built from the daemon's status, without Neo4j: every builder's output is
checked against the field lists transcribed from Egeria's Java classes
(tests/support/egeria_fields.py), and the envelope of engine.egeria_rest field by field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from engine import ConnectionView, ElementView, EmbeddedConnectionView
from engine.daemon import (
    CONNECTOR_STATUS_BY_STATE,
    INTEGRATION_CONNECTOR_STATUSES,
    INTEGRATION_GROUP_STATUSES,
    ConnectorState,
    ConnectorStatus,
    DaemonStatus,
    GroupStatus,
    egeria_connection_bean,
    egeria_connector_report,
    egeria_daemon_status,
    egeria_group_status,
    egeria_group_summary,
    egeria_provider_report,
)
from engine.egeria_rest import (
    INVALID_PARAMETER_EXCEPTION,
    EgeriaMessage,
    EgeriaRequestError,
    egeria_time,
    ffdc_envelope,
    without_empty,
)
from engine.providers import REDACTED
from tests.support.daemon_fakes import FakeProvider
from tests.support.egeria_fields import (
    COMPONENT_DESCRIPTION,
    CONNECTOR_REPORT,
    CONNECTOR_TYPE,
    INTEGRATION_CONNECTOR_STATUS,
    INTEGRATION_GROUP_STATUS,
    ISO_WITH_OFFSET,
    check_bean,
    check_connection,
    check_connector_report,
    check_daemon_status,
    check_error,
    check_group_summary,
    check_response,
)

NOW = "2026-03-01T10:00:00.250000+00:00"


def connector_status(name: str, state: ConnectorState, **fields: object) -> ConnectorStatus:
    return ConnectorStatus.model_validate(
        {
            "connectorName": name,
            "registrationGuid": f"reg-{name}",
            "connectorQualifiedName": f"connector.{name}",
            "connectorGuid": f"guid-{name}",
            "group": "g",
            "state": state,
            "lastStatusChange": NOW,
            "statistics": {"refreshes": 0, "refreshFailures": 0},
            **fields,
        }
    )


HEALTHY = connector_status(
    "healthy",
    ConnectorState.WAITING,
    lastRefreshStart=NOW,
    refreshTimeInterval=30,
    statistics={"refreshes": 4, "refreshFailures": 0, "things": 12},
)
FAILED = connector_status(
    "failed", ConnectorState.FAILED, lastRefreshStart=NOW, lastError="ValueError: boom"
)
NEVER = connector_status("never", ConnectorState.INITIALIZED)


def connection(name: str = "conn") -> ConnectionView:
    inner = ConnectionView(
        guid="inner-guid",
        qualifiedName="conn.secrets",
        typeName="Connection",
        properties={"configurationProperties": {"collection": "sales"}},
    )
    return ConnectionView(
        guid=f"{name}-guid",
        qualifiedName=name,
        typeName="VirtualConnection",
        properties={
            "displayName": "Sales database",
            "userId": "analyst",
            "clearPassword": "pa55",
            "securedProperties": {"token": "t0k3n"},
            "configurationProperties": {"schema": "sales", "tables": []},
        },
        connectorType=ElementView(
            guid="ct-guid",
            qualifiedName="ct.sql",
            typeName="ConnectorType",
            properties={"connectorProviderClassName": "x:Provider", "version": 3},
        ),
        endpoint=ElementView(
            guid="ep-guid",
            qualifiedName="ep.sql",
            typeName="Endpoint",
            properties={"networkAddress": "db:5432", "protocol": "postgresql"},
        ),
        embeddedConnections=[
            EmbeddedConnectionView(
                guid="emb-guid", position=1, displayName="dbSecrets", connection=inner
            )
        ],
    )


def group(found: bool | None = True, *connectors: ConnectorStatus) -> GroupStatus:
    return GroupStatus.model_validate(
        {
            "qualifiedName": "g",
            "found": found,
            "guid": "group-guid" if found else None,
            "description": "the group" if found else None,
            "lastRefreshTime": NOW if found else None,
            "connectors": list(connectors),
        }
    )


def test_every_state_maps_onto_one_of_egerias_nine_connector_statuses() -> None:
    assert frozenset(INTEGRATION_CONNECTOR_STATUSES) == INTEGRATION_CONNECTOR_STATUS
    assert frozenset(INTEGRATION_GROUP_STATUSES) == INTEGRATION_GROUP_STATUS
    assert set(CONNECTOR_STATUS_BY_STATE) == set(ConnectorState)
    assert set(CONNECTOR_STATUS_BY_STATE.values()) <= INTEGRATION_CONNECTOR_STATUS


def test_connector_reports_of_healthy_failed_and_never_started_connectors() -> None:
    healthy = egeria_connector_report(HEALTHY, connection())
    check_connector_report(healthy, "healthy")
    assert healthy["connectorId"] == "reg-healthy" and healthy["connectorGUID"] == "guid-healthy"
    assert healthy["connectorInstanceId"] == "reg-healthy:0"
    assert healthy["minMinutesBetweenRefresh"] == 30
    assert healthy["statistics"] == {"refreshes": 4, "refreshFailures": 0, "things": 12}
    assert healthy["lastRefreshTime"] == "2026-03-01T10:00:00.250+00:00"
    assert "failingExceptionMessage" not in healthy and "integrationGroupGUID" not in healthy

    failed = egeria_connector_report(FAILED, None, group_guid="group-guid")
    check_connector_report(failed, "failed", daemon_wide=True)
    assert failed["connectorStatus"] == "FAILED"
    assert failed["failingExceptionMessage"] == "ValueError: boom"
    assert failed["integrationGroupGUID"] == "group-guid" and "connection" not in failed

    never = egeria_connector_report(NEVER, None)
    check_connector_report(never, "never")
    assert never["connectorStatus"] == "INITIALIZED"
    assert never["minMinutesBetweenRefresh"] == 0
    assert "lastRefreshTime" not in never


def test_connection_bean_masks_secrets_and_nests_egerias_beans() -> None:
    bean = egeria_connection_bean(connection())
    assert bean is not None
    check_connection(bean, "connection")
    assert bean["class"] == "VirtualConnection" and bean["headerVersion"] == 0
    assert bean["clearPassword"] == REDACTED
    assert bean["securedProperties"] == {"token": REDACTED}
    assert "pa55" not in str(bean) and "t0k3n" not in str(bean)
    assert bean["configurationProperties"] == {"schema": "sales", "tables": []}
    assert bean["endpoint"] == {
        "class": "Endpoint",
        "headerVersion": 0,
        "guid": "ep-guid",
        "qualifiedName": "ep.sql",
        "address": "db:5432",
        "protocol": "postgresql",
    }
    assert bean["connectorType"]["connectorProviderClassName"] == "x:Provider"
    assert "version" not in bean["connectorType"]
    [embedded] = bean["embeddedConnections"]
    assert embedded["position"] == 1 and embedded["displayName"] == "dbSecrets"
    assert embedded["embeddedConnection"]["qualifiedName"] == "conn.secrets"
    assert egeria_connection_bean(None) is None


@pytest.mark.parametrize(
    ("found", "degraded", "paused", "expected"),
    [
        (None, True, False, "ASSIGNED"),
        (None, False, False, "CONFIGURING"),
        (False, False, False, "FAILED"),
        (True, False, False, "RUNNING"),
        (True, False, True, "DISABLED"),
    ],
)
def test_group_status(found: bool | None, degraded: bool, paused: bool, expected: str) -> None:
    status = HEALTHY.model_copy(update={"paused": paused})
    assert egeria_group_status(group(found, status), degraded=degraded) == expected


def test_group_summary_and_daemon_status_have_egerias_nesting() -> None:
    summary = egeria_group_summary(group(True, HEALTHY, FAILED, NEVER), {}, degraded=False)
    check_group_summary(summary, "summary")
    assert summary["integrationGroupDescription"] == "the group"
    assert [r["connectorName"] for r in summary["integrationConnectorReports"]] == [
        "healthy",
        "failed",
        "never",
    ]
    missing = egeria_group_summary(group(False), {}, degraded=False)
    assert missing == {"integrationGroupName": "g", "integrationGroupStatus": "FAILED"}

    daemon = DaemonStatus.model_validate(
        {
            "serverName": "s",
            "status": "ok",
            "startedAt": NOW,
            "pollInterval": 5,
            "groups": [group(True, HEALTHY, NEVER)],
        }
    )
    status = egeria_daemon_status(daemon, {"reg-healthy": connection()})
    check_daemon_status(status)
    assert set(status) == {"integrationGroupSummaries", "integrationConnectorReports"}
    reports = status["integrationConnectorReports"]
    assert [r["integrationGroupGUID"] for r in reports] == ["group-guid", "group-guid"]
    assert reports[0]["connection"]["qualifiedName"] == "conn"


def test_provider_report_describes_a_registered_provider() -> None:
    report = egeria_provider_report("tests.support.daemon_fakes:FakeProvider", FakeProvider())
    check_bean(report, CONNECTOR_REPORT, "connectorReport")
    check_bean(report["connectorType"], CONNECTOR_TYPE, "connectorType")
    check_bean(report["componentDescription"], COMPONENT_DESCRIPTION, "componentDescription")
    assert report["usesBlockingCalls"] is False and report["refreshTimeInterval"] == 60
    assert report["connectorType"]["recognizedConfigurationProperties"] == ["flaps", "key", "mode"]


MESSAGE = EgeriaMessage(400, "TEST-400-001", "Thing {0} is not in {1}", "Nothing done.", "Fix it.")


def test_envelope_of_a_success_and_of_an_error() -> None:
    ok = ffdc_envelope("PropertiesResponse", properties={"a": 1}, nothing=None, empty=[])
    assert ok == {"class": "PropertiesResponse", "relatedHTTPCode": 200, "properties": {"a": 1}}
    check_response(ok, "PropertiesResponse")

    error = EgeriaRequestError(MESSAGE, ("x", "y"), properties={"parameterName": "thing"})
    failed = ffdc_envelope("VoidResponse", error, action="doThing")
    check_error(failed, "VoidResponse", http_code=400, message_id="TEST-400-001", parameter="thing")
    assert failed == {
        "class": "VoidResponse",
        "relatedHTTPCode": 400,
        "exceptionClassName": INVALID_PARAMETER_EXCEPTION,
        "actionDescription": "doThing",
        "exceptionErrorMessage": "TEST-400-001 Thing x is not in y",
        "exceptionErrorMessageId": "TEST-400-001",
        "exceptionErrorMessageParameters": ["x", "y"],
        "exceptionSystemAction": "Nothing done.",
        "exceptionUserAction": "Fix it.",
        "exceptionProperties": {"parameterName": "thing"},
    }
    bare = ffdc_envelope("VoidResponse", EgeriaRequestError(MESSAGE, ("x", "y")))
    assert "exceptionProperties" not in bare and "actionDescription" not in bare
    assert str(error) == "TEST-400-001 Thing x is not in y"


def test_dates_are_iso_8601_with_milliseconds_and_an_offset() -> None:
    assert egeria_time(None) is None and egeria_time("") is None
    assert egeria_time("2026-03-01T10:00:00+00:00") == "2026-03-01T10:00:00.000+00:00"
    paris = datetime(2026, 3, 1, 11, 0, 0, 123456, tzinfo=timezone(timedelta(hours=1)))
    assert egeria_time(paris) == "2026-03-01T11:00:00.123+01:00"
    naive = egeria_time(datetime(2026, 3, 1, 10, 0))
    assert naive == "2026-03-01T10:00:00.000+00:00"
    assert ISO_WITH_OFFSET.match(egeria_time(datetime.now(UTC)) or "")


def test_without_empty_drops_nulls_and_empty_lists_only() -> None:
    document = {"a": None, "b": [], "c": {}, "d": 0, "e": False, "f": "", "g": [None]}
    assert without_empty(document) == {"c": {}, "d": 0, "e": False, "f": "", "g": [None]}
