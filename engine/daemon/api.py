"""The daemon's control API (FastAPI, served by uvicorn on loopback by default).

Native paths: ``GET /health``, ``GET /status``, ``POST /refresh``,
``POST /restart``, ``POST /pause``, ``POST /resume`` (body
``{"connector": NAME?, "onlyFailed": bool?}``; no connector = all),
``GET /metrics`` (Prometheus text). Egeria-compatible paths, with Egeria's
JSON field names, so existing Egeria tooling can watch and steer the daemon::

    GET  /servers/{serverName}/open-metadata/integration-daemon/status
    POST /servers/{serverName}/open-metadata/integration-daemon/integration-connectors/refresh
    POST /servers/{serverName}/open-metadata/integration-daemon/integration-connectors/restart
    GET  /servers/{serverName}/open-metadata/integration-daemon/integration-groups/{name}/summary

(also under ``.../integration-daemon/users/{userId}/...``). With a token
configured every path but ``/health`` needs ``Authorization: Bearer TOKEN``.
The OpenAPI document is at ``/openapi.json`` (browsable at ``/docs``).
Every response body passes through :func:`engine.providers.secrets.redact`.
"""

from __future__ import annotations

import hmac
import json
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime
from typing import Annotated, Any

import uvicorn
from fastapi import APIRouter, Body, Depends, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from pydantic import BaseModel, ConfigDict, Field

from engine.daemon.states import ConnectorState
from engine.daemon.supervisor import Supervisor
from engine.errors import NotFoundError
from engine.providers.secrets import redact

EGERIA_PREFIXES = (
    "/servers/{serverName}/open-metadata/integration-daemon",
    "/servers/{serverName}/open-metadata/integration-daemon/users/{userId}",
)


class ControlRequest(BaseModel):
    """Which connectors an operation applies to."""

    model_config = ConfigDict(populate_by_name=True)

    connector: str | None = None
    """connectorName or registration guid; omitted = every connector."""
    only_failed: bool = Field(default=False, alias="onlyFailed")
    """restart only: just the connectors in FAILED, CONFIG_FAILED or INITIALIZE_FAILED."""


