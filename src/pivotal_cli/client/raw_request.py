"""A raw API call (as `gh api`): one request, or every page of a list, through the client.

The request goes through the same `Client.request` as every other command, so it gets
the same retries, pacing, idempotency keys, redaction and errors.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from pivotal_cli.client.http import Client, Response
from pivotal_cli.client.pagination import next_cursor
from pivotal_cli.domain.records import JSONValue


@dataclass(frozen=True)
class RawRequest:
    """One request as the caller built it; `path` is under the base URL."""

    verb: str
    path: str
    params: Mapping[str, Any] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    body: JSONValue = None
    has_body: bool = False  # a body of JSON null is still a body
    idempotency_key: str | None = None

    def url(self, base_url: str) -> str:
        """The URL it goes to, query included, as the client would send it."""
        url = httpx.URL(base_url.rstrip("/") + self.path)
        if self.params:
            url = url.copy_merge_params(self.params)
        return str(url)


def send_pages(client: Client, request: RawRequest, paginate: bool) -> Iterator[Response]:
    """The answer, or with `paginate` each page in turn, following `next_cursor`."""
    query = dict(request.params)
    seen: set[str] = set()
    while True:
        reply = client.request(
            request.verb,
            request.path,
            params=query or None,
            json_body=request.body if request.has_body else None,
            idempotency_key=request.idempotency_key,
            headers=request.headers or None,
        )
        yield reply
        data = reply.data
        if not paginate or not isinstance(data, dict):
            return
        cursor = next_cursor(data)
        # A server handing back a cursor it gave before would loop forever.
        if cursor is None or cursor in seen:
            return
        seen.add(cursor)
        query["cursor"] = cursor
