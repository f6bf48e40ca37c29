"""The retry policy: how often one call is tried, and how long to wait before the next.

429s are ridden out honouring Retry-After (a throttled request was never processed, so
any method may retry); 5xx are retried only when the call is safe to repeat (an
idempotent method, or a POST with an Idempotency-Key); the waits are capped
exponential backoff with jitter. The loop that applies it is `Client.request`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pivotal_cli.errors import APIError, RateLimitError, ServerError


@dataclass
class RetryPolicy:
    """How hard the client tries before it gives up on one call."""

    max_attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 20.0
    # A Retry-After longer than this is not waited out: the user is told instead.
    max_retry_after: float = 90.0
    in_flight_delay: float = 1.0
    # Attempts when the connection itself fails (refused, no route, DNS): that is
    # rarely a blip that a retry cures, so one retry at most; checks use 1 (none).
    max_connect_attempts: int = 2
    # Seconds one call may wait for answers in all (attempts and backoff; a wait the
    # server asked for with Retry-After is an answer, so it is not counted); None:
    # only the client's own `budget`, if it has one, bounds the call.
    call_timeout: float | None = None

    def backoff(self, attempt: int, jitter: Callable[[], float]) -> float:
        """Capped exponential backoff with jitter (between half and all of the step)."""
        step = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        return step * (0.5 + jitter() / 2)

    def wait_after(
        self, error: APIError, retry_safe: bool, attempt: int, jitter: Callable[[], float]
    ) -> float | None:
        """Seconds to wait before retrying after `error`, or None to give up."""
        if attempt >= self.max_attempts:
            return None
        if isinstance(error, RateLimitError) or error.status == 429:
            if error.retry_after is not None and error.retry_after > self.max_retry_after:
                # Not waited out: the error now says so, and the user waits instead.
                error.reason = "retry_after_too_long"
                return None
            if error.retry_after is not None:
                return error.retry_after + jitter() * 0.5
            return self.backoff(attempt, jitter)
        if error.code == "idempotency_key_in_flight":
            return self.in_flight_delay
        if retry_safe and (isinstance(error, ServerError) or error.status >= 500):
            if error.retry_after is not None and error.retry_after <= self.max_retry_after:
                return error.retry_after
            return self.backoff(attempt, jitter)
        return None
