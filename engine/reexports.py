"""Lazy re-exports for the packages' ``__init__`` modules: a name is imported when first used.

A package writes the names it re-exports as plain imports under ``if TYPE_CHECKING:`` (what
readers, mypy and ruff see), lists them in ``__all__`` and ends with::

    __getattr__, __dir__ = lazy_reexports(__name__, __file__)

``from engine.graph import Store`` then imports ``engine.graph.store`` (and what it needs)
and nothing else of the package, so each command of the CLI pays only for the modules it
uses: the daemon, FastAPI, networkx or SQLAlchemy stay unloaded unless asked for. The
imports under ``if TYPE_CHECKING:`` are the one list; they are read from the file itself
when the package is first asked for a name it has not loaded yet.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from pathlib import Path


def reexported_names(init_file: str | Path) -> dict[str, tuple[str, str]]:
    """Exported name -> (module, name there), from the ``from module import name [as
    exported]`` statements under a top-level ``if TYPE_CHECKING:`` of ``init_file``."""
    import ast  # only when a package is first asked for a name

    def is_type_checking(test: ast.expr) -> bool:
        return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
        )

    tree = ast.parse(Path(init_file).read_text(encoding="utf-8"), filename=str(init_file))
    found: dict[str, tuple[str, str]] = {}
    for node in tree.body:
        if not (isinstance(node, ast.If) and is_type_checking(node.test)):
            continue
        for statement in node.body:
            if isinstance(statement, ast.ImportFrom) and statement.module and not statement.level:
                for alias in statement.names:
                    found[alias.asname or alias.name] = (statement.module, alias.name)
    return found


def lazy_reexports(
    package: str, init_file: str
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """The module ``__getattr__`` and ``__dir__`` of a package that re-exports lazily.

    A name, once imported, is set on the package, so later look-ups are plain attribute
    reads. An unknown name raises :class:`AttributeError` as for any module.
    """
    table: dict[str, tuple[str, str]] = {}

    def names() -> dict[str, tuple[str, str]]:
        if not table:
            table.update(reexported_names(init_file))
        return table

    def __getattr__(name: str) -> object:
        where = names().get(name)
        if where is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(where[0]), where[1])
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *names()})

    return __getattr__, __dir__
