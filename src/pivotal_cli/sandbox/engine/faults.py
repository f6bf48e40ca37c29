"""Fault injection for testing clients: seeded, bounded, off by default, per route.

A spec is rules separated by `;`. A rule is either global items or `METHOD PATTERN
items` (see `fault_rules`), and items are comma-separated `name=value`:

- `500=P`, `400=P`, `401=P`, `403=P`, `404=P`, `409=P`: answer that documented error
  before doing anything (nothing is written). 404 names the route's resource
  (`customer_not_found`).
- `429=P`: answer `429 rate_limited` with `Retry-After` and the rate-limit headers a
  real 429 carries (`X-RateLimit-Remaining: 0`); `retry_after=N` sets N (default 1).
- `inflight=P`: a POST with an `Idempotency-Key` is answered the documented
  `409 idempotency_key_in_flight`, as if the key's first request were still running.
- `drop=P`: do the work, commit it, then cut the connection without an answer.
- `latency=[P:]DURATION`: wait DURATION (`250ms`, `1.5s`), with probability P (1 if
  left out), before handling.
- `max=N`: stop after N injected faults of this rule (delays count as faults).
- `seed=N` (global items only): seed of the one generator every rule draws from, so
  the same seed gives the same faults in the same order.

Each authenticated request is decided by the first route rule that matches its method
and path, else by the global items: it draws once for latency and once for an outcome,
and the outcome probabilities of one rule must add up to at most 1.
"""

from __future__ import annotations

import random
import re
import threading
from dataclasses import dataclass, field

from pivotal_cli.sandbox.engine.errors import ApiError, conflict, internal

# The documented error statuses a rule may inject, besides 500 and 429 (fields of their own).
ERROR_STATUSES = ("400", "401", "403", "404", "409")
_NAMES = (
    *("500", "429", *ERROR_STATUSES, "inflight", "drop"),
    *("latency", "retry_after", "seed", "max"),
)
_DURATION_RE = re.compile(r"(\d+(?:\.\d+)?)(ms|s)")
_RESOURCE_404 = {
    "customers": "customer_not_found",
    "contacts": "contact_not_found",
    "onboardings": "onboarding_not_found",
    "webhook_endpoints": "webhook_endpoint_not_found",
}


class FaultSpecError(ValueError):
    """A fault spec that cannot be parsed; the message says what to write instead."""


@dataclass(frozen=True)
class FaultPlan:
    """One rule's items (the global ones when it has no route)."""

    error_500: float = 0.0
    error_429: float = 0.0
    drop: float = 0.0
    latency_probability: float = 0.0
    latency_seconds: float = 0.0
    seed: int | None = None
    max_faults: int | None = None
    # (name, probability) of the other outcomes: the ERROR_STATUSES and `inflight`.
    others: tuple[tuple[str, float], ...] = ()
    retry_after: int = 1

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
        others = tuple(
            (name, _probability(values, name))
            for name in (*ERROR_STATUSES, "inflight")
            if name in values
        )
        retry_after = _count(values, "retry_after")
        plan = cls(
            error_500=_probability(values, "500"),
            error_429=_probability(values, "429"),
            drop=_probability(values, "drop"),
            **_latency(values.get("latency")),
            seed=_count(values, "seed"),
            max_faults=_count(values, "max"),
            others=others,
            retry_after=1 if retry_after is None else max(1, retry_after),
        )
        if plan.error_500 + plan.error_429 + plan.drop + sum(p for _, p in others) > 1:
            raise FaultSpecError("the probabilities of the outcomes add up to more than 1")
        return plan

    def outcomes(self) -> tuple[tuple[str, float], ...]:
        """Each outcome and its probability, in the order a draw walks them."""
        return (("500", self.error_500), ("429", self.error_429), *self.others, ("drop", self.drop))


@dataclass(frozen=True)
class Decision:
    """What to do to one request: wait `latency` seconds, then `outcome` (None: nothing)."""

    latency: float = 0.0
    outcome: str | None = None
    retry_after: int = 1

    def error(self, *, path: str, limit: int | None, now_s: float) -> ApiError | None:
        """The error response this decision injects, if it injects one."""
        outcome = self.outcome
        if outcome is None or outcome == "drop":
            return None
        if outcome == "500":
            return internal("Injected fault: internal error. Retry with backoff.")
        if outcome == "429":
            wait = self.retry_after
            return ApiError(
                "rate_limit_error",
                "rate_limited",
                f"Rate limit exceeded. Retry after {wait} seconds.",
                headers=(
                    ("Retry-After", str(wait)),
                    ("X-RateLimit-Limit", str(limit or 60)),
                    ("X-RateLimit-Remaining", "0"),
                    ("X-RateLimit-Reset", str(int(now_s) + wait)),
                ),
            )
        if outcome == "inflight":
            return conflict(
                "idempotency_key_in_flight",
                "Idempotency-Key request is already in flight. Retry shortly.",
            )
        return _status_error(outcome, path)


def _status_error(status: str, path: str) -> ApiError:
    if status == "404":
        segments = [s for s in path.split("?", 1)[0].split("/") if s]
        resource = segments[2] if len(segments) > 2 else ""
        code = _RESOURCE_404.get(resource, "not_found")
        return ApiError("not_found", code, "Injected fault: not found.")
    type_, code = {
        "400": ("invalid_request_error", "invalid_request"),
        "401": ("authentication_error", "invalid_api_key"),
        "403": ("permission_error", "forbidden"),
        "409": ("conflict", "conflict"),
    }[status]
    return ApiError(type_, code, f"Injected fault: {status}.")


