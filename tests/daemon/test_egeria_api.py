"""Egeria's integration daemon REST API, endpoint by endpoint, against field lists
transcribed from Egeria's Java classes (tests/support/egeria_fields.py): a running daemon
with a healthy, a failed, a never-started and an OpenLineage-consuming connector, every
error case, the older underscore paths, and changes written to the graph."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from engine.daemon import DaemonConfig, Supervisor, create_app
from engine.declare import manifest as mf
from engine.graph import Store, get_element
from tests.support import daemon_fakes, lineage_fakes
from tests.support.daemon_helpers import wait_for
from tests.support.egeria_fields import (
    COMPONENT_DESCRIPTION,
    CONNECTOR_REPORT,
    CONNECTOR_TYPE,
    check_bean,
    check_daemon_status,
    check_error,
    check_group_summary,
    check_response,
)

pytestmark = pytest.mark.timeout(180)

SERVER = "egeria-daemon"
GROUP = "egeria:group"
BASE = f"/servers/{SERVER}/open-metadata/integration-daemon"
FAKE = "tests.support.daemon_fakes:FakeProvider"
LINEAGE = "tests.support.lineage_fakes:LineageProvider"


def connector(name: str, provider: str, registration: dict[str, Any], **config: Any) -> dict:
    return {
        "qualifiedName": f"egeria:connector:{name}",
        "registration": {"connectorName": name, **registration},
        "connection": {
            "qualifiedName": f"egeria:connection:{name}",
            "connectorType": {
                "qualifiedName": f"egeria:ct:{name}",
                "connectorProviderClassName": provider,
            },
            "endpoint": {"qualifiedName": f"egeria:ep:{name}", "networkAddress": "host:1"},
            "configurationProperties": {"key": f"egeria-{name}", **config},
        },
    }


MANIFEST = {
    "integrationGroups": [
        {
            "qualifiedName": GROUP,
            "description": "Connectors for the Egeria API tests",
            "connectors": [
                connector("healthy", FAKE, {"refreshTimeInterval": 60}),
                connector("failing", FAKE, {"refreshTimeInterval": 60}, mode="raises"),
                connector("later", FAKE, {"startDate": "2099-01-01T00:00:00Z"}),
                connector("lineage", LINEAGE, {}),
            ],
        }
    ]
}


@pytest.fixture
def daemon(store: Store) -> Iterator[tuple[Supervisor, TestClient]]:
    daemon_fakes.reset()
    lineage_fakes.EVENTS.clear()
    mf.apply_documents(store, [mf.parse_document("egeria", MANIFEST)])
    config = DaemonConfig.model_validate(
        {"groups": [GROUP], "serverName": SERVER, "pollInterval": 0.3}
    )
    sup = Supervisor(store, config, tick_seconds=0.05)
    thread = threading.Thread(target=sup.run, daemon=True)
    thread.start()
    wait_for(lambda: states(sup) == EXPECTED_STATES)
    try:
        yield sup, TestClient(create_app(sup))
    finally:
        sup.stop()
        thread.join(30)


EXPECTED_STATES = {
    "healthy": "WAITING",
    "failing": "FAILED",
    "later": "INITIALIZED",
    "lineage": "WAITING",
}


def states(sup: Supervisor) -> dict[str, str]:
    return {c.connector_name: c.state.value for c in sup.status().connectors()}


def test_status_has_egerias_shape_for_healthy_failed_and_never_started_connectors(
    daemon: tuple[Supervisor, TestClient],
) -> None:
    _, client = daemon
    response = client.get(f"{BASE}/status")
    assert response.status_code == 200
    document = response.json()
    check_response(document, "IntegrationDaemonStatusResponse")
    assert document["relatedHTTPCode"] == 200
    status = document["integrationDaemonStatus"]
    check_daemon_status(status)
    [summary] = status["integrationGroupSummaries"]
    assert summary["integrationGroupName"] == GROUP
    assert summary["integrationGroupDescription"] == "Connectors for the Egeria API tests"
    assert summary["integrationGroupStatus"] == "RUNNING"
    reports = {r["connectorName"]: r for r in status["integrationConnectorReports"]}
    assert {name: r["connectorStatus"] for name, r in reports.items()} == EXPECTED_STATES
    group_guid = summary["integrationGroupGUID"]
    assert {r["integrationGroupGUID"] for r in reports.values()} == {group_guid}
    assert all("integrationGroupGUID" not in r for r in summary["integrationConnectorReports"])

    healthy, failing, later = reports["healthy"], reports["failing"], reports["later"]
    assert healthy["minMinutesBetweenRefresh"] == 60 and later["minMinutesBetweenRefresh"] == 0
    assert healthy["statistics"]["refreshes"] >= 1 and "failingExceptionMessage" not in healthy
    assert "refresh exploded" in failing["failingExceptionMessage"]
    assert "lastRefreshTime" in healthy and "lastRefreshTime" not in later
    assert later["statistics"] == {"refreshes": 0, "refreshFailures": 0}
    connection = healthy["connection"]
    assert connection["class"] == "Connection"
    assert connection["qualifiedName"] == "egeria:connection:healthy"
    assert connection["endpoint"]["address"] == "host:1"
    assert connection["connectorType"]["connectorProviderClassName"] == FAKE


def test_group_summaries_and_one_group(daemon: tuple[Supervisor, TestClient]) -> None:
    _, client = daemon
    summaries = client.get(f"{BASE}/integration-groups/summary").json()
    check_response(summaries, "IntegrationGroupSummariesResponse")
    [summary] = summaries["integrationGroupSummaries"]
    check_group_summary(summary, "summary")
    one = client.get(f"{BASE}/integration-groups/{GROUP}/summary").json()
    check_response(one, "IntegrationGroupSummaryResponse")
    check_group_summary(one["integrationGroupSummary"], "one")
    assert one["integrationGroupSummary"]["integrationGroupName"] == GROUP
    assert "lastRefreshTime" in one["integrationGroupSummary"]


def test_refresh_restart_and_refresh_config_answer_void_responses(
    daemon: tuple[Supervisor, TestClient],
) -> None:
    sup, client = daemon
    before = sup.find("healthy")[0].stats.refreshes
    refreshed = client.post(
        f"{BASE}/integration-connectors/refresh",
        json={"class": "NameRequestBody", "name": "healthy"},
    ).json()
    assert refreshed == {"class": "VoidResponse", "relatedHTTPCode": 200}
    wait_for(lambda: sup.find("healthy")[0].stats.refreshes > before)

    restarted = client.post(f"{BASE}/integration-connectors/restart", json={"name": "failing"})
    assert restarted.json() == {"class": "VoidResponse", "relatedHTTPCode": 200}
    assert sup.find("failing")[0].stats.restarts == 1
    everything = client.post(f"{BASE}/integration-connectors/refresh")
    assert everything.json()["relatedHTTPCode"] == 200

    reloads = sup.herder.reloads
    config = client.get(f"{BASE}/integration-groups/{GROUP}/refresh-config").json()
    assert config == {"class": "VoidResponse", "relatedHTTPCode": 200}
    assert sup.herder.reloads == reloads + 1


def test_underscore_paths_with_a_user_read_status_refresh_and_restart(
    daemon: tuple[Supervisor, TestClient],
) -> None:
    sup, client = daemon
    old = f"/servers/{SERVER}/open-metadata/integration_daemon/users/garygeeke"
    status = client.get(f"{old}/status", params={"delegatingUserId": "erin"}).json()
    check_response(status, "IntegrationDaemonStatusResponse")
    check_daemon_status(status["integrationDaemonStatus"])
    before = sup.find("healthy")[0].stats.refreshes
    refresh = client.post(f"{old}/integration-connectors/refresh", json={"name": "healthy"})
    assert refresh.json() == {"class": "VoidResponse", "relatedHTTPCode": 200}
    wait_for(lambda: sup.find("healthy")[0].stats.refreshes > before)
    restart = client.post(f"{old}/integration-connectors/restart", json={"name": "healthy"})
    assert restart.json() == {"class": "VoidResponse", "relatedHTTPCode": 200}
    assert sup.find("healthy")[0].stats.restarts == 1
    hyphen = f"/servers/{SERVER}/open-metadata/integration-daemon/users/garygeeke/status"
    again = client.get(hyphen).json()["integrationDaemonStatus"]
    check_daemon_status(again)
    assert [s["integrationGroupName"] for s in again["integrationGroupSummaries"]] == [GROUP]


def test_errors_come_in_egerias_envelope(daemon: tuple[Supervisor, TestClient]) -> None:
    _, client = daemon
    other = client.get("/servers/other/open-metadata/integration-daemon/users/gary/status")
    assert other.status_code == 200
    check_error(
        other.json(),
        "IntegrationDaemonStatusResponse",
        http_code=404,
        message_id="OMAG-MULTI-TENANT-404-001",
        parameter="serverName",
    )
    assert other.json()["exceptionErrorMessageParameters"] == ["other", "gary"]
    for path in ("refresh", "restart"):
        response = client.post(f"{BASE}/integration-connectors/{path}", json={"name": "nope"})
        assert response.status_code == 200
        check_error(
            response.json(),
            "VoidResponse",
            http_code=400,
            message_id="INTEGRATION-DAEMON-SERVICES-400-031",
            parameter="connectorName",
        )
    missing = client.get(f"{BASE}/integration-connectors/nope/configuration-properties").json()
    check_error(
        missing,
        "PropertiesResponse",
        http_code=400,
        message_id="INTEGRATION-DAEMON-SERVICES-400-031",
        parameter="connectorName",
    )
    for path, response_class in (
        ("summary", "IntegrationGroupSummaryResponse"),
        ("refresh-config", "VoidResponse"),
    ):
        group = client.get(f"{BASE}/integration-groups/no-such-group/{path}").json()
        check_error(
            group,
            response_class,
            http_code=400,
            message_id="INTEGRATION-DAEMON-SERVICES-400-034",
            parameter="integrationGroupName",
        )


def test_malformed_json_is_http_400_with_the_bare_envelope(
    daemon: tuple[Supervisor, TestClient],
) -> None:
    sup, client = daemon
    for path in (
        "integration-connectors/refresh",
        "integration-connectors/configuration-properties",
        "publish-open-lineage-event",
    ):
        response = client.post(
            f"{BASE}/{path}", content=b"{not json", headers={"content-type": "application/json"}
        )
        assert response.status_code == 400, path
        check_error(
            response.json(), "VoidResponse", http_code=400, message_id="SWITCHBOARD-DAEMON-400-001"
        )
    assert sup.find("healthy")[0].stats.restarts == 0


def test_no_groups_is_reported(store: Store) -> None:
    sup = Supervisor(store, DaemonConfig.model_validate({"groups": [], "serverName": SERVER}))
    sup.load()
    client = TestClient(create_app(sup))
    check_error(
        client.get(f"{BASE}/integration-groups/summary").json(),
        "IntegrationGroupSummariesResponse",
        http_code=400,
        message_id="INTEGRATION-DAEMON-SERVICES-400-035",
    )
    empty = client.get(f"{BASE}/status").json()
    assert empty == {
        "class": "IntegrationDaemonStatusResponse",
        "relatedHTTPCode": 200,
        "integrationDaemonStatus": {},
    }


def test_configuration_properties_are_read_and_written_to_the_graph(
    store: Store, daemon: tuple[Supervisor, TestClient]
) -> None:
    sup, client = daemon
    path = f"{BASE}/integration-connectors/healthy/configuration-properties"
    read = client.get(path).json()
    check_response(read, "PropertiesResponse")
    assert read["properties"] == {"key": "egeria-healthy"}

    merged = client.post(
        f"{BASE}/integration-connectors/configuration-properties",
        json={
            "class": "ConnectorConfigPropertiesRequestBody",
            "connectorName": "healthy",
            "mergeUpdate": True,
            "configurationProperties": {"mode": "counts"},
        },
    ).json()
    assert merged == {"class": "VoidResponse", "relatedHTTPCode": 200}
    stored = get_element(store, "egeria:connection:healthy").element
    assert stored.configurationProperties == {"key": "egeria-healthy", "mode": "counts"}
    wait_for(lambda: daemon_fakes.SEEN["egeria-healthy"].configuration.mode == "counts")
    assert sup.find("healthy")[0].stats.restarts >= 1

    client.post(
        f"{BASE}/integration-connectors/configuration-properties",
        json={"connectorName": "healthy", "configurationProperties": {"key": "replaced"}},
    )
    replaced = get_element(store, "egeria:connection:healthy").element
    assert replaced.configurationProperties == {"key": "replaced"}
    assert client.get(path).json()["properties"] == {"key": "replaced"}

    unknown = client.post(
        f"{BASE}/integration-connectors/configuration-properties",
        json={"connectorName": "nope", "configurationProperties": {}},
    ).json()
    check_error(
        unknown,
        "VoidResponse",
        http_code=400,
        message_id="INTEGRATION-DAEMON-SERVICES-400-031",
        parameter="connectorName",
    )


def test_endpoint_address_and_connection_are_written_to_the_graph(
    store: Store, daemon: tuple[Supervisor, TestClient]
) -> None:
    sup, client = daemon
    moved = client.post(
        f"{BASE}/integration-connectors/healthy/endpoint-network-address",
        json={"class": "StringRequestBody", "string": "host:2"},
    ).json()
    assert moved == {"class": "VoidResponse", "relatedHTTPCode": 200}
    assert get_element(store, "egeria:ep:healthy").element.networkAddress == "host:2"
    wait_for(lambda: daemon_fakes.SEEN["egeria-healthy"].connection.network_address == "host:2")
    empty = client.post(
        f"{BASE}/integration-connectors/healthy/endpoint-network-address", json={}
    ).json()
    check_error(empty, "VoidResponse", http_code=400, message_id="SWITCHBOARD-DAEMON-400-002")

    replaced = client.post(
        f"{BASE}/integration-connectors/failing/connection",
        json={
            "class": "Connection",
            "displayName": "Now healthy",
            "configurationProperties": {"key": "egeria-failing"},
            "endpoint": {"class": "Endpoint", "address": "host:3"},
        },
    ).json()
    assert replaced == {"class": "VoidResponse", "relatedHTTPCode": 200}
    connection = get_element(store, "egeria:connection:failing").element
    assert connection.displayName == "Now healthy"
    assert connection.configurationProperties == {"key": "egeria-failing"}
    assert get_element(store, "egeria:ep:failing").element.networkAddress == "host:3"
    wait_for(lambda: states(sup)["failing"] == "WAITING")


def test_validate_connector_reports_a_provider_from_the_registry(
    daemon: tuple[Supervisor, TestClient],
) -> None:
    _, client = daemon
    good = client.get(f"{BASE}/validate-connector/{FAKE}").json()
    check_response(good, "ConnectorReportResponse")
    report = good["connectorReport"]
    check_bean(report, CONNECTOR_REPORT, "connectorReport")
    check_bean(report["connectorType"], CONNECTOR_TYPE, "connectorReport.connectorType")
    check_bean(report["componentDescription"], COMPONENT_DESCRIPTION, "componentDescription")
    assert report["connectorType"]["connectorProviderClassName"] == FAKE
    assert report["refreshTimeInterval"] == 60 and report["usesBlockingCalls"] is False
    assert report["connectorType"]["recognizedConfigurationProperties"] == ["flaps", "key", "mode"]

    bad = client.get(f"{BASE}/validate-connector/no.such.Provider").json()
    check_error(
        bad,
        "ConnectorReportResponse",
        http_code=400,
        message_id="SWITCHBOARD-DAEMON-400-003",
        parameter="connectorProviderClassName",
    )


def test_open_lineage_events_reach_the_connectors_that_consume_them(
    daemon: tuple[Supervisor, TestClient],
) -> None:
    _, client = daemon
    event = '{"eventType": "COMPLETE", "run": {"runId": "r1"}, "job": {"name": "load"}}'
    published = client.post(
        f"{BASE}/publish-open-lineage-event",
        content=event.encode(),
        headers={"content-type": "application/json"},
    ).json()
    assert published == {"class": "VoidResponse", "relatedHTTPCode": 200}
    assert {"lineage": [event]} == lineage_fakes.EVENTS
    client.post(f"{BASE}/publish-open-lineage-event", content=b'{"eventType": "explode"}')
    reports = {
        r["connectorName"]: r
        for r in client.get(f"{BASE}/status").json()["integrationDaemonStatus"][
            "integrationConnectorReports"
        ]
    }
    assert reports["lineage"]["statistics"]["openLineageEvents"] == 1
    assert reports["lineage"]["statistics"]["openLineageEventFailures"] == 1
    assert "openLineageEvents" not in reports["healthy"]["statistics"]


@pytest.mark.parametrize(
    ("path", "body", "message_id"),
    [
        ("integration-connectors/refresh", {"name": 7}, "SWITCHBOARD-DAEMON-400-002"),
        (
            "integration-connectors/configuration-properties",
            {"connectorName": "healthy", "configurationProperties": ["a"]},
            "SWITCHBOARD-DAEMON-400-002",
        ),
        (
            "integration-connectors/configuration-properties",
            {"connectorName": "healthy", "mergeUpdate": "yes", "configurationProperties": {}},
            "SWITCHBOARD-DAEMON-400-002",
        ),
        (
            "integration-connectors/healthy/endpoint-network-address",
            {"string": 42},
            "SWITCHBOARD-DAEMON-400-002",
        ),
        (
            "integration-connectors/healthy/connection",
            {"class": "Connection", "displayName": {"not": "text"}},
            "SWITCHBOARD-DAEMON-400-004",
        ),
        (
            "integration-connectors/healthy/connection",
            {"qualifiedName": 12},
            "SWITCHBOARD-DAEMON-400-004",
        ),
    ],
)
def test_requests_that_do_not_fit_change_nothing(
    store: Store,
    daemon: tuple[Supervisor, TestClient],
    path: str,
    body: dict[str, Any],
    message_id: str,
) -> None:
    _, client = daemon
    before = get_element(store, "egeria:connection:healthy").audit.version
    response = client.post(f"{BASE}/{path}", json=body)
    assert response.status_code == 200
    check_error(response.json(), "VoidResponse", http_code=400, message_id=message_id)
    assert get_element(store, "egeria:connection:healthy").audit.version == before


def test_nested_configuration_values_are_stored_as_given(
    store: Store, daemon: tuple[Supervisor, TestClient]
) -> None:
    _, client = daemon
    nested = {"key": "egeria-healthy", "tables": {"include": ["a", "b"], "depth": 2}}
    response = client.post(
        f"{BASE}/integration-connectors/configuration-properties",
        json={"connectorName": "healthy", "configurationProperties": nested},
    ).json()
    assert response == {"class": "VoidResponse", "relatedHTTPCode": 200}
    read = client.get(f"{BASE}/integration-connectors/healthy/configuration-properties").json()
    assert read["properties"] == nested


RESOURCE = {
    ("GET", "/status"): "IntegrationDaemonStatusResponse",
    ("GET", "/integration-groups/summary"): "IntegrationGroupSummariesResponse",
    ("GET", "/integration-groups/{integrationGroupName}/summary"): (
        "IntegrationGroupSummaryResponse"
    ),
    ("GET", "/integration-groups/{integrationGroupName}/refresh-config"): "VoidResponse",
    ("POST", "/integration-connectors/refresh"): "VoidResponse",
    ("POST", "/integration-connectors/restart"): "VoidResponse",
    ("GET", "/integration-connectors/{connectorName}/configuration-properties"): (
        "PropertiesResponse"
    ),
    ("POST", "/integration-connectors/configuration-properties"): "VoidResponse",
    ("POST", "/integration-connectors/{connectorName}/endpoint-network-address"): ("VoidResponse"),
    ("POST", "/integration-connectors/{connectorName}/connection"): "VoidResponse",
    ("GET", "/validate-connector/{connectorProviderClassName}"): "ConnectorReportResponse",
    ("POST", "/publish-open-lineage-event"): "VoidResponse",
}
"""Egeria's IntegrationDaemonResource: each endpoint's method and path (under
/servers/{serverName}/open-metadata/integration-daemon) and its response class."""
PREFIXES = (
    "/servers/{serverName}/open-metadata/integration-daemon",
    "/servers/{serverName}/open-metadata/integration-daemon/users/{userId}",
    "/servers/{serverName}/open-metadata/integration_daemon/users/{userId}",
)
BODIES: dict[str, Any] = {
    "/integration-connectors/refresh": {"class": "NameRequestBody", "name": "healthy"},
    "/integration-connectors/restart": {"class": "NameRequestBody", "name": "healthy"},
    "/integration-connectors/configuration-properties": {
        "connectorName": "healthy",
        "configurationProperties": {"key": "other"},
    },
    "/integration-connectors/{connectorName}/endpoint-network-address": {"string": "host:9"},
    "/integration-connectors/{connectorName}/connection": {"class": "Connection"},
    "/publish-open-lineage-event": {"eventType": "COMPLETE"},
}


@pytest.fixture
def idle(store: Store) -> TestClient:
    """The control API of a daemon serving SERVER that runs no group."""
    sup = Supervisor(store, DaemonConfig.model_validate({"groups": [], "serverName": SERVER}))
    sup.load()
    return TestClient(create_app(sup))


def test_the_api_document_lists_egerias_resource_and_nothing_more(idle: TestClient) -> None:
    """The OpenAPI document shows the first prefix; the test below calls all three."""
    paths = idle.get("/openapi.json").json()["paths"]
    served = {
        (method.upper(), path.removeprefix(PREFIXES[0]))
        for path, operations in paths.items()
        if path.startswith("/servers/")
        for method in operations
    }
    assert served == set(RESOURCE)


@pytest.mark.parametrize(("method", "path"), sorted(RESOURCE))
@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_endpoint_answers_an_unknown_server_in_its_response_class(
    store: Store, idle: TestClient, method: str, path: str, prefix: str
) -> None:
    concrete = (prefix + path).format(
        serverName="other",
        userId="gary",
        integrationGroupName=GROUP,
        connectorName="healthy",
        connectorProviderClassName=FAKE,
    )
    response = idle.request(method, concrete, json=BODIES.get(path))
    assert response.status_code == 200
    document = response.json()
    check_error(
        document,
        RESOURCE[(method, path)],
        http_code=404,
        message_id="OMAG-MULTI-TENANT-404-001",
        parameter="serverName",
    )
    assert document["exceptionErrorMessageParameters"][0] == "other"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("integration-connectors/nope/endpoint-network-address", {"string": "host:9"}),
        ("integration-connectors/nope/connection", {"class": "Connection"}),
    ],
)
def test_changes_to_an_unknown_connector_are_egerias_error(
    store: Store, daemon: tuple[Supervisor, TestClient], path: str, body: dict[str, Any]
) -> None:
    _, client = daemon
    before = get_element(store, "egeria:connection:healthy").audit.version
    response = client.post(f"{BASE}/{path}", json=body)
    assert response.status_code == 200
    check_error(
        response.json(),
        "VoidResponse",
        http_code=400,
        message_id="INTEGRATION-DAEMON-SERVICES-400-031",
        parameter="connectorName",
    )
    assert get_element(store, "egeria:connection:healthy").audit.version == before
