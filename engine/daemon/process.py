"""The daemon as an operating-system process: supervisor thread, control API, signals.

:class:`DaemonProcess` is what ``switchboard daemon run`` and ``switchboard
demo`` run: it loads the groups (a missing group is an error at start, not an
idle daemon), serves the control API, runs the supervisor on a thread of its
own and stops everything on SIGTERM or SIGINT (every connector disconnected).
The caller composes the store and decides what to show while it runs.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import TYPE_CHECKING

from engine.daemon.api_token import ApiAuth, TokenSource, api_auth
from engine.daemon.config import DaemonConfig
from engine.daemon.status import DaemonStatus, RunOnceReport
from engine.daemon.supervisor import Supervisor
from engine.errors import UsageError
from engine.graph.store import Store
from engine.providers.secrets import forget_secrets, redact, register_secrets

if TYPE_CHECKING:
    from engine.daemon.api import ApiServer

__all__ = ["DaemonProcess", "configure_logging"]

log = logging.getLogger("switchboard.daemon")


class _RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def configure_logging(level: str, *, quiet: bool) -> None:
    """The daemon's log lines on stderr, secrets masked; ``quiet``: warnings and errors only."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("switchboard")
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING if quiet else getattr(logging, level))
    root.propagate = False
    logging.getLogger("neo4j").setLevel(logging.ERROR)


class DaemonProcess:
    """One daemon process over ``store``: use as a context manager, then :meth:`wait`.

    Entering loads the groups, starts the control API (when enabled), installs the
    SIGTERM/SIGINT handlers and starts the supervisor thread; leaving stops the
    supervisor (every connector disconnected) and the control API.
    """

    def __init__(self, store: Store, config: DaemonConfig) -> None:
        self.config = config
        self.supervisor = Supervisor(store, config)
        self.server: ApiServer | None = None
        self.api_auth: ApiAuth | None = None
        """How the control API authenticates (set once it is served)."""
        self._stop = threading.Event()
        self._runner: threading.Thread | None = None

    def run_once(self) -> RunOnceReport:
        """Start every connector, refresh each once, disconnect; the report."""
        return self.supervisor.run_once()

    def status(self) -> DaemonStatus:
        return self.supervisor.status()

    def __enter__(self) -> DaemonProcess:
        api = self.config.api
        auth = api_auth(api) if api.enabled else None  # a token problem stops us before anything
        self.supervisor.load()  # a missing group is an error now, not an idle daemon
        if auth is not None:
            self.server = self._serve_api(auth)
            self.supervisor.serving(self.api_url(self.server), auth.token)
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        self._runner = threading.Thread(target=self.supervisor.run, name="supervisor", daemon=True)
        self._runner.start()
        return self

    def _serve_api(self, auth: ApiAuth) -> ApiServer:
        """Raises :class:`UsageError` when the address is unusable."""
        from engine.daemon.api import ApiServer, create_app  # FastAPI only when served

        api = self.config.api
        server = ApiServer(create_app(self.supervisor, token=auth.token), api.host, api.port)
        try:
            server.start()
        except OSError as exc:
            raise UsageError(
                f"cannot serve the control API on {api.host}:{api.port}: {exc}",
                hint="choose another --port, or --no-api",
            ) from None
        self.api_auth = auth
        if auth.token is not None:
            register_secrets([auth.token])  # never in a log line or a response
        log.info(
            "control API and status page on %s (OpenAPI at /docs); %s",
            self.api_url(server),
            auth.notice(api.host),
        )
        if auth.source is TokenSource.INSECURE:
            log.warning("%s", auth.notice(api.host))
        return server

    def api_url(self, server: ApiServer | None = None) -> str | None:
        """The control API's address (None while it is not served)."""
        server = server or self.server
        if server is None:
            return None
        host = self.config.api.host
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{server.port}/"

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        self.stop()

    def stop(self) -> None:
        """Ask the process to stop (what SIGTERM and SIGINT do)."""
        self._stop.set()
        self.supervisor.stop()

    def wait(self, on_beat: Callable[[], None] | None = None, *, beat: float = 1.0) -> None:
        """Block until :meth:`stop` (or a signal), calling ``on_beat`` every ``beat`` seconds."""
        while not self._stop.wait(beat):
            if on_beat is not None:
                on_beat()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.supervisor.stop()
        if self._runner is not None:
            self._runner.join(self.config.disconnect_timeout + 5)
        if self.server is not None:
            self.server.stop()
        if self.api_auth is not None and self.api_auth.token is not None:
            forget_secrets([self.api_auth.token])
