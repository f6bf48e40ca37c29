"""Progress of an import job: a Rich bar on a terminal, a line every few seconds without.

The bar counts every row of the job, so its numbers are the summary's and the result
files': rows settled before this run (failed their checks, done by an earlier run)
start it off, and a row retried counts once, as its last outcome. Beside the counts:
the live rate (rows over the last few seconds, not since the start, so a paced job
does not show a burst's speed while it waits), the quota left in the key's window,
and the time to go, the longer of what the live rate and the pacer's own schedule
say. While the pacer holds every sender it says so: "waiting for the rate limit
(resumes in 12 s)". A ticker thread redraws twice a second, so the line moves while
no row does. Without a terminal the same facts go to stderr as one line every
`interval` seconds, so a CI log shows the job moving without being flooded. The final
summary is the caller's.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from pivotal_cli.render.output import Output

SKIPPED = ("unchanged", "existing")
FAILED = ("failed", "retry")
RATE_WINDOW = 10.0  # seconds of history the live rate is measured over
REDRAW = 0.5  # seconds between redraws while no row finishes
SHOW_WAIT = 0.5  # a wait shorter than this is a pause between requests, not worth a word


class Schedule(Protocol):
    """What the pacer knows of what is to come (`client.bulk.Pacer`)."""

    def resumes_in(self) -> float | None: ...

    def seconds_for(self, requests: int) -> float: ...


def split(tally: Mapping[str, int]) -> tuple[int, int, int]:
    """(ok, failed, skipped) of a run's tally of actions."""
    skipped = sum(tally.get(name, 0) for name in SKIPPED)
    failed = sum(tally.get(name, 0) for name in FAILED)
    ok = sum(tally.values()) - skipped - failed
    return ok, failed, skipped


def waiting_words(seconds: float) -> str:
    return f"waiting for the rate limit (resumes in {max(1, round(seconds))} s)"


@dataclass(frozen=True)
class Facts:
    """What one redraw says: counts are (ok, failed, skipped) of every row of the job."""

    label: str
    total: int
    counts: tuple[int, int, int]
    rate: float
    quota: int | None
    eta: float | None
    waiting: float | None = None  # seconds until the pacer lets a sender go


def line(facts: Facts) -> str:
    """One progress line: `customers: 120/1000 (ok 118, failed 2, skipped 0), 40.1 rows/s, …`."""
    label, total, rate, quota, eta, waiting = (
        facts.label, facts.total, facts.rate, facts.quota, facts.eta, facts.waiting
    )  # fmt: skip
    ok, failed, skipped = facts.counts
    seen = ok + failed + skipped
    parts = [f"{label}: {seen}/{total} (ok {ok}, failed {failed}, skipped {skipped})"]
    parts.append(f"{rate:.1f} rows/s")
    if quota is not None:
        parts.append(f"quota left {quota}")
    if eta is not None and total > seen:
        parts.append(f"ETA {duration(eta)}")
    if waiting is not None:
        parts.append(waiting_words(waiting))
    return ", ".join(parts)


