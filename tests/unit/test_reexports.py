"""Lazy re-exports (engine.reexports): the names under ``if TYPE_CHECKING:`` are the package's
exports, imported on first use."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from types import ModuleType

import pytest

import engine
from engine import reexported_names


def lazy_packages() -> list[ModuleType]:
    """``engine`` and its sub-packages that re-export lazily."""
    packages = [engine] + [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(engine.__path__, prefix="engine.")
        if info.ispkg
    ]
    return [p for p in packages if "lazy_reexports" in vars(p)]


def test_reexported_names_reads_the_type_checking_block(tmp_path: Path) -> None:
    init = tmp_path / "__init__.py"
    init.write_text(
        "from typing import TYPE_CHECKING\n"
        "from engine.errors import UsageError\n"
        "if TYPE_CHECKING:\n"
        "    from engine.errors import ManifestError, NotFoundError as Missing\n"
        "    from engine.settings import switchboard_home\n"
    )
    assert reexported_names(init) == {
        "ManifestError": ("engine.errors", "ManifestError"),
        "Missing": ("engine.errors", "NotFoundError"),
        "switchboard_home": ("engine.settings", "switchboard_home"),
    }


def test_a_name_is_imported_on_first_use_and_kept() -> None:
    package = importlib.import_module("engine.local")
    vars(package).pop("free_port", None)  # as if never asked for
    assert "free_port" in dir(package)
    value = package.free_port
    assert value is importlib.import_module("engine.local.host").free_port
    assert vars(package)["free_port"] is value
    with pytest.raises(AttributeError, match="has no attribute 'no_such_name'"):
        _ = package.no_such_name


@pytest.mark.parametrize("package", lazy_packages(), ids=lambda m: m.__name__)
def test_a_lazy_package_exports_exactly_its_type_checking_imports(package: ModuleType) -> None:
    assert package.__file__ is not None
    assert set(reexported_names(package.__file__)) == set(package.__all__)


def test_the_engine_and_its_big_packages_re_export_lazily() -> None:
    names = {p.__name__ for p in lazy_packages()}
    assert {"engine", "engine.graph", "engine.daemon", "engine.validate"} <= names


def test_every_exported_name_resolves_to_its_module_attribute() -> None:
    for package in lazy_packages():
        assert package.__file__ is not None
        for name, (module, attribute) in reexported_names(package.__file__).items():
            assert getattr(package, name) is getattr(importlib.import_module(module), attribute)
