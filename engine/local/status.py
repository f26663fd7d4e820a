"""What the embedded-default server reports: an instance's status and a start's outcome."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.local.browser import BROWSER_USER, browser_url, guide_url


@dataclass(frozen=True)
class InstanceStatus:
    """What ``switchboard neo4j status`` reports about one instance."""

    instance: str
    running: bool
    stale: bool
    pid: int | None
    port: int | None
    uri: str | None
    version: str
    installed: bool
    instance_dir: Path
    http_port: int | None = None
    """The HTTP connector's port while it runs with HTTP on (Neo4j Browser)."""

    @property
    def browser_url(self) -> str | None:
        """Neo4j Browser's address while the instance runs with HTTP on."""
        return browser_url(self.http_port) if self.http_port else None

    @property
    def guide_url(self) -> str | None:
        """The analysts' library guide (``:play`` it in Browser) while HTTP is on."""
        return guide_url(self.http_port) if self.http_port else None

    @property
    def user(self) -> str:
        """The user to log in as (Browser, cypher-shell); its password is generated."""
        return BROWSER_USER

    def as_dict(self) -> dict[str, object]:
        return {
            "instance": self.instance,
            "running": self.running,
            "stale": self.stale,
            "pid": self.pid,
            "port": self.port,
            "uri": self.uri,
            "httpPort": self.http_port,
            "browserUrl": self.browser_url,
            "guideUrl": self.guide_url,
            "user": self.user,
            "version": self.version,
            "installed": self.installed,
            "instanceDir": str(self.instance_dir),
        }


@dataclass(frozen=True)
class StartResult:
    """The outcome of :meth:`LocalNeo4j.start`."""

    uri: str
    pid: int
    port: int
    already_running: bool
    downloaded: bool
    recovered_stale: bool
    seconds: float
    browser_url: str | None = None
    """Neo4j Browser's address, or None with HTTP off."""
