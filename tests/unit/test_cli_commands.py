"""The CLI's command table: ``switchboard --help`` lists every command from cli.main.COMMANDS
without importing it, so that table must agree with the commands themselves."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from cli.main import COMMANDS, cli


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_table_entry_names_the_command_and_its_own_short_help(name: str) -> None:
    command = COMMANDS[name].load()
    assert command.name == name
    assert COMMANDS[name].short_help == command.get_short_help_str(limit=1000)


def test_table_is_sorted_by_name() -> None:
    assert list(COMMANDS) == sorted(COMMANDS)


def test_help_lists_every_command_with_its_short_help() -> None:
    result = CliRunner().invoke(cli, ["--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    listed = result.output.split("Commands:", 1)[1]
    for name, entry in COMMANDS.items():
        assert f"  {name} " in listed
        assert entry.short_help in listed


def test_an_invoked_command_is_the_loaded_one() -> None:
    context = click.Context(cli)
    assert cli.get_command(context, "groups") is COMMANDS["groups"].load()
    assert cli.get_command(context, "no-such-command") is None


def test_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["no-such-command"])
    assert result.exit_code == 2
    assert "No such command" in result.output
