"""A raw API call (as `gh api`): one request, or every page of a list, through the client.

The request goes through the same `Client.request` as every other command, so it gets
the same retries, pacing, idempotency keys, redaction and errors.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import httpx

from pivotal_cli.client.http import Client, Response
from pivotal_cli.client.pagination import next_cursor
from pivotal_cli.domain.records import JSONValue


def send_pages(
    client: Client,
    verb: str,
    path: str,
    params: Mapping[str, Any],
    headers: Mapping[str, str],
    body: JSONValue,
    idempotency_key: str | None,
    paginate: bool,
) -> Iterator[Response]:
    """The answer, or with `paginate` each page in turn, following `next_cursor`."""
    query = dict(params)
    seen: set[str] = set()
    while True:
        reply = client.request(
            verb,
            path,
            params=query or None,
            json_body=body,
            idempotency_key=idempotency_key,
            headers=headers or None,
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


def request_url(base_url: str, path: str, params: Mapping[str, Any]) -> str:
    """The URL a request to `path` with `params` goes to, as the client would send it."""
    url = httpx.URL(base_url.rstrip("/") + path)
    if params:
        url = url.copy_merge_params(params)
    return str(url)
