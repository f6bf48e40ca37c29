"""The ASGI adapter that `pivotal sandbox serve` runs under uvicorn.

A plain ASGI callable: it reads the body (keeping at most one byte past the limit, so
the core can refuse it, while still draining the rest), runs the synchronous core, and
writes the response. A request that may wait (a write, a key still to verify, any
fault rules: see `Sandbox.answers_at_once`) runs in a worker thread, so slow requests
never block others; a read runs at once, on the event loop, as the hand-off to a
thread cost more than the read (a list page: about 0.5 of 1.3 ms of CPU). For a
`drop` fault it aborts the TCP connection without a byte of response, so the client
sees a connection error rather than any HTTP status. Given a `RequestLog`, it appends
one line per request to a file (see `RequestLog`).
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pivotal_cli.sandbox.engine.core import Sandbox
from pivotal_cli.sandbox.engine.validation import MAX_BODY_BYTES

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class RequestLog:
    """Records the request sequence a server saw, one line per request, to compare runs.

    A line is `METHOD<TAB>path?query<TAB>sha256 of the body (16 hex)<TAB>status` (`drop`
    for a dropped connection). No headers, so no key ever reaches the file. Two runs
    that sent the same requests in the same order and got the same statuses write
    identical files. The file is appended to and opened per line, so it is complete
    whenever the server stops.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def write(self, method: str, target: str, body: bytes, outcome: str) -> None:
        digest = hashlib.sha256(body).hexdigest()[:16]
        with self._lock, self.path.open("a", encoding="utf-8") as handle:
            handle.write(f"{method}\t{target}\t{digest}\t{outcome}\n")


class SandboxApp:
    """ASGI 3 application serving one sandbox."""

    def __init__(self, sandbox: Sandbox, *, request_log: RequestLog | None = None) -> None:
        self.sandbox = sandbox
        self.request_log = request_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        body = await _read_body(receive, MAX_BODY_BYTES + 1)
        raw_path = scope.get("raw_path") or quote(scope["path"]).encode()
        headers: dict[str, str] = {}
        for raw_name, raw_value in scope["headers"]:
            name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        request = (
            scope["method"],
            raw_path.decode("latin-1"),
            scope.get("query_string", b""),
            headers,
            body,
        )
        if self.sandbox.answers_at_once(scope["method"], headers.get("authorization")):
            response = self.sandbox.handle(*request)
        else:
            response = await asyncio.get_running_loop().run_in_executor(
                None, self.sandbox.handle, *request
            )
        if self.request_log is not None:
            query = scope.get("query_string", b"").decode("latin-1")
            target = raw_path.decode("latin-1") + (f"?{query}" if query else "")
            outcome = "drop" if response.drop else str(response.status)
            self.request_log.write(scope["method"], target, body, outcome)
        if response.drop:
            await _drop_connection(send)
            return
        headers_out = [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in response.headers
        ]
        if response.status not in (204, 304) and response.header("content-length") is None:
            # The whole body is known: its length, rather than chunks the client must
            # reassemble (uvicorn would chunk a response that gives none).
            headers_out.append((b"content-length", str(len(response.body)).encode("ascii")))
        await send(
            {"type": "http.response.start", "status": response.status, "headers": headers_out}
        )
        await send({"type": "http.response.body", "body": response.body})


async def _read_body(receive: Receive, keep: int) -> bytes:
    chunks: list[bytes] = []
    kept = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        if kept < keep:
            chunks.append(chunk[: keep - kept])
            kept += len(chunks[-1])
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _drop_connection(send: Send) -> None:
    # uvicorn exposes no ASGI way to hang up, but its `send` is a bound method of the
    # request cycle, which holds the asyncio transport: abort it (no response bytes).
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is not None and hasattr(transport, "abort"):
        transport.abort()
        await asyncio.sleep(0)  # Let the server see the connection lost first.
        return
    # Elsewhere: promise a body that never comes; the server closes the connection
    # when the app returns mid-response, and the client fails reading it.
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"1")]}
    )


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
