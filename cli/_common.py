"""Shared CLI plumbing: consoles, error reporting, JSON output, the store."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import click
from rich.console import Console

from engine import SwitchboardError

if TYPE_CHECKING:
    from engine.graph import Store

P = ParamSpec("P")
R = TypeVar("R")


def _width(stream: object) -> int | None:
    """Let rich size tables to the terminal; when piped, prefer long lines to wrapped names."""
    isatty = getattr(stream, "isatty", None)
    if "COLUMNS" in os.environ or (callable(isatty) and isatty()):
        return None
    return 200


# emoji=False: qualifiedNames are colon-separated ('acme:fire:db' is no emoji), and rich's
# emoji table (thousands of names) stays unloaded.
console = Console(highlight=False, emoji=False, width=_width(sys.stdout))
err_console = Console(stderr=True, highlight=False, emoji=False, width=_width(sys.stderr))


def fail(message: str, *, hint: str | None = None, code: int = 1) -> None:
    """Print an error (and how to fix it) to stderr and exit with ``code``."""
    err_console.print(f"[bold red]error:[/] {message}", markup=True, soft_wrap=True)
    if hint:
        err_console.print(f"[yellow]hint:[/] {hint}", soft_wrap=True)
    sys.exit(code)


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Report :class:`SwitchboardError` as a clean message with its exit code."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except SwitchboardError as exc:
            fail(
                _escape(exc.message),
                hint=_escape(exc.hint) if exc.hint else None,
                code=exc.exit_code,
            )
            raise AssertionError("unreachable") from exc

    return wrapper


def _escape(text: str) -> str:
    return text.replace("[", r"\[")


def print_json(data: Any) -> None:
    """Write ``data`` as indented JSON to stdout (for ``--json``)."""
    click.echo(json.dumps(data, indent=2, sort_keys=True, default=str))


@contextmanager
def progress_status(enabled: bool = True) -> Iterator[Callable[[str], None]]:
    """A spinner on stderr whose text the callee updates (no-op when not a TTY)."""
    if not enabled or not err_console.is_terminal:

        def plain(message: str) -> None:
            err_console.print(f"[dim]{_escape(message)}[/]")

        yield plain
        return
    with err_console.status("working...") as status:

        def update(message: str) -> None:
            status.update(_escape(message))

        yield update


@contextmanager
def progress_bar(enabled: bool, *, verb: str) -> Iterator[Callable[[str, int, int], None] | None]:
    """A progress bar on stderr for long work, updated as ``progress(stage, done, total)``
    and described as "``verb`` ``stage``" (None, and no bar, when not on a terminal)."""
    if not enabled or not err_console.is_terminal:
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task(verb, total=None)

        def update(stage: str, done: int, total: int) -> None:
            bar.update(task, description=f"{verb} {stage}", completed=done, total=total)

        yield update


def store(quiet: bool = False) -> Store:
    """The process-wide store, starting the embedded server with progress if needed."""
    from engine.graph import get_store

    with progress_status(not quiet) as progress:
        return get_store(progress=progress)
