"""Running the ASGI app under uvicorn on a socket we bind ourselves.

Binding first means `--port 0` (and `running_server`) know the real port before the
server starts, and the printed URL is never a guess.
"""

from __future__ import annotations

import ipaddress
import socket

import uvicorn

from pivotal_cli.sandbox.adapters.asgi import RequestLog, SandboxApp
from pivotal_cli.sandbox.engine.core import Sandbox

LOOPBACK_NAMES = ("localhost",)


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine only (127.0.0.0/8, ::1, localhost)."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


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
    config = uvicorn.Config(
        SandboxApp(sandbox, request_log=request_log),
        host=host,
        port=port,
        http="h11",
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
