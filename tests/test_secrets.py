"""The API key never reaches the screen, whatever path an error takes.

One test, run once per path: a fake key goes in through PIVOTAL_API_KEY, a fake server
(pytest-httpx) echoes it back wherever a real server or proxy might (the error
message, the error code, the field, X-Request-Id, a redirect's Location, a non-JSON
body, a transport error), in upper and lower case, through 401, 429 until the
retries run out, 500 until they run out, and with `--verbose` on and off. Then both
streams are searched for the key in any letter case. A key that cannot be sent as a
header at all must fail before any request, as an invalid key (exit 4), never echoed.
(A newline at either end is trimmed where the key is read, so these sit inside it.)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from pytest_httpx import HTTPXMock
from typer.testing import Result

from pivotal_cli.errors import ExitCode

API = "https://my.pivotal.app/api/v1"
ME = f"{API}/me"
# Clearly fake; the part after the mode prefix is what must never be shown.
KEY = "pivotal_FAKEsecretFAKEsecret0000000000"
SECRET_TAIL = KEY.removeprefix("pivotal_FAKE")

CLI = Callable[..., Result]


def envelope(status: int, message: str, code: str, field: str | None = None) -> dict[str, Any]:
    types = {401: "authentication_error", 429: "rate_limit_error", 500: "internal_error"}
    error = {"type": types.get(status, "invalid_request_error"), "code": code}
    error["message"] = message
    if field:
        error["field"] = field
    return {"error": error}


def echo_in_message(mock: HTTPXMock) -> None:
    mock.add_response(
        url=ME, status_code=400, json=envelope(400, f"Bad header: Bearer {KEY.upper()}", "bad")
    )


def echo_in_code_and_field(mock: HTTPXMock) -> None:
    mock.add_response(
        url=ME, status_code=400, json=envelope(400, "Bad.", KEY.lower(), field=KEY.swapcase())
    )


def echo_in_request_id(mock: HTTPXMock) -> None:
    mock.add_response(
        url=ME,
        status_code=404,
        json=envelope(404, "Nothing here.", "not_found"),
        headers={"X-Request-Id": f"req_{KEY.upper()}"},
    )


def unauthorized(mock: HTTPXMock) -> None:
    mock.add_response(
        url=ME,
        status_code=401,
        json=envelope(401, f"Key {KEY.lower()} is not valid.", "invalid_api_key"),
        headers={"X-Request-Id": KEY},
    )


def throttled_until_the_retries_run_out(mock: HTTPXMock) -> None:
    mock.add_response(
        url=ME,
        status_code=429,
        json=envelope(429, f"Slow down, {KEY}.", f"rate_{KEY.lower()}"),
        headers={"Retry-After": "0", "X-Request-Id": KEY.upper()},
        is_reusable=True,
    )


def failing_until_the_retries_run_out(mock: HTTPXMock) -> None:
    mock.add_response(
        url=ME,
        status_code=500,
        json=envelope(500, f"Crashed on {KEY}.", f"boom_{KEY.upper()}"),
        headers={"X-Request-Id": KEY.lower()},
        is_reusable=True,
    )


def html_error_page(mock: HTTPXMock) -> None:
    mock.add_response(
        url=ME,
        status_code=502,
        text=f"<html><title>Bad gateway for Bearer {KEY.upper()}</title></html>",
        is_reusable=True,
    )


def redirect(mock: HTTPXMock) -> None:
    mock.add_response(
        url=ME, status_code=302, headers={"Location": f"https://elsewhere.test/?k={KEY.lower()}"}
    )


def network_error(mock: HTTPXMock) -> None:
    mock.add_exception(httpx.ConnectError(f"refused: {KEY.upper()}"), is_reusable=True)


SERVERS = [
    echo_in_message,
    echo_in_code_and_field,
    echo_in_request_id,
    unauthorized,
    throttled_until_the_retries_run_out,
    failing_until_the_retries_run_out,
    html_error_page,
    redirect,
    network_error,
]


def unsendable(mock: HTTPXMock) -> None:
    """No server at all: the key must be refused before anything is sent."""


@pytest.mark.httpx_mock(assert_all_responses_were_requested=False)
@pytest.mark.parametrize("verbose", [True, False], ids=["verbose", "quiet"])
@pytest.mark.parametrize(
    ("server", "key"),
    [(server, KEY) for server in SERVERS]
    + [
        (unsendable, KEY[:20] + "\t" + KEY[20:]),
        (unsendable, KEY[:12] + "\n" + SECRET_TAIL),
        (unsendable, KEY + "é"),
        (unsendable, KEY[:12] + "\x07" + SECRET_TAIL),
    ],
    ids=[server.__name__ for server in SERVERS]
    + ["inner_tab", "inner_newline", "non_ascii", "control_character"],
)
def test_the_key_never_reaches_the_screen(
    cli: CLI,
    httpx_mock: HTTPXMock,
    server: Callable[[HTTPXMock], None],
    key: str,
    verbose: bool,
) -> None:
    server(httpx_mock)
    flags = ["--verbose"] if verbose else []

    result = cli(*flags, "--base-url", API, "me", env={"PIVOTAL_API_KEY": key})

    shown = (result.stdout + result.stderr).lower()
    assert result.exit_code != 0
    assert "Traceback" not in result.stderr
    # Booleans, so a failure names the path without pytest printing the key itself.
    leaked = SECRET_TAIL.lower() in shown
    assert not leaked, f"{server.__name__}: the key was shown"
    parts = [part for part in re.split(r"[^!-~]", key.lower()) if len(part) > len("pivotal_")]
    leaked = any(part in shown for part in parts)
    assert not leaked, f"{server.__name__}: part of the key was shown"
    if server is unsendable:
        assert result.exit_code == ExitCode.AUTH
        assert result.stderr.startswith("Error: The API key is not valid: it holds ")
        assert httpx_mock.get_requests() == []
