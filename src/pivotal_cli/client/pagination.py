"""The one pagination iterator: follow `next_cursor` until `has_more` is false.

Tolerant of both list shapes the docs show (docs/api-choices.md item 7): a list
without `has_more` is a single page.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pivotal_cli.client.http import Client, QueryValue
from pivotal_cli.domain.records import Record
from pivotal_cli.errors import ServerError

MAX_PAGE = 100


def fetch_page(client: Client, path: str, params: Mapping[str, QueryValue]) -> Record:
    page = client.get(path, params).data
    if not isinstance(page, dict) or not isinstance(page.get("data"), list):
        raise ServerError(
            f"GET {path} did not return a list (an object whose `data` is a list).",
            status=200,
            reason="unexpected_body",
        )
    return page


def items(page: Record) -> list[Record]:
    """The objects of a list page (anything else in `data` is left out)."""
    data = page.get("data")
    return [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []


def next_cursor(page: Record) -> str | None:
    """The cursor of the next page, when there is one."""
    cursor = page.get("next_cursor")
    return cursor if page.get("has_more") and isinstance(cursor, str) and cursor else None


def iter_items(
    client: Client,
    path: str,
    params: Mapping[str, QueryValue] | None = None,
    *,
    page_size: int = MAX_PAGE,
    cursor: str | None = None,
) -> Iterator[Record]:
    """Yield every item of a cursor-paginated list, one page in memory at a time."""
    query: dict[str, QueryValue] = dict(params or {})
    query["limit"] = page_size
    seen_cursors: set[str] = set()
    while True:
        if cursor:
            query["cursor"] = cursor
        page = fetch_page(client, path, query)
        yield from items(page)
        cursor = next_cursor(page)
        if cursor is None:
            return
        if cursor in seen_cursors:
            # A server that hands back the same cursor would loop forever.
            return
        seen_cursors.add(cursor)
