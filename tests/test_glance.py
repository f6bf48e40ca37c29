"""The workspace-at-a-glance grouping, week naming, refresh pricing and the dash loop."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from pivotal_cli.cli.commands.dash import Frame, footer, run_loop
from pivotal_cli.domain.glance import (
    FALLBACK_LIMIT,
    MIN_INTERVAL,
    Week,
    glance,
    refresh_cost,
    refresh_interval,
    week_named,
    week_of,
)
from pivotal_cli.domain.schema import PHASES
from pivotal_cli.errors import NetworkError

TODAY = date(2026, 12, 2)  # a Wednesday


def ob(n: int, phase: str = "review", state: str = "active", target: str | None = None,
       waiting: bool = False) -> dict[str, Any]:  # fmt: skip
    return {
        "display_id": n,
        "customer_id": f"c{n}",
        "phase": phase,
        "state": state,
        "target_launch_date": f"{target}T00:00:00.000Z" if target else None,
        "waiting_on_customer": waiting,
    }


def ids(view: Any, key: str) -> list[int]:
    return [row["display_id"] for row in view.sections[key]]


def test_week_runs_monday_to_sunday() -> None:
    assert week_of(TODAY) == Week(date(2026, 11, 30), date(2026, 12, 6))
    assert week_of(date(2026, 11, 30)).start == date(2026, 11, 30)
    assert week_of(date(2026, 12, 6)).end == date(2026, 12, 6)
    assert week_named("next", TODAY).start == date(2026, 12, 7)
    assert week_named("last", TODAY).start == date(2026, 11, 23)
    assert week_named(None, TODAY) == week_of(TODAY)
    assert week_named("2027-01-01", TODAY).start == date(2026, 12, 28)
    with pytest.raises(ValueError):
        week_named("someday", TODAY)


def test_sections_and_their_edges() -> None:
    records = [
        ob(1, phase="launch", target="2027-03-01"),  # launch phase, far target
        ob(2, target="2026-11-30"),  # Monday of the week: launching, and overdue
        ob(3, target="2026-12-06"),  # Sunday: launching, not overdue
        ob(4, target="2026-12-07"),  # next Monday: neither
        ob(5, phase="completed", target="2026-12-03"),  # completed: not launching
        ob(6, phase="completed", target="2026-01-01"),  # completed: never overdue
        ob(7, target=TODAY.isoformat()),  # due today: launching, not overdue
        ob(8, target=None, state="at_risk"),  # no target: only at risk
        ob(9, state="waiting", waiting=True, target="2026-12-01"),
        ob(10, waiting=True),  # flagged waiting while state says active
        ob(11, phase="completed", state="at_risk"),  # state at_risk, whatever the phase
        dict(ob(12), target_launch_date="garbage"),  # unreadable target: ignored
    ]
    view = glance(records, TODAY)
    assert ids(view, "launching") == [2, 9, 7, 3, 1]  # soonest target first
    assert ids(view, "at_risk") == [8, 11]
    assert ids(view, "waiting") == [9, 10]
    assert ids(view, "overdue") == [2, 9]  # before today, not completed
    assert view.total == 12
    assert list(view.by_phase) == list(PHASES)
    assert view.by_phase["completed"] == 3 and view.by_phase["launch"] == 1
    assert sum(view.by_phase.values()) == 12


def test_an_empty_workspace_has_every_section_empty_and_zero_counts() -> None:
    view = glance([], TODAY)
    assert all(rows == [] for rows in view.sections.values())
    assert set(view.by_phase.values()) == {0}
    assert view.customer_ids() == []


def test_an_explicit_week_moves_launching_only() -> None:
    records = [ob(1, target="2026-12-08"), ob(2, target="2026-11-20")]
    view = glance(records, TODAY, week_named("next", TODAY))
    assert ids(view, "launching") == [1]
    assert ids(view, "overdue") == [2]


def test_customers_shown_are_listed_once() -> None:
    records = [ob(1, state="at_risk", waiting=True, target="2026-01-01"), ob(2)]
    records[1]["customer_id"] = "c1"
    assert glance(records, TODAY).customer_ids() == ["c1"]


def test_refresh_cost_counts_pages_and_lookups() -> None:
    assert refresh_cost(0, 0) == 1
    assert refresh_cost(99, 3) == 4
    assert refresh_cost(100, 3) == 5  # a full page may need one more to see the end
    assert refresh_cost(250, 0) == 3


@pytest.mark.parametrize(
    ("cost", "limit", "requested", "expected"),
    [
        (1, 600, None, MIN_INTERVAL),  # cheap: the floor
        (16, 60, None, 80.0),  # 16 requests in a fifth of 60/min: one refresh per 80 s
        (16, None, None, 80.0),  # unknown limit: 60/min
        (16, 0, None, 80.0),
        (10, 1000, None, MIN_INTERVAL),  # 10 / 200 per minute is 3 s: floor wins
        (50, 1000, None, 15.0),
        (16, 60, 30, 80.0),  # --interval cannot go under the budget
        (16, 60, 120, 120.0),  # but can go over it
    ],
)
def test_refresh_interval(cost: int, limit: int | None, requested: float | None,
                          expected: float) -> None:  # fmt: skip
    assert refresh_interval(cost, limit, requested=requested) == expected


def test_the_interval_keeps_within_a_fifth_of_the_budget() -> None:
    for limit in (1, 7, 60, 100, 1000, 6000):
        for cost in (1, 2, 5, 13, 40, 101):
            interval = refresh_interval(cost, limit)
            per_minute = cost * 60 / interval
            assert per_minute <= limit * 0.2 + 1e-9
            assert interval >= MIN_INTERVAL
    assert FALLBACK_LIMIT == 60


class FakeTime:
    def __init__(self, keys: list[str | None]) -> None:
        self.now = 0.0
        self.keys = keys
        self.waits: list[float] = []

    def clock(self) -> float:
        return self.now

    def wait_key(self, timeout: float) -> str | None:
        self.waits.append(timeout)
        self.now += timeout
        return self.keys.pop(0) if self.keys else None


def test_loop_refreshes_on_the_interval_and_quits_on_q() -> None:
    fake = FakeTime([None] * 25 + ["q"])
    refreshes: list[float] = []
    frames: list[Frame] = []

    def refresh() -> Any:
        refreshes.append(fake.now)
        return object()

    drawn = run_loop(refresh, lambda snap: 10.0, frames.append, fake.wait_key, fake.clock)
    assert drawn == 26 == len(frames)
    assert refreshes == [0.0, 10.0, 20.0]  # no refresh sooner than the interval
    assert all(w <= 1.0 for w in fake.waits)  # the footer ticks every second


def test_a_failed_refresh_keeps_the_data_and_waits_a_whole_interval() -> None:
    fake = FakeTime([None] * 14 + ["q"])
    calls: list[float] = []
    first = object()

    def refresh() -> Any:
        calls.append(fake.now)
        if len(calls) > 1:
            raise NetworkError("connection refused")
        return first

    frames: list[Frame] = []
    run_loop(refresh, lambda snap: 10.0, frames.append, fake.wait_key, fake.clock)
    assert calls == [0.0, 10.0]
    assert frames[-1].snapshot is first and frames[-1].error
    assert "last refresh failed" in footer(frames[-1], 5, 60)
    assert "5/60 requests left" in footer(frames[0], 5, 60)
