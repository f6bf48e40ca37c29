"""Bad input never crashes: each ends as one readable `Error:` line and its exit code.

Every case here once ended in "Unexpected …, this is a bug" or a wrong answer: a
`--data` file that is not UTF-8 or is nested past Python's recursion limit, a
`config.json` of the wrong shape, an API or idempotency key that cannot be sent as a
header, a date that leaves the calendar once converted to UTC, a base URL that cannot
be parsed, and a server answering JSON of the wrong shape. The first test runs them
against the sandbox (so it can prove nothing was sent), the second against a fake
server (pytest-httpx) that answers the wrong shape.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from pytest_httpx import HTTPXMock
from typer.testing import Result

from pivotal_cli.errors import ExitCode

CLI = Callable[..., Result]
API = "https://my.pivotal.app/api/v1"
# Clearly fake.
KEY = "pivotal_test_FAKEfakeFAKEfake0000000000000000"
DEEP = "[" * 100_000 + "]" * 100_000

FILES: dict[str, bytes] = {
    "binary.json": b"\xff\xfe\x00\x01" + bytes(range(256)),
    "latin1.json": '{"name": "Café"}'.encode("latin-1"),
    "deep.json": DEEP.encode(),
}
CONFIGS: dict[str, object] = {
    "config_list": [],
    "config_workspaces_list": {"workspaces": []},
    "config_workspace_string": {"workspaces": {"acme": "x"}},
    "config_keys_list": {"workspaces": {"acme": {"keys": []}}},
    "config_key_string": {"workspaces": {"acme": {"keys": {"test": "x"}}}},
    "config_default_list": {"default": []},
}
PLAIN = {"PIVOTAL_API_KEY": KEY}
LATE_BODY = json.dumps({"target_launch_date": "9999-12-31T23:59:59-01:00"})

CASES: list[tuple[str, list[str], dict[str, str], int, str]] = [
    # (id, argv after `pivotal`, extra env, exit code, text the line must hold)
    *[
        (name, ["--sandbox", "customers", "create", "--data", f"@{{tmp}}/{name}"], {}, 2, name)
        for name in FILES
    ],
    # No PIVOTAL_API_KEY: with one, the config file is not read at all.
    *[(name, ["customers", "list"], {}, 2, "config.json") for name in CONFIGS],
    ("api_key_newline", ["me"], {"PIVOTAL_API_KEY": KEY[:20] + "\n" + KEY[20:]}, 4, "API key"),
    ("api_key_non_ascii", ["me"], {"PIVOTAL_API_KEY": KEY + "é"}, 4, "API key"),
    *[
        (
            f"idempotency_key_{what}",
            ["--sandbox", "customers", "create", "--name", "X", "--idempotency-key", value],
            {},
            2,
            "idempotency key",
        )
        for what, value in (("newline", "abc\ndef"), ("non_ascii", "clé"))
    ],
    *[
        (
            f"{flag.strip('-')}_{when[:4]}",
            ["--sandbox", "onboardings", "update", "1", flag, when],
            {},
            2,
            when,
        )
        for flag in ("--target-launch", "--completed-at")
        for when in ("0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00")
    ],
    (
        "data_date_9999",
        ["--sandbox", "onboardings", "update", "1", "--data", LATE_BODY],
        {},
        2,
        "9999-12-31T23:59:59-01:00",
    ),
    *[
        (f"base_url_{i}_{command}", ["--base-url", url, command], PLAIN, 2, "base URL")
        for i, url in enumerate(
            ("http://127.0.0.1:99999/api/v1", "http://[::1/api/v1", "http://localhost:abc/")
        )
        for command in ("me", "health")
    ],
]


@pytest.mark.parametrize(
    ("case", "args", "env", "code", "named"),
    CASES,
    ids=[case[0] for case in CASES],
)
def test_bad_input_is_one_readable_line(
    cli: CLI,
    error_line: Callable[[Result, int], str],
    requests_sent: Callable[[str], list[tuple[str, str]]],
    tmp_path: Path,
    isolated_env: Path,
    slept: list[float],
    case: str,
    args: list[str],
    env: dict[str, str],
    code: int,
    named: str,
) -> None:
    for name, content in FILES.items():
        (tmp_path / name).write_bytes(content)
    if case in CONFIGS:
        isolated_env.mkdir(parents=True, exist_ok=True)
        (isolated_env / "config.json").write_text(json.dumps(CONFIGS[case]))
    argv = [arg.replace("{tmp}", str(tmp_path)) for arg in args]

    result = cli("--verbose", *argv, env=env)

    line = error_line(result, code)
    assert "Unexpected" not in result.stderr
    assert named in line
    # Nothing was sent, and no time went on retries: each of these is final at once.
    assert requests_sent(result.stderr) == []
    assert slept == []


WRONG_SHAPES = [
    # (id, argv, path answered, body)
    ("get_customer_list", ["customers", "get", "1"], "/customers/1", []),
    ("get_customer_string", ["customers", "get", "1"], "/customers/1", "hello"),
    ("get_contact_list", ["contacts", "get", "1"], "/contacts/1", []),
    ("get_onboarding_list", ["onboardings", "get", "1"], "/onboardings/1", [1, 2]),
    ("me_list", ["me"], "/me", [{"key_name": "x"}]),
    ("me_nested_string", ["me"], "/me", {"api_key": "x", "organization": "y"}),
    ("list_without_data", ["customers", "list"], "/customers", {"object": "list"}),
    ("contacts_without_data", ["contacts", "list", "1"], "/customers/1/contacts", {}),
    ("contacts_string", ["contacts", "list", "1"], "/customers/1/contacts", "x"),
    ("health_list", ["health"], "/health", []),
]


@pytest.mark.parametrize(
    ("args", "path", "body"),
    [case[1:] for case in WRONG_SHAPES],
    ids=[case[0] for case in WRONG_SHAPES],
)
def test_a_body_of_the_wrong_shape_is_a_server_error(
    cli: CLI,
    httpx_mock: HTTPXMock,
    error_line: Callable[[Result, int], str],
    args: list[str],
    path: str,
    body: object,
) -> None:
    # Any query: only the path matters to what is answered.
    httpx_mock.add_response(url=re.compile(re.escape(API + path) + r"(\?.*)?$"), json=body)

    result = cli("--base-url", API, *args, env={"PIVOTAL_API_KEY": KEY})

    line = error_line(result, ExitCode.SERVER)
    assert "Unexpected" not in result.stderr
    assert path in line


MISSING_FIELDS = [
    # (id, argv, path answered, body, the field named)
    (
        "slug_match_without_id",
        ["customers", "delete", "aurora", "--yes"],
        "/customers",
        {"object": "list", "data": [{"slug": "aurora"}], "has_more": False},
        "id",
    ),
    (
        "contact_without_id",
        ["contacts", "delete", "1", "--yes"],
        "/contacts/1",
        {"name": "x"},
        "id",
    ),
    (
        "onboarding_without_phase",
        ["onboardings", "advance", "1"],
        "/onboardings/1",
        {"id": "c1", "display_id": 1},
        "phase",
    ),
]


@pytest.mark.parametrize(
    ("args", "path", "body", "field"),
    [case[1:] for case in MISSING_FIELDS],
    ids=[case[0] for case in MISSING_FIELDS],
)
def test_a_record_without_what_commands_rely_on_is_a_server_error(
    cli: CLI,
    httpx_mock: HTTPXMock,
    error_line: Callable[[Result, int], str],
    args: list[str],
    path: str,
    body: object,
    field: str,
) -> None:
    httpx_mock.add_response(url=re.compile(re.escape(API + path) + r"(\?.*)?$"), json=body)

    result = cli("--base-url", API, *args, env={"PIVOTAL_API_KEY": KEY})

    line = error_line(result, ExitCode.SERVER)
    assert "Unexpected" not in result.stderr
    assert f"no usable {field}" in line


def test_a_boolean_given_as_a_string_is_refused_before_sending(
    sandbox_cli: CLI,
    error_line: Callable[[Result, int], str],
    requests_sent: Callable[[str], list[tuple[str, str]]],
) -> None:
    body = '{"name":"A","email":"a@b.co","is_primary":"yes"}'

    result = sandbox_cli("--verbose", "contacts", "add", "1", "--data", body)

    line = error_line(result, ExitCode.USAGE)
    assert "is_primary" in line
    assert requests_sent(result.stderr) == []


@pytest.mark.parametrize("resource", ["customers", "onboardings", "contacts"])
def test_an_id_of_thousands_of_characters_is_echoed_cut_short(
    sandbox_cli: Callable[..., Result], error_line: Callable[[Result, int], str], resource: str
) -> None:
    line = error_line(sandbox_cli(resource, "get", "a" * 5000), 5)

    assert "a" * 200 not in line and len(line) < 400
    assert re.search(r"a…\(5,0\d\d characters\)", line)


def test_control_characters_in_an_echoed_id_are_shown_escaped(
    sandbox_cli: Callable[..., Result], error_line: Callable[[Result, int], str]
) -> None:
    line = error_line(sandbox_cli("customers", "get", "ab\x1b[2Jc\r\nd"), 5)

    assert "\x1b" not in line and "\r" not in line
    assert "ab\\x1b[2Jc\\r d" in line
