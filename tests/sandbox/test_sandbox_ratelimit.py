"""Per-key sliding-window rate limits and their headers; nothing here waits."""

from __future__ import annotations

import math
from collections.abc import Callable

import httpx
import pytest
from sandbox_helpers import FrozenClock, assert_error

from pivotal_cli.sandbox.data.timeutil import to_us
from pivotal_cli.sandbox.engine.core import Sandbox
from pivotal_cli.sandbox.engine.ratelimit import RatePolicy

Connect = Callable[[Sandbox, "str | None"], httpx.Client]


@pytest.fixture
def limited(make_sandbox: Callable[..., Sandbox]) -> Sandbox:
    return make_sandbox(rate_limit="default")


def epoch(clock: FrozenClock) -> float:
    return to_us(clock()) / 1e6


def test_headers_on_success(limited: Sandbox, connect: Connect, clock: FrozenClock) -> None:
    api = connect(limited, limited.key("acme", "live"))
    response = api.get("/me")
    assert response.headers["x-ratelimit-limit"] == "60"
    assert response.headers["x-ratelimit-remaining"] == "59"
    assert response.headers["x-ratelimit-reset"] == str(math.ceil(epoch(clock) + 60))
    assert "retry-after" not in response.headers


def test_test_keys_get_30(limited: Sandbox, connect: Connect) -> None:
    response = connect(limited, limited.key("acme", "test")).get("/me")
    assert response.headers["x-ratelimit-limit"] == "30"


def test_errors_carry_the_headers_and_count(limited: Sandbox, connect: Connect) -> None:
    api = connect(limited, limited.key("acme", "live"))
    missing = api.get("/customers/999")
    assert missing.status_code == 404
    assert missing.headers["x-ratelimit-remaining"] == "59"
    bad = api.post("/customers", json={})
    assert bad.status_code == 400
    assert bad.headers["x-ratelimit-remaining"] == "58"


def test_429_after_the_limit(limited: Sandbox, connect: Connect, clock: FrozenClock) -> None:
    api = connect(limited, limited.key("acme", "test"))
    start = epoch(clock)
    for n in range(30):
        clock.advance(1)
        assert api.get("/me").headers["x-ratelimit-remaining"] == str(29 - n)
    response = api.get("/me")
    # The oldest request (at start + 1 s) leaves the window at start + 61 s; now is start + 30.
    assert_error(
        response, 429, "rate_limit_error", "rate_limited",
        message="Rate limit exceeded. Retry after 31 seconds.",
    )  # fmt: skip
    assert response.headers["retry-after"] == "31"
    assert response.headers["x-ratelimit-remaining"] == "0"
    assert response.headers["x-ratelimit-reset"] == str(math.ceil(start + 61))


def test_the_window_slides(limited: Sandbox, connect: Connect, clock: FrozenClock) -> None:
    api = connect(limited, limited.key("acme", "test"))
    for _ in range(30):
        api.get("/me")
    assert api.get("/me").status_code == 429
    clock.advance(59.9)
    retry = api.get("/me")
    assert retry.status_code == 429 and retry.headers["retry-after"] == "1"
    clock.advance(0.2)
    assert api.get("/me").status_code == 200


def test_401s_do_not_count(limited: Sandbox, connect: Connect) -> None:
    revoked = connect(limited, limited.key("acme", "test", revoked=True))
    anonymous = connect(limited, None)
    for _ in range(40):
        assert revoked.get("/me").status_code == 401
        assert anonymous.get("/me").status_code == 401
    response = connect(limited, limited.key("acme", "test")).get("/me")
    assert response.headers["x-ratelimit-remaining"] == "29"


def test_buckets_are_per_key(limited: Sandbox, connect: Connect) -> None:
    test = connect(limited, limited.key("acme", "test"))
    for _ in range(30):
        test.get("/me")
    assert test.get("/me").status_code == 429
    live = connect(limited, limited.key("acme", "live")).get("/me")
    assert (live.status_code, live.headers["x-ratelimit-remaining"]) == (200, "59")


def test_a_number_applies_to_every_key(
    make_sandbox: Callable[..., Sandbox], connect: Connect
) -> None:
    sandbox = make_sandbox(rate_limit=2)
    api = connect(sandbox, sandbox.key("acme", "live"))
    assert [api.get("/me").status_code for _ in range(3)] == [200, 200, 429]
    assert (
        connect(sandbox, sandbox.key("acme", "test")).get("/me").headers["x-ratelimit-limit"] == "2"
    )


def test_off_means_no_limit_and_no_headers(sandbox: Sandbox, api: httpx.Client) -> None:
    for _ in range(100):
        response = api.get("/me")
    assert response.status_code == 200
    assert "x-ratelimit-limit" not in response.headers


@pytest.mark.parametrize(
    ("spec", "policy"),
    [
        (None, RatePolicy(60, 30)),
        ("default", RatePolicy(60, 30)),
        ("off", RatePolicy(None, None)),
        ("OFF", RatePolicy(None, None)),
        ("600", RatePolicy(600, 600)),
        (5, RatePolicy(5, 5)),
    ],
)
def test_policy_parsing(spec: str | int | None, policy: RatePolicy) -> None:
    assert RatePolicy.parse(spec) == policy


@pytest.mark.parametrize("spec", ["0", "-1", "fast", "1.5", ""])
def test_policy_errors(spec: str) -> None:
    with pytest.raises(ValueError, match="expected a positive number or 'off'"):
        RatePolicy.parse(spec)
