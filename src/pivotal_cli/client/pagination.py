"""The one pagination iterator: follow `next_cursor` until `has_more` is false.

Tolerant of both list shapes the docs show (docs/api-choices.md item 7): a list without
`has_more` is a single page.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pivotal_cli.client.http import Client

MAX_PAGE = 100


def fetch_page(client: Client, path: str, params: Mapping[str, Any]) -> dict[str, Any]:
    page = client.get(path, params)
    if not isinstance(page, dict) or not isinstance(page.get("data"), list):
        from pivotal_cli.errors import ServerError

        raise ServerError(f"GET {path} did not return a list.", status=200)
    return page


def iter_items(
    client: Client,
    path: str,
    params: Mapping[str, Any] | None = None,
    *,
    page_size: int = MAX_PAGE,
    cursor: str | None = None,
) -> Iterator[dict[str, Any]]:
    """Yield every item of a cursor-paginated list, one page in memory at a time."""
    query = dict(params or {})
    query["limit"] = page_size
    seen_cursors: set[str] = set()
    while True:
        if cursor:
            query["cursor"] = cursor
        page = fetch_page(client, path, query)
        yield from page["data"]
        cursor = page.get("next_cursor")
        if not page.get("has_more") or not cursor:
            return
        if cursor in seen_cursors:
            # A server that hands back the same cursor would loop forever.
            return
        seen_cursors.add(cursor)
