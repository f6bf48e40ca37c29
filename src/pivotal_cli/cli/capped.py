"""Warnings that can repeat thousands of times, told at most `LIMIT` times, then counted.

A file with 10,000 unknown columns or bad rows should not print 10,000 lines: the
first few say what is wrong, one more line says how many more there are (the errors
file, where there is one, keeps them all).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

LIMIT = 10


class Capped:
    """`emit` for the first `limit` lines; `finish()` tells how many more there were."""

    def __init__(self, emit: Callable[[str], None], noun: str, limit: int = LIMIT) -> None:
        self._emit = emit
        self._noun = noun
        self._limit = limit
        self.count = 0

    def __call__(self, line: str) -> None:
        self.count += 1
        if self.count <= self._limit:
            self._emit(line)

    def extend(self, lines: Iterable[str]) -> None:
        for line in lines:
            self(line)

    def finish(self, where: str = "") -> None:
        """The one line for what was not shown (and reset, for the next file)."""
        more = self.count - self._limit
        if more > 0:
            self._emit(f"{where}… and {more:,} more {self._noun}.")
        self.count = 0
