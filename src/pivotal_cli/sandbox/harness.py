"""The sandbox's clock and request log, for test harnesses and the `sandbox` commands.

Every function takes the `Store` of a sandbox (`sandbox.store`, or `Store(path)` for
the database a running `sandbox serve` uses: the clock and the log live in the file,
so a change made here reaches the server at its next request).

Moving the clock forward sends the webhook retries that come due on the way, in the
order and at the sandbox instants their schedule says (the clock stops at each due
attempt, sends it, and goes on), and returns what it sent. Moving it back is refused:
records, retries and idempotency windows would run out of order; `reset_clock` goes
back to real time instead.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import Any

from pivotal_cli.sandbox.data import requestlog
from pivotal_cli.sandbox.data.clockstate import StoreClock, read_offset, write_offset
from pivotal_cli.sandbox.data.store import Store
from pivotal_cli.sandbox.data.timeutil import format_ms, to_us
from pivotal_cli.sandbox.engine.journal import flush_journals
from pivotal_cli.sandbox.webhooks.schedule import ATTEMPT_TIMEOUT, time_scale_from
from pivotal_cli.sandbox.webhooks.worker import Dispatcher

API_ROOT = "/api/v1"


class ClockError(ValueError):
    """A clock move the sandbox refuses (backwards, or not a forward duration)."""


def clock_now(store: Store) -> datetime:
    """The sandbox's current time (aware, UTC)."""
    return StoreClock(store)()


def clock_offset(store: Store) -> timedelta:
    """How far the sandbox clock is ahead of the real one."""
    return timedelta(microseconds=read_offset(store))


def advance(
    store: Store, delta: timedelta, *, dispatcher: Dispatcher | None = None
) -> list[dict[str, Any]]:
    """Moves the clock `delta` forward, sending the webhook attempts due on the way.

    `dispatcher`: the sandbox's own (`sandbox.webhooks`) when it runs in this process,
    so its injected clock and time scale apply; by default one on the real clock.
    """
    if delta <= timedelta(0):
        raise ClockError("the clock only moves forward: give a positive duration")
    with _dispatching(store, dispatcher) as sender:
        target_us = to_us(sender.clock()) + delta // timedelta(microseconds=1)
        return _move_to(store, target_us, sender)


def set_clock(
    store: Store, instant: datetime, *, dispatcher: Dispatcher | None = None
) -> list[dict[str, Any]]:
    """Moves the clock forward to `instant` (aware), sending what comes due on the way."""
    if instant.tzinfo is None:
        raise ClockError("give the instant a timezone (Z or an offset)")
    with _dispatching(store, dispatcher) as sender:
        now = sender.clock()
        if instant < now:
            raise ClockError(
                f"{format_ms(to_us(instant))} is before the sandbox's time"
                f" ({format_ms(to_us(now))}): the clock only moves forward"
            )
        return _move_to(store, to_us(instant), sender)


@contextmanager
def _dispatching(store: Store, dispatcher: Dispatcher | None) -> Iterator[Dispatcher]:
    if dispatcher is not None:
        yield dispatcher
        return
    own = Dispatcher(store, time_scale=time_scale_from(os.environ))
    try:
        yield own
    finally:
        own.stop()


def reset_clock(store: Store) -> None:
    """Back to real time (records made meanwhile keep their instants)."""
    write_offset(store, 0)


def _move_to(store: Store, target_us: int, dispatcher: Dispatcher) -> list[dict[str, Any]]:
    clock = dispatcher.clock
    first_seq = _last_attempt_seq(store)
    while True:
        due = dispatcher.next_due_us()
        if due is None or due > target_us:
            break
        # Stop the clock at the attempt's instant (never back), send what is due then.
        _jump(store, clock, max(due, to_us(clock())))
        if not dispatcher.run_due() and not _wait_for_other_senders(store, due):
            break
    _jump(store, clock, max(target_us, to_us(clock())))
    return _attempts_since(store, first_seq)


def _jump(store: Store, clock: StoreClock, sandbox_us: int) -> None:
    write_offset(store, sandbox_us - to_us(clock.base()))


