"""Fixtures for the sandbox tests: frozen clock, in-memory sandboxes, in-process clients.

Every sandbox here is `:memory:`, hashes keys with few PBKDF2 iterations, never sleeps
(the injected `sleep` records delays), and runs on a clock that only moves when a test
says so. Clients go through the in-process httpx transport: no network, no threads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from sandbox_helpers import FrozenClock

from pivotal_cli.sandbox.adapters.transport import SandboxTransport
from pivotal_cli.sandbox.engine.core import Sandbox

BASE_URL = "http://localhost/api/v1"
ITERATIONS = 1_000


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def sleeps() -> list[float]:
    """Every delay a sandbox asked its injected `sleep` for."""
    return []


@pytest.fixture
def make_sandbox(clock: FrozenClock, sleeps: list[float]) -> Iterator[Callable[..., Sandbox]]:
    """`make_sandbox(seed="empty", rate_limit="off", faults=None, ...)`, closed afterwards."""
    opened: list[Sandbox] = []

    def make(**options: Any) -> Sandbox:
        options.setdefault("seed", "empty")
        options.setdefault("rate_limit", "off")
        options.setdefault("clock", clock)
        options.setdefault("sleep", sleeps.append)
        options.setdefault("iterations", ITERATIONS)
        sandbox = Sandbox.open(options.pop("db", ":memory:"), **options)
        opened.append(sandbox)
        return sandbox

    yield make
    for sandbox in opened:
        sandbox.close()


@pytest.fixture
def sandbox(make_sandbox: Callable[..., Sandbox]) -> Sandbox:
    """An empty sandbox (workspaces and keys only), no rate limits, frozen clock."""
    return make_sandbox()


def client_for(sandbox: Sandbox, key: str | None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.Client(transport=SandboxTransport(sandbox), base_url=BASE_URL, headers=headers)


@pytest.fixture
def connect() -> Callable[[Sandbox, str | None], httpx.Client]:
    """`connect(sandbox, key)`: an httpx client on the in-process transport."""
    return client_for


@pytest.fixture
def api(sandbox: Sandbox) -> httpx.Client:
    """The acme live key's client."""
    return client_for(sandbox, sandbox.key("acme", "live"))


@pytest.fixture
def test_api(sandbox: Sandbox) -> httpx.Client:
    """The acme test key's client."""
    return client_for(sandbox, sandbox.key("acme", "test"))


@pytest.fixture
def globex_api(sandbox: Sandbox) -> httpx.Client:
    """The other workspace's client."""
    return client_for(sandbox, sandbox.key("globex", "live"))


@pytest.fixture
def anonymous(sandbox: Sandbox) -> httpx.Client:
    """A client that sends no key."""
    return client_for(sandbox, None)
