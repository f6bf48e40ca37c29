"""Fault injection for testing clients: seeded, bounded, off by default.

Spec: comma-separated `name=value` items, e.g.
`500=0.05,429=0.02,latency=0.1:250ms,drop=0.02,seed=7,max=100`.

- `500=P`: answer `500 internal_error` before doing anything (nothing is written).
- `429=P`: answer `429 rate_limited` with `Retry-After: 1` (nothing is written).
- `drop=P`: do the work, commit it, then cut the connection without an answer.
- `latency=P:DURATION`: wait DURATION (`250ms`, `1.5s`) before handling.
- `seed=N`: seed of the random generator (same seed, same faults, same order).
- `max=N`: stop injecting after N faults in all (delays count as faults).

Each authenticated request draws once for latency and once for an outcome; the outcome
probabilities must add up to at most 1.
"""

from __future__ import annotations

import random
import re
import threading
from dataclasses import dataclass

_NAMES = ("500", "429", "drop", "latency", "seed", "max")
_DURATION_RE = re.compile(r"(\d+(?:\.\d+)?)(ms|s)")


class FaultSpecError(ValueError):
    """A fault spec that cannot be parsed; the message says what to write instead."""


@dataclass(frozen=True)
class FaultPlan:
    """The parsed spec."""

    error_500: float = 0.0
    error_429: float = 0.0
    drop: float = 0.0
    latency_probability: float = 0.0
    latency_seconds: float = 0.0
    seed: int | None = None
    max_faults: int | None = None

    @classmethod
    def parse(cls, spec: str) -> FaultPlan:
        values: dict[str, str] = {}
        for item in filter(None, (part.strip() for part in spec.split(","))):
            name, sep, value = item.partition("=")
            name = name.strip().lower()
            if not sep or name not in _NAMES:
                raise FaultSpecError(
                    f"invalid fault {item!r}: expected NAME=VALUE with NAME one of "
                    + ", ".join(_NAMES)
                )
            if name in values:
                raise FaultSpecError(f"fault {name!r} is given twice")
            values[name] = value.strip()
        plan = cls(
            error_500=_probability(values, "500"),
            error_429=_probability(values, "429"),
            drop=_probability(values, "drop"),
            **_latency(values.get("latency")),
            seed=_count(values, "seed"),
            max_faults=_count(values, "max"),
        )
        if plan.error_500 + plan.error_429 + plan.drop > 1:
            raise FaultSpecError("the probabilities of 500, 429 and drop add up to more than 1")
        return plan


@dataclass(frozen=True)
class Decision:
    """What to do to one request: wait `latency` seconds, then `outcome` (None: nothing)."""

    latency: float = 0.0
    outcome: str | None = None


class FaultInjector:
    """Draws decisions from a plan, thread-safely, within the `max` budget."""

    def __init__(self, plan: FaultPlan) -> None:
        self.plan = plan
        self.injected = 0
        self._rng = random.Random(plan.seed)
        self._lock = threading.Lock()

    def decide(self) -> Decision:
        with self._lock:
            delay = self._rng.random() < self.plan.latency_probability
            roll = self._rng.random()
            latency = self.plan.latency_seconds if delay and self._spend() else 0.0
            outcome = self._outcome(roll)
            return Decision(latency, outcome if outcome and self._spend() else None)

    def _outcome(self, roll: float) -> str | None:
        plan = self.plan
        for name, probability in (("500", plan.error_500), ("429", plan.error_429)):
            if roll < probability:
                return name
            roll -= probability
        return "drop" if roll < plan.drop else None

    def _spend(self) -> bool:
        if self.plan.max_faults is not None and self.injected >= self.plan.max_faults:
            return False
        self.injected += 1
        return True


def _probability(values: dict[str, str], name: str, raw: str | None = None) -> float:
    text = values.get(name, "0") if raw is None else raw
    try:
        probability = float(text)
    except ValueError:
        probability = -1.0
    if not 0 <= probability <= 1:
        raise FaultSpecError(f"{name}={text}: expected a probability between 0 and 1")
    return probability


def _latency(raw: str | None) -> dict[str, float]:
    if raw is None:
        return {}
    probability, sep, duration = raw.partition(":")
    match = _DURATION_RE.fullmatch(duration.strip())
    if not sep or match is None:
        raise FaultSpecError(
            f"latency={raw}: expected PROBABILITY:DURATION, e.g. latency=0.1:250ms"
        )
    seconds = float(match.group(1)) / (1000 if match.group(2) == "ms" else 1)
    return {
        "latency_probability": _probability({}, "latency", probability.strip()),
        "latency_seconds": seconds,
    }


def _count(values: dict[str, str], name: str) -> int | None:
    if name not in values:
        return None
    text = values[name]
    if not text.isdigit():
        raise FaultSpecError(f"{name}={text}: expected a whole number")
    return int(text)