@dataclass
class _Budget:
    """How many faults one rule has injected, against its `max`."""

    plan: FaultPlan
    injected: int = 0

    def spend(self) -> bool:
        if self.plan.max_faults is not None and self.injected >= self.plan.max_faults:
            return False
        self.injected += 1
        return True


_METHODS = ("GET", "POST", "PATCH", "DELETE", "PUT", "*")
_API_PREFIX = "/api/v1"


@dataclass(frozen=True)
class RouteRule:
    """`METHOD PATTERN items`: the items, for the requests whose method and path match.

    The pattern is a path under `/api/v1` (the prefix may be written or left out):
    `*` matches one segment, `**` any number of them (none too), a lone `*` any path.
    """

    method: str
    pattern: tuple[str, ...]
    plan: FaultPlan
    text: str

    def matches(self, method: str, path: str) -> bool:
        if self.method not in ("*", method.upper()):
            return False
        if self.pattern == ("*",):
            return True
        return _glob(self.pattern, _segments(path))


def _segments(path: str) -> tuple[str, ...]:
    path = path.split("?", 1)[0]
    if path.startswith(_API_PREFIX + "/") or path == _API_PREFIX:
        path = path[len(_API_PREFIX) :]
    return tuple(part for part in path.split("/") if part)


def _glob(pattern: tuple[str, ...], segments: tuple[str, ...]) -> bool:
    if not pattern:
        return not segments
    head, rest = pattern[0], pattern[1:]
    if head == "**":
        return any(_glob(rest, segments[i:]) for i in range(len(segments) + 1))
    if not segments or (head != "*" and head != segments[0]):
        return False
    return _glob(rest, segments[1:])


@dataclass(frozen=True)
class FaultRules:
    """Route rules in order, then the global items."""

    plan: FaultPlan = field(default_factory=FaultPlan)
    routes: tuple[RouteRule, ...] = ()

    @classmethod
    def parse(cls, spec: str) -> FaultRules:
        """Rules separated by `;`: a bad one is refused naming it."""
        plan: FaultPlan | None = None
        routes: list[RouteRule] = []
        for text in filter(None, (part.strip() for part in spec.split(";"))):
            words = text.split(None, 2)
            is_route = (
                len(words) >= 2
                and words[0].upper() in _METHODS
                and (words[1].startswith("/") or words[1] == "*")
            )
            try:
                if not is_route:
                    if plan is not None:
                        raise FaultSpecError("the global faults are given twice")
                    plan = FaultPlan.parse(text)
                    continue
                rule_plan = FaultPlan.parse(words[2] if len(words) > 2 else "")
                if rule_plan.seed is not None:
                    raise FaultSpecError("seed= goes with the global faults, not in a route rule")
            except FaultSpecError as error:
                raise FaultSpecError(f"fault rule {text!r}: {error}") from None
            pattern = ("*",) if words[1] == "*" else _segments(words[1])
            routes.append(RouteRule(words[0].upper(), pattern, rule_plan, text))
        return cls(plan or FaultPlan(), tuple(routes))


class FaultInjector:
    """Draws decisions from the rules, thread-safely, within each rule's `max` budget."""

    def __init__(self, rules: FaultPlan | FaultRules) -> None:
        self.rules = rules if isinstance(rules, FaultRules) else FaultRules(rules)
        self.plan = self.rules.plan
        self._budgets = [_Budget(rule.plan) for rule in self.rules.routes]
        self._global = _Budget(self.plan)
        self._rng = random.Random(self.plan.seed)
        self._lock = threading.Lock()

    @property
    def injected(self) -> int:
        """Faults injected so far, every rule's together."""
        return self._global.injected + sum(b.injected for b in self._budgets)

    def decide(self, method: str = "GET", path: str = "/", *, idempotent: bool = False) -> Decision:
        budget = self._global
        for rule, rule_budget in zip(self.rules.routes, self._budgets, strict=True):
            if rule.matches(method, path):
                budget = rule_budget
                break
        plan = budget.plan
        with self._lock:
            delay = self._rng.random() < plan.latency_probability
            roll = self._rng.random()
            latency = plan.latency_seconds if delay and budget.spend() else 0.0
            outcome = _outcome(plan, roll)
            if outcome == "inflight" and not (idempotent and method == "POST"):
                outcome = None  # only a POST with a key can be in flight
            chosen = outcome if outcome and budget.spend() else None
            return Decision(latency, chosen, plan.retry_after)


def _outcome(plan: FaultPlan, roll: float) -> str | None:
    for name, probability in plan.outcomes():
        if roll < probability:
            return name
        roll -= probability
    return None


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
    probability, sep, duration = raw.rpartition(":")
    match = _DURATION_RE.fullmatch(duration.strip())
    if match is None:
        raise FaultSpecError(
            f"latency={raw}: expected [PROBABILITY:]DURATION, e.g. latency=0.1:250ms"
        )
    seconds = float(match.group(1)) / (1000 if match.group(2) == "ms" else 1)
    return {
        "latency_probability": _probability({}, "latency", probability.strip()) if sep else 1.0,
        "latency_seconds": seconds,
    }


def _count(values: dict[str, str], name: str) -> int | None:
    if name not in values:
        return None
    text = values[name]
    if not text.isdigit():
        raise FaultSpecError(f"{name}={text}: expected a whole number")
    return int(text)
