"""The machine contract: with --json (or PIVOTAL_ERROR_FORMAT=json) every error is one
JSON object on one stderr line, with the documented exit code, and stdout stays empty."""

from __future__ import annotations

import json
from typing import Any

import pytest

KEYS = ("code", "message", "http_status", "retryable", "retry_after", "request_id", "hint")


def contract_error(result: Any, exit_code: int) -> dict[str, Any]:
    """The one JSON object on stderr; asserts the exit code, the keys and a clean stdout."""
    assert result.exit_code == exit_code, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    # The object is the last line and the only JSON one; before it, at most the
    # warnings a human would read too (a retry being waited out).
    *before, last = result.stderr.splitlines()
    assert all(line.startswith("Warning: ") for line in before), result.stderr
    error: dict[str, Any] = json.loads(last)
    assert list(error) == [*KEYS, "exit_code"]
    assert error["exit_code"] == exit_code
    return error


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("customers", "list", "--limit", "abc", "--json"), "--limit"),
        (("customers", "list", "--bogus", "--json"), "No such option: --bogus"),
        (("customers", "get", "--json"), "Missing argument"),
        (("--timeout", "-1", "customers", "list", "--json"), "--timeout"),
        (("onboardings", "list", "--jsonl", "--csv"), "Pick one of"),
    ],
)
def test_usage_errors_from_click_and_from_us_are_the_object_with_exit_2(
    sandbox_cli, args, says
) -> None:
    error = contract_error(sandbox_cli(*args), 2)
    assert error["code"] == "usage"
    assert says in error["message"]
    assert error["http_status"] is None and error["retryable"] is False


def test_usage_error_without_json_keeps_clicks_text(sandbox_cli) -> None:
    result = sandbox_cli("customers", "list", "--limit", "abc")
    assert result.exit_code == 2
    assert "Error: Invalid value for '--limit'" in result.stderr
    assert not result.stderr.lstrip().startswith("{")


def test_a_prompt_with_no_terminal_is_cancelled_exit_3_with_a_hint(sandbox_cli) -> None:
    error = contract_error(sandbox_cli("customers", "delete", "1", "--json", input=""), 3)
    assert error["code"] == "no_terminal"
    assert "--yes" in error["hint"]


def test_not_logged_in_exit_4(cli) -> None:
    error = contract_error(cli("customers", "list", "--json", env={"PIVOTAL_API_KEY": None}), 4)
    assert error["code"] == "not_logged_in"
    assert error["hint"]


def test_not_found_exit_5_carries_the_api_code_and_status(sandbox_cli) -> None:
    error = contract_error(sandbox_cli("onboardings", "get", "999999", "--json"), 5)
    assert error["http_status"] == 404
    assert error["code"].endswith("not_found")


def test_conflict_exit_6(sandbox_cli, make_customer) -> None:
    make_customer("Contract Co", "--slug", "contract-co")
    args = ("customers", "create", "--name", "Other", "--slug", "contract-co", "--json")
    result = sandbox_cli(*args)
    error = contract_error(result, 6)
    assert (error["code"], error["http_status"]) == ("slug_taken", 409)


@pytest.mark.pivotal_sandbox(rate_limit=1)
def test_rate_limited_exit_7_is_retryable_with_retry_after(cli, slept, pivotal_sandbox) -> None:
    server = pivotal_sandbox
    env = {"PIVOTAL_API_KEY": server.live_key, "PIVOTAL_BASE_URL": server.base_url}
    cli("customers", "list", env=env)
    result = cli("customers", "list", "--json", env=env)
    error = contract_error(result, 7)
    assert (error["code"], error["http_status"], error["retryable"]) == ("rate_limited", 429, True)
    assert error["retry_after"] > 0


def test_network_failure_exit_8_is_retryable(cli, slept) -> None:
    env = {
        "PIVOTAL_API_KEY": "pivotal_" + "F" * 32,
        "PIVOTAL_BASE_URL": "http://127.0.0.1:9/api/v1",
    }
    error = contract_error(cli("customers", "list", "--json", env=env), 8)
    assert (error["code"], error["retryable"]) == ("network", True)


def test_a_crash_exit_1_is_the_object_too(sandbox_cli, monkeypatch) -> None:
    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("pivotal_" + "S" * 32)

    monkeypatch.setattr("pivotal_cli.client.onboardings.get", boom)
    error = contract_error(sandbox_cli("onboardings", "get", "1", "--json"), 1)
    assert error["code"] == "internal"
    assert "pivotal_" not in json.dumps(error)  # the exception's text is never shown


def test_ctrl_c_exit_130(sandbox_cli, monkeypatch) -> None:
    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("pivotal_cli.client.onboardings.get", interrupted)
    error = contract_error(sandbox_cli("onboardings", "get", "1", "--json"), 130)
    assert error["code"] == "interrupted"


def test_the_environment_turns_it_on_for_commands_without_json(sandbox_cli) -> None:
    result = sandbox_cli("config", "get", "nope", env={"PIVOTAL_ERROR_FORMAT": "json"})
    error = contract_error(result, 2)
    assert error["code"] == "unknown_setting"


def test_without_json_the_error_stays_one_readable_line(sandbox_cli, error_line) -> None:
    line = error_line(sandbox_cli("onboardings", "get", "999999"), 5)
    assert line.startswith("Error: ") and "{" not in line
