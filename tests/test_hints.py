"""Every next step the command line knows is reachable: each `reason` it has a hint
for is raised somewhere below it, so a mistyped reason cannot silently drop a hint."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from pivotal_cli.cli import hints

SRC = Path(__file__).resolve().parent.parent / "src" / "pivotal_cli"


def _strings_outside_hints() -> set[str]:
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        if path == SRC / "cli" / "hints.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
    return found


STRINGS = _strings_outside_hints()


@pytest.mark.parametrize(
    ("cls", "reason"), sorted(hints.BY_REASON, key=lambda key: (key[0].__name__, key[1]))
)
def test_every_reason_with_a_hint_is_raised_below_the_command_line(cls: type, reason: str) -> None:
    assert reason in STRINGS, f"no module raises {cls.__name__} with reason {reason!r}"
