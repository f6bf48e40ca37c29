"""A small local HTTP server that takes webhook deliveries and hands each to a callback.

`pivotal webhooks listen` runs one: stdlib `ThreadingHTTPServer`, a thread per
request, so a slow forward does not hold up the next delivery. Any path accepts a
POST (senders are configured with whatever URL the user registered); GET and HEAD
answer a short "ready" text, so a tunnel's health check or a browser sees it is up;
other methods are 405. The body is read exactly as sent (Content-Length or chunked),
because the signature covers the raw bytes.

What to answer is the callback's business: it gets a `Delivery` and returns an
`Answer`. This module prints nothing; the standard library's request log and error
traces are silenced. `serve_until_stopped` runs a receiver until Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# Larger bodies are refused (413): no documented event comes near it.
MAX_BODY = 5 * 1024 * 1024
READY_TEXT = b"pivotal webhooks listen: ready for POSTed deliveries\n"


@dataclass(frozen=True)
class Delivery:
    """One request as received: headers in their order and case, the body's raw bytes."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    received_at: float  # Unix seconds

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)


@dataclass(frozen=True)
class Answer:
    """What the receiver answers the sender."""

    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = field(default=(("Content-Type", "application/json"),))


OnDelivery = Callable[[Delivery], Answer]


class BodyError(ValueError):
    """A request body that cannot be read (bad chunking, too large)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "pivotal-webhooks"

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: the callback reports each delivery its own way."""

    def _send(self, answer: Answer) -> None:
        self.send_response(answer.status)
        for name, value in answer.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer.body)

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise BodyError(400, "bad Content-Length") from None
        if length < 0:
            raise BodyError(400, "bad Content-Length")
        if length > MAX_BODY:
            raise BodyError(413, "body too large")
        return self.rfile.read(length)

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024).split(b";", 1)[0].strip()
            try:
                size = int(line, 16)
            except ValueError:
                raise BodyError(400, "bad chunked encoding") from None
            if size == 0:
                while self.rfile.readline(1024).strip():  # trailers, then the blank line
                    pass
                return b"".join(chunks)
            total += size
            if total > MAX_BODY:
                raise BodyError(413, "body too large")
            chunks.append(self.rfile.read(size))
            self.rfile.readline(8)  # the CRLF after each chunk

    def do_POST(self) -> None:
        try:
            body = self._read_body()
        except BodyError as error:
            self.close_connection = True
            self._send(Answer(error.status, f'{{"error": "{error}"}}'.encode()))
            return
        delivery = Delivery(
            method="POST",
            path=self.path,
            headers=tuple((name, value) for name, value in self.headers.items()),
            body=body,
            received_at=time.time(),
        )
        try:
            answer = self.server.on_delivery(delivery)
        except Exception:  # the callback's bug must not leave the sender hanging
            answer = Answer(500, b'{"error": "the receiver failed"}')
        self._send(answer)

    def do_GET(self) -> None:
        self._send(Answer(200, READY_TEXT, (("Content-Type", "text/plain; charset=utf-8"),)))

    do_HEAD = do_GET

    def _not_allowed(self) -> None:
        self.close_connection = True
        self._send(
            Answer(
                405,
                b'{"error": "deliveries are POSTs"}',
                (("Content-Type", "application/json"), ("Allow", "GET, HEAD, POST")),
            )
        )

    do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _not_allowed


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    on_delivery: OnDelivery

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Silenced: a sender hanging up mid-request is not worth a traceback."""


class _Server6(_Server):
    address_family = socket.AF_INET6


class Receiver:
    """A bound receiver; `serve_forever` in one thread, `shutdown` from another.

    Binding happens in the constructor, so a port in use raises `OSError` at once.
    """

    def __init__(self, host: str, port: int, on_delivery: OnDelivery) -> None:
        server_class = _Server6 if ":" in host else _Server
        self._server = server_class((host, port), _Handler)
        self._server.on_delivery = on_delivery

    @property
    def host(self) -> str:
        return str(self._server.server_address[0])

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def serve_forever(self) -> None:
        self._server.serve_forever(poll_interval=0.1)

    def shutdown(self) -> None:
        """Stop `serve_forever` (call from another thread) and release the port."""
        self._server.shutdown()
        self._server.server_close()

    def close(self) -> None:
        self._server.server_close()


def serve_until_stopped(receiver: Receiver) -> None:
    """Serve in a thread until Ctrl-C or SIGTERM; both are a clean stop (exit 0)."""
    import signal
    import threading

    stop = threading.Event()
    worker = threading.Thread(target=receiver.serve_forever, name="webhooks-listen", daemon=True)
    worker.start()
    previous: dict[signal.Signals, Any] = {}
    # Signal handlers can only be set from the main thread (a test may run it in another).
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, lambda *_: stop.set())
    try:
        while not stop.wait(0.2):
            if not worker.is_alive():
                break
    except KeyboardInterrupt:
        pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        receiver.shutdown()
        worker.join(2)
