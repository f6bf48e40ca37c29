"""`--version`, `--help` and completion must not import what they do not use.

Noise-proof by design: it reads which modules `python -X importtime` reports, never
how long anything took. Timings live in benchmarks/startup.py.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

FORBIDDEN = (
    "httpx",
    "httpcore",
    "ssl",
    "pydantic",
    "keyring",
    "platformdirs",
    "sqlite3",
    "uvicorn",
    "starlette",
)

CASES = {
    "--version": (["--version"], {}),
    "--help": (["--help"], {}),
    "customers --help": (["customers", "--help"], {}),
    "onboardings advance --help": (["onboardings", "advance", "--help"], {}),
    "completion of --status values": (
        [],
        {
            "_PIVOTAL_COMPLETE": "complete_bash",
            "COMP_WORDS": "pivotal customers list --status ",
            "COMP_CWORD": "4",
        },
    ),
}


def imported_modules(args: list[str], extra_env: dict[str, str]) -> set[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIVOTAL_")}
    env.update(extra_env)
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "pivotal_cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    names = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            names.add(line.rsplit("|", 1)[1].strip())
    assert names, "no -X importtime output was read"
    return names


@pytest.mark.parametrize("case", list(CASES))
def test_fast_paths_import_nothing_heavy(case: str) -> None:
    args, env = CASES[case]
    names = imported_modules(args, env)
    heavy = sorted(n for n in names if n.split(".")[0] in FORBIDDEN)
    assert not heavy, f"`pivotal {' '.join(args)}` imported {heavy}"


def test_version_answers_before_typer_loads() -> None:
    assert "typer" not in imported_modules(["--version"], {})
