"""The import progress line: the pacer's schedule, counts that agree with the summary,
the live rate, and a line that fits the terminal."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from pivotal_cli.client.bulk import Pacer
from pivotal_cli.jobs.runner import Tally
from pivotal_cli.render.import_progress import Facts, ImportProgress, bar_line
from test_import_journal import Clock


def test_the_schedule_counts_free_slots_then_whole_windows() -> None:
    clock = Clock()
    pacer = Pacer(10, used=4, window=60, clock=clock, sleep=clock.sleep)
    assert pacer.seconds_for(6) == 0  # six slots are free now
    assert pacer.seconds_for(7) == 60  # the seventh waits for the first start to leave
    assert pacer.seconds_for(16) == 60
    assert pacer.seconds_for(17) == 120  # a second full round
    assert Pacer(None).seconds_for(1000) == 0


def test_resumes_in_is_said_only_while_a_sender_waits() -> None:
    clock = Clock()
    seen: list[float | None] = []

    def sleep(seconds: float) -> None:
        seen.append(pacer.resumes_in())
        clock.sleep(seconds)

    pacer = Pacer(1, window=60, clock=clock, sleep=sleep)
    assert pacer.resumes_in() is None
    pacer.acquire()
    assert pacer.resumes_in() is None  # nobody waits
    pacer.acquire()
    assert seen[0] == pytest.approx(60)
    assert pacer.resumes_in() is None


def test_a_row_retried_counts_once_as_its_last_outcome() -> None:
    tally = Tally()
    tally.add("retry", 3)
    tally.add("created", 1)
    tally.add("retry", 3)  # failed again on the second pass
    assert tally.snapshot() == {"retry": 1, "created": 1}
    tally.add("created", 3)
    assert tally.snapshot() == {"created": 2}


class Out:
    err_is_tty = False

    def __init__(self) -> None:
        self.lines: list[str] = []

    def info(self, text: str) -> None:
        self.lines.append(text)


def test_rows_settled_before_the_run_are_counted_like_the_summary() -> None:
    clock = Clock()
    out: Any = Out()
    tally = {"created": 11, "failed": 1}
    shown = ImportProgress(out, "customers", 20, lambda: tally, lambda: None,
                           settled={"failed": 7, "created": 1}, interval=0, clock=clock,
                           redraw=0)  # fmt: skip
    with shown:
        clock.now = 2
        shown.tick()
    assert out.lines[0].startswith("customers: 20/20 (ok 12, failed 8, skipped 0)")


class Waiting:
    def resumes_in(self) -> float | None:
        return 11.6

    def seconds_for(self, requests: int) -> float:
        return 70.0


def test_the_line_says_it_waits_and_its_eta_comes_from_the_schedule() -> None:
    clock = Clock()
    out: Any = Out()
    done = {"created": 5}
    shown = ImportProgress(out, "customers", 30, lambda: done, lambda: 0,
                           schedule=Waiting(), interval=0, clock=clock, redraw=0)  # fmt: skip
    clock.now = 1
    shown.tick()
    clock.now = 30  # no row for 29 s: the live rate falls, it does not stay at the burst's
    shown.tick()
    assert "ETA 1m10s" in out.lines[-1]
    assert out.lines[-1].endswith("waiting for the rate limit (resumes in 12 s)")
    assert " 0.0 rows/s" in out.lines[-1]


@pytest.mark.parametrize("width", [60, 80, 120, 200])
def test_the_bar_line_fits_and_keeps_done_and_total(width: int) -> None:
    text = bar_line(Facts("contacts", 3000, (1200, 3, 40), 35.2, 12, 95.0, 30.0), width)
    assert len(text) < width
    assert text.startswith("contacts") and "1243/3000" in text
    if width >= 80:
        assert "waiting for the rate limit (resumes in 30 s)" in text
    if width >= 200:
        assert "failed 3" in text and "quota 12" in text and "━" in text


def test_the_ticker_redraws_while_no_row_finishes() -> None:
    out: Any = Out()
    ticked = threading.Event()

    class Schedule(Waiting):
        def resumes_in(self) -> float | None:
            ticked.set()
            return 5.0

    with ImportProgress(out, "customers", 3, dict, lambda: None, schedule=Schedule(),
                        interval=0, redraw=0.01):  # fmt: skip
        assert ticked.wait(5)
