"""The sandbox's own time: the real clock plus an offset kept in the store.

The offset lives in a `meta` row of the database, so every process sharing the file
(a `sandbox serve`, `pivotal --sandbox` commands, a test harness) reads the same
sandbox time, and a running server follows a change another process made at its very
next clock read: reading it is one primary-key lookup on the connection it already
holds, inside whatever transaction is open. Time keeps flowing after a change (the
offset moves the clock, it does not stop it), so rate-limit windows, retry schedules and
instants stay ordered as they are under a real clock.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from pivotal_cli.sandbox.data.store import Store, set_meta
from pivotal_cli.sandbox.data.timeutil import Clock, utc_now

OFFSET_META = "clock_offset_us"


def read_offset(store: Store) -> int:
    """Microseconds the sandbox clock is ahead of the real one (0 when never moved)."""
    row = store.peek("SELECT value FROM meta WHERE name = ?", (OFFSET_META,))
    return 0 if row is None else int(row[0])


def write_offset(store: Store, offset_us: int) -> None:
    """Moves the sandbox clock to `offset_us` ahead of the real one, for every process."""
    with store.write() as tx:
        set_meta(tx, OFFSET_META, str(int(offset_us)))


def wall_us(store: Store) -> int:
    """The sandbox time by the wall clock plus the offset, without reading any `Clock`.

    For instants that only describe (the request log's), so reading them never
    consumes a step of an injected stepping clock.
    """
    return time.time_ns() // 1000 + read_offset(store)


class StoreClock:
    """A `Clock` reading `base` (the real clock by default) plus the store's offset."""

    def __init__(self, store: Store, base: Clock = utc_now) -> None:
        self.store = store
        self.base = base

    def __call__(self) -> datetime:
        offset = read_offset(self.store)
        now = self.base()
        return now + timedelta(microseconds=offset) if offset else now

    def real_us(self, sandbox_us: int) -> int:
        """The real instant for a sandbox one (what a webhook signature must carry)."""
        return sandbox_us - read_offset(self.store)


def store_clock(store: Store, clock: Clock) -> StoreClock:
    """`clock` following the store's offset (itself when it already does)."""
    if isinstance(clock, StoreClock) and clock.store is store:
        return clock
    return StoreClock(store, clock.base if isinstance(clock, StoreClock) else clock)
