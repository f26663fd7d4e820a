"""The server process: the JVM flags it runs with and which processes are alive.

``STARTED_SERVERS`` keeps the ``Popen`` handles of the servers this Python process
started, so stopping one can reap it (a child that exited stays a zombie until reaped,
and ``kill(pid, 0)`` would still find it).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

# The flags the official launcher adds from the default neo4j.conf
# (server.jvm.additional) plus heap sizing; CommunityEntryPoint reads none of them.
LAUNCHER_JVM_FLAGS: tuple[str, ...] = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+AlwaysPreTouch",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "-XX:FlightRecorderOptions=stackdepth=256",
    "-XX:+UnlockDiagnosticVMOptions",
    "-XX:+DebugNonSafepoints",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
    "-Dlog4j.layout.jsonTemplate.maxStringLength=32768",
)

# Popen handles of servers this process started, so stop() can reap them.
STARTED_SERVERS: dict[int, subprocess.Popen[bytes]] = {}


def pid_alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie does not count)."""
    child = STARTED_SERVERS.get(pid)
    if child is not None:
        return child.poll() is None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def command_line(pid: int) -> str:
    """The command line of ``pid`` (empty when it cannot be read)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""
