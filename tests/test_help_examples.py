"""Every command's help ends with examples that really run, and lists the global options.

Each `$ pivotal …` example line is parsed by the real command tree (options, their
values' types and choices, arguments), without running anything: an example that
names a flag or a choice that does not exist fails here.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from typing import Any

import pytest
import typer.main

from pivotal_cli.cli.app import build_app
from pivotal_cli.cli.examples import EXAMPLES, examples_for

ROOT = typer.main.get_command(build_app())
SHELL_WORDS = ("|", ">", "<", "&&")


def _visible(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        if not sub.hidden:
            yield from _visible(sub, (*path, name))


COMMANDS = list(_visible(ROOT))


def _parse(words: list[str]) -> Any:
    """Parse `pivotal WORDS` down to the leaf command, as Click would before running it."""
    ctx = ROOT.make_context("pivotal", list(words))
    command: Any = ROOT
    while hasattr(command, "commands"):
        remaining = [*ctx._protected_args, *ctx.args]
        if not remaining:
            break
        _, command, rest = command.resolve_command(ctx, remaining)
        ctx = command.make_context(command.name, rest, parent=ctx)
    return command


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=lambda p: " ".join(p) or "pivotal")
def test_every_command_has_examples(path: tuple[str, ...]) -> None:
    lines = examples_for(" ".join(path))
    assert any(line.startswith("$ ") for line in lines), f"no examples for {path}"


@pytest.mark.parametrize(
    ("key", "line"),
    [(key, line) for key, lines in EXAMPLES.items() for line in lines if line.startswith("$ ")],
)
def test_each_example_parses_against_the_real_command(key: str, line: str) -> None:
    words = shlex.split(line[2:])
    if words[0] != "pivotal":
        assert any("pivotal" in word for word in words), line
        return
    words = words[1:]
    for i, word in enumerate(words):
        if word in SHELL_WORDS:
            words = words[:i]
            break
    command = _parse(words)
    leaf = dict(COMMANDS).get(tuple(key.split())) if key else ROOT
    assert command is leaf or hasattr(leaf, "commands"), (line, command.name)


def test_examples_name_only_commands_that_exist() -> None:
    paths = {" ".join(p) for p, _ in COMMANDS}
    assert set(EXAMPLES) <= paths, set(EXAMPLES) - paths


def test_command_help_ends_with_examples_and_global_options(cli: Any) -> None:
    for path, command in COMMANDS:
        if not path or hasattr(command, "commands"):
            continue
        result = cli(*path, "--help")
        assert result.exit_code == 0, path
        help_text = result.stdout
        assert "\nExamples:\n  " in help_text, path
        globals_part = help_text.split("Global options:", 1)[1]
        for flag in ("--sandbox", "--workspace", "--live / --test", "--verbose", "--no-color"):
            assert flag in globals_part, (path, flag)
        assert "--install-completion" not in help_text


def test_aliases_show_their_command_s_examples(cli: Any) -> None:
    assert "$ pivotal customers list" in cli("customers", "ls", "--help").stdout
    assert "$ pivotal onboardings get" in cli("onboardings", "view", "--help").stdout