def duration(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def bar_line(facts: Facts, width: int) -> str:
    """The terminal's one line, fitted to `width`: what matters most stays.

    Done/total always shows; then, in this order of importance, the wait, the counts,
    the ETA, the rate and the quota; the bar takes what room is left (none if little).
    """
    label, total, rate, quota, eta, waiting = (
        facts.label, facts.total, facts.rate, facts.quota, facts.eta, facts.waiting
    )  # fmt: skip
    ok, failed, skipped = facts.counts
    seen = ok + failed + skipped
    head = f"{label} {seen}/{total}"
    wanted: list[tuple[int, str]] = []  # (place in the line, text), most important first
    if waiting is not None:
        wanted.append((5, waiting_words(waiting)))
    wanted.append((1, f"ok {ok} · failed {failed} · skipped {skipped}"))
    if eta is not None and total > seen:
        wanted.append((4, f"ETA {duration(eta)}"))
    wanted.append((2, f"{rate:.1f}/s"))
    if quota is not None:
        wanted.append((3, f"quota {quota}"))
    room = width - 1 - len(head)  # the last column stays free: no wrap on any terminal
    kept: list[tuple[int, str]] = []
    for place, text in wanted:
        if len(text) + 3 <= room:
            kept.append((place, text))
            room -= len(text) + 3
    tail = "".join(f" · {text}" for _, text in sorted(kept))
    bar = ""
    if room >= 12:
        size = min(30, room - 2)
        filled = round(size * seen / total) if total else size
        bar = " " + "━" * filled + "╺" * (size - filled) if size > 0 else ""
    return f"{label}{bar} {seen}/{total}{tail}"


class ImportProgress:
    """Shows a job's progress while it runs; `tick()` is safe from any thread."""

    def __init__(
        self,
        out: Output,
        label: str,
        total: int,
        tally: Callable[[], Mapping[str, int]],
        quota: Callable[[], int | None],
        *,
        settled: Mapping[str, int] | None = None,
        schedule: Schedule | None = None,
        interval: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
        redraw: float = REDRAW,
    ) -> None:
        self.out = out
        self.label = label
        self.total = total
        self._tally = tally
        self._quota = quota
        self._settled = split(settled or {})
        self._schedule = schedule
        self.interval = interval
        self._clock = clock
        self._redraw = redraw
        self._started = clock()
        self._last_line = self._started
        self._samples: deque[tuple[float, int]] = deque([(self._started, 0)])
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> ImportProgress:
        if self.out.err_is_tty:
            from rich.progress import Progress, TextColumn

            # One text column drawn by `bar_line`, so it fits the terminal's width.
            self._progress = Progress(
                TextColumn("{task.fields[line]}"),
                console=self.out.err_console,
                transient=False,
            )
            self._progress.start()
            self._task = self._progress.add_task(
                self.label, total=self.total, completed=sum(self._settled), line=self.label
            )
        if self._redraw > 0:
            self._ticker = threading.Thread(target=self._tick_on, name="import-progress")
            self._ticker.daemon = True
            self._ticker.start()
        return self

    def _tick_on(self) -> None:
        while not self._stop.wait(self._redraw):
            self.tick()

    def counts(self) -> tuple[int, int, int]:
        """(ok, failed, skipped) of the whole job so far."""
        now = split(self._tally())
        return tuple(a + b for a, b in zip(self._settled, now, strict=True))  # type: ignore[return-value]

    def rate(self, now: float, sent: int) -> float:
        """Rows a second over the last RATE_WINDOW seconds (since the start, if sooner)."""
        self._samples.append((now, sent))
        while len(self._samples) > 2 and now - self._samples[1][0] >= RATE_WINDOW:
            self._samples.popleft()
        then, before = self._samples[0]
        return (sent - before) / (now - then) if now > then else 0.0

    def eta(self, rate: float, left: int) -> float | None:
        """The longer of the live rate's guess and the pacer's schedule (one request a row)."""
        guesses = [left / rate] if rate > 0 else []
        if self._schedule is not None:
            guesses.append(self._schedule.seconds_for(left))
        return max(guesses) if guesses else None

    def tick(self) -> None:
        counts = self.counts()
        with self._lock:
            now = self._clock()
            seen = sum(counts)
            rate = self.rate(now, seen - sum(self._settled))
            quota = self._quota()
            eta = self.eta(rate, self.total - seen)
            waiting = self._schedule.resumes_in() if self._schedule is not None else None
            if waiting is not None and waiting < SHOW_WAIT:
                waiting = None
            facts = Facts(self.label, self.total, counts, rate, quota, eta, waiting)
            if self._progress is not None:
                text = bar_line(facts, self.out.err_console.width)
                self._progress.update(self._task, completed=seen, line=text)
            elif now - self._last_line >= self.interval:
                self._last_line = now
                self.out.info(line(facts))

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
        if self._progress is not None:
            self.tick()
            self._progress.stop()
