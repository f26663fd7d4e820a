"""The CLI's consoles print names as written: a qualifiedName is colon-separated text,
never an emoji code (rich would turn 'acme:fire:db' into 'acme🔥db')."""

from __future__ import annotations

import pytest

from cli._common import console, err_console

NAME = "acme:fire:db-connector"


@pytest.mark.parametrize("target", [console, err_console], ids=["stdout", "stderr"])
def test_a_name_with_an_emoji_code_prints_as_written(target: object) -> None:
    from rich.console import Console

    assert isinstance(target, Console)
    with target.capture() as captured:
        target.print(f"group {NAME}")
    assert captured.get().strip() == f"group {NAME}"
