"""The webhooks quickstart end to end: sandbox server → `webhooks listen` → an app.

A sandbox server (HTTP, its webhook worker running, retry schedule a thousand times
faster) has a test-mode endpoint pointing at a real `pivotal webhooks listen
--forward-to APP` process. Writes through the API must reach the app within a second,
signed so that `standardwebhooks` (an independent implementation) accepts them, with
`previous_attributes.phase` on a phase change. While the app is down the listener
answers 502, the sandbox retries on its schedule, and the event arrives once the app is
back: nothing lost, nothing twice.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from standardwebhooks.webhooks import Webhook
from test_webhooks_listen import Listen  # a sibling module: pytest puts this folder on sys.path
from typer.testing import Result

from pivotal_cli.sandbox.adapters.testing import RunningServer, running_server

CLI = Callable[..., Result]
ARRIVAL_DEADLINE = 1.0  # the "within a second", from the API's answer


@dataclass
class App:
    """The user's app: records every POST; can be taken down and brought back."""

    port: int = 0
    seen: list[tuple[float, dict[str, str], bytes]] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhooks"

    def up(self) -> None:
        seen = self.seen

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = {k.lower(): v for k, v in self.headers.items()}
                seen.append((time.monotonic(), headers, body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,))
        self.thread.start()

    def down(self) -> None:
        assert self.server is not None and self.thread is not None
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
        self.server = None

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, _, body in self.seen]

    def wait_for(self, event_type: str, since: float, deadline: float) -> dict[str, Any]:
        """The first event of `event_type` that arrived after `since`, waiting until
        `deadline` seconds after `since`."""
        while time.monotonic() < since + deadline:
            for arrived, _, body in list(self.seen):
                event = json.loads(body)
                if arrived >= since and event["type"] == event_type:
                    return event
            time.sleep(0.01)
        seen = [event["type"] for event in self.events()]
        raise AssertionError(f"no {event_type} within {deadline}s; the app saw {seen}")


@pytest.fixture
def app() -> Iterator[App]:
    state = App()
    state.up()
    yield state
    if state.server is not None:
        state.down()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    with running_server(db=tmp_path / "sandbox.db", webhook_time_scale=0.001) as running:
        yield running


@pytest.fixture
def listener(
    cli: CLI,
    server: RunningServer,
    app: App,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    free_port: int,
) -> Iterator[tuple[Listen, str]]:
    """The quickstart's first three steps: `sandbox webhooks add URL --test-mode` (its
    secret read from the output), then `webhooks listen --forward-to APP` on that URL."""
    monkeypatch.setenv("PIVOTAL_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("PIVOTAL_WEBHOOK_SECRET", raising=False)
    port = free_port
    db = str(tmp_path / "sandbox.db")
    added = cli("sandbox", "webhooks", "add", f"http://127.0.0.1:{port}/", "--test-mode",
                "--db", db, "--json")  # fmt: skip
    assert added.exit_code == 0, added.stderr
    secret = json.loads(added.stdout)["secret"]
    # Click keeps an option's last value: this `--port` wins over Listen's `--port 0`.
    process = Listen("--port", str(port), "--forward-to", app.url, "--secret", secret)
    try:
        assert process.url() == f"http://127.0.0.1:{port}/"
        yield process, secret
    finally:
        if process.process.poll() is None:
            process.process.kill()
            process.process.wait()


def api(server: RunningServer, method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """One API call with the sandbox's test key (what `pivotal --test …` would send)."""
    response = httpx.request(
        method,
        f"{server.base_url}{path}",
        json=body,
        headers={"Authorization": f"Bearer {server.test_key}"},
        timeout=10,
    )
    assert response.status_code in (200, 201), response.text
    record: dict[str, Any] = response.json()
    return record


def oracle_verifies(secret: str, headers: dict[str, str], body: bytes) -> bool:
    renamed = {k.replace("svix-", "webhook-", 1): v for k, v in headers.items()}
    try:
        Webhook(secret).verify(body, renamed)
    except Exception:
        return False
    return True


def test_writes_reach_the_app_within_a_second_signed(
    server: RunningServer, app: App, listener: tuple[Listen, str]
) -> None:
    process, secret = listener
    sent = time.monotonic()
    customer = api(server, "POST", "/customers", {"name": "Aurora Outfitters"})
    created = app.wait_for("customer.created", sent, ARRIVAL_DEADLINE)
    assert created["data"]["object"]["id"] == customer["id"]
    assert created["livemode"] is False

    onboarding = api(server, "POST", "/onboardings", {"customer_id": customer["id"]})
    assert onboarding["phase"] == "before_getting_started"
    sent = time.monotonic()
    api(server, "PATCH", f"/onboardings/{onboarding['id']}", {"phase": "program_design"})
    changed = app.wait_for("onboarding.phase_changed", sent, ARRIVAL_DEADLINE)
    assert changed["data"]["object"]["phase"] == "program_design"
    assert changed["data"]["previous_attributes"]["phase"] == "before_getting_started"

    # The app got the sender's bytes and headers: its own verification passes.
    for _, headers, body in app.seen:
        assert oracle_verifies(secret, headers, body), headers
    # And the listener printed one line per event, verified.
    lines = [process.line() for _ in app.seen]
    assert all(" valid " in line for line in lines), lines
    assert any("phase before_getting_started → program_design" in line for line in lines)


def test_nothing_is_lost_while_the_app_is_down(
    server: RunningServer, app: App, listener: tuple[Listen, str]
) -> None:
    process, secret = listener
    app.down()
    sent = time.monotonic()
    customer = api(server, "POST", "/customers", {"name": "Down Time Ltd"})
    # Attempts at 0 s, 5 ms and 0.3 s (the schedule ×0.001) meet a dead app: the
    # listener answers 502 and the sandbox keeps the delivery pending.
    time.sleep(0.5)
    assert app.seen == []
    app.up()
    # The fourth attempt is due 1.8 s after the third.
    arrived = app.wait_for("customer.created", sent, 10.0)
    assert arrived["data"]["object"]["id"] == customer["id"]
    ids = [headers["svix-id"] for _, headers, _ in app.seen]
    assert len(ids) == len(set(ids)) == 1, ids
    _, headers, body = app.seen[0]
    assert oracle_verifies(secret, headers, body)
    # The listener saw the failed attempts too, and said what the sender was told.
    lines = [process.line() for _ in range(3)]
    assert all("502" in line for line in lines[:2]), lines
