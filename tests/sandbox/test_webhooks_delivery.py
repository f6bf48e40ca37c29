"""Sending webhooks: a real receiver on loopback, signatures, retries, failure, rotation.

The receiver is a tiny HTTP server thread that answers with the statuses a test scripts
and records what arrived. Deliveries over `running_server` go out from its worker
thread; the exact retry schedule is checked on a frozen clock with `run_due`.
"""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sandbox_helpers import FrozenClock
from standardwebhooks import Webhook

from pivotal_cli.sandbox.adapters.testing import RunningServer, running_server
from pivotal_cli.sandbox.data.timeutil import to_us
from pivotal_cli.sandbox.engine.core import Sandbox
from pivotal_cli.sandbox.webhooks import deliveries, endpoints
from pivotal_cli.sandbox.webhooks.schedule import (
    MAX_ATTEMPTS,
    next_attempt_us,
    parse_time_scale,
)
from pivotal_cli.sandbox.webhooks.sender import USER_AGENT


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass
class Receiver:
    """Answers each POST with the next scripted status (then `default`), recording it."""

    url: str
    script: list[int] = field(default_factory=list)
    default: int = 200
    delay: float = 0.0  # seconds to wait before answering
    got: list[Received] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Received]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.got) >= count, timeout)
        assert len(self.got) >= count, f"{len(self.got)} of {count} deliveries arrived"
        return self.got


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            status = state.script.pop(0) if state.script else state.default
            time.sleep(state.delay)
            self.send_response(status)
            self.end_headers()
            self.wfile.write(b"received")
            with state.arrived:
                state.got.append(
                    Received(
                        {k.lower(): v for k, v in self.headers.items()}, body, time.monotonic()
                    )
                )
                state.arrived.notify_all()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def as_standard(headers: dict[str, str]) -> dict[str, str]:
    return {k.replace("svix-", "webhook-"): v for k, v in headers.items() if k.startswith("svix-")}


def post(server: RunningServer, path: str, body: Any) -> httpx.Response:
    return httpx.post(
        server.base_url + path,
        json=body,
        headers={"Authorization": f"Bearer {server.live_key}"},
    )


def delivery_rows(sandbox: Sandbox) -> list[dict[str, Any]]:
    with sandbox.store.read() as tx:
        return [dict(r) for r in tx.execute("SELECT * FROM webhook_deliveries ORDER BY rowid")]


