"""Progress of an import job: a Rich bar on a terminal, a line every few seconds without.

The bar shows rows done, failed and skipped (left unchanged or found existing), the
rate, the quota left in the key's rate-limit window and the time to go. Without a
terminal the same facts go to stderr as one line every `interval` seconds, so a CI log
shows the job moving without being flooded. The final summary is the caller's.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from pivotal_cli.render.output import Output

SKIPPED = ("unchanged", "existing")
FAILED = ("failed", "retry")


def split(tally: Mapping[str, int]) -> tuple[int, int, int]:
    """(ok, failed, skipped) of a run's tally of actions."""
    skipped = sum(tally.get(name, 0) for name in SKIPPED)
    failed = sum(tally.get(name, 0) for name in FAILED)
    ok = sum(tally.values()) - skipped - failed
    return ok, failed, skipped


def line(
    label: str, total: int, tally: Mapping[str, int], elapsed: float, quota: int | None
) -> str:
    """One progress line: `customers: 120/1000 (ok 118, failed 2, skipped 0), 40.1/s, …`."""
    ok, failed, skipped = split(tally)
    seen = ok + failed + skipped
    rate = seen / elapsed if elapsed > 0 else 0.0
    parts = [f"{label}: {seen}/{total} (ok {ok}, failed {failed}, skipped {skipped})"]
    parts.append(f"{rate:.1f} rows/s")
    if quota is not None:
        parts.append(f"quota left {quota}")
    if rate > 0 and total > seen:
        parts.append(f"ETA {_duration((total - seen) / rate)}")
    return ", ".join(parts)


def _duration(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


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
        interval: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.out = out
        self.label = label
        self.total = total
        self._tally = tally
        self._quota = quota
        self.interval = interval
        self._clock = clock
        self._started = clock()
        self._last_line = self._started
        self._lock = threading.Lock()
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> ImportProgress:
        if self.out.err_is_tty:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[detail]}"),
                TimeRemainingColumn(),
                console=self.out.err_console,
                transient=False,
            )
            self._progress.start()
            self._task = self._progress.add_task(self.label, total=self.total, detail="")
        return self

    def tick(self) -> None:
        tally = self._tally()
        now = self._clock()
        elapsed = now - self._started
        with self._lock:
            if self._progress is not None:
                ok, failed, skipped = split(tally)
                rate = (ok + failed + skipped) / elapsed if elapsed > 0 else 0.0
                quota = self._quota()
                detail = f"ok {ok} · failed {failed} · skipped {skipped} · {rate:.1f}/s"
                if quota is not None:
                    detail += f" · quota {quota}"
                self._progress.update(self._task, completed=ok + failed + skipped, detail=detail)
            elif now - self._last_line >= self.interval:
                self._last_line = now
                self.out.info(line(self.label, self.total, tally, elapsed, self._quota()))

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self.tick()
            self._progress.stop()
