"""Polling one onboarding until its conditions say pass or fail, or time runs out.

The loop reads the record, reports each change through `on_reading`, and asks
`domain/watch.py` for the verdict. Between readings it waits the interval, or longer
when the rate-limit headers the client tracks say the budget is getting short (at
most `BUDGET_SHARE` of what is left); a 429 is retried by the client itself, as for
every command. A 404 is never a pass: a record that disappears while watched ends the
watch at once, and one that was never seen is retried for the grace period only (it
may have been created a moment ago, on a replica that has not caught up).

The clock and the sleep are injected, so tests drive a watch without waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pivotal_cli.client import onboardings
from pivotal_cli.client.http import Client
from pivotal_cli.domain.records import Record
from pivotal_cli.domain.watch import Condition, Verdict, changes, poll_delay, verdict
from pivotal_cli.errors import NotFoundError, WatchTimeoutError

Reading = Callable[[Record, dict[str, tuple[Any, Any]]], None]


@dataclass(frozen=True)
class WatchSpec:
    """What to watch for and how patiently: times in seconds (`timeout` None: forever)."""

    until: Sequence[Condition]
    fail_on: Sequence[Condition] = ()
    interval: float = 5.0
    timeout: float | None = None
    grace: float = 10.0


@dataclass
class Clock:
    """Elapsed time (`monotonic`), the wall clock the rate-limit reset is in, and a sleep."""

    monotonic: Callable[[], float] = time.monotonic
    wall: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep


@dataclass
class WatchResult:
    """How a watch ended (a pass or a fail condition), with the last reading."""

    verdict: Verdict
    record: Record
    readings: int = field(default=0)


def watch(
    client: Client,
    ref: str,
    spec: WatchSpec,
    on_reading: Reading,
    clock: Clock | None = None,
) -> WatchResult:
    """Poll onboarding `ref` until a verdict; raise on a timeout or a record gone.

    `on_reading(record, changed)` is called on the first reading (`changed` empty) and
    on every reading that changed something. Raises `WatchTimeoutError` when the
    timeout passes first and the API's `NotFoundError` when the record is gone.
    """
    clock = clock or Clock()
    start = clock.monotonic()
    previous: Record | None = None
    readings = 0
    while True:
        try:
            record = onboardings.get(client, ref)
        except NotFoundError:
            # Seen before: deleted while watched. Never seen: only within the grace
            # (and the timeout: a record never found is reported as not found).
            patience = spec.grace if spec.timeout is None else min(spec.grace, spec.timeout)
            if previous is not None or clock.monotonic() - start >= patience:
                raise
        else:
            readings += 1
            changed = changes(previous, record)
            if previous is None or changed:
                on_reading(record, changed)
            previous = record
            outcome = verdict(record, spec.until, spec.fail_on)
            if outcome is not None:
                return WatchResult(outcome, record, readings)
        elapsed = clock.monotonic() - start
        if spec.timeout is not None and elapsed >= spec.timeout:
            raise _timed_out(ref, spec, previous)
        delay = poll_delay(
            spec.interval,
            remaining=client.rate_limit.remaining,
            reset=client.rate_limit.reset,
            now=clock.wall(),
        )
        if spec.timeout is not None:
            delay = min(delay, spec.timeout - elapsed)
        if previous is None:  # not found yet: look again before the grace ends
            delay = min(delay, max(0.0, spec.grace - (clock.monotonic() - start)))
        clock.sleep(max(0.0, delay))


def _timed_out(ref: str, spec: WatchSpec, last: Record | None) -> WatchTimeoutError:
    wanted = " and ".join(c.text for c in spec.until) or "a verdict"
    where = f" (last seen: phase {last.get('phase')}, state {last.get('state')})" if last else ""
    return WatchTimeoutError(
        f"Onboarding {ref} did not reach {wanted} within {spec.timeout:g} s{where}.",
        details={"display_id": ref},
    )
