"""Where every benchmark records what it measured: ``benchmarks/RESULTS.md``."""

from __future__ import annotations

import sys
from pathlib import Path

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
