"""The two streams a command writes to and the keyboard it may ask on (gh's iostreams).

Whether a stream is a terminal is the stream's own answer (`isatty()`) unless the
caller says otherwise: the environment (`PIVOTAL_FORCE_TTY`, `COLUMNS`, `NO_COLOR`) is
read once, where the command line builds its `Output`, never in here. Rich consoles
are built on first use, so a command that only prints plain lines never imports Rich.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any, NoReturn, TypeVar, cast

from pivotal_cli.errors import CancelledError
from pivotal_cli.render.columns import escape
from pivotal_cli.render.spinners import WAIT_DELAY, Spinners

if TYPE_CHECKING:
    from rich.console import Console

    from pivotal_cli.render.pager import Pager

F = TypeVar("F", bound=Callable[..., Any])

# What a shell reports for any Unix filter whose reader went away: 128 + SIGPIPE.
READER_GONE_EXIT = 141


def isatty(stream: Any) -> bool:
    """Whether `stream` says it is a terminal; a closed or odd stream is not."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def writes_stdout(method: F) -> F:
    """Stop quietly when the reader of stdout has gone (`pivotal … | head -1`).

    Python ignores SIGPIPE, so a closed pipe surfaces as BrokenPipeError on a write;
    left alone it would be reported as a crash. Stop without a word instead, and
    exit as `cat` or any other filter killed by SIGPIPE would.
    """

    @functools.wraps(method)
    def wrapper(self: Streams, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except BrokenPipeError:
            self.reader_gone()

    return cast(F, wrapper)


class Streams:
    """stdout for data, stderr for messages, stdin for answers, and what each one is.

    As gh's iostreams, it also knows what the terminal gets besides text: the
    spinners, and which pager a long table goes through.
    """

    def __init__(
        self,
        *,
        stdout: IO[str] | None = None,
        stderr: IO[str] | None = None,
        stdin: IO[str] | None = None,
        force_tty: bool = False,
        width: int | None = None,
        no_color: bool = False,
        wait_delay: float = WAIT_DELAY,
        height: int | None = None,
        pager: Callable[[], Pager | None] | None = None,
    ) -> None:
        """Streams default to the process's own; `force_tty` treats all three as a terminal.

        `width` fixes the width of drawn tables (else Rich asks the terminal);
        `no_color` turns colour off; `wait_delay` is how many seconds a request runs
        before `waiting()` shows a spinner. `height` is the terminal's rows (else Rich
        asks the terminal); `pager` says, when first asked, which pager a table taller
        than that goes through (None, or it answering None: no pager).
        """
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self.stdin = stdin or sys.stdin
        self.is_tty = force_tty or isatty(self.stdout)
        self.err_is_tty = force_tty or isatty(self.stderr)
        # Someone can answer a prompt only if both the keyboard and stderr are a terminal.
        self.interactive = force_tty or (isatty(self.stdin) and self.err_is_tty)
        self.width = width
        self.color = not no_color
        self.height = height
        self.pager_choice = pager
        self.spinners = Spinners(self, wait_delay)
        self._console: Console | None = None
        self._err_console: Console | None = None

    # -- consoles, built on first use -----------------------------------------------

    def _make_console(self, stream: IO[str], tty: bool) -> Console:
        from rich.console import Console

        return Console(
            file=stream,
            force_terminal=tty,
            no_color=not self.color,
            color_system="auto" if self.color else None,
            highlight=False,
            soft_wrap=False,
            width=self.width,
        )

    @property
    def console(self) -> Console:
        if self._console is None:
            self._console = self._make_console(self.stdout, self.is_tty)
            # Rich catches a closed pipe itself and exits 1; exit as every filter does.
            self._console.on_broken_pipe = self.reader_gone  # type: ignore[method-assign]
        return self._console

    @property
    def err_console(self) -> Console:
        if self._err_console is None:
            self._err_console = self._make_console(self.stderr, self.err_is_tty)
        return self._err_console

    def reader_gone(self) -> NoReturn:
        """Leave as a filter does when the reader of stdout has gone."""
        # Whatever is still buffered for stdout would fail again when the interpreter
        # flushes it on exit ("Exception ignored … BrokenPipeError"): send it nowhere.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self.stdout.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):
            pass
        # SystemExit, not the command line's own exit: render does not know Typer, and
        # nothing between here and the interpreter catches a SystemExit.
        raise SystemExit(READER_GONE_EXIT)

    # -- messages on stderr ---------------------------------------------------------

    def _message(self, text: str, style: str, symbol: str, plain_prefix: str = "") -> None:
        if self.err_is_tty and self.color:
            self.err_console.print(
                f"[{style}]{symbol}[/] {escape(text)}" if symbol else f"[{style}]{escape(text)}[/]"
            )
        else:
            print(plain_prefix + text, file=self.stderr, flush=True)

    def info(self, text: str) -> None:
        self._message(text, "dim", "")

    def success(self, text: str) -> None:
        self._message(text, "green", "✓")

    def warn(self, text: str) -> None:
        self._message(text, "yellow", "!", "Warning: ")

    def error(self, text: str) -> None:
        self._message(text, "bold red", "✗", "Error: ")

    # -- prompts ------------------------------------------------------------------------

    def confirm(self, question: str, *, assume_yes: bool) -> None:
        """Ask a yes/no question; raise CancelledError on no or when nobody can answer."""
        if assume_yes:
            return
        if not self.interactive:
            raise CancelledError(
                "Refusing to continue without confirmation: no terminal to ask on.",
                reason="no_terminal",
            )
        try:
            # Inside the try: Ctrl-C as soon as the question shows still ends its line.
            self.stderr.write(f"{question} [y/N]: ")
            self.stderr.flush()
            answer = self.stdin.readline().strip().lower()
        except KeyboardInterrupt:
            # End the prompt's line, so the shell's next prompt starts on its own.
            self.stderr.write("\n")
            self.stderr.flush()
            raise
        if answer not in ("y", "yes"):
            raise CancelledError("Cancelled; nothing was changed.")
