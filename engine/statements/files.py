"""The statements in ``cypher/``: one file per statement, found by name in its folders.

Every statement Switchboard runs is read here, so the store, the writer's templates and the
analysts' library all see the same text."""

from __future__ import annotations

from functools import cache
from importlib import resources

from engine.errors import QueryNotFoundError

QUERY_FOLDERS = ("library", "engine")
"""Folders of ``cypher/``: the analysts' library, then the engine's internal statements."""


@cache
def query_text(name: str) -> str:
    """The text of ``cypher/{library,engine}/<name>.cypher``; raises :class:`QueryNotFoundError`."""
    root = resources.files("cypher")
    for folder in QUERY_FOLDERS:
        resource = root.joinpath(folder, f"{name}.cypher")
        if resource.is_file():
            return resource.read_text(encoding="utf-8")
    raise QueryNotFoundError(
        f"no query named '{name}' in cypher/library/ or cypher/engine/",
        hint="'switchboard query --list' shows the analysts' library",
    )
