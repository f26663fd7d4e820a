"""What the embedded default needs from the machine: Java, Maven and free ports.

Each check raises a typed :class:`~engine.errors.LocalNeo4jError` whose hint says
what to install or set.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

from engine.errors import JavaNotFoundError, JavaVersionError, MavenNotFoundError

NEO4J_VERSION = "5.26.30"
"""The newest 5.26 LTS release that resolves from Maven Central with Java 17."""

NEO4J_BROWSER_VERSION = "5.24.0"
"""The newest ``org.neo4j.client:neo4j-browser`` on Maven Central (served by the server)."""

SUPPORTED_JAVA = (17, 21)


@dataclass(frozen=True)
class JavaInfo:
    """A usable Java runtime."""

    executable: Path
    version: str
    major: int


def find_java(java_home: str | None = None) -> JavaInfo:
    """Locate ``java`` (``JAVA_HOME`` first, then ``PATH``) and check its version.

    Raises :class:`JavaNotFoundError` or :class:`JavaVersionError`.
    """
    home = java_home if java_home is not None else os.environ.get("JAVA_HOME")
    candidate: Path | None = None
    if home:
        path = Path(home) / "bin" / "java"
        if not path.exists():
            raise JavaNotFoundError(
                f"JAVA_HOME is {home}, but {path} does not exist",
                hint="point JAVA_HOME at a Java 17 or 21 installation, or unset it to use java on PATH",
            )
        candidate = path
    else:
        found = shutil.which("java")
        if found:
            candidate = Path(found)
    if candidate is None:
        raise JavaNotFoundError(
            "no Java runtime found: JAVA_HOME is unset and 'java' is not on PATH",
            hint="install Java 17 (e.g. apt install openjdk-17-jre-headless) or set NEO4J_URI "
            "to an existing Neo4j server",
        )
    try:
        proc = subprocess.run(
            [str(candidate), "-version"], capture_output=True, text=True, timeout=60, check=False
        )
    except OSError as exc:
        raise JavaNotFoundError(f"cannot run {candidate}: {exc}") from exc
    text = proc.stderr + proc.stdout
    match = re.search(r'version "([^"]+)"', text)
    if not match:
        raise JavaVersionError(
            f"cannot tell the version of {candidate} (it printed: {text.strip()[:200]!r})",
            hint="install Java 17 or set JAVA_HOME to one",
        )
    version = match.group(1)
    first = version.split(".")[0]
    major = int(version.split(".")[1]) if first == "1" else int(re.sub(r"\D.*", "", first) or 0)
    if major not in SUPPORTED_JAVA:
        raise JavaVersionError(
            f"Neo4j {NEO4J_VERSION} runs on Java 17 or 21, but {candidate} is Java {version}",
            hint="install Java 17 and set JAVA_HOME to it, or set NEO4J_URI to an existing server",
        )
    return JavaInfo(candidate, version, major)


def find_maven() -> Path:
    """Locate ``mvn`` on ``PATH``; raises :class:`MavenNotFoundError`."""
    found = shutil.which("mvn")
    if not found:
        raise MavenNotFoundError(
            "Maven ('mvn') is not on PATH; it is needed once to download Neo4j from Maven Central",
            hint="install Maven 3.6+ (e.g. apt install maven), or set NEO4J_URI to an existing "
            "Neo4j server, or use Docker",
        )
    return Path(found)


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """True when nothing listens on ``host:port`` (TIME_WAIT sockets do not count)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1") -> int:
    """A port the kernel considers free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])
