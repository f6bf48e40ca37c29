"""The watch's conditions, durations and pacing (pure), and its loop on a fake clock."""

from __future__ import annotations

from typing import Any

import pytest

from pivotal_cli.client import watch as loop
from pivotal_cli.domain.watch import (
    BUDGET_SHARE,
    changes,
    parse_condition,
    parse_duration,
    poll_delay,
    verdict,
)
from pivotal_cli.errors import NotFoundError, UsageError, WatchTimeoutError


def record(**fields: Any) -> dict[str, Any]:
    return {"display_id": 7, "phase": "review", "state": "active", "notes": None, **fields}


@pytest.mark.parametrize(
    ("text", "fields", "holds"),
    [
        ("phase=review", {}, True),
        ("phase!=review", {}, False),
        ("phase>=review", {"phase": "internal_qa"}, True),
        ("phase>=launch", {"phase": "internal_qa"}, False),
        ("phase<=review", {"phase": "program_design"}, True),
        ("notes=null", {}, True),
        ("waiting_on_customer=true", {"waiting_on_customer": True}, True),
        ("reminder_frequency_days>=3", {"reminder_frequency_days": 2}, False),
        ("reminder_frequency_days=2", {"reminder_frequency_days": 2}, True),
    ],
)
def test_conditions_hold_on_records(text: str, fields: dict[str, Any], holds: bool) -> None:
    assert parse_condition(text).holds(record(**fields)) is holds


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("phase", "not FIELD=VALUE"),
        ("stage=launch", "no field 'stage'"),
        ("state=done", "Valid: active, paused, at_risk, waiting"),
        ("state>=active", "use = or != for state"),
        ("phase=null", "never null"),
        ("reminder_frequency_days=often", "is a number"),
    ],
)
def test_bad_conditions_name_what_is_valid(text: str, says: str) -> None:
    with pytest.raises(UsageError, match=says):
        parse_condition(text)


def test_a_fail_condition_wins_over_a_pass() -> None:
    until, fail = [parse_condition("phase=review")], [parse_condition("state=active")]
    outcome = verdict(record(), until, fail)
    assert outcome is not None and not outcome.passed and outcome.failed == fail[0]
    assert verdict(record(state="paused"), until, fail).passed  # type: ignore[union-attr]
    assert verdict(record(phase="launch", state="paused"), until, fail) is None


def test_changes_skip_updated_at_and_the_first_reading() -> None:
    assert changes(None, record()) == {}
    before, after = record(updated_at="a"), record(phase="launch", updated_at="b")
    assert changes(before, after) == {"phase": ("review", "launch")}


@pytest.mark.parametrize(
    ("text", "seconds"), [("90", 90), ("90s", 90), ("30m", 1800), ("2h", 7200), ("1h30m", 5400)]
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["soon", "0", "-5", "5x", "1h 30m"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(UsageError):
        parse_duration(text)


def test_pacing_stays_within_its_share_of_the_budget() -> None:
    # Plenty left: the interval. 100 left for 60 s: 10 % is 10 polls, one every 6 s.
    assert poll_delay(5, remaining=None, reset=None, now=0) == 5
    assert poll_delay(1, remaining=100, reset=60, now=0) == pytest.approx(60 / (100 * BUDGET_SHARE))
    assert poll_delay(10, remaining=100, reset=60, now=0) == 10
    # Less than one poll's share left: wait for the window to reset.
    assert poll_delay(1, remaining=5, reset=30, now=0) == 30


class FakeClient:
    """`onboardings.get` answers from a script of records (None: a 404)."""

    def __init__(self, answers: list[dict[str, Any] | None], remaining: int | None = None) -> None:
        self.answers = answers
        self.rate_limit = type("RL", (), {"remaining": remaining, "reset": 1060.0})()
        self.calls = 0

    def get(self, ref: str) -> dict[str, Any]:
        answer = self.answers[min(self.calls, len(self.answers) - 1)]
        self.calls += 1
        if answer is None:
            raise NotFoundError("gone", status=404, code="onboarding_not_found")
        return answer


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def clock(self) -> loop.Clock:
        return loop.Clock(monotonic=lambda: self.now, wall=lambda: 1000.0, sleep=self.sleep)


def run(client: FakeClient, clock: FakeClock, monkeypatch: Any, **spec: Any) -> Any:
    monkeypatch.setattr(loop.onboardings, "get", lambda c, ref: c.get(ref))
    seen: list[Any] = []
    options = {"until": [parse_condition("phase=launch")], "interval": 2.0, **spec}
    result = loop.watch(
        client,  # type: ignore[arg-type]
        "7",
        loop.WatchSpec(**options),
        lambda r, changed: seen.append(changed),
        clock.clock(),
    )
    return result, seen


def test_loop_reports_changes_and_passes(monkeypatch: Any) -> None:
    client = FakeClient([record(), record(), record(phase="internal_qa"), record(phase="launch")])
    clock = FakeClock()
    result, seen = run(client, clock, monkeypatch)
    assert result.verdict.passed and result.readings == 4
    assert seen == [{}, {"phase": ("review", "internal_qa")}, {"phase": ("internal_qa", "launch")}]
    assert clock.slept == [2.0, 2.0, 2.0]


def test_loop_paces_by_the_budget(monkeypatch: Any) -> None:
    # 20 left for 60 s: 10 % is 2 polls, so 30 s apart whatever the interval.
    clock = FakeClock()
    run(FakeClient([record(), record(phase="launch")], remaining=20), clock, monkeypatch)
    assert clock.slept == [30.0]


def test_loop_times_out_without_oversleeping(monkeypatch: Any) -> None:
    clock = FakeClock()
    with pytest.raises(WatchTimeoutError, match="within 5 s"):
        run(FakeClient([record()]), clock, monkeypatch, timeout=5.0)
    assert sum(clock.slept) == 5.0


def test_a_404_at_first_is_retried_for_the_grace_then_raised(monkeypatch: Any) -> None:
    clock = FakeClock()
    result, _ = run(FakeClient([None, None, record(phase="launch")]), clock, monkeypatch, grace=10)
    assert result.verdict.passed
    clock = FakeClock()
    with pytest.raises(NotFoundError):
        run(FakeClient([None]), clock, monkeypatch, grace=3.0)
    assert sum(clock.slept) == 3.0


def test_a_404_after_a_reading_ends_at_once(monkeypatch: Any) -> None:
    clock = FakeClock()
    with pytest.raises(NotFoundError):
        run(FakeClient([record(), None, record(phase="launch")]), clock, monkeypatch, grace=60)
    assert clock.slept == [2.0]
