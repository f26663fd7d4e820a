"""Neo4j Browser on the embedded default, with the analysts' library as a Browser guide.

Neo4j 5 Community serves Neo4j Browser from its HTTP connector when the
``org.neo4j.client:neo4j-browser`` jar is on the server's class path (its ``browser/``
folder becomes ``/browser``). The jar is resolved from Maven Central once, into
``$SWITCHBOARD_HOME/neo4j-browser/<version>/lib``. At every start each instance gets
its own copy, ``<instance>/browser/neo4j-browser-<version>.jar``, with the guide
(:data:`GUIDE_PATH`) added, so the guide is served from the same origin as Browser
and always matches the installed library. Browser opens it after login
(``browser.post_connect_cmd``); ``:play <guide URL>`` opens it again.

``SWITCHBOARD_NEO4J_HTTP=off`` keeps the HTTP connector (and so Browser) off.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from engine.local.host import NEO4J_BROWSER_VERSION
from engine.local.maven import Artifact, MavenCache, Progress, resolve_artifact

DEFAULT_HTTP_PORT = 7474
GUIDE_PATH = "switchboard/guide.html"
"""Where the guide lives under ``/browser/`` (and under ``browser/`` in the jar)."""
BROWSER_USER = "neo4j"
"""The user the embedded default creates and Browser logs in as."""
HTTP_SWITCH = "SWITCHBOARD_NEO4J_HTTP"
_OFF = frozenset({"off", "false", "no", "0"})

GuideSource = Callable[[], str]
"""Returns the guide's HTML; called at every start of an instance with HTTP on."""


def http_enabled_from_env() -> bool:
    """False when ``SWITCHBOARD_NEO4J_HTTP`` is ``off`` (or false, no, 0); True otherwise."""
    return os.environ.get(HTTP_SWITCH, "on").strip().lower() not in _OFF


def browser_url(http_port: int) -> str:
    """The address of Neo4j Browser on an instance's HTTP connector."""
    return f"http://127.0.0.1:{http_port}/browser/"


def guide_url(http_port: int) -> str:
    """The address of the library guide (``:play`` it in Browser)."""
    return f"http://127.0.0.1:{http_port}/browser/{GUIDE_PATH}"


def http_settings(http_port: int) -> dict[str, str]:
    """The ``neo4j.conf`` settings of the HTTP connector serving Browser on loopback."""
    return {
        "server.http.enabled": "true",
        "server.http.listen_address": f"127.0.0.1:{http_port}",
        "server.http.advertised_address": f"127.0.0.1:{http_port}",
        "browser.remote_content_hostname_whitelist": "127.0.0.1,localhost,guides.neo4j.com",
        "browser.post_connect_cmd": f"play {guide_url(http_port)}",
        "client.allow_telemetry": "false",
    }


@dataclass(frozen=True)
class BrowserBundle:
    """The cached Neo4j Browser jar and an instance's copy of it with the guide."""

    home: Path
    version: str = NEO4J_BROWSER_VERSION

    @property
    def cache_dir(self) -> Path:
        return self.home / "neo4j-browser" / self.version

    @property
    def cached_jar(self) -> Path:
        return self.cache_dir / "lib" / f"neo4j-browser-{self.version}.jar"

    @property
    def installed(self) -> bool:
        return (self.cache_dir / ".complete").exists() and self.cached_jar.exists()

    def ensure_installed(self, cache: MavenCache, progress: Progress) -> bool:
        """Resolve the Browser jar with Maven unless cached; True if it downloaded.

        Raises :class:`MavenNotFoundError` or :class:`DownloadError` (whose hint says
        how to start without Browser).
        """
        if self.installed:
            return False
        artifact = Artifact("org.neo4j.client", "neo4j-browser", self.version, "Neo4j Browser")
        resolve_artifact(artifact, self.cache_dir / "lib", cache, progress)
        (self.cache_dir / ".complete").write_text(self.version + "\n")
        return True

    def install_for(self, instance_dir: Path, guide_html: str) -> Path:
        """Write ``<instance_dir>/browser/`` with Browser's jar plus the guide; the folder.

        The jar is written under a temporary name and renamed, so a server never sees
        half a jar.
        """
        folder = instance_dir / "browser"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / self.cached_jar.name
        partial = folder / (self.cached_jar.name + ".partial")
        shutil.copyfile(self.cached_jar, partial)
        with zipfile.ZipFile(partial, "a", compression=zipfile.ZIP_DEFLATED) as jar:
            jar.writestr(f"browser/{GUIDE_PATH}", guide_html)
        partial.replace(target)
        return folder
