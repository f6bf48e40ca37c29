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


def test_ambiguous_workspace_names_the_stored_workspaces() -> None:
    from pivotal_cli.settings.config import Config, Workspace
    from pivotal_cli.settings.target import not_logged_in

    config = Config(workspaces={slug: Workspace(slug) for slug in ("globex", "acme")})
    hint = hints.hint_for(not_logged_in(config, None, None))
    assert hint == (
        "Pass --workspace (acme, globex), or make one the default: `pivotal auth use acme`."
    )


def test_phase_hints_without_a_display_id_keep_the_placeholder() -> None:
    from pivotal_cli.domain.workflow import plan_advance
    from pivotal_cli.errors import UsageError

    with pytest.raises(UsageError) as caught:
        plan_advance("launch", "review")
    assert "`pivotal onboardings back ID`" in hints.line(caught.value)
    with pytest.raises(UsageError) as known:
        plan_advance("no_such_phase", None, display_id=89)
    assert "`pivotal onboardings update 89 --data" in hints.line(known.value)
