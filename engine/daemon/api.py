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
from engine.daemon.status import ConnectorStatus, ControlResult, GroupStatus
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
    """A JSON response with every known secret value masked (a status model is sent as
    its JSON document)."""
    if isinstance(document, BaseModel):
        document = document.model_dump(by_alias=True)
    text = redact(json.dumps(document, default=str))
    return JSONResponse(json.loads(text), status_code=status_code)


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
        for group in status.groups:
            for c in group.connectors:
                key = [group.qualified_name, c.connector_name]
                for s in ConnectorState:
                    state.add_metric([*key, s.value], 1.0 if c.state is s else 0.0)
                refreshes.add_metric(key, c.statistics["refreshes"])
                failures.add_metric(key, c.statistics["refreshFailures"])
                restarts.add_metric(key, c.restart_count)
                if c.last_refresh_duration is not None:
                    duration.add_metric(key, c.last_refresh_duration)
        degraded = GaugeMetricFamily(
            "switchboard_daemon_degraded", "1 while Neo4j cannot be reached"
        )
        degraded.add_metric([], 1.0 if status.degraded else 0.0)
        yield from (state, refreshes, failures, restarts, duration, degraded)


def create_app(sup: Supervisor, *, token: str | None = None) -> FastAPI:
    """The control API for ``sup``; ``token`` (resolved) enables bearer authentication."""
    app = FastAPI(
        title="Switchboard integration daemon",
        version="0.1.0",
        description="Watch and steer the integration daemon (native and Egeria-compatible paths).",
    )
    token_ok = bearer_check(token)
    if token is not None:
        add_token_middleware(app, token_ok)

    def authorise(request: Request) -> None:
        if not token_ok(request):
            raise HTTPException(
                401, "missing or wrong bearer token", headers={"WWW-Authenticate": "Bearer"}
            )

    guarded = APIRouter(dependencies=[Depends(authorise)])
    add_native_routes(app, guarded, sup)
    for prefix in EGERIA_PREFIXES:
        add_egeria_routes(guarded, sup, prefix)
    app.include_router(guarded)
    return app


def bearer_check(token: str | None) -> Callable[[Request], bool]:
    """Whether a request carries ``Authorization: Bearer TOKEN`` (always, without a token)."""

    def token_ok(request: Request) -> bool:
        if token is None:
            return True
        header = request.headers.get("authorization", "")
        scheme, _, given = header.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token)

    return token_ok


def add_token_middleware(app: FastAPI, token_ok: Callable[[Request], bool]) -> None:
    """Enforce the token on every path but ``/health``: routes FastAPI adds itself
    (/openapi.json, /docs, /redoc) take no dependencies."""

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


def native_control(sup: Supervisor, op: str, body: ControlRequest) -> JSONResponse:
    """Apply ``op`` (refresh, restart, pause or resume) to the connectors ``body`` names."""
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
    return safe(ControlResult(operation=op, connectors=names))


def add_native_routes(app: FastAPI, guarded: APIRouter, sup: Supervisor) -> None:
    """``/health`` (open), ``/status``, the four control operations and ``/metrics``."""
    registry = CollectorRegistry()
    registry.register(_Metrics(sup))

    @app.get("/health", summary="Liveness and degraded state")
    def health() -> JSONResponse:
        return safe(sup.health())

    @guarded.get("/status", summary="Per group and connector status")
    def status() -> JSONResponse:
        return safe(sup.status())

    @guarded.post("/refresh", summary="Refresh one connector, or all")
    def refresh(body: Annotated[ControlRequest | None, Body()] = None) -> JSONResponse:
        return native_control(sup, "refresh", body or ControlRequest())

    @guarded.post("/restart", summary="Restart one connector, all, or only failed ones")
    def restart(body: Annotated[ControlRequest | None, Body()] = None) -> JSONResponse:
        return native_control(sup, "restart", body or ControlRequest())

    @guarded.post("/pause", summary="Stop scheduled refreshes")
    def pause(body: Annotated[ControlRequest | None, Body()] = None) -> JSONResponse:
        return native_control(sup, "pause", body or ControlRequest())

    @guarded.post("/resume", summary="Resume scheduled refreshes")
    def resume(body: Annotated[ControlRequest | None, Body()] = None) -> JSONResponse:
        return native_control(sup, "resume", body or ControlRequest())

    @guarded.get("/metrics", summary="Prometheus metrics", response_class=PlainTextResponse)
    def metrics() -> PlainTextResponse:
        return PlainTextResponse(
            generate_latest(registry).decode(), media_type="text/plain; version=0.0.4"
        )


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


def add_egeria_routes(guarded: APIRouter, sup: Supervisor, prefix: str) -> None:
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
