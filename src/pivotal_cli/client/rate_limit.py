"""The rate-limit headers: the bucket the API reports, self-pacing, and Retry-After."""

from __future__ import annotations

import email.utils
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass
class RateLimit:
    """The bucket state the API reported on the last response."""

    limit: int | None = None
    remaining: int | None = None
    reset: float | None = None  # unix epoch seconds

    def update(self, raw_headers: Iterable[tuple[bytes, bytes]]) -> None:
        """Read the bucket from an answer's headers, as httpx's raw byte pairs: one pass,
        decoding only the rate-limit ones (httpx would decode them all for each lookup)."""
        headers = {
            name.decode("latin-1").lower(): value.decode("latin-1")
            for name, value in raw_headers
            if name[:12].lower() == b"x-ratelimit-"
        }
        self.limit = _int_header(headers, "x-ratelimit-limit", self.limit)
        self.remaining = _int_header(headers, "x-ratelimit-remaining", self.remaining)
        reset = _int_header(headers, "x-ratelimit-reset", None)
        if reset is not None:
            self.reset = float(reset)

    def pacing_delay(self, now: float) -> float:
        """Seconds to wait before the next call so the bucket is not run dry.

        While plenty is left, no wait. Once the remaining calls drop to a tenth of the
        limit, spread them over what is left of the window; with none left, wait for
        the window to reset. This is what the Bulk operations guide recommends.
        """
        if self.limit is None or self.remaining is None or self.reset is None:
            return 0.0
        window_left = self.reset - now
        if window_left <= 0:
            return 0.0
        if self.remaining <= 0:
            return window_left
        if self.remaining > max(1, self.limit // 10):
            return 0.0
        return window_left / (self.remaining + 1)


def _int_header(headers: Mapping[str, str], name: str, default: int | None) -> int | None:
    value = headers.get(name)
    if value is None:
        return default
    try:
        return int(float(value))
    except ValueError:
        return default


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)
