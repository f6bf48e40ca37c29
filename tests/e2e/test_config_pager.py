"""The `output` setting and the pager, end to end against the sandbox.

`output` picks the format of lists when no format flag is given (a flag still wins);
a table taller than the terminal goes through the pager (here a script that writes
what it reads to a file), unless `--no-pager`, `pager=off`, a pipe or a format flag
says otherwise; a pager that is not installed falls back to printing directly.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

CLI = Callable[..., Result]


def test_output_json_setting_makes_lists_json(sandbox_cli: CLI, cli: CLI) -> None:
    assert cli("config", "set", "output", "json").exit_code == 0
    result = sandbox_cli("customers", "list")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows and all("display_id" in row for row in rows)


def test_a_format_flag_wins_over_the_setting(sandbox_cli: CLI, cli: CLI) -> None:
    assert cli("config", "set", "output", "json").exit_code == 0
    result = sandbox_cli("customers", "list", "--csv")
    assert result.exit_code == 0, result.stderr
    header = next(csv.reader(io.StringIO(result.stdout)))
    assert "display_id" in header


def test_without_a_setting_a_pipe_gets_plain_rows(sandbox_cli: CLI) -> None:
    result = sandbox_cli("customers", "list")
    assert result.exit_code == 0
    assert not result.stdout.startswith("[")
    assert "\t" in result.stdout.splitlines()[0]


def test_a_hand_written_bad_output_setting_is_a_usage_error(
    sandbox_cli: CLI, isolated_env: Path
) -> None:
    isolated_env.mkdir(parents=True, exist_ok=True)
    (isolated_env / "config.json").write_text(json.dumps({"output": "yaml"}))
    result = sandbox_cli("customers", "list")
    assert result.exit_code == 2
    assert "table, json, jsonl, csv" in result.stderr


@pytest.fixture
def paging(tmp_path: Path, terminal: dict[str, str]) -> dict[str, Any]:
    """A 5-line "terminal" whose PAGER writes what it reads to `paged`."""
    paged = tmp_path / "paged.txt"
    env = {
        **terminal,
        "LINES": "5",
        "PIVOTAL_PAGER": None,
        "PAGER": "sh -c 'cat > \"$OUT\"'",
        "OUT": str(paged),
    }
    return {"env": env, "paged": paged}


def test_a_long_table_goes_through_the_pager(sandbox_cli: CLI, paging: dict[str, Any]) -> None:
    result = sandbox_cli("customers", "list", env=paging["env"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    text = paging["paged"].read_text()
    assert text.splitlines()[0].split()[:3] == ["ID", "NAME", "SLUG"]
    assert len(text.splitlines()) > 5


def test_all_streams_into_the_pager(sandbox_cli: CLI, paging: dict[str, Any]) -> None:
    result = sandbox_cli("customers", "list", "--all", env=paging["env"])
    assert result.exit_code == 0, result.stderr
    every = sandbox_cli("customers", "list", "--all", "--json")
    assert len(paging["paged"].read_text().splitlines()) == len(json.loads(every.stdout)) + 1


def test_the_pager_setting_wins_over_pager(
    sandbox_cli: CLI, cli: CLI, paging: dict[str, Any], tmp_path: Path
) -> None:
    other = tmp_path / "other.txt"
    assert cli("config", "set", "pager", f"sh -c 'cat > {other}'").exit_code == 0
    assert sandbox_cli("customers", "list", env=paging["env"]).exit_code == 0
    assert other.read_text() and not paging["paged"].exists()


def test_a_short_table_prints_directly(sandbox_cli: CLI, paging: dict[str, Any]) -> None:
    env = {**paging["env"], "LINES": "500"}
    result = sandbox_cli("customers", "list", env=env)
    assert result.stdout.splitlines()[0].split()[:2] == ["ID", "NAME"]
    assert not paging["paged"].exists()


@pytest.mark.parametrize(
    ("args", "extra"),
    [
        (("--no-pager", "customers", "list"), {}),
        (("customers", "list"), {"PIVOTAL_PAGER": "off"}),
        (("customers", "list", "--json"), {}),
        (("customers", "list", "--csv"), {}),
    ],
)
def test_the_pager_is_bypassed(
    sandbox_cli: CLI, paging: dict[str, Any], args: tuple[str, ...], extra: dict[str, str]
) -> None:
    result = sandbox_cli(*args, env={**paging["env"], **extra})
    assert result.exit_code == 0, result.stderr
    assert result.stdout
    assert not paging["paged"].exists()


def test_pager_off_setting_bypasses_it(sandbox_cli: CLI, cli: CLI, paging: dict[str, Any]) -> None:
    assert cli("config", "set", "pager", "off").exit_code == 0
    result = sandbox_cli("customers", "list", env=paging["env"])
    assert result.stdout and not paging["paged"].exists()


def test_a_missing_pager_falls_back_to_printing(sandbox_cli: CLI, paging: dict[str, Any]) -> None:
    env = {**paging["env"], "PAGER": "no-such-pager-anywhere --flag"}
    result = sandbox_cli("customers", "list", env=env)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0].split()[:2] == ["ID", "NAME"]
    assert len(result.stdout.splitlines()) > 5


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pivotal_cli", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_piped_output_never_pages(tmp_path: Path) -> None:
    paged = tmp_path / "paged.txt"
    env = {"PIVOTAL_PAGER": "", "PAGER": f"sh -c 'cat > {paged}'", "LINES": "5"}
    result = _run(["--sandbox", "customers", "list"], env)
    assert result.returncode == 0, result.stderr
    assert "\t" in result.stdout.splitlines()[0]
    assert not paged.exists()


def test_quitting_the_pager_early_is_quiet(tmp_path: Path) -> None:
    env = {
        "PIVOTAL_FORCE_TTY": "1",
        "LINES": "5",
        "COLUMNS": "100",
        "NO_COLOR": "1",
        "PIVOTAL_PAGER": "head -1",
    }
    result = _run(["--sandbox", "customers", "list", "--all"], env)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.split()[:2] == ["ID", "NAME"]
