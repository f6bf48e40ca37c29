"""Customer names for the customer ids a view shows: the one home for naming them.

`status`, `dash` and `onboardings list/get` on a terminal show a customer's name where
the API gives its id. A name comes, cheapest first, from:

1. what this command learned already (an earlier refresh of `dash`, an earlier chunk
   of a long list, any customer a walk passed);
2. the local id index, when fresh enough: its customers file was written less than
   `FRESH_FOR` (10 minutes) ago. A name changes rarely and is a courtesy, so one that
   old is good enough. The caller reads the index (`settings/id_index.py`) and passes
   its names and age in; an id the index lacks is looked up as below;
3. the API, whichever costs fewer requests:
   * one `GET /customers/{id}` per missing id: `len(missing)` requests;
   * a walk of `GET /customers?limit=100`: `ceil(total / 100)` requests. The total is
     unknown before walking, so it is estimated as the largest of the names the index
     holds (fresh or not), the distinct customers the caller saw (every onboarding,
     for `status`) and the ids wanted.

   The rule, checked before each page: walk on while more ids are missing than pages
   are estimated to be left (at least one once the list says it has more); otherwise
   look the missing ids up one by one. A walk stops as soon as every wanted id is
   named, and one that reaches the end names every customer there is (an id it did
   not meet is deleted or out of reach: None). So with a good estimate names cost at
   most the cheaper way, and with a low one at most a whole walk and a page.

Both ways count against the key's remaining budget (`X-RateLimit-Remaining` as the
client last saw it): a name request is sent only while more than a tenth of the limit
is left, where the client would start pacing, so names never make a command wait for
the rate window. Ids not named by then show as ids, and a later `prefetch` (the next
`dash` refresh) tries them again.

A walk also refreshes the index, through the `remember` the caller passes: the
customers it saw, in the order walked. An id that cannot be named (deleted, no access)
answers None, once: a name is never a reason for a view to fail.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from pivotal_cli.client import customers
from pivotal_cli.client.http import Client
from pivotal_cli.client.ids import record_path
from pivotal_cli.client.pagination import MAX_PAGE, items, next_cursor
from pivotal_cli.domain.records import Record
from pivotal_cli.errors import PivotalError

FRESH_FOR = 600.0  # seconds an index's names are trusted without asking the API


class CustomerNames:
    """`names(customer_id)`: the customer's name, or None; looked up in batches."""

    def __init__(
        self,
        client: Client,
        *,
        index: Mapping[str, str] | None = None,
        index_age: float | None = None,
        remember: Callable[[list[Record]], None] | None = None,
    ) -> None:
        self._client = client
        index = index or {}
        fresh = index_age is not None and index_age <= FRESH_FOR
        self._index = dict(index) if fresh else {}
        self._listed = len(index)  # a lower bound of the total, even when stale
        self._remember = remember
        self._names: dict[str, str | None] = {}
        self._pending: dict[str, None] = {}  # wanted, not yet asked for; in order
        self._skipped: set[str] = set()  # left unnamed to spare the budget
        self._seen = 0  # distinct customers the caller saw
        self._complete = False  # a walk reached the end: every customer is known
        self._walked = 0  # pages of the customers list read so far
        self._cursor: str | None = None  # where the walk goes on
        self._cursors: set[str] = set()

    def __call__(self, customer_id: str) -> str | None:
        if customer_id not in self._names:
            self._pending.setdefault(customer_id)
            self._resolve()
        return self._names.get(customer_id)

    def prefetch(self, ids: Iterable[str], *, customers_seen: int = 0) -> None:
        """Name `ids` now, together; `customers_seen` helps estimate the walk.

        A new look (the next `dash` refresh): customers made since an earlier walk are
        on the list's first page, so a walk starts there again, and ids left unnamed
        to spare the budget are tried again.
        """
        self._seen = max(self._seen, customers_seen)
        self._complete, self._walked, self._cursor = False, 0, None
        self._cursors.clear()
        for customer_id in self._skipped:
            self._names.pop(customer_id, None)
        self._skipped.clear()
        for customer_id in ids:
            self._pending.setdefault(customer_id)
        self._resolve()

    def tee(self, rows: Iterable[Any]) -> Iterator[Any]:
        """The rows, unchanged, each one's `customer_id` noted as wanted as it passes.

        A table draws its cells once a chunk of rows is read, so the first name it
        asks for brings in the names of the whole chunk at once.
        """
        for row in rows:
            customer_id = row.get("customer_id") if isinstance(row, dict) else None
            if customer_id and str(customer_id) not in self._names:
                self._pending.setdefault(str(customer_id))
            yield row

    def worst_cost(self, ids: Iterable[str]) -> int:
        """The most naming `ids` can cost with nothing known: the cheaper way."""
        wanted = len(set(ids))
        return min(wanted, self._pages(wanted)) if wanted else 0

    # -- looking up ----------------------------------------------------------------

    def _pages(self, wanted: int) -> int:
        total = max(self._listed, self._seen, len(self._names) + wanted)
        return max(1, math.ceil(total / MAX_PAGE))

    def _resolve(self) -> None:
        wanted = [cid for cid in self._pending if cid not in self._names]
        self._pending.clear()
        missing: dict[str, None] = {}
        for customer_id in wanted:
            if customer_id in self._index:
                self._names[customer_id] = self._index[customer_id]
            else:
                missing[customer_id] = None
        if missing and not self._complete:
            self._walk(missing, self._pages(len(missing)))
        for customer_id in missing:
            if customer_id in self._names:
                continue
            if self._complete:
                self._names[customer_id] = None
            elif self._affordable():
                self._names[customer_id] = self._get(customer_id)
            else:
                self._names[customer_id] = None
                self._skipped.add(customer_id)

    def _walk(self, missing: Mapping[str, None], estimate: int) -> None:
        # A later walk (the next chunk of a long list) goes on from where this one
        # stopped: the pages before are named already.
        left = set(missing)
        walked: list[Record] = []
        while left and len(left) > max(estimate - self._walked, 1 if self._walked else 0):
            if not self._affordable():
                break
            page = customers.list_page(self._client, limit=MAX_PAGE, cursor=self._cursor)
            self._walked += 1
            for customer in items(page):
                customer_id = str(customer.get("id"))
                name = customer.get("name")
                self._names[customer_id] = str(name) if name else None
                left.discard(customer_id)
                walked.append(customer)
            self._cursor = next_cursor(page)
            if self._cursor is None or self._cursor in self._cursors:
                self._complete = True
                break
            self._cursors.add(self._cursor)
        if walked and self._remember is not None:
            self._remember(walked)

    def _get(self, customer_id: str) -> str | None:
        # By its path, never as a slug: a record's customer_id is an id.
        try:
            name = self._client.get(record_path("customer", customer_id)).record().get("name")
        except PivotalError:
            return None
        return str(name) if name else None

    def _affordable(self) -> bool:
        """Whether one more name request leaves the key more than a tenth of its limit."""
        bucket = self._client.rate_limit
        if bucket.remaining is None:
            return True
        return bucket.remaining > max(1, (bucket.limit or 0) // 10)
