"""The metadata server: one FastAPI application over the engine, served by uvicorn.

Paths: ``GET /health`` (open), ``POST /api/token`` (Egeria's token endpoint, open; also at
``/servers/{serverName}/api/token`` and ``/api/servers/{serverName}/token`` as Egeria's
platform answers it), the
native API under ``/api/v1`` (:mod:`engine.server.native`) and Egeria's view-service paths
under ``/servers/{serverName}/api/open-metadata/{urlMarker}``
(:mod:`engine.server.egeria_paths`). The OpenAPI document is at ``/openapi.json``
(browsable at ``/docs``). With tokens required (:mod:`engine.server.auth`) every other path
needs ``Authorization: Bearer TOKEN``.
"""

from __future__ import annotations

import re
import signal
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import uvicorn
from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from engine.errors import SwitchboardError
from engine.graph.store import Store
from engine.server.auth import ServerAuth, TokenIssuer
from engine.server.native import add_native_routes
from engine.server.problems import DocumentError, native_problem, status_for

DEFAULT_SERVER_PORT = 7448
DEFAULT_SERVER_NAME = "switchboard"
OPEN_PATHS = frozenset({"/health", "/api/token", "/openapi.json", "/docs", "/redoc"})
"""Paths answered without a token (the documentation, liveness and logging in)."""
TOKEN_PATHS = ("/api/token", "/servers/{serverName}/api/token", "/api/servers/{serverName}/token")
"""Where Egeria's platform answers its token request (LoginController, AuthController)."""
_SERVER_TOKEN_PATH = re.compile(r"^(/servers/[^/]+/api/token|/api/servers/[^/]+/token)$")


def is_open_path(path: str) -> bool:
    """Whether ``path`` is answered without a bearer token."""
    return path in OPEN_PATHS or _SERVER_TOKEN_PATH.match(path) is not None


class LoginRequest(BaseModel):
    """Egeria's LoginRequest: ``userId`` (or the deprecated ``username``) and ``password``."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    user_id: str | None = Field(default=None, alias="userId")
    username: str | None = None
    password: str = Field(min_length=1)

    @property
    def user(self) -> str:
        """The user logging in (``userId``, else ``username``; '' when neither is given)."""
        return self.user_id or self.username or ""


@dataclass(frozen=True)
class ServerOptions:
    """What a metadata server answers to, besides the store."""

    auth: ServerAuth
    server_name: str = DEFAULT_SERVER_NAME
    """The ``serverName`` Egeria's paths answer to."""


def create_server_app(store: Store, options: ServerOptions) -> FastAPI:
    """The metadata server's application over ``store``."""
    app = FastAPI(
        title="Switchboard metadata server",
        version="0.1.0",
        description="Integration groups and their parts over REST: the native API (/api/v1) "
        "and Egeria's Connection Maker, Asset Maker and catalog-target paths.",
    )
    add_error_handlers(app)
    if options.auth.issuer is not None:
        add_token_routes(app, options.auth.issuer)
    router = APIRouter()
    add_native_routes(router, store)
    from engine.server.egeria_routes import add_egeria_view_routes

    add_egeria_view_routes(router, store, options.server_name)
    app.include_router(router)

    @app.get("/health", summary="Liveness")
    def health() -> dict[str, Any]:
        return {"status": "ok", "serverName": options.server_name}

    return app


def is_egeria_path(path: str) -> bool:
    """Whether ``path`` is one of Egeria's services (answered with Egeria's error envelope;
    the token endpoint is the platform's, answering as the native API does)."""
    return path.startswith("/servers/") and not is_open_path(path)


def add_error_handlers(app: FastAPI) -> None:
    """Engine errors and malformed requests as the CLI reports them (Egeria's envelope on
    Egeria's paths)."""
    from engine.server.egeria_bodies import egeria_problem

    def answer(request: Request, exc: SwitchboardError) -> JSONResponse:
        status = status_for(exc)
        if is_egeria_path(request.url.path):
            # Egeria answers HTTP 200 and carries the failure in the envelope
            return JSONResponse(egeria_problem(exc, status))
        return JSONResponse(native_problem(exc), status_code=status)

    @app.exception_handler(SwitchboardError)
    async def engine_error(request: Request, exc: SwitchboardError) -> JSONResponse:
        return answer(request, exc)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        lines = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ())) or "request"
            lines.append(f"{where}: {err.get('msg', 'invalid')}")
        problem = DocumentError(
            "\n".join(lines) or "malformed request", hint="see the OpenAPI document at /docs"
        )
        return answer(request, problem)


def add_token_routes(app: FastAPI, issuer: TokenIssuer) -> None:
    """``POST /api/token`` and the bearer check on every path not in :data:`OPEN_PATHS`."""

    def token(body: LoginRequest) -> PlainTextResponse:
        issued = issuer.issue(body.user, body.password) if body.user else None
        if issued is None:
            return PlainTextResponse(
                "wrong user or password", status_code=401, headers={"WWW-Authenticate": "Bearer"}
            )
        return PlainTextResponse(issued)

    summary = "Log in (Egeria's LoginRequest): user and password in, bearer token (text) out"
    app.post(TOKEN_PATHS[0], summary=summary, response_class=PlainTextResponse)(token)

    def server_token(serverName: str, body: LoginRequest) -> PlainTextResponse:
        return token(body)  # Egeria's platform answers for every server alike

    for path in TOKEN_PATHS[1:]:
        app.post(
            path,
            summary=summary,
            response_class=PlainTextResponse,
            operation_id="server_token" + path.replace("/", "_").replace("{serverName}", "s"),
        )(server_token)

    @app.middleware("http")
    async def require_token(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        if is_open_path(request.url.path):
            return await call_next(request)
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        user = issuer.user_for(given.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            return JSONResponse(
                {
                    "error": "missing or expired bearer token",
                    "hint": "log in with POST /api/token {userId, password}",
                    "errorType": "Unauthorized",
                    "exitCode": 2,
                },
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        request.state.user = user
        return await call_next(request)


def serve(app: FastAPI, host: str, port: int) -> None:
    """Serve ``app`` in the foreground until SIGTERM or Ctrl-C, then return (a clean stop).

    uvicorn stops gracefully on those signals and then raises them again for the handler
    that was in place before it; that handler is a no-op here, so the process ends normally
    (exit 0, as the daemon does) instead of being killed by the signal it asked for.
    """
    for stop in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop, lambda *_: None)
    uvicorn.Server(
        uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False)
    ).run()


class MetadataServer:
    """uvicorn serving the metadata server on a background thread (tests, benchmarks)."""

    def __init__(self, app: FastAPI, host: str = "127.0.0.1", port: int = 0) -> None:
        self.server = uvicorn.Server(
            uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False)
        )
        self.thread = threading.Thread(target=self.server.run, name="metadata-server", daemon=True)

    def start(self, timeout: float = 10.0) -> MetadataServer:
        """Start serving; raises :class:`OSError` when it does not start (a port in use)."""
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started and self.thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.02)
        if not self.server.started:
            raise OSError("the metadata server did not start (is the port in use?)")
        return self

    @property
    def url(self) -> str:
        """The base URL it answers on."""
        for server in self.server.servers:
            for sock in server.sockets:
                host, port = sock.getsockname()[:2]
                return f"http://{host}:{port}"
        return f"http://{self.server.config.host}:{self.server.config.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
