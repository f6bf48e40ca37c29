"""The pytest plugin (entry point `pytest11`): the `pivotal_sandbox` fixture and marker.

    def test_sync(pivotal_sandbox):
        client = pivotal_sandbox.client()
        assert client.get("/customers").status_code == 200

    @pytest.mark.pivotal_sandbox(seed="empty", faults="POST /customers 500=1,max=1")
    def test_retry(pivotal_sandbox): ...

Marker arguments: `seed` (`demo`, the default, `empty`, or scenario files applied over
the empty seed: a path or a list of paths, relative to the test file), `faults` (fault
rules as `sandbox serve --faults` takes them) and `rate_limit` (`off`, the default, a
number per minute, or `default` for the documented 60/30). Servers are started once
per session, one per base seed, and each test starts from a restored snapshot.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pivotal_cli.testing.harness import PivotalSandbox

MARKER = "pivotal_sandbox"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(seed='demo', faults=None, rate_limit='off'): how the pivotal_sandbox"
        " fixture prepares the sandbox for this test.",
    )


class _Servers:
    """The session's servers, one per base seed, started on first use."""

    def __init__(self) -> None:
        self._stack = ExitStack()
        self._started: dict[str, PivotalSandbox] = {}

    def get(self, seed: str) -> PivotalSandbox:
        from pivotal_cli.testing.harness import start

        if seed not in self._started:
            self._started[seed] = start(self._stack, seed)
        return self._started[seed]

    def close(self) -> None:
        self._stack.close()


@pytest.fixture(scope="session")
def _pivotal_sandbox_servers() -> Iterator[_Servers]:
    servers = _Servers()
    yield servers
    servers.close()


def _options(request: pytest.FixtureRequest) -> dict[str, Any]:
    marker = request.node.get_closest_marker(MARKER)
    options: dict[str, Any] = dict(marker.kwargs) if marker else {}
    unknown = set(options) - {"seed", "faults", "rate_limit"}
    if unknown:
        raise pytest.UsageError(f"@pytest.mark.{MARKER}: unknown argument(s) {sorted(unknown)}")
    return options


@pytest.fixture
def pivotal_sandbox(
    request: pytest.FixtureRequest, _pivotal_sandbox_servers: _Servers
) -> Iterator[PivotalSandbox]:
    """A running Pivotal sandbox, restored to its seed for this test."""
    options = _options(request)
    seed = options.get("seed", "demo")
    files: list[Path] = []
    if seed not in ("demo", "empty"):
        base = Path(str(request.path)).parent
        files = [base / f for f in ([seed] if isinstance(seed, (str, Path)) else seed)]
        seed = "empty"
    sandbox = _pivotal_sandbox_servers.get(seed)
    sandbox.reset()
    if files:
        sandbox.seed(*files)
    sandbox.configure(faults=options.get("faults"), rate_limit=options.get("rate_limit", "off"))
    try:
        yield sandbox
    finally:
        sandbox.close()
