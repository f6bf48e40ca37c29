"""Global options work after the command too: `pivotal customers list --sandbox`."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from typer.testing import Result

from pivotal_cli.cli.anywhere import hoist

CLI = Callable[..., Result]


def test_sandbox_after_a_root_command(cli: CLI) -> None:
    result = cli("me", "--sandbox", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)


def test_sandbox_after_a_group_command(cli: CLI) -> None:
    result = cli("customers", "list", "--json", "--sandbox")
    assert result.exit_code == 0, result.stderr
    assert isinstance(json.loads(result.stdout), list)


@pytest.mark.parametrize(
    "flags",
    [
        ["--test"],
        ["--live"],
        ["-w", "acme"],
        ["--workspace=acme"],
        ["--no-color"],
        ["--debug"],
        ["--no-pager"],
        ["--timeout", "30"],
        ["--base-url", "http://127.0.0.1:9/api/v1"],
    ],
)
def test_each_global_flag_after_the_command(cli: CLI, flags: list[str]) -> None:
    result = cli("customers", "list", "-L", "1", "--sandbox", *flags, "--json")
    assert result.exit_code == 0, (flags, result.stderr)


def test_verbose_after_the_command_logs_requests(
    cli: CLI, requests_sent: Callable[[str], list[tuple[str, str]]]
) -> None:
    result = cli("customers", "list", "-L", "1", "--sandbox", "-v")
    assert result.exit_code == 0, result.stderr
    assert requests_sent(result.stderr)[0][0] == "GET"


def test_a_bad_global_value_after_the_command_is_still_checked(cli: CLI) -> None:
    result = cli("customers", "list", "--sandbox", "--timeout", "0")
    assert result.exit_code == 2
    assert "--timeout" in result.stderr


def test_a_flag_like_value_of_a_command_option_stays_its_value(
    cli: CLI, requests_sent: Callable[[str], list[tuple[str, str]]]
) -> None:
    result = cli("customers", "create", "--name", "--verbose", "--json", "--sandbox")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["name"] == "--verbose"
    assert requests_sent(result.stderr) == []  # --verbose was not read as the flag


def test_hoist_moves_globals_to_the_front(pivotal_command: Any) -> None:
    args = ["customers", "list", "--status", "active", "-w", "acme", "--sandbox"]
    assert hoist(pivotal_command, args) == [
        "-w",
        "acme",
        "--sandbox",
        "customers",
        "list",
        "--status",
        "active",
    ]


def test_hoist_stops_at_double_dash(pivotal_command: Any) -> None:
    args = ["customers", "get", "--sandbox", "--", "--test"]
    assert hoist(pivotal_command, args) == ["--sandbox", "customers", "get", "--", "--test"]


def test_hoist_leaves_a_command_s_own_option_of_the_same_name(pivotal_command: Any) -> None:
    # `auth login` has its own --live/--test; `sandbox events` its own --workspace.
    assert hoist(pivotal_command, ["auth", "login", "--test"]) == ["auth", "login", "--test"]
    args = ["sandbox", "events", "--workspace", "acme", "--sandbox"]
    assert hoist(pivotal_command, args) == ["--sandbox", *args[:-1]]


def test_hoist_leaves_the_value_of_a_command_option(pivotal_command: Any) -> None:
    args = ["customers", "list", "--cursor", "--debug"]
    assert hoist(pivotal_command, args) == args


def test_dry_run_equals_remote_is_dry_run_with_remote(pivotal_command: Any) -> None:
    args = ["import", "customers", "f.csv", "--dry-run=remote", "--test"]
    assert hoist(pivotal_command, args) == [
        "--test", "import", "customers", "f.csv", "--dry-run", "--remote",
    ]  # fmt: skip
    local = ["import", "customers", "f.csv", "--dry-run=local"]
    assert hoist(pivotal_command, local) == ["import", "customers", "f.csv", "--dry-run"]
    # Any other value is left for Click to refuse.
    odd = ["import", "customers", "f.csv", "--dry-run=maybe"]
    assert hoist(pivotal_command, odd) == odd


def test_dry_run_equals_remote_reads_the_workspace(sandbox_cli: CLI, tmp_path: Any) -> None:
    source = tmp_path / "c.csv"
    source.write_text("name,slug\nNew One,new-one\nTaken,hearth-hive\n")
    result = sandbox_cli("import", "customers", str(source), "--dry-run=remote", "--json")
    # A create would meet the demo's hearth-hive: that row would fail, so exit 2.
    assert result.exit_code == 2, result.stderr
    job = json.loads(result.stdout)["jobs"][0]
    assert (job["created"], job["conflict"], job["reads"]) == (1, 1, 1), job
    assert "1 would fail: their slug is already taken" in result.stderr
    upsert = sandbox_cli(
        "import", "customers", str(source), "--dry-run=remote", "--mode", "upsert", "--json"
    )
    assert upsert.exit_code == 0, upsert.stderr
    job = json.loads(upsert.stdout)["jobs"][0]
    assert (job["created"], job["updated"]) == (1, 1), job
    assert sandbox_cli("import", "customers", str(source), "--dry-run=maybe").exit_code == 2
