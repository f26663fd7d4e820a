"""The engine's public surface: sorted ``__all__`` lists that import, one meaning per type name.

No Neo4j needed. ``engine`` and each of its sub-packages re-export their public names
through ``__init__``; the CLI, the tests and the benchmarks import from there, never
underscore names.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from collections import defaultdict
from pathlib import Path
from types import ModuleType

import pytest

import engine

ROOT = Path(__file__).resolve().parents[2]


def engine_modules() -> list[ModuleType]:
    """``engine`` and every module below it, imported."""
    found = [engine]
    for info in pkgutil.walk_packages(engine.__path__, prefix="engine."):
        found.append(importlib.import_module(info.name))
    return found


def all_order(name: str) -> tuple[int, str]:
    """The order of an ``__all__`` (ruff's RUF022): CONSTANTS, then Classes, then functions."""
    kind = 0 if name.isupper() else 1 if name[:1].isupper() else 2
    return kind, name


def test_all_order_puts_constants_then_classes_then_functions() -> None:
    names = ["apply", "Plan", "API_VERSION", "Change", "DEFAULT_PRUNE_THRESHOLD"]
    assert sorted(names, key=all_order) == [
        "API_VERSION",
        "DEFAULT_PRUNE_THRESHOLD",
        "Change",
        "Plan",
        "apply",
    ]


def engine_packages() -> list[ModuleType]:
    return [m for m in engine_modules() if hasattr(m, "__path__")]


@pytest.mark.parametrize("package", engine_packages(), ids=lambda m: m.__name__)
def test_every_package_has_a_sorted_all_that_imports(package: ModuleType) -> None:
    names = getattr(package, "__all__", None)
    assert names is not None, f"{package.__name__} has no __all__"
    assert list(names) == sorted(names, key=all_order), f"{package.__name__}.__all__ is not sorted"
    assert len(set(names)) == len(names), f"{package.__name__}.__all__ repeats a name"
    for name in names:
        assert not name.startswith("_"), f"{package.__name__}.__all__ exports {name}"
        assert hasattr(package, name), f"{package.__name__}.__all__ names missing {name}"


def public_types() -> dict[str, set[str]]:
    """Public class name -> the modules that define a class of that name."""
    defined: dict[str, set[str]] = defaultdict(set)
    for module in engine_modules():
        for name, obj in vars(module).items():
            if name.startswith("_") or not inspect.isclass(obj):
                continue
            if obj.__module__ == module.__name__:
                defined[name].add(module.__name__)
    return defined


def clashes(defined: dict[str, set[str]]) -> dict[str, set[str]]:
    return {name: modules for name, modules in defined.items() if len(modules) > 1}


def test_no_two_public_types_share_a_name() -> None:
    found = clashes(public_types())
    assert not found, f"public types defined in more than one module: {found}"


def test_clash_check_finds_a_clash() -> None:
    assert clashes({"Spec": {"engine.a", "engine.b"}, "Other": {"engine.a"}}) == {
        "Spec": {"engine.a", "engine.b"}
    }


def engine_imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) of every ``from engine... import name`` in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("engine"):
            found.extend((node.module, alias.name) for alias in node.names)
    return found


def private_imports(path: Path) -> list[str]:
    return [f"{module}.{name}" for module, name in engine_imports(path) if name.startswith("_")]


def outside_files() -> list[Path]:
    return sorted(
        p
        for folder in ("cli", "tests", "benchmarks")
        for p in (ROOT / folder).rglob("*.py")
        if "data" not in p.relative_to(ROOT).parts
    )


@pytest.mark.parametrize("path", outside_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_cli_tests_and_benchmarks_import_no_underscore_names(path: Path) -> None:
    assert private_imports(path) == []


def test_underscore_check_finds_an_underscore_import(tmp_path: Path) -> None:
    source = tmp_path / "user.py"
    source.write_text("from engine.graph.resolve import _plan, resolve_group\n")
    assert private_imports(source) == ["engine.graph.resolve._plan"]


def package_of(module: str) -> str:
    """The package a module name belongs to (a package is its own package)."""
    imported = importlib.import_module(module)
    return module if hasattr(imported, "__path__") else module.rpartition(".")[0]


@pytest.mark.parametrize("path", outside_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_cli_tests_and_benchmarks_import_from_packages(path: Path) -> None:
    """``from engine.graph import Store``, not ``from engine.graph.store import Store``."""
    deep = [
        f"{module}.{name}" for module, name in engine_imports(path) if package_of(module) != module
    ]
    assert deep == []
