"""A local webhook receiver for tests: records each delivery and checks its signature.

It listens on 127.0.0.1 (a free port) in a thread, answers 204 (or the status a test
sets), and keeps every request it got, with whether the Standard Webhooks signature
verified against the endpoint's secret.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Delivery:
    """One request the receiver got."""

    headers: dict[str, str]
    body: bytes
    verified: bool

    @property
    def event(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed

    @property
    def type(self) -> str:
        return str(self.event.get("type"))


@dataclass
class WebhookReceiver:
    """A running receiver, registered as an endpoint (`id`, `secret`, `url`)."""

    url: str = ""
    id: str = ""
    secret: str = ""
    status: int = 204  # what it answers; set 500 to watch the sandbox retry
    deliveries: list[Delivery] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _arrived: threading.Condition = field(default_factory=threading.Condition)

    def start(self) -> WebhookReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                receiver._record(dict(self.headers.items()), body)
                self.send_response(receiver.status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass  # a test's output is no place for an access log

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/webhooks"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def _record(self, headers: dict[str, str], body: bytes) -> None:
        from pivotal_cli.domain.webhook_signing import verify

        lowered = {name.lower(): value for name, value in headers.items()}
        verdict = verify(self.secret, lowered, body, now=time.time()) if self.secret else None
        with self._arrived:
            self.deliveries.append(Delivery(lowered, body, bool(verdict and verdict.ok)))
            self._arrived.notify_all()

    def wait_for(self, count: int = 1, *, timeout: float = 5.0) -> list[Delivery]:
        """Waits until `count` deliveries arrived; returns them (AssertionError if not)."""
        with self._arrived:
            arrived = self._arrived.wait_for(lambda: len(self.deliveries) >= count, timeout)
            if not arrived:
                raise AssertionError(
                    f"expected {count} webhook deliveries within {timeout}s,"
                    f" got {len(self.deliveries)}"
                )
            return list(self.deliveries)

    def types(self) -> list[str]:
        return [delivery.type for delivery in self.deliveries]

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
