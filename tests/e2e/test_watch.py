"""`pivotal onboardings watch` against a served sandbox that another process changes.

The watch runs in-process; the change comes from a separate `pivotal` process started
just before it (a CI job's other step), against the same server. Polls are a few
hundredths of a second apart, so nothing here waits long.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

FAST = ("--interval", "0.05s", "--timeout", "60s")


@pytest.fixture
def served(server_cli, server) -> Any:
    return server_cli(server.test_key)


@pytest.fixture
def other_process(server) -> Iterator[Any]:
    """`other_process(*args)`: start `pivotal ARGS…` against the server, in the background."""
    started: list[subprocess.Popen[bytes]] = []
    env = {**os.environ, "PIVOTAL_API_KEY": server.test_key, "PIVOTAL_BASE_URL": server.base_url}

    def start(*args: str) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "pivotal_cli", *args]
        process = subprocess.Popen(
            command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE
        )
        started.append(process)
        return process

    yield start
    for process in started:
        assert process.wait(timeout=60) == 0


def in_phase(served: Any, phase: str) -> int:
    result = served("onboardings", "list", "--phase", phase, "--state", "active", "--json")
    rows = json.loads(result.stdout)
    if not rows:
        rows = json.loads(served("onboardings", "list", "--phase", phase, "--json").stdout)
    return int(rows[0]["display_id"])


def test_passes_when_another_process_advances_the_onboarding(served, other_process) -> None:
    display_id = in_phase(served, "review")
    other_process("onboardings", "advance", str(display_id))
    result = served(
        "onboardings", "watch", str(display_id), "--until", "phase=program_buildout", *FAST
    )
    assert result.exit_code == 0, result.stderr
    first, *rest = result.stdout.splitlines()
    assert "phase review" in first and "until phase=program_buildout" in first
    assert any("phase review → program_buildout" in line for line in rest)


def test_phase_order_and_json_lines_per_change(served, other_process) -> None:
    display_id = in_phase(served, "review")
    other_process("onboardings", "advance", str(display_id), "--to", "internal_qa")
    result = served(
        "onboardings", "watch", str(display_id), "--until", "phase>=internal_qa", "--json", *FAST
    )
    assert result.exit_code == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0]["changes"] == {} and lines[0]["phase"] == "review"
    assert lines[-1]["phase"] == "internal_qa"
    assert all(line["changes"] for line in lines[1:])
    assert lines[1]["changes"]["phase"]["from"] == "review"
    assert lines[-1]["record"]["display_id"] == display_id


def test_fail_condition_exits_10(served, other_process) -> None:
    display_id = in_phase(served, "review")
    other_process("onboardings", "at-risk", str(display_id))
    result = served(
        "onboardings", "watch", str(display_id),
        "--until", "phase=launch", "--fail-on", "state=at_risk", *FAST,
    )  # fmt: skip
    assert result.exit_code == 10, result.stderr
    assert "state=at_risk" in result.stderr


def test_fail_condition_is_the_json_object_with_json(served) -> None:
    display_id = in_phase(served, "review")
    result = served(
        "onboardings", "watch", str(display_id),
        "--until", "phase=launch", "--fail-on", "phase=review", "--json", *FAST,
    )  # fmt: skip
    assert result.exit_code == 10
    error = json.loads(result.stderr.splitlines()[-1])
    assert (error["code"], error["exit_code"]) == ("watch_failed", 10)


def test_timeout_exits_11(served) -> None:
    display_id = in_phase(served, "review")
    result = served(
        "onboardings", "watch", str(display_id), "--until", "phase=launch",
        "--interval", "0.05s", "--timeout", "0.3s", "--json",
    )  # fmt: skip
    assert result.exit_code == 11
    error = json.loads(result.stderr.splitlines()[-1])
    assert error["code"] == "watch_timeout"
    assert len(result.stdout.splitlines()) == 1  # the first reading; nothing changed


def test_a_record_deleted_while_watched_exits_5_never_0(served, other_process) -> None:
    display_id = in_phase(served, "review")
    other_process("onboardings", "delete", str(display_id), "--yes")
    result = served(
        "onboardings", "watch", str(display_id), "--until", "phase!=launch",
        "--fail-on", "phase=launch", "--until", "state=paused", *FAST,
    )  # fmt: skip
    assert result.exit_code == 5, result.stderr


def test_already_true_at_the_start_passes_at_once(served) -> None:
    display_id = in_phase(served, "review")
    result = served("onboardings", "watch", str(display_id), "--until", "phase=review", *FAST)
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 1


def test_created_a_moment_ago_is_waited_for_within_the_grace(served, other_process) -> None:
    rows = json.loads(served("onboardings", "list", "--all", "--json").stdout)
    customer = rows[0]["customer_id"]
    next_id = max(int(row["display_id"]) for row in rows) + 1
    other_process("onboardings", "create", "--customer", customer, "--notes", "new")
    result = served(
        "onboardings", "watch", str(next_id), "--until", "notes=new", "--grace", "60s", *FAST
    )
    assert result.exit_code == 0, result.stderr


def test_never_found_after_the_grace_exits_5(served) -> None:
    result = served(
        "onboardings", "watch", "987654", "--until", "phase=launch",
        "--grace", "0.2s", "--interval", "0.05s", "--json",
    )  # fmt: skip
    assert result.exit_code == 5
    assert result.stdout == ""
    assert json.loads(result.stderr.splitlines()[-1])["http_status"] == 404


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--until", "phase=lanch"), "Valid: before_getting_started"),
        (("--until", "phas=launch"), "no field 'phas'"),
        (("--until", "state>=active"), "use = or != for state"),
        (("--until", "waiting_on_customer=maybe"), "true or false"),
        (("--fail-on", "state=at_risk"), "--until phase=launch"),
        (("--until", "phase=launch", "--timeout", "soon"), "--timeout: 'soon' is not a duration"),
    ],
)
def test_bad_conditions_exit_2_before_any_request(sandbox_cli, requests_sent, args, says) -> None:
    result = sandbox_cli("--verbose", "onboardings", "watch", "1", *args)
    assert result.exit_code == 2
    assert says in result.stderr
    assert requests_sent(result.stderr) == []
