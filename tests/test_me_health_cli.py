"""`pivotal me` and `pivotal health` in-process, and the promise that keys never leak.

`me` shows which workspace and key the CLI uses, the mode, the tier and the
rate-limit figures from the response headers; `--json` is the body exactly. `health`
needs no key and never sends one, shows status and latency, and exits 8 when the API
is down after retries, unreachable, or reports anything but ok.

The secrets tests run many commands with `--verbose` (including forced crashes while
the key sits in a local variable, and `--debug`) and check that the full key is in
neither stream. The last tests do the same through a real `python` subprocess, where
nothing catches output for us: no traceback and no key may reach stderr.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import keyring
import keyring.backends.fail
import pytest
from pytest_httpx import HTTPXMock
from typer.testing import Result

from pivotal_cli.errors import ExitCode

API = "https://my.pivotal.app/api/v1"
ME = f"{API}/me"
HEALTH = f"{API}/health"

CLI = Callable[..., Result]


def bucket(limit: int, remaining: int, reset_in: int) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": str(int(time.time()) + reset_in),
    }


def revoked() -> dict[str, Any]:
    return {
        "error": {
            "type": "authentication_error",
            "code": "api_key_revoked",
            "message": "This API key has been revoked.",
        }
    }


@pytest.fixture
def logged_in(store_key: Callable[..., None], fake_keys: SimpleNamespace) -> SimpleNamespace:
    store_key("acme", fake_keys.test, name="ci-test")
    return fake_keys


# -- me -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shape", "workspace_line", "tier_line"),
    [
        ("spec", "workspace\tacme (Acme)", "tier\tstandard"),
        ("flat", "workspace\tacme", "tier\t"),
    ],
)
def test_me_shows_workspace_key_mode_tier_and_rate_limit(
    cli: CLI,
    logged_in: SimpleNamespace,
    httpx_mock: HTTPXMock,
    make_me: Callable[..., Any],
    shape: str,
    workspace_line: str,
    tier_line: str,
) -> None:
    httpx_mock.add_response(
        url=ME,
        json=make_me(logged_in.test, name="ci-test", shape=shape),
        headers=bucket(30, 29, 42),
    )

    result = cli("me")

    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        workspace_line,
        "key\tci-test (pivotal_test_FAKE…)",
        "mode\ttest",
        tier_line,
    ]
    assert re.fullmatch(r"rate_limit\t29/30 left, resets in 4[0-2] s", lines[4])
    assert lines[5:] == [f"base_url\t{API}", "key_source\tkeyring"]
    assert logged_in.test not in result.stdout


def test_me_without_rate_limit_headers(
    cli: CLI, logged_in: SimpleNamespace, httpx_mock: HTTPXMock, make_me: Callable[..., Any]
) -> None:
    httpx_mock.add_response(url=ME, json=make_me(logged_in.test))

    result = cli("me")

    assert "rate_limit\tnot reported" in result.stdout.splitlines()


def test_me_json_prints_the_body_exactly(
    cli: CLI, logged_in: SimpleNamespace, httpx_mock: HTTPXMock, make_me: Callable[..., Any]
) -> None:
    body = make_me(logged_in.test, future_field={"nested": [1, 2]})
    httpx_mock.add_response(url=ME, json=body, headers=bucket(30, 29, 42))

    result = cli("me", "--json")

    assert result.exit_code == 0
    assert json.loads(result.stdout) == body
    assert result.stderr == ""


def test_me_on_a_terminal_is_a_labelled_grid(
    cli: CLI, logged_in: SimpleNamespace, httpx_mock: HTTPXMock, make_me: Callable[..., Any]
) -> None:
    httpx_mock.add_response(url=ME, json=make_me(logged_in.test), headers=bucket(30, 29, 42))

    result = cli("me", env={"PIVOTAL_FORCE_TTY": "1", "NO_COLOR": "1", "COLUMNS": "100"})

    assert result.exit_code == 0
    for label in ("Workspace", "Key", "Mode", "Rate-limit tier", "Rate limit", "API", "Key from"):
        assert re.search(rf"^{label} ", result.stdout, re.MULTILINE), label
    assert "\x1b[" not in result.stdout  # NO_COLOR


def test_me_live_key_is_shown_as_live_on_a_terminal(
    cli: CLI,
    store_key: Callable[..., None],
    fake_keys: SimpleNamespace,
    httpx_mock: HTTPXMock,
    make_me: Callable[..., Any],
) -> None:
    store_key("acme", fake_keys.live)
    httpx_mock.add_response(url=ME, json=make_me(fake_keys.live))

    result = cli("me", env={"PIVOTAL_FORCE_TTY": "1", "NO_COLOR": "1"})

    assert re.search(r"^Mode +LIVE *$", result.stdout, re.MULTILINE)


def test_me_not_logged_in_exits_4_with_the_hint(cli: CLI, httpx_mock: HTTPXMock) -> None:
    result = cli("me")

    assert result.exit_code == ExitCode.AUTH
    assert result.stdout == ""
    assert result.stderr == (
        "Error: Not logged in. Run `pivotal auth login`, set PIVOTAL_API_KEY, "
        "or try the local sandbox with `pivotal --sandbox …`.\n"
    )
    assert httpx_mock.get_requests() == []


def test_me_with_a_revoked_key_exits_4(
    cli: CLI, logged_in: SimpleNamespace, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(url=ME, status_code=401, json=revoked())

    result = cli("me")

    assert result.exit_code == ExitCode.AUTH
    assert result.stdout == ""
    assert result.stderr == (
        "Error: This API key has been revoked. (api_key_revoked, HTTP 401) The key was "
        "revoked: create a new one in Admin > API Keys and run `pivotal auth login`.\n"
    )


def test_me_behind_a_proxy_answering_html_502_is_readable(
    cli: CLI, logged_in: SimpleNamespace, httpx_mock: HTTPXMock, slept: list[float]
) -> None:
    httpx_mock.add_response(
        url=ME,
        status_code=502,
        text="<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
        headers={"Content-Type": "text/html"},
        is_reusable=True,
    )

    result = cli("me")

    assert result.exit_code == ExitCode.SERVER
    assert result.stdout == ""
    last = result.stderr.splitlines()[-1]
    assert last.startswith(
        "Error: The server answered HTTP 502 without a Pivotal error body: 502 Bad Gateway"
    )
    assert "<" not in result.stderr and "Traceback" not in result.stderr
    assert len(httpx_mock.get_requests()) == 5 and len(slept) == 4


def test_me_with_a_body_it_cannot_read(
    cli: CLI, logged_in: SimpleNamespace, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(url=ME, json={"object": "me", "surprise": True})

    result = cli("me")

    assert result.exit_code == ExitCode.SERVER
    assert "/me answered with a body this version cannot read" in result.stderr


def test_me_with_a_base_url_that_is_not_the_api(
    cli: CLI, logged_in: SimpleNamespace, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(url=ME, text="<!doctype html><title>Pivotal</title>")

    result = cli("me")

    assert result.exit_code == ExitCode.SERVER
    assert "not JSON" in result.stderr and "--base-url" in result.stderr


def test_me_refuses_to_send_a_key_over_plain_http(
    cli: CLI, logged_in: SimpleNamespace, httpx_mock: HTTPXMock
) -> None:
    result = cli("--base-url", "http://api.example.com/api/v1", "me")

    assert result.exit_code == ExitCode.USAGE
    assert "Refusing to send an API key over plain http to api.example.com" in result.stderr
    assert httpx_mock.get_requests() == []


# -- health ---------------------------------------------------------------------------


def test_health_needs_no_key_and_never_sends_one(
    cli: CLI, logged_in: SimpleNamespace, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(
        url=HEALTH, json={"status": "ok", "timestamp": "2026-05-26T10:00:00.000Z"}
    )

    result = cli("health")

    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[:2] == ["status\tok", "timestamp\t2026-05-26T10:00:00.000Z"]
    assert re.fullmatch(r"latency\t\d+ ms", lines[2])
    assert lines[3:] == [f"api\t{API}"]
    request = httpx_mock.get_request()
    assert request is not None and "Authorization" not in request.headers


def test_health_when_not_logged_in(cli: CLI, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=HEALTH, json={"status": "ok", "timestamp": "t"})

    assert cli("health").exit_code == 0


def test_health_does_not_need_the_keyring(
    cli: CLI, logged_in: SimpleNamespace, httpx_mock: HTTPXMock
) -> None:
    # A key record exists but no keyring can be read: /health needs none of it.
    keyring.set_keyring(keyring.backends.fail.Keyring())
    httpx_mock.add_response(url=HEALTH, json={"status": "ok", "timestamp": "t"})

    result = cli("health")

    assert result.exit_code == 0, result.stderr


def test_health_with_an_environment_key_sends_none_either(
    cli: CLI, fake_keys: SimpleNamespace, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(url=HEALTH, json={"status": "ok"})

    result = cli("health", env={"PIVOTAL_API_KEY": fake_keys.live})

    assert result.exit_code == 0
    assert "Authorization" not in httpx_mock.get_request().headers  # type: ignore[union-attr]


def test_health_json_prints_the_body_exactly(cli: CLI, httpx_mock: HTTPXMock) -> None:
    body = {"status": "ok", "timestamp": "2026-05-26T10:00:00.000Z", "version": "1.4.2"}
    httpx_mock.add_response(url=HEALTH, json=body)

    result = cli("health", "--json")

    assert result.exit_code == 0
    assert json.loads(result.stdout) == body


def test_health_exits_8_when_the_api_answers_503_after_retries(
    cli: CLI, httpx_mock: HTTPXMock, slept: list[float]
) -> None:
    httpx_mock.add_response(url=HEALTH, status_code=503, text="", is_reusable=True)

    result = cli("health")

    assert result.exit_code == ExitCode.SERVER
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == (
        "Error: The server answered HTTP 503 without a Pivotal error body. (HTTP 503) "
        "The API failed; try again shortly. Rerun with --verbose to see the exchange."
    )
    assert len(httpx_mock.get_requests()) == 5
    assert len(slept) == 4


def test_health_recovers_when_a_503_is_transient(
    cli: CLI, httpx_mock: HTTPXMock, slept: list[float]
) -> None:
    httpx_mock.add_response(url=HEALTH, status_code=503)
    httpx_mock.add_response(url=HEALTH, json={"status": "ok"})

    result = cli("health")

    assert result.exit_code == 0
    assert len(slept) == 1


def test_health_exits_8_when_the_network_is_down(
    cli: CLI, httpx_mock: HTTPXMock, slept: list[float]
) -> None:
    httpx_mock.add_exception(httpx.ConnectError("[Errno 111] Connection refused"), is_reusable=True)

    result = cli("health")

    assert result.exit_code == ExitCode.SERVER
    assert result.stdout == ""
    # `health` is a check: a refused connection is its answer, not retried at all.
    assert result.stderr.splitlines()[-1] == (
        "Error: Could not get an answer from my.pivotal.app: could not connect "
        "([Errno 111] Connection refused). "
        "Check your network, or the base URL (--base-url / PIVOTAL_BASE_URL)."
    )
    assert "Traceback" not in result.stderr
    assert len(httpx_mock.get_requests()) == 1
    assert slept == []


@pytest.mark.parametrize("body", [{"status": "degraded"}, {"status": None}, {}])
def test_health_exits_8_when_status_is_not_ok(
    cli: CLI, httpx_mock: HTTPXMock, body: dict[str, Any]
) -> None:
    httpx_mock.add_response(url=HEALTH, json=body)

    result = cli("health")

    assert result.exit_code == ExitCode.SERVER
    assert result.stdout.splitlines()[0] == f"status\t{body.get('status') or 'unknown'}"
    assert f"The API reports status '{body.get('status')}'" in result.stderr


# -- secrets never reach the screen ---------------------------------------------------


def _crash(*_: object, **__: object) -> None:
    raise RuntimeError("unexpected failure deep inside")


def test_the_full_key_never_appears_in_any_output(
    cli: CLI,
    fake_keys: SimpleNamespace,
    httpx_mock: HTTPXMock,
    make_me: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = fake_keys.test
    me = make_me(key, name="ci-test")
    results: list[tuple[str, Result]] = []

    def run(label: str, *args: str, **kwargs: Any) -> Result:
        result = cli("--verbose", *args, **kwargs)
        results.append((label, result))
        return result

    httpx_mock.add_response(url=ME, json=me, headers=bucket(30, 29, 60))
    assert run("login", "auth", "login", "--with-key", input=key).exit_code == 0

    httpx_mock.add_response(url=ME, json=me, headers=bucket(30, 28, 60))
    assert run("me", "me").exit_code == 0
    httpx_mock.add_response(url=ME, json=me)
    assert run("me --json", "me", "--json").exit_code == 0
    httpx_mock.add_response(url=ME, json=me)
    assert run("status", "auth", "status").exit_code == 0
    httpx_mock.add_response(url=HEALTH, json={"status": "ok"})
    assert run("health", "health").exit_code == 0
    httpx_mock.add_response(url=ME, status_code=401, json=revoked())
    assert run("revoked", "me").exit_code == ExitCode.AUTH
    httpx_mock.add_response(url=ME, status_code=503, is_reusable=True)
    assert run("503", "me").exit_code == ExitCode.SERVER
    assert run("env key, offline", "auth", "status", "--offline", env={"PIVOTAL_API_KEY": key})
    assert run("plain http", "--base-url", "http://evil.example/api/v1", "me").exit_code == 2

    # Crashes while the key sits in a local variable: `key` in login, `target` in me.
    monkeypatch.setattr("pivotal_cli.client.meta.get_me", _crash)
    crash = run("crash in login", "auth", "login", "--with-key", input=key)
    assert crash.exit_code == ExitCode.ERROR
    assert crash.stderr == (
        "Error: Unexpected RuntimeError. This is a bug in pivotal; "
        "rerun with --debug for the traceback and report it.\n"
    )
    assert run("crash in me", "me").exit_code == ExitCode.ERROR
    assert run("crash, env key", "me", env={"PIVOTAL_API_KEY": key}).exit_code == 1
    debug = run("crash with --debug", "--debug", "me")
    assert debug.exit_code == ExitCode.ERROR
    assert "Traceback" in debug.stderr  # --debug shows it; locals are still not printed

    for label, result in results:
        assert key not in result.stdout, label
        assert key not in result.stderr, label
    verbose_me = dict(results)["me"].stderr
    assert f"> GET {ME}" in verbose_me
    assert "> Authorization: Bearer pivotal_test_FAKE…" in verbose_me
    assert "< X-Ratelimit-Remaining: 28" in verbose_me


# -- the same through a real process --------------------------------------------------

# Runs the real entry point (`python -m pivotal_cli` is `__main__.main`) after one
# tweak, applied in the child itself (no sitecustomize): a crash where a command
# holds the key; or, for "no-wait", the app itself with an injected client whose sleep
# does not wait, so retries to a closed port are quick.
CHILD = """
import runpy, sys
what = sys.argv.pop(1)
if what == "crash-in-command":
    import pivotal_cli.client.meta
    def crash(*args, **kwargs):
        raise RuntimeError("unexpected failure deep inside")
    pivotal_cli.client.meta.get_me = crash
