"""What `onboardings watch` waits for: conditions on an onboarding, checked without I/O.

A condition is `field=value`, `field!=value`, or, on the ordered fields (the phase,
whose order is the workflow's, and the integers), `field>=value` / `field<=value`. Any
top-level field of the onboarding can be named; the names and values are checked
against the schema before anything is sent, so a typo is caught at once instead of
never matching. The verdict on a record: a fail condition that holds fails it (even
when the pass conditions hold too: a watch never passes what it was told to fail);
else it passes when every pass condition holds.

Also here: what changed between two readings, a duration as people write it (`2h`,
`90s`, `1h30m`), and how long to wait between polls so a watch spends no more than a
set share of the rate budget the API reports.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pivotal_cli.domain import schema
from pivotal_cli.errors import UsageError

# A watch uses at most this share of the requests left in the rate-limit window, so
# the commands and imports running beside it keep the rest.
BUDGET_SHARE = 0.1
# Fields that change on every write: a change there is not news.
QUIET_FIELDS = frozenset({"updated_at"})
_OPERATORS = (">=", "<=", "!=", "=")
_DURATION = re.compile(r"(\d+(?:\.\d+)?)([hms])")
_UNIT = {"h": 3600.0, "m": 60.0, "s": 1.0}


@dataclass(frozen=True)
class Condition:
    """One `field OP value`; `value` is already the field's type (None for null)."""

    field: str
    op: str
    value: Any
    text: str

    def holds(self, record: Mapping[str, Any]) -> bool:
        actual = record.get(self.field)
        if self.op == "=":
            return bool(actual == self.value)
        if self.op == "!=":
            return bool(actual != self.value)
        if actual is None:
            return False
        left, right = _ordinal(self.field, actual), _ordinal(self.field, self.value)
        if left is None or right is None:
            return False
        return left >= right if self.op == ">=" else left <= right


def _ordinal(field: str, value: Any) -> float | None:
    if field == "phase":
        return float(schema.PHASES.index(value)) if value in schema.PHASES else None
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def parse_condition(text: str) -> Condition:
    """`phase>=launch` as a Condition, checked against the onboarding schema."""
    for op in _OPERATORS:
        name, found, raw = text.partition(op)
        if found:
            break
    else:
        raise UsageError(f"'{text}' is not FIELD=VALUE (e.g. phase=launch, state=at_risk).")
    name, raw = name.strip(), raw.strip()
    field = schema.field("onboarding", name)
    if field is None:
        known = ", ".join(schema.field_names("onboarding"))
        raise UsageError(f"'{text}': onboardings have no field '{name}'. Their fields: {known}.")
    ordered = name == "phase" or field.type in ("integer", "number")
    if op in (">=", "<=") and not ordered:
        raise UsageError(
            f"'{text}': {op} compares the phase (in workflow order) or a number; "
            f"use = or != for {name}."
        )
    return Condition(name, op, _typed(text, field, raw), text)


def _typed(text: str, field: schema.Field, raw: str) -> Any:
    if raw == "null":
        if field.nullable:
            return None
        raise UsageError(f"'{text}': {field.name} is never null.")
    if field.enum:
        if raw not in field.enum:
            valid = ", ".join(field.enum)
            raise UsageError(f"'{text}': '{raw}' is not a valid {field.name}. Valid: {valid}.")
        return raw
    if field.type == "boolean":
        if raw not in ("true", "false"):
            raise UsageError(f"'{text}': {field.name} is true or false.")
        return raw == "true"
    if field.type in ("integer", "number"):
        try:
            return int(raw) if field.type == "integer" else float(raw)
        except ValueError:
            raise UsageError(f"'{text}': {field.name} is a number, not '{raw}'.") from None
    if field.type in ("array", "object"):
        raise UsageError(f"'{text}': {field.name} holds a {field.type}; name a plain field.")
    return raw


@dataclass(frozen=True)
class Verdict:
    """The end of a watch: passed, or failed on `failed` (the fail condition that held)."""

    passed: bool
    failed: Condition | None = None


def verdict(
    record: Mapping[str, Any], until: Sequence[Condition], fail_on: Sequence[Condition]
) -> Verdict | None:
    """Fail if any fail condition holds; pass if every pass condition does; else None."""
    for condition in fail_on:
        if condition.holds(record):
            return Verdict(passed=False, failed=condition)
    if until and all(condition.holds(record) for condition in until):
        return Verdict(passed=True)
    return None


def changes(
    before: Mapping[str, Any] | None, after: Mapping[str, Any]
) -> dict[str, tuple[Any, Any]]:
    """Each top-level field whose value differs, as (old, new); none on a first reading."""
    if before is None:
        return {}
    return {
        name: (before.get(name), value)
        for name, value in after.items()
        if name not in QUIET_FIELDS and before.get(name) != value
    }


def parse_duration(text: str) -> float:
    """Seconds in `2h`, `30m`, `90s`, `1h30m` or a plain number of seconds."""
    text = text.strip().lower()
    try:
        seconds = float(text)
    except ValueError:
        parts = _DURATION.findall(text)
        if not parts or "".join(n + u for n, u in parts) != text:
            raise UsageError(
                f"'{text}' is not a duration: write 90, 90s, 30m, 2h or 1h30m."
            ) from None
        seconds = sum(float(n) * _UNIT[u] for n, u in parts)
    if not seconds > 0:
        raise UsageError(f"'{text}': a duration must be above 0.")
    return seconds


def poll_delay(
    interval: float,
    *,
    remaining: int | None,
    reset: float | None,
    now: float,
    share: float = BUDGET_SHARE,
) -> float:
    """Seconds to the next poll: `interval`, or longer to stay within `share` of the budget.

    With `remaining` requests left until the window resets at `reset` (epoch seconds),
    the watch may send `remaining * share` of them in that time, evenly spread.
    """
    if remaining is None or reset is None:
        return interval
    window_left = reset - now
    if window_left <= 0:
        return interval
    allowed = remaining * share
    if allowed < 1:
        return max(interval, window_left)  # nothing to spare: wait for the new window
    return max(interval, window_left / allowed)
