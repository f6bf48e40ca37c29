"""Fixtures for the end-to-end tests: the real CLI, run against the project's sandbox.

Two ways to reach a sandbox:

* `sandbox_cli(*args, input=, env=)` runs `pivotal --sandbox ARGS…` in-process. Thanks to
  the suite's autouse isolation every test has its own `PIVOTAL_SANDBOX_DIR`, so each
  test starts from a fresh demo-seeded sandbox. Rate limits are off for the whole
  e2e set (`PIVOTAL_SANDBOX_RATE_LIMIT=off`, inherited by subprocesses too).
* `server` is a real uvicorn sandbox from `running_server()`; `server_cli(key)` returns
  an invoker that points the CLI at it with `PIVOTAL_API_KEY` and `PIVOTAL_BASE_URL`.
  Use it for a particular key (revoked, other workspace, a live key outside the
  embedded sandbox) or for real HTTP.

Helpers are fixtures too, so test modules never import this file:

* `sandbox_json(*args)` runs `pivotal --sandbox ARGS… --json`, asserts exit 0 and
  returns the parsed stdout; `parse(result)` does the same for any result;
* `error_line(result, code)` asserts the exit code, an empty stdout and exactly one
  `Error:` line on stderr (no traceback), and returns that line;
* `requests_sent(stderr)` lists the `(METHOD, path?query)` pairs a `--verbose` run
  logged, so a test can prove what was (or was not) sent;
* `transitions(display_id)` reads the sandbox's phase-transition records;
* `make_customer` / `make_onboarding` create records through the CLI;
* `terminal` is the environment of a fixed-width, colourless "terminal";
* `small_pages(n)` makes every walk use pages of n (the CLI always asks for 100);
* `fake_clock` is a wall clock that moves only when told, for a sandbox server and the
  HTTP client to share.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from typer.testing import Result

from pivotal_cli.sandbox.adapters.testing import RunningServer, running_server

CLI = Callable[..., Result]
METHODS = ("GET", "POST", "PATCH", "DELETE")


@pytest.fixture(autouse=True)
def unthrottled_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    """No rate limits in the embedded sandbox: these tests make many calls."""
    monkeypatch.setenv("PIVOTAL_SANDBOX_RATE_LIMIT", "off")


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """`small_pages(n)`: `--all` and `-L` walk pages of n, so a few records make many pages."""

    def set_size(size: int) -> None:
        monkeypatch.setattr("pivotal_cli.client.pagination.MAX_PAGE", size)

    return set_size


@pytest.fixture
def sandbox_cli(cli: CLI) -> CLI:
    """`pivotal --sandbox ARGS…` in-process, against this test's own sandbox."""

    def run(*args: str, **options: Any) -> Result:
        return cli("--sandbox", *args, **options)

    return run


def _parse(result: Result) -> Any:
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    return json.loads(result.stdout)


@pytest.fixture
def parse() -> Callable[[Result], Any]:
    """`parse(result)`: assert exit 0 (showing both streams if not); the stdout as JSON."""
    return _parse


@pytest.fixture
def sandbox_json(sandbox_cli: CLI) -> Callable[..., Any]:
    """`sandbox_json(*args)`: `pivotal --sandbox ARGS… --json`, succeeded, parsed."""

    def run(*args: str, **options: Any) -> Any:
        return _parse(sandbox_cli(*args, "--json", **options))

    return run


def _error_line(result: Result, code: int) -> str:
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    if result.stderr.startswith("{"):  # the machine contract (--json): one JSON object
        [line] = result.stderr.splitlines()
        error = json.loads(line)
        assert error["exit_code"] == code, error
        return " ".join(["Error:", error["message"], *([error["hint"]] if error["hint"] else [])])
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, result.stderr
    return errors[0]


@pytest.fixture
def error_line() -> Callable[[Result, int], str]:
    """`error_line(result, code)`: exit `code`, empty stdout, one `Error:` line (returned)."""
    return _error_line


