"""The spinners an `Output` draws on stderr: one counting a long list, one for a wait.

At most one spins at a time, never while a pager owns the terminal, and it is cleared
before data is written so the two never share a line. Rich is imported only when a
spinner is actually drawn.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.status import Status

    from pivotal_cli.render.streams import Streams

# Written after any spinner: Rich hides the cursor while one spins, and a terminal left
# without it (after `| head` or Ctrl-C) stays that way until `reset`.
SHOW_CURSOR = "\x1b[?25h"

# How long a single request may take before a spinner says we are waiting: below it,
# a spinner would only flicker.
WAIT_DELAY = 0.5

# Rows drawn or written at once while a spinner runs; the spinner is cleared before
# each chunk so it never shares a line with data.
CHUNK = 100

Rows = Iterable[dict[str, Any]]


class Spinners:
    """The spinner state of one `Output`."""

    def __init__(self, streams: Streams, wait_delay: float = WAIT_DELAY) -> None:
        self.streams = streams
        self.wait_delay = wait_delay
        self.status: Status | None = None  # the spinner of `progress(label)`
        # True once a pager owns the terminal: no spinner may draw over it.
        self.paging = False

    @contextmanager
    def progress(self, label: str | None) -> Iterator[Callable[[Rows], Rows]]:
        """A spinner on stderr counting the rows of a long list, and a way to feed it.

        It is stopped, and the cursor shown again, on every way out: the end, a
        reader gone (`| head`), Ctrl-C or an error.
        """
        if not label or not self.streams.err_is_tty:
            yield lambda rows: rows
            return
        from rich.status import Status

        status = Status(f"{label}…", console=self.streams.err_console)

        def track(rows: Rows) -> Iterator[dict[str, Any]]:
            for n, row in enumerate(rows, 1):
                if n % CHUNK == 0:
                    status.update(f"{label}… {n:,}")
                yield row

        self.status = status
        status.start()
        try:
            yield track
        finally:
            self.status = None
            self.stop(status)

    @contextmanager
    def held(self) -> Iterator[None]:
        """Clear the list's spinner while data is written, so the two never share a line."""
        status = self.status
        if status is None:
            yield
            return
        status.stop()
        yield  # not restarted after an error: `progress` is on its way out
        if not self.paging:  # a pager now owns the terminal
            status.start()

    def start_paging(self) -> None:
        """A pager takes the terminal: the list's spinner goes and stays away."""
        self.paging = True
        if self.status is not None:
            self.status.stop()

    def stop(self, status: Status) -> None:
        try:
            status.stop()
        finally:
            try:
                self.streams.stderr.write(SHOW_CURSOR)
                self.streams.stderr.flush()
            except (OSError, ValueError):
                pass

    @contextmanager
    def waiting(self, text: str) -> Iterator[None]:
        """Show a spinner on stderr when what runs inside takes longer than `wait_delay`.

        Off a terminal it does nothing; on one, a fast answer costs only a timer that
        is cancelled before it fires: Rich is imported, and the spinner drawn, from
        the timer's thread only once the delay has passed.
        """
        if not self.streams.err_is_tty or self.status is not None or self.paging:
            yield
            return
        spinner = _Waiting(self, text)
        timer = threading.Timer(self.wait_delay, spinner.show)
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()
            spinner.close()


class _Waiting:
    """The spinner of `Spinners.waiting`, drawn from a timer thread if the wait is long."""

    def __init__(self, spinners: Spinners, text: str) -> None:
        self.spinners = spinners
        self.text = text
        self.status: Status | None = None
        self.closed = False
        # The timer may fire just as the answer arrives: whoever takes the lock
        # first decides whether a spinner is drawn at all.
        self.lock = threading.Lock()

    def show(self) -> None:
        from rich.status import Status

        with self.lock:
            if self.closed:
                return
            self.status = Status(self.text, console=self.spinners.streams.err_console)
            self.status.start()

    def close(self) -> None:
        with self.lock:
            self.closed = True
            status, self.status = self.status, None
        if status is not None:
            self.spinners.stop(status)
