"""Running the ASGI app under uvicorn on a socket we bind ourselves.

Binding first means `--port 0` (and `running_server`) know the real port before the
server starts, and the printed URL is never a guess.
"""

from __future__ import annotations

import socket

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
) -> uvicorn.Server:
    """A uvicorn server for the sandbox on `sock` (run it with `server.run(sockets=[sock])`).

    `request_log` records every request's method, path, query, body hash and status.
    """
    host, port = sock.getsockname()[:2]
    # A server answers many requests: the faster encoder pays for its import.
    use_fast_encoder()
    config = uvicorn.Config(
        SandboxApp(sandbox, request_log=request_log),
        host=host,
        port=port,
        # The h11 protocol class itself (uvicorn's `http=` accepts one), so that a
        # malformed request is answered in JSON too.
        http=EnvelopeH11Protocol,
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
