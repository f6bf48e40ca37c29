"""Help that reads whole: terminal-wide, no "..." in command lists, `pivotal help CMD`."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from typer.testing import Result

CLI = Callable[..., Result]


def _groups(command: Any, path: list[str]) -> list[list[str]]:
    found = []
    if hasattr(command, "commands"):
        found.append(path)
        for name, sub in command.commands.items():
            if not sub.hidden:
                found.extend(_groups(sub, [*path, name]))
    return found


def test_help_is_as_wide_as_the_terminal() -> None:
    # A real process: Click's test runner pins help to 80 columns.
    env = {**os.environ, "COLUMNS": "200"}
    result = subprocess.run(
        [sys.executable, "-m", "pivotal_cli", "--help"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in result.stdout.splitlines() if x.strip().startswith("status "))
    assert line.rstrip().endswith("how many sit in each phase.")


def test_no_command_description_is_cut_short(cli: CLI, pivotal_command: Any) -> None:
    for path in _groups(pivotal_command, []):
        result = cli(*path, "--help", env={"COLUMNS": "80"})
        assert result.exit_code == 0, path
        listing = result.stdout.split("Commands:", 1)[1]
        assert "..." not in listing, (path, listing)


@pytest.mark.parametrize(
    "path", [[], ["customers"], ["customers", "list"], ["onboardings", "advance"], ["me"]]
)
def test_help_command_prints_the_command_s_help(cli: CLI, path: list[str]) -> None:
    asked = cli("help", *path)
    direct = cli(*path, "--help")
    assert asked.exit_code == direct.exit_code == 0
    assert asked.stdout == direct.stdout


def test_help_of_an_unknown_command_is_a_usage_error(cli: CLI) -> None:
    result = cli("help", "customers", "lst")
    assert result.exit_code == 2
    assert "no such command: pivotal customers lst" in result.stderr


@pytest.mark.parametrize(
    ("shell", "name"), [("bash", "pivotal.bash"), ("zsh", "_pivotal"), ("fish", "pivotal.fish")]
)
def test_completion_prints_the_generated_script(cli: CLI, shell: str, name: str) -> None:
    from pathlib import Path

    checked_in = Path(__file__).resolve().parent.parent / "completions" / name
    result = cli("completion", shell)
    assert result.exit_code == 0
    assert result.stdout == checked_in.read_text(encoding="utf-8")


@pytest.mark.parametrize("args", [[], ["--help"], ["-h"]])
def test_the_root_help_built_as_an_outline_is_the_full_tree_s_help(
    args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import typer.testing

    from pivotal_cli.cli import app as app_module

    runner = typer.testing.CliRunner()
    env = {"COLUMNS": "120"}
    full = runner.invoke(app_module.build_app(), args, env=env, prog_name="pivotal")
    outline = runner.invoke(app_module.build_app(outline=True), args, env=env, prog_name="pivotal")
    assert outline.exit_code == full.exit_code
    assert outline.output == full.output and "customers" in full.output

    # And `run` asks for the outline exactly for the root's own help.
    asked: list[bool] = []
    real = app_module.build_app

    def spy(groups: Any = app_module.GROUPS, *, outline: bool = False) -> Any:
        asked.append(outline)
        return real(groups, outline=outline)

    monkeypatch.setattr(app_module, "build_app", spy)
    for line, wanted in ((args, True), (["customers", "--help"], False), (["-v"], False)):
        with pytest.raises(SystemExit):
            app_module.run(line)
        assert asked.pop() is wanted, line