def _wait_for_other_senders(store: Store, due_us: int) -> bool:
    """Waits while another process (a `sandbox serve`) holds the due deliveries' leases.

    Its worker saw the clock move and is sending them; the move goes on once it is done,
    so the next retries are scheduled from the instant they were due. False if nothing
    was leased (nothing more can be sent now) or the sender took too long.
    """
    deadline = time.monotonic() + ATTEMPT_TIMEOUT + 5
    while time.monotonic() < deadline:
        row = store.peek(
            "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'"
            " AND next_attempt_us <= ? AND lease_until_us IS NOT NULL",
            (due_us,),
        )
        if row is None or not row[0]:
            return True
        time.sleep(0.02)
    return False


def _last_attempt_seq(store: Store) -> int:
    row = store.peek("SELECT COALESCE(MAX(seq), 0) FROM webhook_attempts")
    return 0 if row is None else int(row[0])


def _attempts_since(store: Store, seq: int) -> list[dict[str, Any]]:
    """Every webhook attempt made since `seq`, by this process or another, in order."""
    with store.read() as tx:
        rows = tx.execute(
            "SELECT a.delivery_id, a.number, a.at_us, a.status, a.error, d.status AS state,"
            " e.type, p.url FROM webhook_attempts a"
            " JOIN webhook_deliveries d ON d.id = a.delivery_id"
            " JOIN webhook_events e ON e.id = d.event_id"
            " JOIN webhook_endpoints p ON p.id = d.endpoint_id"
            " WHERE a.seq > ? ORDER BY a.seq",
            (seq,),
        ).fetchall()
    return [
        {
            "delivery_id": row["delivery_id"],
            "attempt": row["number"],
            "at": format_ms(row["at_us"]),
            "event_type": row["type"],
            "endpoint_url": row["url"],
            "status_code": row["status"],
            "error": row["error"],
            # The delivery's state now (after any later attempt of this same move).
            "delivery_status": row["state"],
        }
        for row in rows
    ]


def requests(
    store: Store,
    *,
    method: str | None = None,
    status: str | int | None = None,
    path: str | None = None,
    since: datetime | timedelta | None = None,
    limit: int | None = None,
    bodies: bool = False,
    after_seq: int | None = None,
) -> list[dict[str, Any]]:
    """The request log, oldest first, filtered.

    `status`: 404, "404", "4xx" or "2xx"; `path`: exact, or a pattern with `*`
    (`/customers*`), from the API root or from `/api/v1`; `since`: an instant, or a
    duration back from the sandbox's now; `limit`: only the most recent N. Entries a
    sandbox running in this process still buffers are written first, so a test sees the
    request it just made.
    """
    flush(store)
    filters = requestlog.Filters(
        method=method.upper() if method else None,
        path_like=path_pattern(path) if path else None,
        since_us=_since_us(store, since),
        after_seq=after_seq,
        **status_filter(status),
    )
    return requestlog.select(store, filters, limit=limit, bodies=bodies)


def clear_requests(store: Store) -> int:
    """Empties the request log; how many entries it held."""
    flush(store)
    return requestlog.clear(store)


def flush(store: Store) -> None:
    """Writes the log entries this process's sandboxes on that database still buffer."""
    flush_journals(store)


def status_filter(status: str | int | None) -> Mapping[str, int]:
    """`Filters` fields for a status spec; ValueError for one that is none."""
    if status is None:
        return {}
    text = str(status).strip().lower()
    if len(text) == 3 and text[0] in "12345" and text[1:] == "xx":
        return {"status_class": int(text[0])}
    if text.isdigit() and 100 <= int(text) <= 599:
        return {"status": int(text)}
    raise ValueError(f"invalid status {status!r}: use a code (429) or a class (4xx)")


def path_pattern(path: str) -> str:
    """A LIKE pattern: `*` matches anything, other characters only themselves.

    A path starting at the API's root (`/customers*`) means it under `/api/v1`.
    """
    if path.startswith("/") and not path.startswith(API_ROOT + "/"):
        path = API_ROOT + path
    escaped = path.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.replace("*", "%")


def _since_us(store: Store, since: datetime | timedelta | None) -> int | None:
    if since is None:
        return None
    if isinstance(since, timedelta):
        return to_us(clock_now(store) - since)
    return to_us(since if since.tzinfo else since.replace(tzinfo=timezone.utc))


__all__ = [
    "ClockError",
    "advance",
    "clear_requests",
    "clock_now",
    "clock_offset",
    "flush",
    "requests",
    "reset_clock",
    "set_clock",
]
