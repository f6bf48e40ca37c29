"""The workspace at a glance: onboardings grouped into the sections `status` and `dash` show.

Pure functions over onboarding records as the API returns them: no I/O, no clock.
The caller passes `today` (a UTC date) and gets back every section, so one walk of the
onboardings list answers the whole view. Also here: which week a date names, and how
often a live view may refresh without spending more than its share of the rate limit.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from pivotal_cli.domain.workflow import PHASES

COMPLETED = "completed"
LAUNCH = "launch"

# (key, title) in the order the view shows them.
SECTIONS = (
    ("launching", "Launching this week"),
    ("at_risk", "At risk"),
    ("waiting", "Waiting on customer"),
    ("overdue", "Overdue"),
)

# A live view may spend at most this share of the key's per-minute budget, so the
# person's other commands (and other tools on the same key) still have room.
BUDGET_SHARE = 0.2
MIN_INTERVAL = 10.0
FALLBACK_LIMIT = 60  # requests per minute, when the API reports nothing


@dataclass(frozen=True)
class Week:
    """Monday to Sunday, both inclusive."""

    start: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def week_of(day: date) -> Week:
    """The Monday–Sunday week that contains `day`."""
    start = day - timedelta(days=day.weekday())
    return Week(start, start + timedelta(days=6))


def target_date(record: Mapping[str, Any]) -> date | None:
    """The day of an onboarding's target_launch_date (UTC), or None if unset or unreadable."""
    value = record.get("target_launch_date")
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def is_waiting(record: Mapping[str, Any]) -> bool:
    return record.get("state") == "waiting" or record.get("waiting_on_customer") is True


@dataclass
class Glance:
    """The grouped view: rows per section (records, unchanged) and counts by phase."""

    today: date
    week: Week
    sections: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    by_phase: dict[str, int] = field(default_factory=dict)
    total: int = 0

    def customer_ids(self) -> list[str]:
        """Customers named in some section, each once, in order of first appearance."""
        seen: dict[str, None] = {}
        for rows in self.sections.values():
            for row in rows:
                seen.setdefault(str(row.get("customer_id")), None)
        return list(seen)


def _order(record: Mapping[str, Any]) -> tuple[date, int]:
    # Soonest target first (unset last), then by display_id for a stable order.
    display_id = record.get("display_id")
    return (
        target_date(record) or date.max,
        display_id if isinstance(display_id, int) else 0,
    )


def glance(records: Iterable[Mapping[str, Any]], today: date, week: Week | None = None) -> Glance:
    """Group onboardings into the sections; `week` defaults to the one holding `today`.

    * launching: in the launch phase, or a target date inside the week, not completed;
    * at_risk: state at_risk;
    * waiting: state waiting, or flagged waiting_on_customer;
    * overdue: target date before `today`, not completed.

    An onboarding may sit in several sections. Every phase has a count, zero included.
    """
    week = week or week_of(today)
    result = Glance(today, week, {key: [] for key, _ in SECTIONS}, dict.fromkeys(PHASES, 0))
    for record in records:
        row = dict(record)
        phase = str(row.get("phase"))
        result.total += 1
        result.by_phase[phase] = result.by_phase.get(phase, 0) + 1
        target = target_date(row)
        open_ = phase != COMPLETED
        if phase == LAUNCH or (open_ and target in week):
            result.sections["launching"].append(row)
        if row.get("state") == "at_risk":
            result.sections["at_risk"].append(row)
        if is_waiting(row):
            result.sections["waiting"].append(row)
        if open_ and target is not None and target < today:
            result.sections["overdue"].append(row)
    for rows in result.sections.values():
        rows.sort(key=_order)
    return result


def summary_row(record: Mapping[str, Any], name_of: Callable[[str], str | None]) -> dict[str, Any]:
    """What a section shows of one onboarding."""
    customer_id = str(record.get("customer_id"))
    target = target_date(record)
    return {
        "display_id": record.get("display_id"),
        "customer_id": customer_id,
        "customer": name_of(customer_id) or customer_id,
        "phase": record.get("phase"),
        "state": record.get("state"),
        "target_launch_date": target.isoformat() if target else None,
    }


def as_json(
    view: Glance, name_of: Callable[[str], str | None], generated_at: str
) -> dict[str, Any]:
    """The one JSON object `status --json` prints."""
    return {
        "generated_at": generated_at,
        "today": view.today.isoformat(),
        "week": {"start": view.week.start.isoformat(), "end": view.week.end.isoformat()},
        "total": view.total,
        "sections": {
            key: {
                "title": title,
                "count": len(view.sections[key]),
                "rows": [summary_row(r, name_of) for r in view.sections[key]],
            }
            for key, title in SECTIONS
        },
        "by_phase": dict(view.by_phase),
    }


def refresh_cost(onboardings: int, customers: int, page_size: int = 100) -> int:
    """Requests one refresh makes: every page of the list (an empty list still costs
    one; a full last page may cost one more to learn it was the last), plus a lookup
    per customer shown."""
    return onboardings // page_size + 1 + customers


def refresh_interval(
    cost: int,
    limit_per_minute: int | None,
    *,
    requested: float | None = None,
    share: float = BUDGET_SHARE,
    floor: float = MIN_INTERVAL,
) -> float:
    """Seconds between refreshes so that `cost` requests each time spend at most
    `share` of a `limit_per_minute` budget (FALLBACK_LIMIT when unknown or nonsense).

    Never below `floor`; `requested` may lengthen the interval, never shorten it.
    """
    limit = limit_per_minute if limit_per_minute and limit_per_minute > 0 else FALLBACK_LIMIT
    allowed_per_minute = limit * share
    budget = 60.0 * max(cost, 1) / allowed_per_minute
    interval = max(floor, math.ceil(budget))
    if requested is not None and requested > interval:
        interval = requested
    return float(interval)


def week_named(value: str | None, today: date) -> Week:
    """The week `--week` names: this (default), next, last, or the one holding a date.

    Raises ValueError for anything else.
    """
    word = (value or "this").strip().lower()
    shifts = {"this": 0, "next": 7, "last": -7}
    if word in shifts:
        return week_of(today + timedelta(days=shifts[word]))
    return week_of(date.fromisoformat(word))
