"""The embedded-default Neo4j server: provisioned with Maven, run with Java.

A new user needs no Docker and no manual set-up. The first start resolves the
official ``org.neo4j:neo4j`` artifact and its runtime dependencies from Maven
Central into ``$SWITCHBOARD_HOME/neo4j/<version>/lib`` (Maven's own repository
cache lives in ``$SWITCHBOARD_HOME/maven-repository``); later starts reuse
that folder and need no network.

Each *instance* (``default`` for users, others for tests) has its own folder
``$SWITCHBOARD_HOME/instances/<name>`` with ``conf/neo4j.conf``, ``data/``,
``logs/``, a ``password`` file readable only by the user and ``instance.json``
(pid, Bolt port, HTTP port, version). The server runs as
``java <flags> -cp lib/*:<instance>/browser/* org.neo4j.server.CommunityEntryPoint
--home-dir ... --config-dir ... --console-mode``; heap size and the flags the official
``bin/neo4j`` launcher would add are passed here because this entry point does
not read them from ``neo4j.conf``. With HTTP on (the default) the class path also
holds the instance's Neo4j Browser jar with the library guide
(:mod:`engine.local.browser`), served on an HTTP connector on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from engine.errors import (
    DownloadError,
    LocalNeo4jError,
    PortInUseError,
    ServerStartError,
)
from engine.local.browser import (
    DEFAULT_HTTP_PORT,
    HTTP_SWITCH,
    BrowserBundle,
    GuideSource,
    browser_url,
    http_enabled_from_env,
    http_settings,
)
from engine.local.host import (
    NEO4J_VERSION,
    JavaInfo,
    find_java,
    free_port,
    port_is_free,
)
from engine.local.maven import Artifact, MavenCache, resolve_artifact
from engine.local.process import (
    LAUNCHER_JVM_FLAGS,
    STARTED_SERVERS,
    command_line,
    pid_alive,
)
from engine.local.status import InstanceStatus, StartResult
from engine.settings import DEFAULT_INSTANCE, switchboard_home
from engine.statements.guide import library_guide_html

DEFAULT_BOLT_PORT = 7687
MAIN_CLASS = "org.neo4j.server.CommunityEntryPoint"
ADMIN_CLASS = "org.neo4j.cli.AdminTool"

Progress = Callable[[str], None]


def no_progress(_: str) -> None:
    """A :data:`Progress` that reports nothing."""
    return None


def generate_password() -> str:
    """A random password that ``neo4j-admin`` cannot mistake for an option.

    ``token_urlsafe`` may start with ``-``, which the admin tool would parse
    as a flag, so such draws are discarded.
    """
    while True:
        password = secrets.token_urlsafe(24)
        if not password.startswith("-"):
            return password


DEFAULT_HEAP = "3g"
"""The embedded server's largest heap unless ``SWITCHBOARD_NEO4J_HEAP`` says otherwise."""
INITIAL_HEAP = "512m"
"""Where the heap starts (or the largest heap, if smaller): memory is taken as it is needed."""


def heap_bytes(size: str) -> int:
    """A JVM size (``3g``, ``512m``, ``1024k``, bytes) in bytes."""
    number, unit = (size[:-1], size[-1].lower()) if size[-1:].isalpha() else (size, "")
    return int(number) << {"": 0, "k": 10, "m": 20, "g": 30}[unit]


def initial_heap(heap: str) -> str:
    """The heap's starting size: :data:`INITIAL_HEAP`, or ``heap`` where that is smaller."""
    return heap if heap_bytes(heap) < heap_bytes(INITIAL_HEAP) else INITIAL_HEAP


