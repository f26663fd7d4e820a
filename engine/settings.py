"""Connection settings, read from the environment.

``NEO4J_URI`` selects an existing server (Aura, Desktop, Docker, a cluster);
``NEO4J_USERNAME``, ``NEO4J_PASSWORD`` and ``NEO4J_DATABASE`` go with it.
Without ``NEO4J_URI`` every command uses the embedded-default server that
:mod:`engine.local.server` provisions under ``SWITCHBOARD_HOME``
(default ``~/.cache/switchboard``), instance ``SWITCHBOARD_INSTANCE``
(default ``default``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_INSTANCE = "default"


def switchboard_home() -> Path:
    """The per-user folder that holds the Neo4j artifacts and instances."""
    env = os.environ.get("SWITCHBOARD_HOME")
    if env:
        return Path(env).expanduser().resolve()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return (base / "switchboard").resolve()


@dataclass(frozen=True)
class Neo4jSettings:
    """Where Switchboard's graph lives.

    ``uri`` is ``None`` for the embedded default; the password is then read
    from the instance folder by :mod:`engine.local.server`.
    """

    uri: str | None = None
    username: str = "neo4j"
    password: str | None = None
    database: str | None = None
    instance: str = DEFAULT_INSTANCE
    query_timeout: float = 60.0

    @property
    def embedded(self) -> bool:
        """True when no ``NEO4J_URI`` was given and the embedded default is used."""
        return self.uri is None

    @classmethod
    def from_env(cls) -> Neo4jSettings:
        """Read ``NEO4J_*`` and ``SWITCHBOARD_*`` variables."""
        timeout = os.environ.get("SWITCHBOARD_QUERY_TIMEOUT")
        return cls(
            uri=os.environ.get("NEO4J_URI") or None,
            username=os.environ.get("NEO4J_USERNAME") or "neo4j",
            password=os.environ.get("NEO4J_PASSWORD") or None,
            database=os.environ.get("NEO4J_DATABASE") or None,
            instance=os.environ.get("SWITCHBOARD_INSTANCE") or DEFAULT_INSTANCE,
            query_timeout=float(timeout) if timeout else 60.0,
        )
