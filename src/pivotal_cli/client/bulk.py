"""What a bulk job needs from the API beyond single calls: pacing across threads, and
reading what exists once, in as few requests as the API allows.

`Pacer` spaces request starts so that no more than the key's limit begin in any
rolling minute, shared by every sender thread: the job uses the whole budget and the
server never has to refuse one (a 429 that still comes is ridden out by the client
with its Retry-After). `Client` itself is safe to share between threads: its httpx
pool is, and its rate-limit view is a last-writer-wins snapshot.

The lookups walk a list endpoint once (one request per 100 records) instead of one
GET per row; contacts, which are listed per customer, cost one request per customer.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator

from pivotal_cli.client import contacts, customers, onboardings
from pivotal_cli.client.http import Client, Response
from pivotal_cli.client.pagination import MAX_PAGE
from pivotal_cli.domain.records import Record

# The server counts a request when it arrives, the pacer when it is let go: a second's
# margin keeps the pacer's window from ending before the server's.
WINDOW_SECONDS = 61.0


class Pacer:
    """At most `limit` request starts in any `window` seconds (no limit: never waits)."""

    def __init__(
        self,
        limit: int | None,
        *,
        used: int = 0,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.limit = limit if limit and limit > 0 else None
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        now = clock()
        # Requests the server already counted in this window (limit - remaining).
        self._starts: deque[float] = deque([now] * min(used, self.limit or 0))
        self.waited = 0.0
        self._waiting = 0  # sender threads waiting for a slot right now

    def acquire(self, stop: threading.Event | None = None) -> bool:
        """Wait for a slot; False if `stop` was set while waiting."""
        if self.limit is None:
            return True
        while True:
            with self._lock:
                now = self._clock()
                while self._starts and now - self._starts[0] >= self.window:
                    self._starts.popleft()
                if len(self._starts) < self.limit:
                    self._starts.append(now)
                    return True
                delay = self._starts[0] + self.window - now
            if stop is not None and stop.is_set():
                return False
            # Short naps, so a stop request is noticed while waiting out a window.
            nap = min(delay, 0.25)
            self.waited += nap
            with self._lock:
                self._waiting += 1
            try:
                self._sleep(nap)
            finally:
                with self._lock:
                    self._waiting -= 1

    def remaining(self) -> int | None:
        """Slots left in the current window (None: no limit)."""
        if self.limit is None:
            return None
        with self._lock:
            now = self._clock()
            live = sum(1 for t in self._starts if now - t < self.window)
        return self.limit - live

    def resumes_in(self) -> float | None:
        """Seconds until a waiting sender gets its slot; None when none is waiting."""
        with self._lock:
            if not self._waiting or not self._starts:
                return None
            return max(0.0, self._starts[0] + self.window - self._clock())

    def seconds_for(self, requests: int) -> float:
        """When the last of `requests` more could start, by this pacer's own schedule.

        Slots free now go at once; every later request waits for the start `limit`
        places before it to leave the window, so the k-th goes at the time of the
        k-th slot of the first window plus one window per full round.
        """
        if self.limit is None or requests <= 0:
            return 0.0
        with self._lock:
            now = self._clock()
            starts = [t for t in self._starts if now - t < self.window]
        last = requests - 1
        rounds, place = divmod(last, self.limit)
        free = self.limit - len(starts)
        first = now if place < free else starts[place - free] + self.window
        return max(0.0, first + rounds * self.window - now)


def all_customers(client: Client) -> Iterator[Record]:
    return customers.iter_all(client, page_size=MAX_PAGE)


def all_onboardings(client: Client) -> Iterator[Record]:
    return onboardings.iter_all(client, page_size=MAX_PAGE)


def contacts_for(client: Client, customer_id: str) -> list[Record]:
    """A customer's contacts: one request (the API lists them per customer, unpaged)."""
    return contacts.list_for(client, customer_id)


def create(
    client: Client, resource: str, body: Record, customer_id: str | None, key: str
) -> Response:
    """POST one record with its idempotency key; the API's answer (a replay says so)."""
    if resource == "customer":
        return customers.create(client, body, idempotency_key=key)
    if resource == "contact":
        assert customer_id is not None
        return contacts.create(client, customer_id, body, idempotency_key=key)
    assert customer_id is not None
    return onboardings.create(client, {**body, "customer_id": customer_id}, idempotency_key=key)


def update(client: Client, resource: str, record_id: str, body: Record) -> Record:
    if resource == "customer":
        return customers.update(client, record_id, body).record()
    if resource == "contact":
        return contacts.update(client, record_id, body).record()
    return onboardings.update(client, record_id, body).record()
