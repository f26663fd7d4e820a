"""Egeria's integration daemon REST API (``IntegrationDaemonResource``) over the supervisor.

Paths answered, under ``/servers/{serverName}/open-metadata/integration-daemon``
(also under ``.../integration-daemon/users/{userId}/...``)::

    GET  /status
    POST /integration-connectors/refresh
    POST /integration-connectors/restart
    GET  /integration-groups/{name}/summary
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from engine.daemon.safe_json import safe
from engine.daemon.status import ConnectorStatus, GroupStatus
from engine.daemon.supervisor import Supervisor
from engine.errors import NotFoundError

EGERIA_PREFIXES = (
    "/servers/{serverName}/open-metadata/integration-daemon",
    "/servers/{serverName}/open-metadata/integration-daemon/users/{userId}",
)


class NameRequestBody(BaseModel):
    """Egeria's request body naming one connector."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    class_: str | None = Field(None, alias="class")
    name: str | None = None


def _millis(value: str | None) -> int | None:
    if not value:
        return None
    return int(datetime.fromisoformat(value).timestamp() * 1000)


def egeria_connector_report(c: ConnectorStatus) -> dict[str, Any]:
    """One connector's status with Egeria's field names."""
    return {
        "class": "IntegrationConnectorReport",
        "connectorId": c.registration_guid,
        "connectorGUID": c.connector_guid,
        "connectorName": c.connector_name,
        "connectorInstanceId": f"{c.registration_guid}:{c.restart_count}",
        "connectorStatus": c.state.value,
        "lastStatusChange": _millis(c.last_status_change),
        "lastRefreshTime": _millis(c.last_refresh_start),
        "minMinutesBetweenRefresh": c.refresh_time_interval,
        "failingExceptionMessage": c.last_error,
        "statistics": {k: str(v) for k, v in c.statistics.items()},
    }


def egeria_group_summary(group: GroupStatus) -> dict[str, Any]:
    """One group's status with Egeria's field names."""
    return {
        "class": "IntegrationGroupSummary",
        "integrationGroupName": group.qualified_name,
        "integrationGroupGUID": group.guid,
        "integrationGroupStatus": "RUNNING" if group.found else "NOT_FOUND",
        "integrationConnectorReports": [egeria_connector_report(c) for c in group.connectors],
    }


def egeria_void(sup: Supervisor, op: str, body: NameRequestBody | None) -> JSONResponse:
    """Egeria's refresh or restart of one connector (or all): a VoidResponse."""
    name = body.name if body else None
    try:
        if op == "refresh":
            sup.request_refresh(name)
        else:
            sup.restart(name)
    except NotFoundError as exc:
        return safe(
            {
                "class": "VoidResponse",
                "relatedHTTPCode": 404,
                "exceptionErrorMessage": exc.message,
            },
            404,
        )
    return safe({"class": "VoidResponse", "relatedHTTPCode": 200})


def egeria_status_response(sup: Supervisor) -> dict[str, Any]:
    """Egeria's IntegrationDaemonStatusResponse."""
    groups = [egeria_group_summary(g) for g in sup.status().groups]
    return {
        "class": "IntegrationDaemonStatusResponse",
        "relatedHTTPCode": 200,
        "integrationGroupSummaries": groups,
        "integrationConnectorReports": [
            r for g in groups for r in g["integrationConnectorReports"]
        ],
    }


def egeria_summary_response(sup: Supervisor, name: str) -> JSONResponse:
    """Egeria's IntegrationGroupSummaryResponse for group ``name`` (404 when not configured)."""
    for group in sup.status().groups:
        if group.qualified_name == name:
            return safe(
                {
                    "class": "IntegrationGroupSummaryResponse",
                    "relatedHTTPCode": 200,
                    "integrationGroupSummary": egeria_group_summary(group),
                }
            )
    return safe(
        {
            "class": "IntegrationGroupSummaryResponse",
            "relatedHTTPCode": 404,
            "exceptionErrorMessage": f"no integration group '{name}' in this daemon",
        },
        404,
    )


def add_egeria_routes(guarded: APIRouter, sup: Supervisor) -> None:
    """The Egeria-compatible paths under each of :data:`EGERIA_PREFIXES`."""
    for prefix in EGERIA_PREFIXES:
        add_egeria_routes_under(guarded, sup, prefix)


def add_egeria_routes_under(guarded: APIRouter, sup: Supervisor, prefix: str) -> None:
    """The Egeria-compatible paths under ``prefix``."""

    def check_server(server_name: str) -> None:
        if server_name != sup.config.server_name:
            raise HTTPException(404, f"no server named '{server_name}' here")

    @guarded.get(f"{prefix}/status", summary="Egeria: integration daemon status")
    def egeria_status(serverName: str) -> JSONResponse:
        check_server(serverName)
        return safe(egeria_status_response(sup))

    @guarded.post(f"{prefix}/integration-connectors/refresh", summary="Egeria: refresh connectors")
    def egeria_refresh(
        serverName: str, body: Annotated[NameRequestBody | None, Body()] = None
    ) -> JSONResponse:
        check_server(serverName)
        return egeria_void(sup, "refresh", body)

    @guarded.post(f"{prefix}/integration-connectors/restart", summary="Egeria: restart connectors")
    def egeria_restart(
        serverName: str, body: Annotated[NameRequestBody | None, Body()] = None
    ) -> JSONResponse:
        check_server(serverName)
        return egeria_void(sup, "restart", body)

    @guarded.get(
        f"{prefix}/integration-groups/{{name}}/summary", summary="Egeria: one integration group"
    )
    def egeria_summary(serverName: str, name: str) -> JSONResponse:
        check_server(serverName)
        return egeria_summary_response(sup, name)
