"""Idempotency-Key: replays, mismatches, scope, expiry, in-flight collisions, drops."""

from __future__ import annotations

import threading
from collections.abc import Callable

import httpx
import pytest
from sandbox_helpers import FrozenClock, assert_error, invalid

from pivotal_cli.sandbox.engine.core import Sandbox

Connect = Callable[[Sandbox, "str | None"], httpx.Client]


def post(api: httpx.Client, path: str, key: str | bytes, body: object) -> httpx.Response:
    return api.post(path, json=body, headers={"Idempotency-Key": key})


def count(sandbox: Sandbox, table: str = "customers") -> int:
    with sandbox.store.read() as tx:
        return int(tx.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def test_replay_is_byte_identical(sandbox: Sandbox, api: httpx.Client, clock: FrozenClock) -> None:
    first = post(api, "/customers", "k-1", {"name": "Aurora", "slug": "aurora"})
    assert first.status_code == 201
    assert "idempotent-replay" not in first.headers
    clock.advance(30)
    again = post(api, "/customers", "k-1", {"name": "Aurora", "slug": "aurora"})
    assert again.status_code == 201
    assert again.headers["idempotent-replay"] == "true"
    assert again.content == first.content
    assert count(sandbox) == 1


def test_body_compared_as_canonical_json(api: httpx.Client) -> None:
    first = api.post(
        "/customers", content=b'{"name":"A","slug":"a"}', headers={"Idempotency-Key": "k"}
    )
    again = api.post(
        "/customers", content=b'{ "slug": "a",\n "name": "A" }', headers={"Idempotency-Key": "k"}
    )
    assert again.headers["idempotent-replay"] == "true"
    assert again.content == first.content


def test_different_body_is_a_conflict(sandbox: Sandbox, api: httpx.Client) -> None:
    post(api, "/customers", "k-1", {"name": "Aurora"})
    response = post(api, "/customers", "k-1", {"name": "Borealis"})
    assert_error(
        response, 409, "conflict", "idempotency_key_reused",
        message="Idempotency-Key was used with a different request body.",
    )  # fmt: skip
    assert count(sandbox) == 1


def test_scope_is_workspace_and_endpoint(
    sandbox: Sandbox, api: httpx.Client, globex_api: httpx.Client, test_api: httpx.Client
) -> None:
    customer = post(api, "/customers", "same", {"name": "A"}).json()
    assert post(globex_api, "/customers", "same", {"name": "A"}).status_code == 201
    contact = post(
        api, f"/customers/{customer['id']}/contacts", "same", {"name": "M", "email": "m@a.io"}
    )
    assert contact.status_code == 201 and "idempotent-replay" not in contact.headers
    onboarding = post(api, "/onboardings", "same", {"customer_id": customer["id"]})
    assert onboarding.status_code == 201 and "idempotent-replay" not in onboarding.headers
    # Another key of the same workspace shares the scope.
    replay = post(test_api, "/customers", "same", {"name": "A"})
    assert replay.headers["idempotent-replay"] == "true"
    assert count(sandbox) == 2


def test_results_expire_after_24_hours(
    sandbox: Sandbox, api: httpx.Client, clock: FrozenClock
) -> None:
    first = post(api, "/customers", "k", {"name": "A"}).json()
    clock.advance(24 * 3600 - 1)
    assert post(api, "/customers", "k", {"name": "A"}).json()["id"] == first["id"]
    clock.advance(2)
    fresh = post(api, "/customers", "k", {"name": "A"})
    assert fresh.status_code == 201 and "idempotent-replay" not in fresh.headers
    assert fresh.json()["id"] != first["id"]
    assert count(sandbox) == 2


def test_key_length_limit(api: httpx.Client) -> None:
    assert post(api, "/customers", "k" * 255, {"name": "A"}).status_code == 201
    invalid(post(api, "/customers", "k" * 256, {"name": "A"}), "too_big", "Idempotency-Key")
    invalid(
        post(api, "/customers", ("é" * 128).encode(), {"name": "A"}), "too_big", "Idempotency-Key"
    )
    invalid(post(api, "/customers", "", {"name": "A"}), "too_small", "Idempotency-Key")


def test_a_failed_attempt_leaves_the_key_free(sandbox: Sandbox, api: httpx.Client) -> None:
    api.post("/customers", json={"name": "Taken", "slug": "aurora"})
    assert post(api, "/customers", "k", {"name": "A", "slug": "aurora"}).status_code == 409
    invalid(post(api, "/customers", "k", {"slug": "x"}), "invalid_type", "name")
    response = post(api, "/customers", "k", {"name": "A", "slug": "aurora-2"})
    assert response.status_code == 201 and "idempotent-replay" not in response.headers


def test_only_posts_are_idempotent(api: httpx.Client, clock: FrozenClock) -> None:
    created = api.post("/customers", json={"name": "A"}).json()
    headers = {"Idempotency-Key": "p"}
    first = api.patch(f"/customers/{created['id']}", json={"plan": "x"}, headers=headers)
    clock.advance(1)
    second = api.patch(f"/customers/{created['id']}", json={"plan": "x"}, headers=headers)
    assert "idempotent-replay" not in second.headers
    assert second.json()["updated_at"] != first.json()["updated_at"]


def test_in_flight_collision_with_two_threads(
    make_sandbox: Callable[..., Sandbox], connect: Connect
) -> None:
    entered, release = threading.Event(), threading.Event()

    def slow_sleep(seconds: float) -> None:
        entered.set()
        assert release.wait(5)

    sandbox = make_sandbox(faults="latency=1:250ms", sleep=slow_sleep)
    api = connect(sandbox, sandbox.key("acme", "live"))
    results: dict[str, httpx.Response] = {}
    first = threading.Thread(
        target=lambda: results.setdefault("first", post(api, "/customers", "k", {"name": "A"}))
    )
    first.start()
    assert entered.wait(5)
    try:
        second = post(api, "/customers", "k", {"name": "A"})
        assert_error(
            second, 409, "conflict", "idempotency_key_in_flight",
            message="Idempotency-Key request is already in flight. Retry shortly.",
        )  # fmt: skip
    finally:
        release.set()
        first.join(5)
    assert results["first"].status_code == 201
    replay = post(api, "/customers", "k", {"name": "A"})
    assert replay.headers["idempotent-replay"] == "true"
    assert replay.content == results["first"].content


def test_dropped_post_retried_with_its_key_is_not_duplicated(
    make_sandbox: Callable[..., Sandbox], connect: Connect
) -> None:
    sandbox = make_sandbox(faults="drop=1,max=1")
    api = connect(sandbox, sandbox.key("acme", "live"))
    with pytest.raises(httpx.RemoteProtocolError):
        post(api, "/customers", "retry-me", {"name": "Aurora"})
    assert count(sandbox) == 1  # committed before the connection was cut
    retried = post(api, "/customers", "retry-me", {"name": "Aurora"})
    assert retried.status_code == 201
    assert retried.headers["idempotent-replay"] == "true"
    assert count(sandbox) == 1
    listed = api.get("/customers").json()["data"]
    assert [c["id"] for c in listed] == [retried.json()["id"]]
