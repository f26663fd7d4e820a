"""CPU time of a process, read from /proc (Linux): the Neo4j server's share of a benchmark."""

from __future__ import annotations

import os
from pathlib import Path

from engine import LocalNeo4j


def cpu_seconds(pid: int | str | None) -> float:
    """User + system CPU seconds ``pid`` (or ``"self"``) has used so far, all its threads
    (0.0 where /proc cannot tell)."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_pid(local: LocalNeo4j) -> int | None:
    """The pid of an embedded instance's server, if it runs."""
    return local.status().pid
