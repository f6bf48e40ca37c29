"""Per-key sliding-window rate limits (60/min live, 30/min test by default).

Each key keeps a log of its request instants over the last 60 seconds. A request is
counted once its key is authenticated, whatever its outcome (401s never get here, as the
docs say). A request refused with 429 is not added to the log, so a client that honours
`Retry-After` gets through when it retries. `X-RateLimit-Reset` is the epoch second at
which the oldest logged request leaves the window, in real time even when the sandbox
clock has been moved: clients compare it with their own wall clock (as they do the
answer's `Date` and webhook signature timestamps), so it must end within a minute of
the answer whatever the offset. State lives in memory, per sandbox.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from dataclasses import dataclass

from pivotal_cli.sandbox.data.clockstate import StoreClock
from pivotal_cli.sandbox.data.timeutil import Clock, to_us
from pivotal_cli.sandbox.engine.errors import ApiError

WINDOW_SECONDS = 60
DEFAULT_LIVE = 60
DEFAULT_TEST = 30


@dataclass(frozen=True)
class RatePolicy:
    """Requests per window for each mode; None means unlimited."""

    live: int | None = DEFAULT_LIVE
    test: int | None = DEFAULT_TEST

    @classmethod
    def parse(cls, spec: str | int | None) -> RatePolicy:
        """`None`/`"default"` (60 live, 30 test), `"off"`, or one number for both modes."""
        if spec is None or spec == "default":
            return cls()
        if isinstance(spec, str) and spec.strip().lower() == "off":
            return cls(None, None)
        try:
            limit = int(spec)
        except ValueError:
            raise ValueError(
                f"invalid rate limit {spec!r}: expected a positive number or 'off'"
            ) from None
        if limit < 1:
            raise ValueError(f"invalid rate limit {spec!r}: expected a positive number or 'off'")
        return cls(limit, limit)

    def limit_for(self, mode: str) -> int | None:
        return self.test if mode == "test" else self.live


@dataclass(frozen=True)
class RateState:
    """The bucket after a request, as the `X-RateLimit-*` headers report it."""

    limit: int
    remaining: int
    reset: int

    def headers(self) -> tuple[tuple[str, str], ...]:
        return (
            ("X-RateLimit-Limit", str(self.limit)),
            ("X-RateLimit-Remaining", str(self.remaining)),
            ("X-RateLimit-Reset", str(self.reset)),
        )


class RateLimiter:
    """Counts requests per key and refuses the ones over the limit."""

    def __init__(self, policy: RatePolicy, clock: Clock) -> None:
        self.policy = policy
        self._clock = clock
        self._logs: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key_id: str, mode: str) -> RateState | None:
        """Counts one request; None when unlimited; raises the 429 when over the limit."""
        limit = self.policy.limit_for(mode)
        if limit is None:
            return None
        now_us = to_us(self._clock())
        now = now_us / 1_000_000
        # Windows run on sandbox time (an advance empties them); the reset is told in
        # real time (see the module docstring).
        offset = now - _real_us(self._clock, now_us) / 1_000_000
        with self._lock:
            log = self._logs.setdefault(key_id, deque())
            while log and log[0] <= now - WINDOW_SECONDS:
                log.popleft()
            if len(log) >= limit:
                raise _throttled(limit, log[0], now, offset)
            log.append(now)
            reset = math.ceil(log[0] + WINDOW_SECONDS - offset)
            return RateState(limit, limit - len(log), reset)


def _real_us(clock: Clock, sandbox_us: int) -> int:
    return clock.real_us(sandbox_us) if isinstance(clock, StoreClock) else sandbox_us


def _throttled(limit: int, oldest: float, now: float, offset: float) -> ApiError:
    retry_after = max(1, math.ceil(oldest + WINDOW_SECONDS - now))
    state = RateState(limit, 0, math.ceil(oldest + WINDOW_SECONDS - offset))
    return ApiError(
        "rate_limit_error",
        "rate_limited",
        f"Rate limit exceeded. Retry after {retry_after} seconds.",
        headers=(*state.headers(), ("Retry-After", str(retry_after))),
    )
