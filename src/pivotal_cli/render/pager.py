"""The pager a long table goes through: which one, starting it, streaming into it.

A table's chunks are held until they are taller than the terminal; only then does the
pager start, with them, and take every later chunk as it comes, so a short list
prints directly and a long `--all` starts showing at once. A user who quits the pager
early has seen what they wanted: that ends the list quietly.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from pivotal_cli.render.spinners import Spinners

if TYPE_CHECKING:
    import subprocess

    from rich.console import Console
    from rich.table import Table

# Quits at once when the text fits one screen (-F), keeps colours (-R) and leaves the
# text on screen after quitting (-X): short lists look as if no pager ran.
DEFAULT_PAGER = "less -FRX"


@dataclass(frozen=True)
class Pager:
    """A pager to run for long tables: its argument vector and environment (None: ours)."""

    argv: tuple[str, ...]
    env: Mapping[str, str] | None = None


def choose_pager(env: Mapping[str, str], configured: Callable[[], str | None]) -> Pager | None:
    """PIVOTAL_PAGER, then the `pager` setting, then PAGER, then `less -FRX`; "off": none.

    As git does, a bare `less` gets LESS=FRX unless LESS is set, so a pager chosen in
    the environment for other tools still lets a short table print directly.
    """
    import shlex

    command = env.get("PIVOTAL_PAGER") or configured() or env.get("PAGER") or DEFAULT_PAGER
    if command.strip().lower() == "off":
        return None
    try:
        argv = shlex.split(command)
    except ValueError:  # unbalanced quotes: not a command line we can run
        return None
    if not argv:
        return None
    pager_env = None
    if os.path.basename(argv[0]) == "less" and "LESS" not in env:
        pager_env = {**env, "LESS": "FRX"}
    return Pager(tuple(argv), pager_env)


class PagerGone(Exception):
    """The pager exited (the user quit it) while rows were still being written to it."""


class PagedSink:
    """Where a table's chunks go when a pager may take them.

    Rendered chunks are held until they are taller than the terminal; then the pager
    starts with them and takes every later chunk as it comes. If they never get that
    tall, or the pager cannot be started (not installed), they are printed directly.
    """

    def __init__(
        self, pager: Pager, height: int, console: Console, stdout: IO[str], spinners: Spinners
    ) -> None:
        self.pager = pager
        self.height = height
        self.console = console
        self.stdout = stdout
        self.spinners = spinners
        self.held: list[str] = []
        self.lines = 0
        self.proc: subprocess.Popen[str] | None = None
        self.direct = False
        self.written = 0  # rows handed on, for the count when the pager quits early

    def table(self, table: Table) -> None:
        with self.console.capture() as captured:
            self.console.print(table)
        self.write(captured.get())
        self.written += table.row_count

    def write(self, text: str) -> None:
        if self.proc is not None:
            self._feed(text)
        elif self.direct:
            self._direct(text)
        else:
            self.held.append(text)
            self.lines += text.count("\n")
            if self.lines > self.height:
                self._start()

    def _direct(self, text: str) -> None:
        with self.spinners.held():
            self.stdout.write(text)
            self.stdout.flush()

    def _start(self) -> None:
        import subprocess

        text, self.held = "".join(self.held), []
        try:
            self.proc = subprocess.Popen(
                list(self.pager.argv),
                stdin=subprocess.PIPE,
                env=dict(self.pager.env) if self.pager.env is not None else None,
                text=True,
                encoding="utf-8",
                errors="replace",
            )
        except OSError:
            # No such pager (or not runnable): the table is still worth printing.
            self.direct = True
            self._direct(text)
            return
        self.spinners.start_paging()
        self._feed(text)

    def _feed(self, text: str) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        try:
            self.proc.stdin.write(text)
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            raise PagerGone from None

    def close(self) -> None:
        """Print what is still held, or let the pager finish: it owns the terminal."""
        if self.proc is None:
            if self.held:
                self._direct("".join(self.held))
                self.held = []
            return
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass  # it has gone already
        # Ctrl-C reaches the pager too, which decides what it means (less stays);
        # leaving before it exits would hand the terminal to the shell under its feet.
        while True:
            try:
                self.proc.wait()
                break
            except KeyboardInterrupt:
                continue
        self.spinners.paging = False
