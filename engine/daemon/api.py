"""The daemon's control API (FastAPI, served by uvicorn on loopback by default).

Native paths: ``GET /health``, ``GET /status``, ``POST /refresh``,
``POST /restart``, ``POST /pause``, ``POST /resume`` (body
``{"connector": NAME?, "onlyFailed": bool?}``; no connector = all),
``GET /metrics`` (Prometheus text). Egeria's integration daemon paths, so
existing Egeria tooling can watch and steer the daemon, are added by
:func:`engine.daemon.egeria_api.add_egeria_routes`. With a token
configured every path but ``/health`` needs ``Authorization: Bearer TOKEN``.
The OpenAPI document is at ``/openapi.json`` (browsable at ``/docs``).
Every response body passes through :func:`engine.providers.secrets.redact`.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Annotated

import uvicorn
from fastapi import APIRouter, Body, Depends, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from pydantic import BaseModel, ConfigDict, Field

from engine.daemon.egeria_api import add_egeria_routes
from engine.daemon.page import PAGE_PATHS, add_status_page
from engine.daemon.safe_json import safe
from engine.daemon.states import ConnectorState
from engine.daemon.status import ControlResult
from engine.daemon.supervisor import Supervisor
from engine.errors import DaemonUnreachableError, NotFoundError, StoreError


class ControlRequest(BaseModel):
    """Which connectors an operation applies to."""

    model_config = ConfigDict(populate_by_name=True)

    connector: str | None = None
    """connectorName or registration guid; omitted = every connector."""
    only_failed: bool = Field(default=False, alias="onlyFailed")
    """restart only: just the connectors in FAILED, CONFIG_FAILED or INITIALIZE_FAILED."""


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
    add_egeria_routes(guarded, sup)
    app.include_router(guarded)
    add_status_page(app, sup, token, token_ok)
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
        if request.url.path not in ("/health", *PAGE_PATHS) and not token_ok(request):
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
    except DaemonUnreachableError as exc:  # forwarded to the daemon that holds it
        return safe({"error": exc.message, "hint": exc.hint}, 502)
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
        return safe(sup.status(with_cluster=True))

    @guarded.get("/daemons", summary="Live daemons and the holder of each connector")
    def daemons() -> JSONResponse:
        try:
            return safe(sup.cluster())
        except StoreError as exc:
            return safe({"error": exc.message, "hint": exc.hint}, 503)

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
