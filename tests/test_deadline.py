"""A bounded command: `--timeout`, the client's deadline, and checks that answer fast.

The client half runs against pytest-httpx with a fake clock that the recording `sleep`
advances, so a "30 s" wait costs nothing: no retry or wait may start past the deadline,
each attempt's httpx timeouts are cut to the time left, a refused connection is retried
once at most. The command-line half uses real loopback sockets (one refusing, one that
accepts and never answers) with short limits, timed with an upper bound only:
`--timeout 1` gives one line naming the option and exit 8; `auth status` checks its keys
in parallel, tells "API unreachable" (8) from "key rejected" (4), and exits 4 when no
key is stored at all.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from pytest_httpx import HTTPXMock
from typer.testing import Result

from pivotal_cli.cli import hints
from pivotal_cli.client.http import Client
from pivotal_cli.client.retry import RetryPolicy
from pivotal_cli.errors import ExitCode, NetworkError, ServerError

API = "https://my.pivotal.app/api/v1"
KEY = "pivotal_test_FAKEfakeFAKEfake0000000000000000"
CLI = Callable[..., Result]


class FakeTime:
    """A clock that only `sleep` moves, and the record of what was slept."""

    def __init__(self) -> None:
        self.now = 1_748_275_800.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


@pytest.fixture
def make_client(fake: FakeTime) -> Iterator[Callable[..., Client]]:
    clients: list[Client] = []

    def make(**kwargs: Any) -> Client:
        client = Client(API, KEY, sleep=fake.sleep, clock=fake.clock, jitter=lambda: 0.0, **kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def envelope_429() -> dict[str, Any]:
    return {"error": {"type": "rate_limit_error", "code": "rate_limited", "message": "Slow."}}


# -- the client's deadline -------------------------------------------------------------


def test_no_retry_starts_past_the_deadline(
    httpx_mock: HTTPXMock, make_client: Callable[..., Client], fake: FakeTime
) -> None:
    httpx_mock.add_response(status_code=503, is_reusable=True)
    client = make_client(retry=RetryPolicy(max_attempts=50, base_delay=2.0), budget=10.0)

    with pytest.raises(NetworkError) as caught:
        client.get("/customers")

    # Backoff 1, 2, 4 s (jitter 0: half steps) fits in 10 s; the next 8 s would not.
    assert fake.slept == [1.0, 2.0, 4.0]
    assert len(httpx_mock.get_requests()) == 4
    assert caught.value.reason == "deadline_exceeded"
    assert caught.value.exit_code == ExitCode.SERVER
    assert caught.value.message == ("No answer from my.pivotal.app within 10 s (last: HTTP 503).")
    assert "--timeout" in hints.line(caught.value)


def test_a_retry_after_past_the_deadline_is_not_waited(
    httpx_mock: HTTPXMock, make_client: Callable[..., Client], fake: FakeTime
) -> None:
    httpx_mock.add_response(status_code=429, json=envelope_429(), headers={"Retry-After": "30"})

    with pytest.raises(NetworkError) as caught:
        make_client(budget=10.0).get("/customers")

    assert fake.slept == []
    assert "within 10 s (last: HTTP 429 rate_limited)" in caught.value.message


def test_each_attempt_is_cut_to_the_time_left(
    httpx_mock: HTTPXMock, make_client: Callable[..., Client], fake: FakeTime
) -> None:
    httpx_mock.add_response(status_code=503, headers={"Retry-After": "7"})
    httpx_mock.add_response(json={"ok": True})

    make_client(budget=10.0).get("/customers")

    first, second = (r.extensions["timeout"] for r in httpx_mock.get_requests())
    assert first == {"connect": 10.0, "read": 10.0, "write": 10.0, "pool": 10.0}
    assert second == {"connect": 3.0, "read": 3.0, "write": 3.0, "pool": 3.0}


def test_without_a_deadline_the_client_timeouts_are_unchanged(
    httpx_mock: HTTPXMock, make_client: Callable[..., Client]
) -> None:
    httpx_mock.add_response(json={"ok": True})

    make_client().get("/customers")

    assert httpx_mock.get_request().extensions["timeout"] == {
        "connect": 10.0,
        "read": 30.0,
        "write": 30.0,
        "pool": 30.0,
    }


def test_the_per_call_limit_does_not_count_a_retry_after_the_server_asked_for(
    httpx_mock: HTTPXMock, make_client: Callable[..., Client], fake: FakeTime
) -> None:
    # The sandbox's window is 60 s: riding out its 429 must fit the default limit.
    httpx_mock.add_response(status_code=429, json=envelope_429(), headers={"Retry-After": "60"})
    httpx_mock.add_response(json={"ok": True})

    make_client(retry=RetryPolicy(call_timeout=60.0)).get("/customers")

    assert fake.slept == [60.0]


def test_the_per_call_limit_bounds_backoff(
    httpx_mock: HTTPXMock, make_client: Callable[..., Client], fake: FakeTime
) -> None:
    httpx_mock.add_response(status_code=500, is_reusable=True)
    policy = RetryPolicy(max_attempts=50, base_delay=4.0, call_timeout=20.0)

    with pytest.raises(NetworkError) as caught:
        make_client(retry=policy).get("/customers")

    assert sum(fake.slept) < 20.0
    assert "within 20 s" in caught.value.message


# -- connection refused ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "attempts"), [(RetryPolicy(), 2), (RetryPolicy(max_connect_attempts=1), 1)]
)
def test_a_refused_connection_is_retried_at_most_once(
    httpx_mock: HTTPXMock,
    make_client: Callable[..., Client],
    policy: RetryPolicy,
    attempts: int,
) -> None:
    httpx_mock.add_exception(httpx.ConnectError("Connection refused"), is_reusable=True)

    with pytest.raises(NetworkError):
        make_client(retry=policy).get("/customers")

    assert len(httpx_mock.get_requests()) == attempts


def test_a_refused_connection_does_not_shorten_other_retries(
    httpx_mock: HTTPXMock, make_client: Callable[..., Client]
) -> None:
    httpx_mock.add_exception(httpx.ReadTimeout("timed out"))
    httpx_mock.add_exception(httpx.ReadTimeout("timed out"))
    httpx_mock.add_exception(httpx.ConnectError("Connection refused"))
    httpx_mock.add_response(status_code=503)
    httpx_mock.add_response(json={"ok": True})

    assert make_client().get("/customers").data == {"ok": True}


# -- the command line ------------------------------------------------------------------


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback port that accepts connections (the kernel's backlog) and never answers."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield int(sock.getsockname()[1])


@pytest.fixture
def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def base(port: int) -> str:
    return f"http://127.0.0.1:{port}/api/v1"


def test_timeout_bounds_a_command_against_a_silent_server(
    cli: CLI, silent_port: int, fake_keys: SimpleNamespace
) -> None:
    started = time.monotonic()
    result = cli(
        "--timeout", "1", "me",
        env={"PIVOTAL_API_KEY": fake_keys.live, "PIVOTAL_BASE_URL": base(silent_port)},
    )  # fmt: skip
    elapsed = time.monotonic() - started

    assert result.exit_code == ExitCode.SERVER
    assert elapsed < 10
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"Error: No answer from 127.0.0.1:{silent_port} within 1 s")
    assert "--timeout SECONDS (or set PIVOTAL_TIMEOUT)" in lines[0]
    assert fake_keys.live not in result.stderr


def test_timeout_comes_from_the_environment_too(
    cli: CLI, silent_port: int, fake_keys: SimpleNamespace
) -> None:
    env = {
        "PIVOTAL_API_KEY": fake_keys.live,
        "PIVOTAL_BASE_URL": base(silent_port),
        "PIVOTAL_TIMEOUT": "0.5",
    }
    result = cli("me", env=env)

    assert result.exit_code == ExitCode.SERVER
    assert "within 0.5 s" in result.stderr


@pytest.mark.parametrize("value", ["0", "-3"])
def test_timeout_must_be_positive(cli: CLI, value: str) -> None:
    result = cli("--timeout", value, "health")

    assert result.exit_code == ExitCode.USAGE


def test_health_does_not_retry_a_refused_connection(
    cli: CLI, closed_port: int, slept: list[float]
) -> None:
    result = cli("--base-url", base(closed_port), "health")

    assert result.exit_code == ExitCode.SERVER
    assert "after" not in result.stderr  # one attempt: no "after N attempts"
    assert slept == []


def test_auth_status_with_the_api_refusing_says_unreachable_and_exits_8(
    cli: CLI, store_key: Callable[..., None], fake_keys: SimpleNamespace, closed_port: int,
    slept: list[float],
) -> None:  # fmt: skip
    store_key("acme", fake_keys.live)
    store_key("acme", fake_keys.test)

    started = time.monotonic()
    result = cli("--base-url", base(closed_port), "auth", "status")
    elapsed = time.monotonic() - started

    assert result.exit_code == ExitCode.SERVER
    assert elapsed < 10
    assert [line.split("\t")[-1] for line in result.stdout.splitlines()] == [
        "API unreachable",
        "API unreachable",
    ]
    assert "did not answer" in result.stderr
    assert "auth login" not in result.stderr  # the keys may be fine: don't send them there
    assert slept == []  # a check never retries


def test_auth_status_against_a_silent_api_checks_keys_in_parallel(
    cli: CLI,
    store_key: Callable[..., None],
    fake_keys: SimpleNamespace,
    silent_port: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pivotal_cli.cli.commands import auth

    monkeypatch.setattr(auth, "CHECK_SECONDS", 1.5)
    store_key("acme", fake_keys.live)
    store_key("acme", fake_keys.test)
    store_key("beta", fake_keys.other_live)

    started = time.monotonic()
    result = cli("--base-url", base(silent_port), "auth", "status")
    elapsed = time.monotonic() - started

    assert result.exit_code == ExitCode.SERVER
    # One after the other would take 3 × 1.5 s; side by side about 1.5 s.
    assert elapsed < 4.0
    assert [line.split("\t")[-1] for line in result.stdout.splitlines()] == ["API unreachable"] * 3


def test_auth_status_a_5xx_is_unreachable_not_rejected_and_not_retried(
    cli: CLI, store_key: Callable[..., None], fake_keys: SimpleNamespace, httpx_mock: HTTPXMock
) -> None:
    store_key("acme", fake_keys.live)
    httpx_mock.add_response(status_code=503, text="")

    result = cli("auth", "status")

    assert result.exit_code == ExitCode.SERVER
    assert result.stdout.rstrip("\n").endswith("\tAPI unreachable (HTTP 503)")
    assert len(httpx_mock.get_requests()) == 1


def test_auth_status_a_rejected_key_wins_over_an_unreachable_one(
    cli: CLI,
    store_key: Callable[..., None],
    fake_keys: SimpleNamespace,
    httpx_mock: HTTPXMock,
    closed_port: int,
) -> None:
    store_key("acme", fake_keys.live)
    store_key("beta", fake_keys.other_live, base_url=base(closed_port))
    httpx_mock.add_response(
        status_code=401,
        json={
            "error": {"type": "authentication_error", "code": "invalid_api_key", "message": "No."}
        },
    )
    httpx_mock.add_exception(httpx.ConnectError("Connection refused"))

    result = cli("auth", "status")

    assert result.exit_code == ExitCode.AUTH
    statuses = [line.split("\t")[-1] for line in result.stdout.splitlines()]
    assert statuses == ["invalid_api_key", "API unreachable"]
    assert "did not answer for 1 key(s)" in result.stderr
    assert "1 stored key(s) do not work; run `pivotal auth login`" in result.stderr


def test_auth_status_with_only_the_environment_key_unreachable(
    cli: CLI, fake_keys: SimpleNamespace, closed_port: int
) -> None:
    env = {"PIVOTAL_API_KEY": fake_keys.live, "PIVOTAL_BASE_URL": base(closed_port)}
    result = cli("auth", "status", env=env)

    assert result.exit_code == ExitCode.SERVER
    assert result.stdout.rstrip("\n").endswith("\tAPI unreachable")
    assert fake_keys.live not in result.stdout + result.stderr


def test_server_error_class_is_unchanged_for_a_lasting_5xx_without_deadline(
    httpx_mock: HTTPXMock, make_client: Callable[..., Client]
) -> None:
    # No budget and no call limit: the old behaviour, the last 5xx itself.
    httpx_mock.add_response(status_code=503, is_reusable=True)

    with pytest.raises(ServerError):
        make_client().get("/customers")