elif what == "crash-before-command":
    import pivotal_cli.cli.context
    def crash(*args, **kwargs):
        raise RuntimeError("unexpected failure deep inside")
    pivotal_cli.cli.context.AppContext.__init__ = crash
elif what == "no-wait":
    import functools
    from pivotal_cli.cli.app import build_app
    from pivotal_cli.cli.context import Injected
    from pivotal_cli.client.http import Client
    quick = functools.partial(Client, sleep=lambda seconds: None)
    build_app()(sys.argv[1:], prog_name="pivotal", obj=Injected(client_factory=quick))
sys.argv[0] = "pivotal"
runpy.run_module("pivotal_cli", run_name="__main__", alter_sys=True)
"""


def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_child(
    what: str, *args: str, key: str, base_url: str, tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("PIVOTAL_") and name != "NO_COLOR"
    }
    env.update(
        PIVOTAL_API_KEY=key,
        PIVOTAL_BASE_URL=base_url,
        PIVOTAL_CONFIG_DIR=str(tmp_path / "child-config"),
        # Belt and braces: the child must never reach a real keyring either.
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
    )
    return subprocess.run(
        [sys.executable, "-c", CHILD, what, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("what", "message"),
    [
        (
            "crash-in-command",
            "Error: Unexpected RuntimeError. This is a bug in pivotal; "
            "rerun with --debug for the traceback and report it.\n",
        ),
        (
            "crash-before-command",
            "Error: unexpected RuntimeError. Rerun with --debug for the traceback.\n",
        ),
    ],
    ids=["in-a-command", "before-any-command"],
)
def test_a_crash_in_a_real_process_prints_one_line_no_traceback_no_key(
    tmp_path: Path, fake_keys: SimpleNamespace, what: str, message: str
) -> None:
    port = closed_port()

    child = run_child(
        what, "--verbose", "me",
        key=fake_keys.live, base_url=f"http://127.0.0.1:{port}/api/v1", tmp_path=tmp_path,
    )  # fmt: skip

    assert child.returncode == ExitCode.ERROR
    assert child.stdout == ""
    assert child.stderr == message
    assert fake_keys.live not in child.stderr


def test_network_down_in_a_real_process_exits_8_without_traceback_or_key(
    tmp_path: Path, fake_keys: SimpleNamespace
) -> None:
    port = closed_port()

    child = run_child(
        "no-wait", "--verbose", "me",
        key=fake_keys.live, base_url=f"http://127.0.0.1:{port}/api/v1", tmp_path=tmp_path,
    )  # fmt: skip

    assert child.returncode == ExitCode.SERVER
    assert child.stdout == ""
    assert "Traceback" not in child.stderr
    assert fake_keys.live not in child.stderr
    assert "> Authorization: Bearer pivotal_FAKE…" in child.stderr
    assert child.stderr.splitlines()[-1].startswith(
        f"Error: Could not get an answer from 127.0.0.1:{port} after 2 attempts: could not connect"
    )
