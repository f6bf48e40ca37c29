"""`--version`, `--help`, completion and reads must not import what they do not use.

`--help` is printed from the pages generated at build time (`pivotal_cli.help`), so it
imports neither Typer nor Rich (nor Click, which Typer vendors).

Reads against the embedded sandbox (`--sandbox`, in the CLI's own process) import no
pydantic: the model layer is loaded only when a write's body is validated.

Noise-proof by design: it reads which modules `python -X importtime` reports, never
how long anything took. Timings live in benchmarks/startup.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

FORBIDDEN = (
    "httpx",
    "httpcore",
    "ssl",
    "pydantic",
    "pydantic_core",
    "keyring",
    "platformdirs",
    "sqlite3",
    "uvicorn",
    "starlette",
    "mcp",
    "mcp_types",
)

CASES = {
    "--version": (["--version"], {}),
    "--help": (["--help"], {}),
    "customers --help": (["customers", "--help"], {}),
    "customers list --help": (["customers", "list", "--help"], {}),
    "onboardings advance --help": (["onboardings", "advance", "--help"], {}),
    "mcp --help": (["mcp", "--help"], {}),
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


UI_LIBRARIES = ("typer", "rich", "click")
HELP_LINES = {
    "--help": ["--help"],
    "customers --help": ["customers", "--help"],
    "customers list -h": ["customers", "list", "-h"],
    "help onboardings advance": ["help", "onboardings", "advance"],
}


@pytest.mark.parametrize("case", list(HELP_LINES))
def test_help_imports_neither_typer_nor_rich(case: str) -> None:
    names = imported_modules(HELP_LINES[case], {})
    loaded = sorted(n for n in names if n.split(".")[0] in UI_LIBRARIES)
    assert not loaded, f"`pivotal {case}` imported {loaded}"
    assert "pivotal_cli.help.pages" in names


# The model layer (pydantic) is for writes: a read never validates a body, even when
# the sandbox answers it in the CLI's own process.
MODEL_LAYER = ("pydantic", "pydantic_core")
SANDBOX_READS = {
    "--sandbox customers list": ["--sandbox", "customers", "list"],
    "--sandbox onboardings list": ["--sandbox", "onboardings", "list"],
    "--sandbox customers get 1": ["--sandbox", "customers", "get", "1"],
}


def _sandbox_env(tmp_path: Path) -> dict[str, str]:
    return {
        "PIVOTAL_CONFIG_DIR": str(tmp_path / "config"),
        "PIVOTAL_SANDBOX_DIR": str(tmp_path / "sandbox"),
        "PIVOTAL_CACHE_DIR": str(tmp_path / "cache"),
        "PIVOTAL_STATE_DIR": str(tmp_path / "state"),
        "PIVOTAL_PAGER": "off",
    }


@pytest.mark.parametrize("case", list(SANDBOX_READS))
def test_reads_against_the_embedded_sandbox_import_no_model_layer(
    case: str, tmp_path: Path
) -> None:
    names = imported_modules(SANDBOX_READS[case], _sandbox_env(tmp_path))
    loaded = sorted(n for n in names if n.split(".")[0] in MODEL_LAYER)
    assert not loaded, f"`pivotal {case}` imported {loaded}"


def test_a_write_validates_with_the_model_layer(tmp_path: Path) -> None:
    args = ["--sandbox", "customers", "update", "1", "--plan", "Growth"]
    names = imported_modules(args, _sandbox_env(tmp_path))
    assert {"pydantic_core", "pivotal_cli.domain.models"} <= names


def test_only_mcp_serve_imports_the_mcp_sdk(tmp_path: Path) -> None:
    # Other commands, reads and the MCP tool listing itself load nothing of the SDK.
    for args in (["--sandbox", "customers", "list"], ["--sandbox", "mcp", "tools"]):
        names = imported_modules(args, _sandbox_env(tmp_path))
        assert not {n for n in names if n.split(".")[0] in ("mcp", "mcp_types")}, args
