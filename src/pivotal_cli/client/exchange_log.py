"""The `--verbose` exchange log: each request and answer, with the key redacted.

Only the headers that explain what the client did next are shown: auth (redacted),
the idempotency key and content type going out; the rate-limit bucket, Retry-After,
replays and the request id coming back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from pivotal_cli.client.redaction import redact

if TYPE_CHECKING:
    import httpx

LOGGED_REQUEST_HEADERS = ("authorization", "idempotency-key", "content-type")
LOGGED_RESPONSE_HEADERS = (
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
    "retry-after",
    "idempotent-replay",
    "x-request-id",
)


class ExchangeLog:
    """Writes an exchange to `log`, one line at a time; does nothing without one."""

    def __init__(self, log: Callable[[str], None] | None, api_key: str | None) -> None:
        self.log = log
        self.api_key = api_key

    def request(self, request: httpx.Request) -> None:
        if not self.log:
            return
        self.log(f"> {request.method} {request.url}")
        for name in LOGGED_REQUEST_HEADERS:
            if name in request.headers:
                self.log(redact(f"> {name.title()}: {request.headers[name]}", self.api_key))
        if request.content:
            body = request.content.decode(errors="replace")[:2000]
            self.log(redact(f"> {body}", self.api_key))

    def response(self, reply: httpx.Response, elapsed_ms: float) -> None:
        if not self.log:
            return
        self.log(f"< {reply.status_code} {reply.reason_phrase} ({elapsed_ms:.0f} ms)")
        for name in LOGGED_RESPONSE_HEADERS:
            if name in reply.headers:
                self.log(f"< {name.title()}: {reply.headers[name]}")