class NameRequestBody(BaseModel):
    """Egeria's request body naming one connector."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    class_: str | None = Field(None, alias="class")
    name: str | None = None


def safe(document: Any, status_code: int = 200) -> JSONResponse:
    """A JSON response with every known secret value masked."""
    text = redact(json.dumps(document, default=str))
    return JSONResponse(json.loads(text), status_code=status_code)


def _millis(value: str | None) -> int | None:
    if not value:
        return None
    return int(datetime.fromisoformat(value).timestamp() * 1000)


def egeria_connector_report(c: dict[str, Any]) -> dict[str, Any]:
    return {
        "class": "IntegrationConnectorReport",
        "connectorId": c["registrationGuid"],
        "connectorGUID": c["connectorGuid"],
        "connectorName": c["connectorName"],
        "connectorInstanceId": f"{c['registrationGuid']}:{c['restartCount']}",
        "connectorStatus": c["state"],
        "lastStatusChange": _millis(c["lastStatusChange"]),
        "lastRefreshTime": _millis(c["lastRefreshStart"]),
        "minMinutesBetweenRefresh": c["refreshTimeInterval"],
        "failingExceptionMessage": c["lastError"],
        "statistics": {k: str(v) for k, v in c["statistics"].items()},
    }


def egeria_group_summary(group: dict[str, Any]) -> dict[str, Any]:
    return {
        "class": "IntegrationGroupSummary",
        "integrationGroupName": group["qualifiedName"],
        "integrationGroupGUID": group.get("guid"),
        "integrationGroupStatus": "RUNNING" if group.get("found") else "NOT_FOUND",
        "integrationConnectorReports": [egeria_connector_report(c) for c in group["connectors"]],
    }


class _Metrics(Collector):
    def __init__(self, sup: Supervisor) -> None:
        self.sup = sup

    def collect(self) -> Iterator[Metric]:
        status = self.sup.status()
        labels = ["group", "connector"]
        state = GaugeMetricFamily(
            "switchboard_connector_state",
            "1 for the state the connector is in, 0 for the others",
            labels=[*labels, "state"],
        )
        refreshes = CounterMetricFamily(
            "switchboard_connector_refreshes", "Refreshes completed", labels=labels
        )
        failures = CounterMetricFamily(
            "switchboard_connector_refresh_failures", "Refreshes that failed", labels=labels
        )
        restarts = CounterMetricFamily(
            "switchboard_connector_restarts", "Restarts (requested or on change)", labels=labels
        )
        duration = GaugeMetricFamily(
            "switchboard_connector_last_refresh_seconds",
            "Duration of the last refresh",
            labels=labels,
        )
        for group in status["groups"]:
            for c in group["connectors"]:
                key = [group["qualifiedName"], c["connectorName"]]
                for s in ConnectorState:
                    state.add_metric([*key, s.value], 1.0 if c["state"] == s.value else 0.0)
                refreshes.add_metric(key, c["statistics"]["refreshes"])
                failures.add_metric(key, c["statistics"]["refreshFailures"])
                restarts.add_metric(key, c["restartCount"])
                if c["lastRefreshDuration"] is not None:
                    duration.add_metric(key, c["lastRefreshDuration"])
        degraded = GaugeMetricFamily(
            "switchboard_daemon_degraded", "1 while Neo4j cannot be reached"
        )
        degraded.add_metric([], 1.0 if status["status"] == "degraded" else 0.0)
        yield from (state, refreshes, failures, restarts, duration, degraded)


def create_app(sup: Supervisor, *, token: str | None = None) -> FastAPI:
    """The control API for ``sup``; ``token`` (resolved) enables bearer authentication."""
    app = FastAPI(
        title="Switchboard integration daemon",
        version="0.1.0",
        description="Watch and steer the integration daemon (native and Egeria-compatible paths).",
    )
    registry = CollectorRegistry()
    registry.register(_Metrics(sup))

    def token_ok(request: Request) -> bool:
        if token is None:
            return True
        header = request.headers.get("authorization", "")
        scheme, _, given = header.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token)

    def authorise(request: Request) -> None:
        if not token_ok(request):
            raise HTTPException(
                401, "missing or wrong bearer token", headers={"WWW-Authenticate": "Bearer"}
            )

    if token is not None:
        # Routes FastAPI adds itself (/openapi.json, /docs, /redoc) take no
        # dependencies, so the token is also enforced here for every path.
        @app.middleware("http")
        async def require_token(
            request: Request, call_next: Callable[[Request], Awaitable[Response]]
        ) -> Response:
            if request.url.path != "/health" and not token_ok(request):
                return JSONResponse(
                    {"detail": "missing or wrong bearer token"},
                    status_code=401,
                    headers={"WWW-Authenticate": "Bearer"},
                )
            return await call_next(request)

    guarded = APIRouter(dependencies=[Depends(authorise)])

    @app.get("/health", summary="Liveness and degraded state")
    def health() -> JSONResponse:
        return safe(sup.health())

    @guarded.get("/status", summary="Per group and connector status")
    def status() -> JSONResponse:
        return safe(sup.status())

    def control(op: str, body: ControlRequest) -> JSONResponse:
        try:
            if op == "refresh":
                names = sup.request_refresh(body.connector)
            elif op == "restart":
                names = sup.restart(body.connector, only_failed=body.only_failed)
            elif op == "pause":
                names = sup.pause(body.connector)
            else:
                names = sup.resume(body.connector)
        except NotFoundError as exc:
            return safe({"error": exc.message, "hint": exc.hint}, 404)
        return safe({"operation": op, "connectors": names})

    @guarded.post("/refresh", summary="Refresh one connector, or all")
    def refresh(body: Annotated[ControlRequest | None, Body()] = None) -> JSONResponse:
        return control("refresh", body or ControlRequest())

    @guarded.post("/restart", summary="Restart one connector, all, or only failed ones")
    def restart(body: Annotated[ControlRequest | None, Body()] = None) -> JSONResponse:
        return control("restart", body or ControlRequest())

    @guarded.post("/pause", summary="Stop scheduled refreshes")
    def pause(body: Annotated[ControlRequest | None, Body()] = None) -> JSONResponse:
        return control("pause", body or ControlRequest())

    @guarded.post("/resume", summary="Resume scheduled refreshes")
    def resume(body: Annotated[ControlRequest | None, Body()] = None) -> JSONResponse:
        return control("resume", body or ControlRequest())

    @guarded.get("/metrics", summary="Prometheus metrics", response_class=PlainTextResponse)
    def metrics() -> PlainTextResponse:
        return PlainTextResponse(
            generate_latest(registry).decode(), media_type="text/plain; version=0.0.4"
        )

    def check_server(server_name: str) -> None:
        if server_name != sup.config.server_name:
            raise HTTPException(404, f"no server named '{server_name}' here")

    def egeria_void(op: str, body: NameRequestBody | None) -> JSONResponse:
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

    for prefix in EGERIA_PREFIXES:

        @guarded.get(f"{prefix}/status", summary="Egeria: integration daemon status")
        def egeria_status(serverName: str) -> JSONResponse:
            check_server(serverName)
            doc = sup.status()
            groups = [egeria_group_summary(g) for g in doc["groups"]]
            return safe(
                {
                    "class": "IntegrationDaemonStatusResponse",
                    "relatedHTTPCode": 200,
                    "integrationGroupSummaries": groups,
                    "integrationConnectorReports": [
                        r for g in groups for r in g["integrationConnectorReports"]
                    ],
                }
            )

        @guarded.post(
            f"{prefix}/integration-connectors/refresh", summary="Egeria: refresh connectors"
        )
        def egeria_refresh(
            serverName: str,
            body: Annotated[NameRequestBody | None, Body()] = None,
        ) -> JSONResponse:
            check_server(serverName)
            return egeria_void("refresh", body)

        @guarded.post(
            f"{prefix}/integration-connectors/restart", summary="Egeria: restart connectors"
        )
        def egeria_restart(
            serverName: str,
            body: Annotated[NameRequestBody | None, Body()] = None,
        ) -> JSONResponse:
            check_server(serverName)
            return egeria_void("restart", body)

        @guarded.get(
            f"{prefix}/integration-groups/{{name}}/summary",
            summary="Egeria: one integration group",
        )
        def egeria_summary(serverName: str, name: str) -> JSONResponse:
            check_server(serverName)
            for group in sup.status()["groups"]:
                if group["qualifiedName"] == name:
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

    app.include_router(guarded)
    return app


class ApiServer:
    """uvicorn serving the control API on a background thread."""

    def __init__(self, app: FastAPI, host: str, port: int) -> None:
        self.server = uvicorn.Server(
            uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False)
        )
        self.thread = threading.Thread(target=self.server.run, name="control-api", daemon=True)

    def start(self, timeout: float = 10.0) -> None:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started and self.thread.is_alive():
            if time.monotonic() > deadline:
                break
            time.sleep(0.02)
        if not self.server.started:
            raise OSError("the control API did not start (is the port in use?)")

    @property
    def port(self) -> int:
        for server in self.server.servers:
            for sock in server.sockets:
                return int(sock.getsockname()[1])
        return self.server.config.port

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