def _requests_sent(stderr: str) -> list[tuple[str, str]]:
    sent = []
    for line in stderr.splitlines():
        method, _, url = line.removeprefix("> ").partition(" ")
        if line.startswith("> ") and method in METHODS and "://" in url:
            parts = urlsplit(url)
            path = parts.path.removeprefix("/api/v1")
            sent.append((method, path + (f"?{parts.query}" if parts.query else "")))
    return sent


@pytest.fixture
def requests_sent() -> Callable[[str], list[tuple[str, str]]]:
    """`requests_sent(stderr)`: (method, path?query) of each request `--verbose` logged."""
    return _requests_sent


@pytest.fixture
def make_customer(sandbox_json: Callable[..., Any]) -> Callable[..., dict[str, Any]]:
    """`make_customer(name, *flags)`: create a customer through the CLI; its JSON."""

    def make(name: str, *flags: str) -> dict[str, Any]:
        created: dict[str, Any] = sandbox_json("customers", "create", "--name", name, *flags)
        return created

    return make


@pytest.fixture
def make_onboarding(sandbox_json: Callable[..., Any]) -> Callable[..., dict[str, Any]]:
    """`make_onboarding(customer_ref, *flags)`: create an onboarding through the CLI."""

    def make(customer: str, *flags: str) -> dict[str, Any]:
        created: dict[str, Any] = sandbox_json(
            "onboardings", "create", "--customer", customer, *flags
        )
        return created

    return make


@pytest.fixture
def transitions(cli: CLI) -> Callable[[int], list[tuple[str | None, str]]]:
    """(from, to) of every phase-transition record of an onboarding, oldest first.

    Read with `pivotal sandbox events --transitions`, from the same store that
    `pivotal --sandbox` writes to.
    """

    def read(display_id: int) -> list[tuple[str | None, str]]:
        args = ("sandbox", "events", "--onboarding", str(display_id), "--transitions")
        return [(row["from"], row["to"]) for row in _parse(cli(*args, "--json"))]

    return read


@pytest.fixture
def terminal() -> dict[str, str]:
    """A "terminal" 100 columns wide, without colour, so its text is stable."""
    return {"PIVOTAL_FORCE_TTY": "1", "COLUMNS": "100", "NO_COLOR": "1"}


@pytest.fixture
def server() -> Iterator[RunningServer]:
    """A real sandbox over HTTP on loopback: demo data, no rate limits."""
    with running_server(rate_limit="off") as running:
        yield running


@pytest.fixture
def server_cli(cli: CLI, server: RunningServer) -> Callable[[str], CLI]:
    """`server_cli(key)`: an invoker of `pivotal ARGS…` against `server` with `key`."""

    def bind(key: str) -> CLI:
        def run(*args: str, env: dict[str, str | None] | None = None, **options: Any) -> Result:
            merged = {"PIVOTAL_API_KEY": key, "PIVOTAL_BASE_URL": server.base_url, **(env or {})}
            return cli(*args, env=merged, **options)

        return run

    return bind


class FakeClock:
    """A wall clock that moves only when told to: `advance(seconds)`.

    Calling it gives a UTC datetime (the sandbox's clock); `timestamp()` is the same
    instant in epoch seconds (the HTTP client's clock).
    """

    def __init__(self) -> None:
        self.now = datetime.now(timezone.utc).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def timestamp(self) -> float:
        return self.now.timestamp()

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def pivotal_bin() -> Path:
    """The `pivotal` console script installed next to this interpreter."""
    script = Path(sys.executable).with_name("pivotal")
    if not script.exists():
        pytest.skip(f"the pivotal console script is not installed at {script}")
    return script


@pytest.fixture
def subprocess_env(pivotal_bin: Path) -> dict[str, str]:
    """The environment of a real `pivotal` process: this test's dirs, the venv on PATH."""
    env = dict(os.environ)
    env["PATH"] = f"{pivotal_bin.parent}{os.pathsep}{env.get('PATH', '')}"
    for name in ("GITHUB_SHA", "CI", "PIVOTAL_TEST_KEY", "COLUMNS"):
        env.pop(name, None)
    return env
