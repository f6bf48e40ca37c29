"""Walking the API for a full export: every record of a resource, in resumable batches.

A walk yields `Batch`es: a page of customers or onboardings, or one customer's
contacts (the API lists contacts only under a customer). Each batch carries the
`Checkpoint` to continue from once its records are safely on disk, so an export that
stops can start again exactly after the last batch it wrote: no record twice, none
missed. Pages are the largest the API allows (`pagination.MAX_PAGE`); retries and
rate-limit pacing are the `Client`'s.

A checkpoint is the cursor a page was (or will be) fetched with, and how many of that
page's customers are done. For customers and onboardings it always points at the
start of the next page; for contacts it may point inside a page of customers. Cursors
are `created_at` instants ("strictly older than"), so records created after the walk
started never shift a checkpoint.

Contacts and onboardings carry `customer_slug`, their customer's slug, so an export
can be imported into a workspace where ids differ. Onboardings name their customer by
id only; `SlugIndex` keeps id -> slug in a temporary SQLite file, filled by one walk
of the customers list, so memory stays flat however many customers there are.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from pivotal_cli.client import pagination
from pivotal_cli.client.http import Client
from pivotal_cli.client.ids import segment
from pivotal_cli.client.pagination import fetch_page, items, next_cursor
from pivotal_cli.domain.records import Record
from pivotal_cli.errors import NotFoundError

RESOURCES = ("customers", "contacts", "onboardings")
SLUG_FIELD = "customer_slug"


@dataclass(frozen=True)
class Checkpoint:
    """Where a walk continues: the page at `cursor` (None: the first), minus `skip` rows."""

    cursor: str | None = None
    skip: int = 0
    done: bool = False


@dataclass
class Batch:
    """Records to write, and the checkpoint that holds once they are written."""

    records: list[Record]
    after: Checkpoint
    # Customers walked to produce this batch (contacts only): for progress.
    customers: list[Record] = field(default_factory=list)


def _pages(
    client: Client, path: str, start: Checkpoint
) -> Iterator[tuple[str | None, list[Record], str | None]]:
    """(cursor asked with, items, next cursor) of each page from `start` on."""
    cursor = start.cursor
    seen: set[str] = set()
    while True:
        # Read at call time: tests make pages small to walk many of them.
        page = fetch_page(client, path, {"limit": pagination.MAX_PAGE, "cursor": cursor})
        following = next_cursor(page)
        if following is not None and following in seen:
            following = None  # a server handing back the same cursor would loop forever
        yield cursor, items(page), following
        if following is None:
            return
        seen.add(following)
        cursor = following


def walk_list(
    client: Client,
    path: str,
    start: Checkpoint,
    decorate: Callable[[Record], Record] | None = None,
) -> Iterator[Batch]:
    """Every record of a cursor-paginated list (`/customers`, `/onboardings`), a page a batch."""
    skip = start.skip
    for _, rows, following in _pages(client, path, start):
        rows = rows[skip:]
        skip = 0
        if decorate is not None:
            rows = [decorate(row) for row in rows]
        after = Checkpoint(following) if following else Checkpoint(done=True)
        yield Batch(rows, after)


def walk_contacts(client: Client, start: Checkpoint) -> Iterator[Batch]:
    """Every customer's contacts, one customer a batch, in the customers list's order."""
    skip = start.skip
    for cursor, customers, following in _pages(client, "/customers", start):
        page_end = Checkpoint(following) if following else Checkpoint(done=True)
        todo = list(enumerate(customers))[skip:]
        skip = 0
        for index, customer in todo:
            after = Checkpoint(cursor, index + 1) if index + 1 < len(customers) else page_end
            yield Batch(_contacts_of(client, customer), after, [customer])
        if not todo:  # an empty page (or one done already): still move the checkpoint on
            yield Batch([], page_end)


def _contacts_of(client: Client, customer: Record) -> list[Record]:
    cid = segment(str(customer.get("id", "")), "customer id")
    try:
        rows = items(fetch_page(client, f"/customers/{cid}/contacts", {}))
    except NotFoundError:
        # Deleted between the customers page and this call: its contacts left the lists.
        return []
    slug = customer.get("slug")
    return [{**row, SLUG_FIELD: slug} for row in rows]


class SlugIndex:
    """Customer id -> slug in a temporary SQLite file (removed on close).

    Filled from customer records (`add`); an id it has never seen is looked up with
    one GET and remembered, so a customer created after the fill still gets its slug.
    """

    def __init__(self, client: Client) -> None:
        self._client = client
        # In the system's temporary directory: a few MB even for 100,000 customers.
        fd, self._path = tempfile.mkstemp(prefix="pivotal-slugs-", suffix=".db")
        os.close(fd)
        self._db = sqlite3.connect(self._path)
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("CREATE TABLE slugs (id TEXT PRIMARY KEY, slug TEXT)")

    def add(self, customers: list[Record]) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO slugs VALUES (?, ?)",
            [(str(c.get("id")), c.get("slug")) for c in customers if c.get("id")],
        )

    def fill(self) -> None:
        """Walk the whole customers list into the index."""
        for batch in walk_list(self._client, "/customers", Checkpoint()):
            self.add(batch.records)

    def slug(self, customer_id: str) -> str | None:
        row = self._db.execute("SELECT slug FROM slugs WHERE id = ?", (customer_id,)).fetchone()
        if row is not None:
            return row[0] if isinstance(row[0], str) else None
        try:
            found = self._client.get(f"/customers/{segment(customer_id, 'customer id')}").record()
        except NotFoundError:
            found = {"id": customer_id, "slug": None}
        self.add([{**found, "id": customer_id}])
        slug = found.get("slug")
        return slug if isinstance(slug, str) else None

    def decorate(self, onboarding: Record) -> Record:
        """The onboarding with its customer's slug added."""
        customer_id = onboarding.get("customer_id")
        slug = self.slug(customer_id) if isinstance(customer_id, str) and customer_id else None
        return {**onboarding, SLUG_FIELD: slug}

    def close(self) -> None:
        self._db.close()
        with contextlib.suppress(OSError):
            os.unlink(self._path)

    def __enter__(self) -> SlugIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