def wait_until(check: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_write_is_delivered_within_a_second_and_verifies(receiver: Receiver) -> None:
    with running_server(seed="empty") as server:
        secret = endpoints.add(server.sandbox.store, "acme", receiver.url, now_us=0)["secret"]
        started = time.monotonic()
        response = post(server, "/customers", {"name": "Aurora"})
        answered = time.monotonic()
        [got] = receiver.wait_for(1, timeout=1.0)
    assert response.status_code == 201
    assert got.at - started < 1.0
    # The API answered before (or without waiting for) the delivery.
    assert answered - started < 1.0
    envelope = Webhook(secret).verify(got.body, as_standard(got.headers))
    assert envelope["type"] == "customer.created"
    assert envelope["data"]["object"] == response.json()
    assert got.headers["content-type"] == "application/json"
    assert got.headers["user-agent"] == USER_AGENT and "Sandbox" in USER_AGENT
    assert got.headers["svix-id"].startswith("msg_") and got.headers["svix-id"] != envelope["id"]
    assert abs(int(got.headers["svix-timestamp"]) - time.time()) < 5
    assert b" " not in got.body.replace(b"Aurora", b"")  # compact JSON


def test_a_500_is_retried_with_the_same_svix_id(receiver: Receiver) -> None:
    receiver.script = [500, 503]
    with running_server(seed="empty", webhook_time_scale=0.001) as server:
        secret = endpoints.add(server.sandbox.store, "acme", receiver.url, now_us=0)["secret"]
        post(server, "/customers", {"name": "Aurora"})
        got = receiver.wait_for(3)
        wait_until(lambda: delivery_rows(server.sandbox)[0]["status"] == "succeeded")
        [row] = delivery_rows(server.sandbox)
        tries = deliveries.attempts(server.sandbox.store, row["id"])
        with server.sandbox.store.read() as tx:
            at = [r["at_us"] for r in tx.execute("SELECT at_us FROM webhook_attempts ORDER BY seq")]
    assert {g.headers["svix-id"] for g in got} == {row["id"]}
    assert {g.body for g in got} == {got[0].body}
    for g in got:
        Webhook(secret).verify(g.body, as_standard(g.headers))
    assert (row["attempts"], row["last_status"]) == (3, 200)
    assert [t["status_code"] for t in tries] == [500, 503, 200]
    # Scaled delays between the attempts' starts: 5 s becomes 5 ms, 5 min 300 ms.
    assert at[1] - at[0] >= 5_000
    assert at[2] - at[1] >= 300_000


def test_the_schedule_then_final_failure_on_a_frozen_clock(
    make_sandbox: Callable[..., Sandbox], clock: FrozenClock, receiver: Receiver
) -> None:
    receiver.default = 500
    sandbox = make_sandbox()
    endpoint = endpoints.add(sandbox.store, "acme", receiver.url, now_us=to_us(clock()))
    with httpx.Client(
        base_url="http://localhost/api/v1",
        transport=_transport(sandbox),
        headers={"Authorization": f"Bearer {sandbox.key('acme', 'live')}"},
    ) as api:
        api.post("/customers", json={"name": "Aurora"})
    start = clock()
    # Delay before each attempt, from the previous one; the 8th is 24 h after the 1st.
    gaps = [0, 5, 300, 1800, 7200, 18000, 36000]
    gaps.append(24 * 3600 - sum(gaps))
    for number, gap in enumerate(gaps, start=1):
        clock.advance(gap - 0.001 if gap else 0)
        if gap:
            assert sandbox.webhooks.run_due() == []  # not due a millisecond early
            clock.advance(0.001)
        [sent] = sandbox.webhooks.run_due()
        assert sent.number == number
    assert (clock() - start).total_seconds() == 24 * 3600
    assert sent.status == "failed" and MAX_ATTEMPTS == 8
    [row] = delivery_rows(sandbox)
    assert (row["status"], row["attempts"], row["next_attempt_us"]) == ("failed", 8, None)
    clock.advance(10 * 24 * 3600)
    assert sandbox.webhooks.run_due() == []
    shown = endpoints.show(sandbox.store, "acme", endpoint["id"], to_us(clock()))
    assert shown["consecutive_failures"] == 1 and not shown["disabled"]
    assert len(receiver.got) == 8
    assert len({g.headers["svix-timestamp"] for g in receiver.got}) == 8  # fresh each time


def test_final_failure_with_a_time_scale(receiver: Receiver) -> None:
    receiver.default = 500
    with running_server(seed="empty", webhook_time_scale=4e-6) as server:
        endpoints.add(server.sandbox.store, "acme", receiver.url, now_us=0)
        post(server, "/customers", {"name": "Aurora"})
        wait_until(lambda: delivery_rows(server.sandbox)[0]["status"] == "failed")
        [row] = delivery_rows(server.sandbox)
    assert row["attempts"] == 8 and len(receiver.got) == 8


def test_the_100th_consecutive_failure_disables_the_endpoint(
    make_sandbox: Callable[..., Sandbox], clock: FrozenClock, receiver: Receiver
) -> None:
    receiver.default = 410
    sandbox = make_sandbox(webhook_time_scale=1e-9)
    endpoint = endpoints.add(sandbox.store, "acme", receiver.url, now_us=to_us(clock()))
    with sandbox.store.write() as tx:
        tx.execute("UPDATE webhook_endpoints SET consecutive_failures = 98")
    with httpx.Client(
        base_url="http://localhost/api/v1",
        transport=_transport(sandbox),
        headers={"Authorization": f"Bearer {sandbox.key('acme', 'live')}"},
    ) as api:
        api.post("/customers", json={"name": "One"})
        for _ in range(8):
            clock.advance(1)
            sandbox.webhooks.run_due()
        shown = endpoints.show(sandbox.store, "acme", endpoint["id"], to_us(clock()))
        assert (shown["consecutive_failures"], shown["disabled"]) == (99, False)
        api.post("/customers", json={"name": "Two"})
        for _ in range(8):
            clock.advance(1)
            sandbox.webhooks.run_due()
        shown = endpoints.show(sandbox.store, "acme", endpoint["id"], to_us(clock()))
        assert (shown["consecutive_failures"], shown["disabled"]) == (100, True)
        api.post("/customers", json={"name": "Three"})
    assert [r["status"] for r in delivery_rows(sandbox)] == ["failed", "failed"]


def test_a_success_resets_the_failure_count(
    make_sandbox: Callable[..., Sandbox], clock: FrozenClock, receiver: Receiver
) -> None:
    sandbox = make_sandbox()
    endpoint = endpoints.add(sandbox.store, "acme", receiver.url, now_us=to_us(clock()))
    with sandbox.store.write() as tx:
        tx.execute("UPDATE webhook_endpoints SET consecutive_failures = 7")
    with httpx.Client(
        base_url="http://localhost/api/v1",
        transport=_transport(sandbox),
        headers={"Authorization": f"Bearer {sandbox.key('acme', 'live')}"},
    ) as api:
        api.post("/customers", json={"name": "One"})
    [sent] = sandbox.webhooks.run_due()
    assert sent.status == "succeeded"
    assert endpoints.show(sandbox.store, "acme", endpoint["id"], 0)["consecutive_failures"] == 0


def test_refused_connections_and_timeouts_are_failures_not_crashes(
    make_sandbox: Callable[..., Sandbox], clock: FrozenClock
) -> None:
    sandbox = make_sandbox()
    endpoints.add(sandbox.store, "acme", "http://127.0.0.1:9/nothing-here", now_us=0)
    with httpx.Client(
        base_url="http://localhost/api/v1",
        transport=_transport(sandbox),
        headers={"Authorization": f"Bearer {sandbox.key('acme', 'live')}"},
    ) as api:
        assert api.post("/customers", json={"name": "One"}).status_code == 201
    [sent] = sandbox.webhooks.run_due()
    assert sent.status == "pending" and sent.attempt.status is None
    assert "connection failed" in (sent.attempt.error or "")
    [row] = delivery_rows(sandbox)
    assert row["next_attempt_us"] == to_us(clock()) + 5_000_000


def test_a_slow_receiver_times_out(
    make_sandbox: Callable[..., Sandbox], receiver: Receiver
) -> None:
    sandbox = make_sandbox()
    sandbox.webhooks.timeout = 0.05
    receiver.delay = 0.3
    endpoints.add(sandbox.store, "acme", receiver.url, now_us=0)
    with httpx.Client(
        base_url="http://localhost/api/v1",
        transport=_transport(sandbox),
        headers={"Authorization": f"Bearer {sandbox.key('acme', 'live')}"},
    ) as api:
        api.post("/customers", json={"name": "One"})
    [sent] = sandbox.webhooks.run_due()
    assert sent.status == "pending" and sent.attempt.status is None
    assert sent.attempt.error == "timeout after 0.05 s"


def test_rotation_sends_two_signatures_each_verifying(receiver: Receiver) -> None:
    with running_server(seed="empty") as server:
        store = server.sandbox.store
        old = endpoints.add(store, "acme", receiver.url, now_us=0)
        new = endpoints.rotate_secret(store, "acme", old["id"], to_us_now())
        post(server, "/customers", {"name": "Aurora"})
        [got] = receiver.wait_for(1)
    assert new["secret"] != old["secret"]
    signatures = got.headers["svix-signature"].split(" ")
    assert len(signatures) == 2
    for secret in (old["secret"], new["secret"]):
        Webhook(secret).verify(got.body, as_standard(got.headers))
    # Each secret matches exactly one of the two.
    for secret, signature in zip((new["secret"], old["secret"]), signatures, strict=True):
        alone = {**got.headers, "svix-signature": signature}
        Webhook(secret).verify(got.body, as_standard(alone))


def test_after_the_overlap_only_the_new_secret_signs(
    make_sandbox: Callable[..., Sandbox], clock: FrozenClock, receiver: Receiver
) -> None:
    sandbox = make_sandbox()
    old = endpoints.add(sandbox.store, "acme", receiver.url, now_us=to_us(clock()))
    new = endpoints.rotate_secret(sandbox.store, "acme", old["id"], to_us(clock()))
    clock.advance(24 * 3600 + 1)
    with httpx.Client(
        base_url="http://localhost/api/v1",
        transport=_transport(sandbox),
        headers={"Authorization": f"Bearer {sandbox.key('acme', 'live')}"},
    ) as api:
        api.post("/customers", json={"name": "One"})
    sandbox.webhooks.run_due()
    [got] = receiver.wait_for(1)
    assert len(got.headers["svix-signature"].split(" ")) == 1
    assert endpoints.signing_secrets(_endpoint_row(sandbox, old["id"]), to_us(clock())) == [
        new["secret"]
    ]


def test_resend_queues_new_deliveries_of_past_events(receiver: Receiver) -> None:
    with running_server(seed="empty") as server:
        store = server.sandbox.store
        created = post(server, "/customers", {"name": "Aurora"}).json()
        post(server, "/customers/" + created["id"], None)  # a 405: nothing fired
        with store.read() as tx:
            [event_id] = [r["id"] for r in tx.execute("SELECT id FROM webhook_events")]
        endpoint = endpoints.add(store, "acme", receiver.url, now_us=0)["id"]
        answer = post(server, f"/webhook_endpoints/{endpoint}/resend", {"event_ids": [event_id]})
        assert answer.status_code == 202, answer.text
        body = answer.json()
        assert body["object"] == "list" and body["has_more"] is False
        [queued] = body["data"]
        assert (queued["event_id"], queued["endpoint_id"]) == (event_id, endpoint)
        assert queued["status"] in ("pending", "succeeded")
        [got] = receiver.wait_for(1)
        assert got.headers["svix-id"] == queued["id"]
        assert json.loads(got.body)["data"]["object"] == created
        # A bare array works too.
        bare = post(server, f"/webhook_endpoints/{endpoint}/resend", [event_id])
        assert bare.status_code == 202
        receiver.wait_for(2)


def test_resend_errors_are_the_api_envelope(receiver: Receiver) -> None:
    with running_server(seed="empty") as server:
        store = server.sandbox.store
        post(server, "/customers", {"name": "Aurora"})
        with store.read() as tx:
            [event_id] = [r["id"] for r in tx.execute("SELECT id FROM webhook_events")]
        endpoint = endpoints.add(store, "acme", receiver.url, now_us=0)["id"]
        test_endpoint = endpoints.add(store, "acme", receiver.url, test_mode=True, now_us=0)["id"]
        other = endpoints.add(store, "globex", receiver.url, now_us=0)["id"]

        def error(response: httpx.Response) -> tuple[int, str]:
            return response.status_code, response.json()["error"]["code"]

        assert error(post(server, "/webhook_endpoints/ep_nope/resend", [event_id])) == (
            404,
            "webhook_endpoint_not_found",
        )
        assert error(post(server, f"/webhook_endpoints/{other}/resend", [event_id])) == (
            404,
            "webhook_endpoint_not_found",
        )
        assert error(post(server, f"/webhook_endpoints/{endpoint}/resend", ["evt_nope"])) == (
            404,
            "event_not_found",
        )
        assert error(post(server, f"/webhook_endpoints/{endpoint}/resend", {"ids": []}))[0] == 400
        assert error(post(server, f"/webhook_endpoints/{endpoint}/resend", []))[0] == 400
        assert error(post(server, f"/webhook_endpoints/{test_endpoint}/resend", [event_id])) == (
            400,
            "mode_mismatch",
        )
        anonymous = httpx.post(f"{server.base_url}/webhook_endpoints/{endpoint}/resend", json=[])
        assert anonymous.status_code == 401
        assert (
            httpx.get(
                f"{server.base_url}/webhook_endpoints/{endpoint}/resend",
                headers={"Authorization": f"Bearer {server.live_key}"},
            ).status_code
            == 405
        )
        # Nothing was queued by the refused requests.
        assert delivery_rows(server.sandbox) == []
    assert receiver.got == []


def test_replay_sends_the_same_id_and_body_with_a_fresh_signature(
    make_sandbox: Callable[..., Sandbox], clock: FrozenClock, receiver: Receiver
) -> None:
    receiver.script = [500] * 8
    sandbox = make_sandbox(webhook_time_scale=1e-9)
    secret = endpoints.add(sandbox.store, "acme", receiver.url, now_us=to_us(clock()))["secret"]
    with httpx.Client(
        base_url="http://localhost/api/v1",
        transport=_transport(sandbox),
        headers={"Authorization": f"Bearer {sandbox.key('acme', 'live')}"},
    ) as api:
        api.post("/customers", json={"name": "One"})
    for _ in range(8):
        clock.advance(1)
        sandbox.webhooks.run_due()
    [row] = delivery_rows(sandbox)
    assert row["status"] == "failed"
    clock.advance(600)  # the original signature would now be too old
    replayed = deliveries.replay_failed(sandbox.store, "acme", 1, to_us(clock()))
    assert [d["id"] for d in replayed] == [row["id"]]
    [sent] = sandbox.webhooks.run_due()
    assert sent.status == "succeeded" and sent.number == 1
    first, last = receiver.got[0], receiver.got[-1]
    assert last.headers["svix-id"] == first.headers["svix-id"] and last.body == first.body
    assert int(last.headers["svix-timestamp"]) > int(first.headers["svix-timestamp"])
    assert deliveries.replay_failed(sandbox.store, "acme", 1, to_us(clock())) == []
    assert delivery_rows(sandbox)[0]["replays"] == 1
    assert secret


def test_time_scale_parsing() -> None:
    assert parse_time_scale(None) == parse_time_scale("") == 1.0
    assert parse_time_scale("0.001") == 0.001
    for bad in ("0", "-1", "nan", "inf", "fast"):
        with pytest.raises(ValueError):
            parse_time_scale(bad)
    assert next_attempt_us(1, 0, 0, 0.001) == 5_000
    assert next_attempt_us(7, 0, 10, 1.0) == 24 * 3600 * 1_000_000
    assert next_attempt_us(8, 0, 0, 1.0) is None


def test_the_environment_sets_the_time_scale(
    monkeypatch: pytest.MonkeyPatch, make_sandbox: Callable[..., Sandbox]
) -> None:
    monkeypatch.setenv("PIVOTAL_SANDBOX_WEBHOOK_TIME_SCALE", "0.25")
    assert make_sandbox().webhooks.time_scale == 0.25
    assert make_sandbox(webhook_time_scale=2.0).webhooks.time_scale == 2.0
    monkeypatch.setenv("PIVOTAL_SANDBOX_WEBHOOK_TIME_SCALE", "zero")
    with pytest.raises(ValueError, match="PIVOTAL_SANDBOX_WEBHOOK_TIME_SCALE"):
        make_sandbox()


def test_the_idle_worker_never_reads_the_clock() -> None:
    reads: list[int] = []

    def clock() -> Any:
        from pivotal_cli.sandbox.data.timeutil import utc_now

        reads.append(1)
        return utc_now()

    with running_server(seed="empty", clock=clock) as server:
        before = len(reads)
        server.sandbox.webhooks.wake()
        time.sleep(0.05)
        assert len(reads) == before


# -- helpers ----------------------------------------------------------------------------


def _transport(sandbox: Sandbox) -> httpx.BaseTransport:
    from pivotal_cli.sandbox.adapters.transport import SandboxTransport

    return SandboxTransport(sandbox)


def _endpoint_row(sandbox: Sandbox, endpoint_id: str) -> Any:
    with sandbox.store.read() as tx:
        return tx.execute("SELECT * FROM webhook_endpoints WHERE id = ?", (endpoint_id,)).fetchone()


def to_us_now() -> int:
    from pivotal_cli.sandbox.data.timeutil import utc_now

    return to_us(utc_now())


# -- bounded passes -----------------------------------------------------------------


@pytest.fixture
def hanging_url() -> Iterator[str]:
    """A receiver that accepts connections and never answers."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held: list[socket.socket] = []
    stopping = threading.Event()

    def accept() -> None:
        listener.settimeout(0.05)
        while not stopping.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/hooks"
    stopping.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


def _writes(sandbox: Sandbox, count: int) -> None:
    with httpx.Client(
        base_url="http://localhost/api/v1",
        transport=_transport(sandbox),
        headers={"Authorization": f"Bearer {sandbox.key('acme', 'live')}"},
    ) as api:
        for n in range(count):
            api.post("/customers", json={"name": f"Customer {n}"})


def test_a_hanging_receiver_costs_a_pass_one_timeout_and_holds_up_no_one(
    make_sandbox: Callable[..., Sandbox], clock: FrozenClock, receiver: Receiver, hanging_url: str
) -> None:
    sandbox = make_sandbox()
    sandbox.webhooks.timeout = 0.2
    now = to_us(clock())
    hanging = endpoints.add(sandbox.store, "acme", hanging_url, now_us=now)["id"]
    healthy = endpoints.add(sandbox.store, "acme", receiver.url, now_us=now)["id"]
    _writes(sandbox, 10)

    sent = sandbox.webhooks.run_due()

    rows = delivery_rows(sandbox)
    tried = [r for r in rows if r["endpoint_id"] == hanging and r["attempts"]]
    assert len(tried) == 1  # one timeout, then the endpoint waits for the next pass
    assert tried[0]["last_error"].startswith("timeout")
    assert [r["status"] for r in rows if r["endpoint_id"] == healthy] == ["succeeded"] * 10
    assert len(sent) == 11
    assert sandbox.webhooks.stalled == {hanging}
    assert sandbox.webhooks.due_count() == 9  # left for later, still pending
    assert {r["status"] for r in rows if r["endpoint_id"] == hanging} == {"pending"}


def test_endpoints_are_served_at_once_each_in_order(
    make_sandbox: Callable[..., Sandbox], clock: FrozenClock
) -> None:
    in_flight, most, order = [0], [0], []
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["content-length"])))
            with lock:
                in_flight[0] += 1
                most[0] = max(most[0], in_flight[0])
            time.sleep(0.1)
            with lock:
                in_flight[0] -= 1
                order.append((self.path, body["data"]["object"]["name"]))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        sandbox = make_sandbox()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        for path in ("/a", "/b", "/c"):
            endpoints.add(sandbox.store, "acme", base + path, now_us=to_us(clock()))
        _writes(sandbox, 3)

        sent = sandbox.webhooks.run_due()
    finally:
        server.shutdown()
        server.server_close()

    assert len(sent) == 9 and {s.status for s in sent} == {"succeeded"}
    assert most[0] >= 2  # more than one endpoint was being served at the same moment
    for path in ("/a", "/b", "/c"):  # and each endpoint got its deliveries in order
        assert [name for p, name in order if p == path] == [f"Customer {n}" for n in range(3)]
