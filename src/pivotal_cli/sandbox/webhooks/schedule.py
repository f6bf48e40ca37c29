"""The documented retry schedule, scaled by a time scale for tests and demos.

Attempt 1 is immediate; attempts 2 to 7 follow the previous one by 5 s, 5 min, 30 min,
2 h, 5 h and 10 h; attempt 8, the last, is 24 h after the first. A time scale multiplies
every delay (0.001 turns 24 h into 86.4 s), read from `PIVOTAL_SANDBOX_WEBHOOK_TIME_SCALE`
when the caller passes none.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

TIME_SCALE_ENV = "PIVOTAL_SANDBOX_WEBHOOK_TIME_SCALE"

# Delay before attempt n+1 after attempt n, for n = 1..6 (index n-1), in seconds.
DELAYS_AFTER_PREVIOUS = (5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600)
FINAL_AFTER_FIRST = 24 * 3600
MAX_ATTEMPTS = 8
# An endpoint is disabled after this many deliveries in a row end in failure.
DISABLE_AFTER_FAILURES = 100
# A response slower than this is a failed attempt.
ATTEMPT_TIMEOUT = 10.0
_US = 1_000_000


def parse_time_scale(value: str | float | None) -> float:
    """A positive, finite time scale; None or empty means 1 (real time)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 1.0
    try:
        scale = float(value)
    except ValueError:
        raise ValueError(f"time scale {value!r} is not a number") from None
    if not math.isfinite(scale) or scale <= 0:
        raise ValueError(f"time scale {value!r} must be a number above 0")
    return scale


def time_scale_from(env: Mapping[str, str]) -> float:
    """The time scale the environment sets, 1 without one."""
    try:
        return parse_time_scale(env.get(TIME_SCALE_ENV))
    except ValueError as error:
        raise ValueError(f"{TIME_SCALE_ENV}: {error}") from None


def next_attempt_us(attempts_done: int, first_us: int, last_us: int, scale: float) -> int | None:
    """When attempt `attempts_done + 1` is due, or None when `attempts_done` was the last."""
    if attempts_done >= MAX_ATTEMPTS:
        return None
    if attempts_done < MAX_ATTEMPTS - 1:
        return last_us + round(DELAYS_AFTER_PREVIOUS[attempts_done - 1] * scale * _US)
    # The final attempt keeps its place 24 h after the first, whatever the delays did.
    return max(last_us, first_us + round(FINAL_AFTER_FIRST * scale * _US))
