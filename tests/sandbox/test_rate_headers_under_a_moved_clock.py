"""`X-RateLimit-Reset` stays on the client's clock when the sandbox clock has moved.

Clients compare the reset second with their own wall clock (the Bulk operations guide:
wait until the reset before the next batch), and the `Date` header of the same answer
is real time. So, as with webhook signature timestamps, the sandbox gives the reset in
real time: a window still closes within a minute of the answer, whatever the offset.
Before this was fixed, a sandbox moved 14 days on told clients to wait 14 days, and the
CLI's own pacing stalled for its one-minute cap on every nearly-spent window.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from pivotal_cli.client.http import Client


def seconds_to_reset(answer: Any) -> float:
    return int(answer.headers["X-RateLimit-Reset"]) - time.time()


@pytest.mark.pivotal_sandbox(rate_limit=5)
def test_the_window_reset_is_real_time_after_an_advance(pivotal_sandbox: Any) -> None:
    pivotal_sandbox.advance("14d")
    api = pivotal_sandbox.client()
    answers = [api.get("/customers") for _ in range(6)]
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    for answer in answers:
        assert 0 < seconds_to_reset(answer) <= 61, answer.headers["X-RateLimit-Reset"]
    assert int(answers[-1].headers["Retry-After"]) <= 60


@pytest.mark.pivotal_sandbox(faults="GET /customers 429=1,max=1,retry_after=7")
def test_an_injected_429_resets_when_its_retry_after_ends(pivotal_sandbox: Any) -> None:
    pivotal_sandbox.advance("30d")
    answer = pivotal_sandbox.client().get("/customers")
    assert answer.status_code == 429
    assert 5 <= seconds_to_reset(answer) <= 8


@pytest.mark.pivotal_sandbox(rate_limit=20)
def test_the_cli_client_paces_a_moved_sandbox_over_one_window(pivotal_sandbox: Any) -> None:
    pivotal_sandbox.advance("14d")
    waits: list[float] = []
    with Client(pivotal_sandbox.base_url, pivotal_sandbox.live_key, sleep=waits.append) as api:
        for _ in range(20):
            api.get("/customers")
    # The last tenth of the window is spread over what is left of it: one minute at
    # most in all, never the pacing cap (60 s) per request.
    assert waits and sum(waits) <= 61, waits
