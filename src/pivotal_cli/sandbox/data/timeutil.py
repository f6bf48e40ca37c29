"""Time for the sandbox: an injectable clock, microsecond integers, ISO 8601 in and out.

The store keeps every instant as integer microseconds since the Unix epoch (UTC): they
sort, compare and bump by one without any float or string surprises. Objects show
instants with millisecond precision (`2026-05-26T17:21:09.412Z`, as the docs do); only
pagination cursors carry the full microseconds, so rows created within one millisecond
are never skipped or repeated.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

Clock = Callable[[], datetime]
"""Returns the current time as an aware UTC datetime."""

Sleep = Callable[[float], None]
"""Waits the given number of seconds (injected so tests never wait)."""

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_NAIVE_EPOCH = datetime(1970, 1, 1)
_ONE_US = timedelta(microseconds=1)

# Accepts what real clients send: `Z`/`z`, `+02:00`, `+0200` or no offset (read as
# UTC), 0-9 fraction digits. A `+` in a query string arrives as a space, so a space
# before the offset is accepted too.
_DATETIME_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?"
    r"(?:([Zz])|[+ \-]\d{2}:?\d{2})?"
)
_OFFSET_RE = re.compile(r"([+ \-])(\d{2}):?(\d{2})$")
_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def utc_now() -> datetime:
    """The real clock."""
    return datetime.now(timezone.utc)


STEPPING_START = datetime(2026, 5, 26, 17, 21, 9, 412000, tzinfo=timezone.utc)


class SteppingClock:
    """A clock for runs that must replay exactly: each read returns the last one plus `step`.

    With the real clock, which rows share a millisecond (and so which `created_at` values
    and cursors a client reads back and reuses) depends on machine speed. Here the time
    depends only on how many times the sandbox has read the clock, so one request
    sequence always sees the same instants. The conformance run and tests use it; the
    sandbox itself defaults to `utc_now`.
    """

    def __init__(
        self, start: datetime = STEPPING_START, step: timedelta = timedelta(milliseconds=1)
    ) -> None:
        if start.tzinfo is None or step <= timedelta(0):
            raise ValueError("SteppingClock needs an aware start and a positive step")
        self._next = start
        self._step = step
        # Reads come from the server's worker threads; each must get its own instant.
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            now = self._next
            self._next += self._step
        return now


def to_us(moment: datetime) -> int:
    """Microseconds since the epoch for an aware datetime."""
    return (moment - _EPOCH) // _ONE_US


def from_us(us: int) -> datetime:
    """The aware UTC datetime for microseconds since the epoch."""
    return _EPOCH + timedelta(microseconds=us)


@lru_cache(maxsize=4096)
def _second(seconds: int) -> str:
    # Not strftime: its %Y drops leading zeros (year 307, not 0307) on some platforms;
    # isoformat always writes four, and from a naive epoch it adds no offset. Cached by
    # the second: a list page's instants share a few, and this is its most frequent call.
    return (_NAIVE_EPOCH + timedelta(seconds=seconds)).isoformat()


def format_ms(us: int) -> str:
    """`2026-05-26T17:21:09.412Z`: how objects show instants."""
    seconds, micro = divmod(us, 1_000_000)
    return f"{_second(seconds)}.{micro // 1000:03d}Z"


def format_us(us: int) -> str:
    """`2026-05-26T17:21:09.412345Z`: how pagination cursors show instants."""
    seconds, micro = divmod(us, 1_000_000)
    return f"{_second(seconds)}.{micro:06d}Z"


def format_optional_ms(us: int | None) -> str | None:
    """`format_ms`, passing null through."""
    return None if us is None else format_ms(us)


def truncate_to_ms(us: int) -> int:
    """Drops sub-millisecond digits so a stored date reads back exactly as shown."""
    return us - us % 1000


def parse_datetime(text: str) -> int | None:
    """Microseconds for an ISO 8601 date-time, or None when it is not one."""
    match = _DATETIME_RE.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction = match.groups()[:7]
    offset = _offset_of(text) if match.group(8) is None else timedelta(0)
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        naive = datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second or 0), micro
        )
        return to_us(naive.replace(tzinfo=timezone.utc) - offset)
    except (ValueError, OverflowError):
        return None


def parse_date_or_datetime(text: str) -> int | None:
    """Like `parse_datetime`, also taking a bare `YYYY-MM-DD` as midnight UTC."""
    match = _DATE_RE.fullmatch(text)
    if match is None:
        return parse_datetime(text)
    try:
        day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
    return to_us(datetime(day.year, day.month, day.day, tzinfo=timezone.utc))


def _offset_of(text: str) -> timedelta:
    match = _OFFSET_RE.search(text)
    if match is None:
        return timedelta(0)
    sign = -1 if match.group(1) == "-" else 1
    return sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3)))


_DURATION_PART = re.compile(r"(\d+)(w|d|h|m|s)")
_UNIT_SECONDS = {"w": 7 * 86400, "d": 86400, "h": 3600, "m": 60, "s": 1}


def parse_duration(text: str) -> timedelta | None:
    """`90s`, `15m`, `2h`, `14d`, `1w` or combinations (`1d12h`, `1w2d`); None if not one."""
    compact = text.strip().lower()
    if not compact:
        return None
    position, seconds = 0, 0
    for match in _DURATION_PART.finditer(compact):
        if match.start() != position:
            return None
        seconds += int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        position = match.end()
    if position != len(compact):
        return None
    try:
        return timedelta(seconds=seconds)
    except OverflowError:
        return None
