"""The README's command reference is generated from `--help`; fail when it is stale."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_command_reference_is_current() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_reference.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_reference_covers_every_command() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for title in (
        "pivotal customers list",
        "pivotal contacts add",
        "pivotal onboardings advance",
        "pivotal auth login",
        "pivotal sandbox serve",
    ):
        assert f"### `{title}`" in text
