"""Golden-file comparison: byte for byte, rewritten only with ``pytest --update-golden``."""

from __future__ import annotations

from pathlib import Path

import pytest

GOLDEN_DIR = Path(__file__).parents[1] / "golden"


def check_golden(request: pytest.FixtureRequest, path: Path, actual: str) -> None:
    """Compare ``actual`` with ``path``; with ``--update-golden`` write it instead."""
    if request.config.getoption("--update-golden"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"missing golden file {path}; create it with pytest --update-golden"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, (
        f"output differs from {path}; if the change is intended, rerun with --update-golden "
        "and review the diff"
    )
