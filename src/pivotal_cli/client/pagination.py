"""The one pagination iterator: follow `next_cursor` until `has_more` is false.

Tolerant of both list shapes the docs show (docs/api-choices.md item 7): a list
without `has_more` is a single page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

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
    page_size: int | None = None,
    cursor: str | None = None,
) -> Iterator[Record]:
    """Yield every item of a cursor-paginated list, one page in memory at a time.

    Pages are `MAX_PAGE` unless `page_size` says otherwise (read when called, so a
    test can make pages small without seeding hundreds of records).
    """
    query: dict[str, QueryValue] = dict(params or {})
    query["limit"] = page_size or MAX_PAGE
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


class Take:
    """The first `limit` items from `cursor` on, fetched page by page as they are read.

    `-L N` is a number of records, not a page size: pages are asked for at
    `min(remaining, MAX_PAGE)`, so `-L 3` is one request for three and `-L 150` is
    two (100, then 50), and a page is never cut short, so the cursor after it is
    exactly where the next `-L N` should start. `next_cursor` is known once the
    items have been read (None: no more).
    """

    def __init__(
        self,
        fetch: Callable[[int, str | None], Record],
        limit: int,
        cursor: str | None = None,
    ) -> None:
        """`fetch(page_size, cursor)` returns one page (a resource's `list_page`)."""
        self._fetch = fetch
        self.limit = limit
        self.next_cursor: str | None = cursor
        self._started = False

    def __iter__(self) -> Iterator[Record]:
        assert not self._started, "a Take is read once"
        self._started = True
        remaining = self.limit
        seen_cursors: set[str] = set()
        cursor = self.next_cursor
        self.next_cursor = None
        while remaining > 0:
            page = self._fetch(min(remaining, MAX_PAGE), cursor)
            # A server may send more than was asked for; the caller asked for N.
            rows = items(page)[:remaining]
            yield from rows
            remaining -= len(rows)
            cursor = next_cursor(page)
            if cursor in seen_cursors or not rows:
                # A server that hands back the same cursor would loop forever.
                cursor = None
            self.next_cursor = cursor
            if cursor is None:
                return
            seen_cursors.add(cursor)