class LocalNeo4j:
    """One instance of the embedded-default Neo4j server.

    ``home`` defaults to ``$SWITCHBOARD_HOME``; ``port`` (or
    ``SWITCHBOARD_NEO4J_PORT``) forces a Bolt port, otherwise 7687 is used when
    free and any free port when not. ``maven_repository`` (or
    ``SWITCHBOARD_MAVEN_REPOSITORY``) replaces Maven Central, e.g. with a
    company mirror. ``extra_conf`` adds ``neo4j.conf`` settings. ``heap`` (or
    ``SWITCHBOARD_NEO4J_HEAP``, default 3g) is the JVM's largest heap; it starts at 512m at
    most and grows when a transaction needs it (a transaction may use 70% of it: a bulk
    apply of 10,000 new connectors with their change history needs about 1.7 GB).

    ``http`` (default: on unless ``SWITCHBOARD_NEO4J_HTTP=off``) serves Neo4j Browser
    on an HTTP connector bound to 127.0.0.1, port 7474 when free, else a free one (any
    free one when ``port`` was requested), with
    ``guide`` (default: the analysts' library) as its Browser guide.
    """

    def __init__(
        self,
        *,
        home: Path | None = None,
        instance: str = DEFAULT_INSTANCE,
        version: str = NEO4J_VERSION,
        port: int | None = None,
        java_home: str | None = None,
        maven_repository: str | None = None,
        extra_conf: Mapping[str, str] | None = None,
        heap: str | None = None,
        page_cache: str = "256m",
        http: bool | None = None,
        guide: GuideSource = library_guide_html,
    ) -> None:
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", instance):
            raise LocalNeo4jError(
                f"instance name {instance!r} may use only letters, digits, '.', '_' and '-'"
            )
        self.home = home or switchboard_home()
        self.instance = instance
        self.version = version
        env_port = os.environ.get("SWITCHBOARD_NEO4J_PORT")
        self.requested_port = port if port is not None else (int(env_port) if env_port else None)
        self.java_home = java_home
        self.maven_repository = maven_repository or os.environ.get("SWITCHBOARD_MAVEN_REPOSITORY")
        self.extra_conf = dict(extra_conf or {})
        self.heap = heap or os.environ.get("SWITCHBOARD_NEO4J_HEAP") or DEFAULT_HEAP
        if not re.fullmatch(r"[0-9]+[kmgKMG]?", self.heap):
            raise LocalNeo4jError(
                f"heap size {self.heap!r} is not a JVM size like 1g or 2048m",
                hint="set SWITCHBOARD_NEO4J_HEAP to a size such as 2g",
            )
        self.page_cache = page_cache
        self.http = http_enabled_from_env() if http is None else http
        self.guide = guide
        self.browser = BrowserBundle(self.home)

    # ----------------------------------------------------------------- paths
    @property
    def dist_dir(self) -> Path:
        return self.home / "neo4j" / self.version

    @property
    def lib_dir(self) -> Path:
        return self.dist_dir / "lib"

    @property
    def instance_dir(self) -> Path:
        return self.home / "instances" / self.instance

    @property
    def conf_dir(self) -> Path:
        return self.instance_dir / "conf"

    @property
    def password_file(self) -> Path:
        return self.instance_dir / "password"

    @property
    def state_file(self) -> Path:
        return self.instance_dir / "instance.json"

    @property
    def console_log(self) -> Path:
        return self.instance_dir / "logs" / "console.log"

    @property
    def installed(self) -> bool:
        """True when the server's jars are in the cache (no network needed)."""
        return (self.dist_dir / ".complete").exists()

    # --------------------------------------------------------------- install
    @property
    def maven_cache(self) -> MavenCache:
        return MavenCache(self.home, self.maven_repository, self.java_home)

    def ensure_installed(self, progress: Progress = no_progress) -> bool:
        """Resolve the server artifacts with Maven unless cached; True if it downloaded.

        Raises :class:`MavenNotFoundError` or :class:`DownloadError`; a failed
        download leaves no partial ``lib/`` behind.
        """
        if self.installed:
            return False
        artifact = Artifact("org.neo4j", "neo4j", self.version, "Neo4j")
        resolve_artifact(artifact, self.lib_dir, self.maven_cache, progress)
        (self.dist_dir / ".complete").write_text(self.version + "\n")
        progress(f"Neo4j {self.version} cached in {self.dist_dir}")
        return True

    # ----------------------------------------------------------------- state
    def _read_state(self) -> dict[str, object] | None:
        try:
            data = json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def _running_pid(self, state: Mapping[str, object] | None) -> int | None:
        if not state:
            return None
        pid = state.get("pid")
        if not isinstance(pid, int) or not pid_alive(pid):
            return None
        cmd = command_line(pid)
        if cmd and (MAIN_CLASS not in cmd or str(self.conf_dir) not in cmd):
            return None  # the pid was reused by an unrelated process
        return pid

    def status(self) -> InstanceStatus:
        """Running, stale (recorded but dead) or stopped, with pid and URI."""
        state = self._read_state()
        pid = self._running_pid(state)
        port = state.get("port") if state else None
        port = port if isinstance(port, int) else None
        http_port = state.get("httpPort") if state else None
        http_port = http_port if isinstance(http_port, int) else None
        return InstanceStatus(
            instance=self.instance,
            running=pid is not None,
            stale=state is not None and pid is None,
            pid=pid,
            port=port if pid else None,
            uri=f"bolt://127.0.0.1:{port}" if pid and port else None,
            version=self.version,
            installed=self.installed,
            instance_dir=self.instance_dir,
            http_port=http_port if pid else None,
        )

    @property
    def uri(self) -> str:
        """The Bolt URI of the running instance; raises when it is not running."""
        status = self.status()
        if not status.uri:
            raise LocalNeo4jError(
                f"the embedded Neo4j instance '{self.instance}' is not running",
                hint="run 'switchboard neo4j start'",
            )
        return status.uri

    def password(self) -> str:
        """The instance's generated password (created at first start)."""
        try:
            return self.password_file.read_text().strip()
        except OSError as exc:
            raise LocalNeo4jError(
                f"no password file for instance '{self.instance}' ({self.password_file})",
                hint="run 'switchboard neo4j start' once to create the instance",
            ) from exc

    # ----------------------------------------------------------------- start
    def _choose_port(self) -> int:
        if self.requested_port is not None:
            if not port_is_free(self.requested_port):
                raise PortInUseError(
                    f"Bolt port {self.requested_port} on 127.0.0.1 is already in use by another "
                    "process",
                    hint="stop that process, choose another port with SWITCHBOARD_NEO4J_PORT, or "
                    "unset it to let Switchboard pick a free port",
                )
            return self.requested_port
        state = self._read_state()
        previous = state.get("port") if state else None
        for candidate in (previous, DEFAULT_BOLT_PORT):
            if isinstance(candidate, int) and port_is_free(candidate):
                return candidate
        return free_port()

    def _choose_http_port(self, bolt_port: int) -> int:
        """The port the last start used, else 7474, else any free port (never Bolt's).

        An instance started on a requested Bolt port (tests, ``SWITCHBOARD_NEO4J_PORT``)
        takes any free port, so that instances started side by side do not race for 7474.
        """
        state = self._read_state()
        previous = state.get("httpPort") if state else None
        preferred = () if self.requested_port is not None else (previous, DEFAULT_HTTP_PORT)
        for candidate in preferred:
            if isinstance(candidate, int) and candidate != bolt_port and port_is_free(candidate):
                return candidate
        while (port := free_port()) == bolt_port:
            continue
        return port

    def _ensure_password(self, java: JavaInfo) -> None:
        auth_file = self.instance_dir / "data" / "dbms" / "auth.ini"
        if self.password_file.exists() and auth_file.exists():
            return
        if not self.password_file.exists():
            password = generate_password()
            fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(password + "\n")
        if auth_file.exists():
            return
        env = dict(os.environ, NEO4J_HOME=str(self.instance_dir), NEO4J_CONF=str(self.conf_dir))
        proc = subprocess.run(
            [
                str(java.executable),
                "-cp",
                str(self.lib_dir / "*"),
                ADMIN_CLASS,
                "dbms",
                "set-initial-password",
                self.password(),
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
        if proc.returncode != 0:
            output = (proc.stderr or proc.stdout).strip().splitlines()
            raise ServerStartError(
                "setting the initial password failed:\n" + "\n".join(output[:10]),
                hint=f"remove {self.instance_dir} to start from scratch",
            )

    def _write_conf(self, port: int, http_port: int | None) -> None:
        inst = self.instance_dir
        settings: dict[str, str] = {
            "server.directories.data": str(inst / "data"),
            "server.directories.logs": str(inst / "logs"),
            "server.directories.run": str(inst / "run"),
            "server.directories.plugins": str(inst / "plugins"),
            "server.directories.import": str(inst / "import"),
            "server.directories.lib": str(self.lib_dir),
            "server.default_listen_address": "127.0.0.1",
            "server.bolt.enabled": "true",
            "server.bolt.listen_address": f"127.0.0.1:{port}",
            "server.bolt.advertised_address": f"127.0.0.1:{port}",
            "server.http.enabled": "false",
            "server.https.enabled": "false",
            **(http_settings(http_port) if http_port is not None else {}),
            "server.memory.pagecache.size": self.page_cache,
            "server.memory.heap.initial_size": initial_heap(self.heap),
            "server.memory.heap.max_size": self.heap,
            "dbms.security.auth_enabled": "true",
            "dbms.usage_report.enabled": "false",
            "db.tx_log.rotation.retention_policy": "256M size",
        }
        settings.update(self.extra_conf)
        lines = ["# Written by Switchboard at every start; edits are overwritten."]
        lines += [f"{key}={value}" for key, value in settings.items()]
        self.conf_dir.mkdir(parents=True, exist_ok=True)
        (self.conf_dir / "neo4j.conf").write_text("\n".join(lines) + "\n")

    def _command(self, java: JavaInfo) -> list[str]:
        return [
            str(java.executable),
            f"-Xms{initial_heap(self.heap)}",
            f"-Xmx{self.heap}",
            *LAUNCHER_JVM_FLAGS,
            "-cp",
            self._class_path(),
            MAIN_CLASS,
            f"--home-dir={self.instance_dir}",
            f"--config-dir={self.conf_dir}",
            "--console-mode",
        ]

    def _class_path(self) -> str:
        """The server's jars, and with HTTP on this instance's Browser jar (with the guide)."""
        entries = [str(self.lib_dir / "*")]
        if self.http:
            entries.append(str(self.instance_dir / "browser" / "*"))
        return os.pathsep.join(entries)

    def _prepare_browser(self, progress: Progress) -> None:
        """Resolve Neo4j Browser once and give this instance its copy with the current guide."""
        try:
            self.browser.ensure_installed(self.maven_cache, progress)
        except DownloadError as exc:
            raise DownloadError(
                exc.message,
                hint=f"{exc.hint}; or set {HTTP_SWITCH}=off to start Neo4j without Browser",
            ) from exc
        self.browser.install_for(self.instance_dir, self.guide())

    def start(self, *, timeout: float = 180.0, progress: Progress = no_progress) -> StartResult:
        """Start the instance (downloading Neo4j on first use) and wait for Bolt.

        Idempotent: a running instance is reported, not started twice. A
        recorded instance whose process died (crash, SIGKILL, reboot) is
        detected and started again. Raises a :class:`LocalNeo4jError`
        subclass with an actionable message on every failure.
        """
        began = time.monotonic()
        state = self._read_state()
        pid = self._running_pid(state)
        if pid is not None and state is not None:
            running = self.status()
            port = int(str(state["port"]))
            return StartResult(
                f"bolt://127.0.0.1:{port}", pid, port, True, False, False, 0.0, running.browser_url
            )
        recovered = state is not None
        if recovered:
            progress(f"instance '{self.instance}' was not shut down cleanly; starting it again")
            self.state_file.unlink(missing_ok=True)
        java = find_java(self.java_home)
        downloaded = self.ensure_installed(progress)
        for sub in ("conf", "data", "logs", "run", "plugins", "import"):
            (self.instance_dir / sub).mkdir(parents=True, exist_ok=True)
        os.chmod(self.instance_dir, 0o700)
        port = self._choose_port()
        http_port = self._choose_http_port(port) if self.http else None
        if http_port is not None:
            self._prepare_browser(progress)
        self._write_conf(port, http_port)
        self._ensure_password(java)
        progress(f"starting Neo4j {self.version} on bolt://127.0.0.1:{port}")
        proc, log_start = self._launch(java, port, http_port)
        self._wait_ready(proc, port, timeout, log_start, progress)
        return StartResult(
            f"bolt://127.0.0.1:{port}",
            proc.pid,
            port,
            False,
            downloaded,
            recovered,
            time.monotonic() - began,
            browser_url(http_port) if http_port is not None else None,
        )

    def _launch(
        self, java: JavaInfo, port: int, http_port: int | None
    ) -> tuple[subprocess.Popen[bytes], int]:
        """Start the server process and record it; the process and where its log starts."""
        log_start = self.console_log.stat().st_size if self.console_log.exists() else 0
        with open(self.console_log, "ab") as log:
            proc = subprocess.Popen(
                self._command(java),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=self.instance_dir,
                start_new_session=True,
            )
        STARTED_SERVERS[proc.pid] = proc
        state: dict[str, object] = {"pid": proc.pid, "port": port, "version": self.version}
        if http_port is not None:
            state["httpPort"] = http_port
        self.state_file.write_text(json.dumps(state) + "\n")
        return proc, log_start

    def _wait_ready(
        self,
        proc: subprocess.Popen[bytes],
        port: int,
        timeout: float,
        log_start: int,
        progress: Progress,
    ) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                self.state_file.unlink(missing_ok=True)
                STARTED_SERVERS.pop(proc.pid, None)
                raise ServerStartError(
                    f"Neo4j exited with code {proc.returncode} during start-up; "
                    f"last lines of {self.console_log}:\n{self.log_tail(30, since=log_start)}",
                    hint="fix the problem the log names; 'switchboard neo4j logs' shows more",
                )
            if self._log_says_started(log_start) and self._bolt_answers(port):
                return
            time.sleep(0.25)
        self.stop()
        raise ServerStartError(
            f"Neo4j did not answer on bolt://127.0.0.1:{port} within {timeout:.0f} s; "
            f"last lines of {self.console_log}:\n{self.log_tail(30, since=log_start)}",
            hint="the machine may be overloaded; try again, or read 'switchboard neo4j logs'",
        )

    def _log_says_started(self, since: int) -> bool:
        try:
            with open(self.console_log, "rb") as handle:
                handle.seek(since)
                return b" Started." in handle.read()
        except OSError:
            return False

    @staticmethod
    def _bolt_answers(port: int) -> bool:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(1.0)
            return sock.connect_ex(("127.0.0.1", port)) == 0

    # ------------------------------------------------------------------ stop
    def stop(self, *, timeout: float = 60.0) -> bool:
        """Stop the instance: SIGTERM, wait, SIGKILL only after ``timeout``.

        Returns True when a running server was stopped, False when none ran
        (a stale record is cleared either way).
        """
        state = self._read_state()
        pid = self._running_pid(state)
        if pid is None:
            self.state_file.unlink(missing_ok=True)
            return False
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and pid_alive(pid):
            time.sleep(0.2)
        if pid_alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        child = STARTED_SERVERS.pop(pid, None)
        if child is not None:
            child.wait(timeout=30)
        self.state_file.unlink(missing_ok=True)
        return True

    def kill(self) -> None:
        """SIGKILL the server (used to test crash recovery)."""
        state = self._read_state()
        pid = self._running_pid(state)
        if pid is None:
            return
        os.kill(pid, signal.SIGKILL)
        child = STARTED_SERVERS.pop(pid, None)
        if child is not None:
            child.wait(timeout=30)
        else:
            while pid_alive(pid):
                time.sleep(0.1)

    # ------------------------------------------------------------------ logs
    def log_tail(self, lines: int = 50, *, since: int = 0) -> str:
        """The last ``lines`` lines of the console log (from byte ``since``)."""
        try:
            with open(self.console_log, "rb") as handle:
                handle.seek(since)
                text = handle.read().decode(errors="replace")
        except OSError:
            return "(no log yet)"
        return "\n".join(text.splitlines()[-lines:])
