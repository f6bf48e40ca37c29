"""`running_server`: a real sandbox over HTTP on 127.0.0.1, for end-to-end tests.

    with running_server() as server:
        httpx.get(server.base_url + "/me",
                  headers={"Authorization": f"Bearer {server.live_key}"})

The server runs uvicorn in a background thread on a free port, with an in-memory store
by default, and stops (waiting for its thread) when the block ends. `server.sandbox` is
the core instance, for reaching the store directly. Keys are hashed with few PBKDF2
iterations here: it is a test helper and startup time matters more than hash strength.

For a run that must replay exactly (the conformance run), pass `clock=SteppingClock()`
and `rng=random.Random(seed)`: then times, ids and keys depend only on the requests.
`request_log=PATH` appends one line per request to PATH, to compare two runs.
The webhook worker runs in a thread of its own for the server's life;
`webhook_time_scale=0.001` makes the retry schedule a thousand times faster.
`parser="h11"` serves with the pure-Python HTTP parser instead of httptools.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pivotal_cli.sandbox.adapters.asgi import RequestLog
from pivotal_cli.sandbox.adapters.server import Parser, base_url, bind_socket, make_server
from pivotal_cli.sandbox.data.keys import SandboxKey
from pivotal_cli.sandbox.data.timeutil import Clock, Sleep, utc_now
from pivotal_cli.sandbox.engine.core import Sandbox

TEST_ITERATIONS = 1_000
_START_TIMEOUT = 10.0


class KeyList(list[SandboxKey]):
    """The sandbox keys, with lookups by key."""

    def workspace_of(self, key: str) -> str:
        """The workspace slug a key belongs to."""
        for entry in self:
            if entry.key == key:
                return entry.workspace
        raise LookupError("not a key of this sandbox")


@dataclass(frozen=True)
class RunningServer:
    """A started sandbox server and its keys."""

    base_url: str
    keys: KeyList
    sandbox: Sandbox
    live_key: str
    test_key: str
    other_workspace_key: str
    revoked_key: str


@contextmanager
def running_server(
    *,
    seed: str = "demo",
    rate_limit: str | int | None = "off",
    faults: str | None = None,
    db: str | Path = ":memory:",
    clock: Clock = utc_now,
    sleep: Sleep = time.sleep,
    iterations: int = TEST_ITERATIONS,
    rng: random.Random | None = None,
    request_log: Path | None = None,
    webhook_time_scale: float | None = None,
    parser: Parser = "auto",
) -> Iterator[RunningServer]:
    """Starts a sandbox server on 127.0.0.1 (free port) and stops it after the block."""
    sandbox = Sandbox.open(
        db,
        seed=seed,
        iterations=iterations,
        clock=clock,
        sleep=sleep,
        rate_limit=rate_limit,
        faults=faults,
        rng=rng,
        webhook_time_scale=webhook_time_scale,
    )
    sock = bind_socket("127.0.0.1", 0)
    log = RequestLog(request_log) if request_log is not None else None
    server = make_server(sandbox, sock, request_log=log, parser=parser)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="pivotal-sandbox", daemon=True
    )
    try:
        thread.start()
        _wait_started(server, thread)
        sandbox.webhooks.start()
        yield RunningServer(
            base_url=base_url(sock),
            keys=KeyList(sandbox.keys),
            sandbox=sandbox,
            live_key=sandbox.key("acme", "live"),
            test_key=sandbox.key("acme", "test"),
            other_workspace_key=sandbox.key("globex", "live"),
            revoked_key=sandbox.key("acme", "test", revoked=True),
        )
    finally:
        server.should_exit = True
        thread.join(timeout=_START_TIMEOUT)
        sock.close()
        sandbox.close()  # stops the webhook worker first


def _wait_started(server: object, thread: threading.Thread) -> None:
    deadline = time.monotonic() + _START_TIMEOUT
    while not getattr(server, "started", False):
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the sandbox server did not start")
        time.sleep(0.005)
