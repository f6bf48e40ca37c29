"""Running the ASGI app under uvicorn on a socket we bind ourselves.

Binding first means `--port 0` (and `running_server`) know the real port before the
server starts, and the printed URL is never a guess.

uvicorn parses HTTP with httptools (llhttp, in C) and runs on uvloop when they are
installed (they are dependencies; uvloop has no Windows build), else with h11 and
asyncio: on a list page of 100 records, the C pair takes about a quarter off the
server's CPU time. Either way an unparseable request is answered with the API's JSON
error envelope, and a request head is refused past the same 16 KiB.
"""

from __future__ import annotations

import importlib.util
import socket
from typing import Literal

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from pivotal_cli.sandbox.adapters.asgi import RequestLog, SandboxApp
from pivotal_cli.sandbox.engine.core import Sandbox
from pivotal_cli.sandbox.engine.errors import invalid
from pivotal_cli.sandbox.engine.protocol import encode_json, use_fast_encoder

MALFORMED_REQUEST = invalid(
    "malformed_request",
    "The request is not valid HTTP/1.1 (request line, a header or Content-Length); "
    "it was not read.",
).envelope()

# The longest request line and headers read (h11's own default): a longer head is
# answered as malformed before its end, whichever parser reads it.
MAX_HEAD_BYTES = 16 * 1024

Parser = Literal["auto", "httptools", "h11"]


def _malformed_response() -> bytes:
    body = encode_json(MALFORMED_REQUEST)
    return (
        b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\n"
        b"content-length: " + str(len(body)).encode("ascii") + b"\r\n"
        b"connection: close\r\n\r\n" + body
    )


class EnvelopeH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, answering an unparseable request with the API's envelope.

    Such a request never reaches the ASGI app: h11 fails to parse it and uvicorn
    answers by itself, by default with a plain-text 400 that no client of this API
    expects. Here that answer is the documented error envelope, and the connection is
    closed as uvicorn does, since nothing after a parse error can be trusted.
    """

    def send_400_response(self, msg: str) -> None:
        body = encode_json(MALFORMED_REQUEST)
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode("ascii")),
            (b"connection", b"close"),
        ]
        try:
            for event in (
                h11.Response(status_code=400, headers=headers, reason=b"Bad Request"),
                h11.Data(data=body),
                h11.EndOfMessage(),
            ):
                self.transport.write(self.conn.send(event) or b"")
        except h11.LocalProtocolError:
            # A response had already begun on this connection (h11 refuses a second):
            # closing with no more bytes is the only honest answer left.
            pass
        self.transport.close()


def _httptools_protocol() -> type:
    """uvicorn's httptools protocol with the envelope and the head limit of the h11 one.

    Built on demand: the class can only be defined where httptools is installed.
    """
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class EnvelopeHttpToolsProtocol(HttpToolsProtocol):
        """An unparseable request, or a head longer than `MAX_HEAD_BYTES`, gets the envelope.

        llhttp sets no limit of its own on a head's size, so the bytes of the chunks
        that leave a request's head unfinished are counted here (after parsing them:
        a chunk may end one request and begin the next).
        """

        _head_bytes = 0
        _in_head = True

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._in_head, self._head_bytes = True, 0

        def on_headers_complete(self) -> None:
            self._in_head = False
            super().on_headers_complete()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self._in_head and self.parser is not None:
                self._head_bytes += len(data)
                if self._head_bytes > MAX_HEAD_BYTES:
                    self.send_400_response("request head too large")

        def send_400_response(self, msg: str) -> None:
            if self.transport.is_closing():
                return
            # A response already under way on this connection cannot be followed by
            # another: closing with no more bytes is the only honest answer left.
            if self.cycle is None or self.cycle.response_complete:
                self.transport.write(_malformed_response())
            self.transport.close()

    return EnvelopeHttpToolsProtocol


def _protocol(parser: Parser) -> type:
    if parser == "auto":
        parser = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return _httptools_protocol() if parser == "httptools" else EnvelopeH11Protocol


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket bound to `host:port` (port 0 picks a free one)."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host.strip("[]"), port, type=socket.SOCK_STREAM
    )[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        # Listening now means a client that reads the printed URL and connects before
        # uvicorn's loop is up waits in the backlog instead of being refused.
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    return sock


def make_server(
    sandbox: Sandbox,
    sock: socket.socket,
    *,
    log_level: str = "warning",
    request_log: RequestLog | None = None,
    parser: Parser = "auto",
) -> uvicorn.Server:
    """A uvicorn server for the sandbox on `sock` (run it with `server.run(sockets=[sock])`).

    `request_log` records every request's method, path, query, body hash and status.
    `parser` picks the HTTP parser (tests run both); "auto" is httptools when installed.
    """
    host, port = sock.getsockname()[:2]
    # A server answers many requests: the faster encoder pays for its import.
    use_fast_encoder()
    config = uvicorn.Config(
        SandboxApp(sandbox, request_log=request_log),
        host=host,
        port=port,
        # A protocol class (uvicorn's `http=` accepts one), so that a malformed
        # request is answered in JSON too.
        http=_protocol(parser),
        loop="auto",  # uvloop when installed
        ws="none",
        lifespan="off",
        log_level=log_level,
        access_log=log_level in ("info", "debug", "trace"),
        timeout_graceful_shutdown=5,
        server_header=False,
    )
    return uvicorn.Server(config)


def base_url(sock: socket.socket) -> str:
    """`http://HOST:PORT/api/v1` for the socket's real address."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/api/v1"
