"""Where every benchmark records what it measured: ``benchmarks/RESULTS.md``."""

from __future__ import annotations

import os
import platform
import shlex
import sys
from datetime import UTC, datetime
from pathlib import Path

from engine import NEO4J_VERSION

RESULTS = Path(__file__).parent / "RESULTS.md"


def publish(section: str, *, record: bool = True) -> None:
    """Print ``section`` (Markdown) and, unless ``record`` is false, append it to
    :data:`RESULTS` after a blank line (a new file gets the page's title first)."""
    print(section)
    if not record:
        return
    with RESULTS.open("a", encoding="utf-8") as fh:
        if fh.tell() == 0:
            fh.write("# Benchmark results\n")
        fh.write("\n" + section.rstrip("\n") + "\n")


def say(message: str) -> None:
    """Report progress on stderr, at once (the report itself goes to stdout)."""
    print(message, file=sys.stderr, flush=True)


def record_list(
    title: str, module: str, argv: list[str] | None, lines: list[str], *, setting: str = ""
) -> None:
    """Append ``lines`` to :data:`RESULTS` as a bulleted section headed ``title`` and the
    time, with the command (``python -m <module>`` and its arguments) and the machine;
    ``setting`` says more about where it ran (it precedes the machine)."""
    command = f".venv/bin/python -m {module} " + shlex.join(argv or sys.argv[1:])
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write(
            f"\n## {title} ({when})\n\n`{command.strip()}`\n\n"
            f"Neo4j {NEO4J_VERSION} embedded, {setting}{machine}.\n\n"
            + "\n".join(f"- {line}" for line in lines)
            + "\n"
        )
