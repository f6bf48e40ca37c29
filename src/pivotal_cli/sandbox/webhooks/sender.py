"""One signed delivery attempt over HTTP, and its outcome; never raises.

The body is the stored envelope's bytes exactly (compact JSON), with
`content-type: application/json`, the three `svix-*` headers (a fresh timestamp at each
attempt, one signature per signing secret) and a `user-agent` naming the sandbox.
Success is any 2xx within the timeout; a non-2xx, a refused connection, a DNS or TLS
failure or a timeout is a failure, described in `error`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

from pivotal_cli import __version__
from pivotal_cli.domain.webhook_signing import sign_headers

USER_AGENT = f"Pivotal-Sandbox-Webhooks/{__version__}"
SNIPPET_CHARS = 500


@dataclass(frozen=True)
class Attempt:
    """What one POST to an endpoint came to."""

    status: int | None
    error: str | None
    duration_ms: int
    snippet: str | None
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def delivery_headers(
    secrets_: list[str], body: bytes, *, msg_id: str, timestamp: int
) -> dict[str, str]:
    """Every header a delivery carries."""
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        **sign_headers(secrets_, body, msg_id=msg_id, timestamp=timestamp),
    }


def post(
    client: httpx.Client, url: str, body: bytes, headers: dict[str, str], timeout: float
) -> Attempt:
    """POSTs once and describes the outcome (no exception escapes)."""
    started = time.monotonic()
    try:
        response = client.post(url, content=body, headers=headers, timeout=timeout)
    except httpx.TimeoutException:
        return Attempt(None, f"timeout after {timeout:g} s", _ms(started), None, timed_out=True)
    except httpx.HTTPError as error:
        return Attempt(None, _describe(error), _ms(started), None)
    except Exception as error:  # a bad URL, say: a failed attempt, never a crash
        return Attempt(None, f"{type(error).__name__}: {error}", _ms(started), None)
    snippet = response.text[:SNIPPET_CHARS] if response.content else None
    failure = None if 200 <= response.status_code < 300 else f"HTTP {response.status_code}"
    return Attempt(response.status_code, failure, _ms(started), snippet)


def _describe(error: httpx.HTTPError) -> str:
    reason = str(error) or type(error).__name__
    if isinstance(error, httpx.ConnectError):
        return f"connection failed: {reason}"
    return f"{type(error).__name__}: {reason}"


def _ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
