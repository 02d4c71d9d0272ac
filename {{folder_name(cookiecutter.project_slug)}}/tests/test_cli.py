"""The top-level CLI: version, help, and every command's help text shown whole."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
import typer
from rich.markup import escape
from typer.testing import CliRunner

from {{ cookiecutter.package_name }} import PROJECT_NAME, __version__
from {{ cookiecutter.package_name }}.cli import app

runner = CliRunner()
# What rich draws around help and error panels, and the space it pads them with.
BOX = re.compile(r"[\u2500-\u257f]+")


def plain(text: str) -> str:
    """Rendered output as one line of words: panel borders dropped, white space folded."""
    return " ".join(BOX.sub(" ", text).split())


def test_version_prints_package_version() -> None:
    result = runner.invoke(app, ["version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == __version__


def test_help_lists_commands_under_the_project_name() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "version" in result.stdout
    assert f"{PROJECT_NAME}: run pipelines locally" in plain(result.stdout)
    assert app.info.help.startswith(escape(PROJECT_NAME))


def commands(group: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command and group below `group`, with the words that reach it (typer's commands
    are click's classes or typer's own copy of them, so they are told apart by what they have)."""
    yield path, group
    for name, command in getattr(group, "commands", {}).items():
        yield from commands(command, (*path, name))


ALL_COMMANDS = list(commands(typer.main.get_command(app)))


@pytest.mark.parametrize(
    ("path", "command"), ALL_COMMANDS, ids=[" ".join(path) or "root" for path, _ in ALL_COMMANDS]
)
def test_every_help_text_and_default_is_shown_whole(path: tuple[str, ...], command: Any) -> None:
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    shown = plain(result.stdout)
    for param in command.params:
        help_text = getattr(param, "help", None)
        if help_text:
            # Rich markup would eat a bracketed default such as "[default: x]".
            assert " ".join(help_text.split()) in shown, f"{param.name}: {help_text!r}"
        if getattr(param, "hidden", False) or param.param_type_name != "option":
            continue
        assert param.show_default is not False, f"{param.name} hides its default"
        if isinstance(param.show_default, str):
            # click shows a described default in parentheses: [default: (the default target)]
            assert f"[default: ({param.show_default})]" in shown, param.name
        elif param.default not in (None, False, ()) and not param.is_flag:
            assert "[default: " in shown, f"{param.name}: default {param.default!r} not shown"


def test_cli_output_does_not_depend_on_the_terminal_width(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A narrow terminal running the suite: rich would wrap panels at its width (the suite
    # fixes the width in tests/conftest.py so that expected texts stay whole).
    monkeypatch.setattr(os, "get_terminal_size", lambda *_: os.terminal_size((40, 20)))
    result = runner.invoke(app, ["no-such-command-with-a-long-name"])
    assert result.exit_code == 2
    assert "No such command 'no-such-command-with-a-long-name'." in result.output
