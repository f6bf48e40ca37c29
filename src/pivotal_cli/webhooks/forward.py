"""Posting webhook deliveries: to the app `listen` forwards to, and for `trigger`/`replay`.

A forward passes the raw body and the sender's headers on unchanged (the `svix-*`
signature headers and `content-type` above all), so the app's own verification sees
what the sender signed. Only what belongs to one hop is dropped: the hop-by-hop
headers of RFC 9110 (and any the `Connection` header names), `Host` (the new URL's
own is sent) and `Content-Length` (recomputed, the same value for the same bytes).

One attempt, no retries: the sender retries when the answer says so. The outcome is
a `Sent` (status and latency, or what went wrong), never an exception.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# Receivers must answer within 10 s (the docs' rule); a forward waits as long.
FORWARD_TIMEOUT = 10.0
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
    }
)


def forwarded_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The headers to pass on: all but hop-by-hop ones, Host and Content-Length."""
    pairs = list(headers)
    named = {
        token.strip().lower()
        for name, value in pairs
        if name.lower() == "connection"
        for token in value.split(",")
    }
    return [(n, v) for n, v in pairs if n.lower() not in HOP_BY_HOP and n.lower() not in named]


@dataclass(frozen=True)
class Sent:
    """The outcome of one POST: an HTTP status, or `error` (then `status` is None)."""

    status: int | None
    latency_ms: float
    body: bytes = b""
    error: str | None = None
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class Poster:
    """Posts bodies with given headers; one connection pool for a session's requests."""

    def __init__(self, *, timeout: float = FORWARD_TIMEOUT, transport: Any = None) -> None:
        import httpx

        # No proxies from the environment: forwards go to an app on this machine (or
        # wherever the user pointed them), never through a corporate proxy by surprise.
        self._client = httpx.Client(
            timeout=timeout, trust_env=False, follow_redirects=False, transport=transport
        )

    def post(self, url: str, body: bytes, headers: Iterable[tuple[str, str]]) -> Sent:
        import httpx

        started = time.monotonic()
        try:
            response = self._client.post(url, content=body, headers=list(headers))
        except httpx.TimeoutException:
            return Sent(None, _ms(started), error="no answer in time", timed_out=True)
        except httpx.HTTPError as error:
            return Sent(None, _ms(started), error=_reason(error))
        return Sent(response.status_code, _ms(started), body=response.content)

    def close(self) -> None:
        self._client.close()


def _ms(started: float) -> float:
    return (time.monotonic() - started) * 1000


def _reason(error: Exception) -> str:
    """A short reason: `connection refused` rather than httpx's nested errno text."""
    text = str(error) or type(error).__name__
    lowered = text.lower()
    if "refused" in lowered:
        return "connection refused"
    if "name or service not known" in lowered or "nodename nor servname" in lowered:
        return "unknown host"
    return text.split("] ", 1)[-1]
