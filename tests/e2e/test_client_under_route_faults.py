"""The CLI's own HTTP client (`pivotal_cli.client.http.Client`) under per-route faults.

Each test declares its faults with the pytest plugin's marker, on one route only, and
checks the client from both ends: what it returned or raised and how long it chose to
wait (an injected sleep records each wait; nothing really waits), and what the sandbox
saw (its request log: every attempt, its status and its idempotency key). A 500 is
retried with backoff under the same key and creates one record; a 429 storm is ridden
out waiting exactly its `Retry-After`, and a storm longer than the retries (or a
`Retry-After` too long to wait out) ends in the error rather than a guess; an
idempotency key in flight is retried after the in-flight delay until it is free.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pivotal_cli.client.http import Client
from pivotal_cli.client.retry import RetryPolicy
from pivotal_cli.errors import APIError, RateLimitError, ServerError

BODY = {"name": "Faulted Co", "slug": "faulted-co"}


@pytest.fixture
def waits() -> list[float]:
    """Every wait the client asked for, in order."""
    return []


@pytest.fixture
def client(pivotal_sandbox: Any, waits: list[float]) -> Iterator[Client]:
    """The CLI's client on the plugin's sandbox: test key, recorded sleeps, no jitter."""
    with Client(
        pivotal_sandbox.base_url,
        pivotal_sandbox.test_key,
        sleep=waits.append,
        jitter=lambda: 0.0,
    ) as api:
        yield api


def attempts(sandbox: Any, method: str, path: str) -> list[tuple[int, str | None]]:
    """(status, idempotency key) of each request the sandbox saw on one route."""
    return [(e["status"], e["idempotency_key"]) for e in sandbox.requests(method=method, path=path)]


def created(sandbox: Any) -> int:
    with sandbox.core.store.read() as tx:
        row = tx.execute(
            "SELECT COUNT(*) FROM customers WHERE slug = ? AND deleted_us IS NULL",
            (BODY["slug"],),
        ).fetchone()
    return int(row[0])


# -- 500 ---------------------------------------------------------------------------------


@pytest.mark.pivotal_sandbox(faults="POST /customers 500=1,max=2")
def test_a_500_is_retried_with_backoff_under_one_key(
    pivotal_sandbox: Any, client: Client, waits: list[float]
) -> None:
    record = client.post("/customers", BODY).record()
    assert record["slug"] == BODY["slug"]
    seen = attempts(pivotal_sandbox, "POST", "/customers")
    assert [status for status, _ in seen] == [500, 500, 201]
    # One key for every attempt, so a retry can never create a second record.
    assert len({key for _, key in seen}) == 1 and seen[0][1]
    assert created(pivotal_sandbox) == 1
    # Capped exponential backoff, steps of 0.5 s then 1 s; jitter 0 takes half of each.
    policy = RetryPolicy()
    assert waits == [policy.backoff(1, lambda: 0.0), policy.backoff(2, lambda: 0.0)]
    assert waits == [0.25, 0.5]


@pytest.mark.pivotal_sandbox(faults="POST /customers 500=1")
def test_a_route_that_keeps_failing_gives_up_and_leaves_other_routes_alone(
    pivotal_sandbox: Any, client: Client, waits: list[float]
) -> None:
    with pytest.raises(ServerError) as failed:
        client.post("/customers", BODY)
    assert failed.value.status == 500
    assert len(attempts(pivotal_sandbox, "POST", "/customers")) == RetryPolicy().max_attempts
    assert created(pivotal_sandbox) == 0
    # The rule names one route: a read of the same collection goes straight through.
    waits.clear()
    assert client.get("/customers").status == 200
    assert waits == []


# -- 429 storms --------------------------------------------------------------------------


@pytest.mark.pivotal_sandbox(faults="POST /customers 429=1,max=4,retry_after=2")
def test_a_429_storm_is_ridden_out_waiting_its_retry_after(
    pivotal_sandbox: Any, client: Client, waits: list[float]
) -> None:
    client.post("/customers", BODY)
    seen = attempts(pivotal_sandbox, "POST", "/customers")
    assert [status for status, _ in seen] == [429, 429, 429, 429, 201]
    assert len({key for _, key in seen}) == 1
    # Exactly the server's Retry-After each time (jitter 0), and no extra pause for the
    # storm's `X-RateLimit-Remaining: 0`: the Retry-After already covered the window.
    assert waits == [2.0, 2.0, 2.0, 2.0]
    assert created(pivotal_sandbox) == 1


@pytest.mark.pivotal_sandbox(faults="POST /customers 429=1,max=10,retry_after=3")
def test_a_storm_longer_than_the_retries_ends_in_the_rate_limit_error(
    pivotal_sandbox: Any, client: Client, waits: list[float]
) -> None:
    with pytest.raises(RateLimitError) as limited:
        client.post("/customers", BODY)
    assert (limited.value.status, limited.value.retry_after) == (429, 3)
    assert waits == [3.0] * (RetryPolicy().max_attempts - 1)
    assert created(pivotal_sandbox) == 0


@pytest.mark.pivotal_sandbox(faults="POST /customers 429=1,max=1,retry_after=600")
def test_a_retry_after_too_long_to_wait_is_not_waited(
    pivotal_sandbox: Any, client: Client, waits: list[float]
) -> None:
    with pytest.raises(RateLimitError) as limited:
        client.post("/customers", BODY)
    assert limited.value.retry_after == 600
    assert limited.value.reason == "retry_after_too_long"
    assert waits == []
    assert len(attempts(pivotal_sandbox, "POST", "/customers")) == 1


# -- idempotency key in flight ------------------------------------------------------------


@pytest.mark.pivotal_sandbox(faults="POST /customers inflight=1,max=2")
def test_an_idempotency_key_in_flight_is_retried_until_free(
    pivotal_sandbox: Any, client: Client, waits: list[float]
) -> None:
    record = client.post("/customers", BODY).record()
    seen = attempts(pivotal_sandbox, "POST", "/customers")
    assert [status for status, _ in seen] == [409, 409, 201]
    assert len({key for _, key in seen}) == 1
    assert waits == [RetryPolicy().in_flight_delay] * 2
    assert created(pivotal_sandbox) == 1
    # Asked again with the key the sandbox committed it under: a replay, not a second row.
    again = client.post("/customers", BODY, idempotency_key=seen[-1][1])
    assert again.replayed and again.record()["id"] == record["id"]
    assert created(pivotal_sandbox) == 1


@pytest.mark.pivotal_sandbox(faults="POST /customers inflight=1")
def test_a_key_that_stays_in_flight_ends_in_the_conflict(
    pivotal_sandbox: Any, client: Client, waits: list[float]
) -> None:
    with pytest.raises(APIError) as conflict:
        client.post("/customers", BODY)
    assert (conflict.value.status, conflict.value.code) == (409, "idempotency_key_in_flight")
    assert len(waits) == RetryPolicy().max_attempts - 1
    assert created(pivotal_sandbox) == 0
