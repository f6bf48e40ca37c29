"""The one renderer: table / plain / json / jsonl / csv, on two streams.

Data goes to stdout; everything else (progress, hints, warnings, errors) to stderr.
On a terminal lists are Rich tables; piped, they are plain tab-separated rows with no
colour and no decoration, stable for `cut` and `awk`; `--json`, `--jsonl` and `--csv`
always win. Rich is imported only when a table or a styled message is actually drawn.

Whether a stream is a terminal is the stream's own answer (`isatty()`) unless the
caller says otherwise: the environment (`PIVOTAL_FORCE_TTY`, `COLUMNS`, `NO_COLOR`) is
read once, where the command line builds its `Output`, never in here.

A table taller than the terminal goes through a pager, when the caller names one
(`Pager`): the first rows are held until they overflow the screen, so a short list
prints directly and a long `--all` starts the pager and then streams into it.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from typing import IO, TYPE_CHECKING, Any, NoReturn, TypeVar, cast

from pivotal_cli.errors import CancelledError

if TYPE_CHECKING:
    import subprocess

    from rich.console import Console
    from rich.status import Status
    from rich.table import Table

F = TypeVar("F", bound=Callable[..., Any])

# What a shell reports for any Unix filter whose reader went away: 128 + SIGPIPE.
READER_GONE_EXIT = 141

# Written after any spinner: Rich hides the cursor while one spins, and a terminal left
# without it (after `| head` or Ctrl-C) stays that way until `reset`.
SHOW_CURSOR = "\x1b[?25h"

# How long a single request may take before a spinner says we are waiting: below it,
# a spinner would only flicker.
WAIT_DELAY = 0.5

# Rows drawn or written at once while a spinner runs; the spinner is cleared before
# each chunk so it never shares a line with data.
CHUNK = 100


def _writes_stdout(method: F) -> F:
    """Stop quietly when the reader of stdout has gone (`pivotal … | head -1`).

    Python ignores SIGPIPE, so a closed pipe surfaces as BrokenPipeError on a write;
    left alone it would be reported as a crash. Stop without a word instead, and
    exit as `cat` or any other filter killed by SIGPIPE would.
    """

    @functools.wraps(method)
    def wrapper(self: Output, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except BrokenPipeError:
            self._reader_gone()

    return cast(F, wrapper)


@dataclass(frozen=True)
class Pager:
    """A pager to run for long tables: its argument vector and environment (None: ours)."""

    argv: tuple[str, ...]
    env: Mapping[str, str] | None = None


class Format(str, Enum):
    table = "table"  # Rich table on a terminal, plain rows when piped
    plain = "plain"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


@dataclass(frozen=True)
class Column:
    """One column of a list: where its value comes from and how people see it."""

    key: str
    header: str
    human: Callable[[dict[str, Any]], str] | None = None  # terminal text (may hold markup)
    justify: str = "left"
    # Ids, slugs and money are useless cut short: on a narrow terminal free text gives
    # way and these keep their full width.
    fixed: bool = False

    def raw(self, row: dict[str, Any]) -> str:
        value = _lookup(row, self.key)
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (dict, list)):
            return json.dumps(value, separators=(",", ":"))
        return str(value)

    def text(self, row: dict[str, Any]) -> str:
        return self.human(row) if self.human else _escape(self.raw(row))


def _lookup(row: dict[str, Any], key: str) -> Any:
    value: Any = row
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


class Output:
    """Where a command's results and messages go. One per invocation, never global."""

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
        self.is_tty = force_tty or _isatty(self.stdout)
        self.err_is_tty = force_tty or _isatty(self.stderr)
        # Someone can answer a prompt only if both the keyboard and stderr are a terminal.
        self.interactive = force_tty or (_isatty(self.stdin) and self.err_is_tty)
        self.width = width
        self.color = not no_color
        self.wait_delay = wait_delay
        self.height = height
        self._pager = pager
        # True once a pager owns the terminal: no spinner may draw over it.
        self._paging = False
        self._console: Console | None = None
        self._err_console: Console | None = None
        self._status: Status | None = None  # the spinner of `rows(progress_label=…)`
        # What `json()` prints instead of the value itself, when a command filters its
        # JSON (the CLI's --jq): the lines the filter makes of the value.
        self.json_filter: Callable[[Any], list[str]] | None = None

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
            self._console.on_broken_pipe = self._reader_gone  # type: ignore[method-assign]
        return self._console

    @property
    def err_console(self) -> Console:
        if self._err_console is None:
            self._err_console = self._make_console(self.stderr, self.err_is_tty)
        return self._err_console

    # -- messages on stderr ---------------------------------------------------------

    def _message(self, text: str, style: str, symbol: str, plain_prefix: str = "") -> None:
        if self.err_is_tty and self.color:
            self.err_console.print(
                f"[{style}]{symbol}[/] {_escape(text)}"
                if symbol
                else f"[{style}]{_escape(text)}[/]"
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

    # -- data on stdout ---------------------------------------------------------------

    def dumps(self, data: Any) -> str:
        """One JSON value as this stdout gets it: indented on a terminal, compact piped.

        gh's rule: people read the indented form, programs only pay for it (a long
        `--all --json` into `jq` is mostly whitespace otherwise). Values are exact
        either way.
        """
        if self.is_tty:
            return json.dumps(data, indent=2, ensure_ascii=False)
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False)

    @_writes_stdout
    def json(self, data: Any) -> None:
        """Exact JSON on stdout: the API's object as it came (pretty only on a terminal).

        With a `json_filter`, the lines it makes of `data` instead.
        """
        if self.json_filter is not None:
            for line in self.json_filter(data):
                self.stdout.write(line + "\n")
            self.stdout.flush()
            return
        self.stdout.write(self.dumps(data) + "\n")
        self.stdout.flush()

    @_writes_stdout
    def line(self, text: str) -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    @_writes_stdout
    def record(
        self, row: dict[str, Any], fields: Sequence[Column], *, title: str | None = None
    ) -> None:
        """One object as `field  value` lines (a two-column grid on a terminal)."""
        if not self.is_tty:
            for col in fields:
                self.line(f"{col.key}\t{col.raw(row)}")
            return
        from rich.table import Table

        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold")
        grid.add_column()
        for col in fields:
            grid.add_row(col.header, col.text(row))
        if title:
            self.console.print(title)
        self.console.print(grid)

    @_writes_stdout
    def rows(
        self,
        rows: Iterable[dict[str, Any]],
        columns: Sequence[Column],
        fmt: Format,
        *,
        empty_message: str = "Nothing to show.",
        progress_label: str | None = None,
    ) -> int:
        """Stream a list in the chosen format; returns how many rows were written.

        Nothing is held in memory beyond one page for the streaming formats, so
        `--all` over a large workspace stays flat.
        """
        with self._progress(progress_label) as tracked:
            rows = tracked(rows)
            if fmt is Format.json:
                return self._json_array(rows)
            if fmt is Format.jsonl:
                return self._each(
                    rows, lambda r: json.dumps(r, separators=(",", ":"), ensure_ascii=False)
                )
            if fmt is Format.csv:
                import csv

                writer = csv.writer(self.stdout, lineterminator="\n")
                with self._held():
                    writer.writerow([c.key for c in columns])
                return self._each(
                    rows, lambda r: writer.writerow([c.raw(r) for c in columns]) and None
                )
            if fmt is Format.plain or not self.is_tty:
                return self._each(
                    rows, lambda r: "\t".join(c.raw(r).replace("\t", " ") for c in columns)
                )
            count = self._paged_table(rows, columns)
        if count == 0:
            # After the spinner has gone, so the line is not drawn over it.
            self.info(empty_message)
        return count

    def _each(
        self, rows: Iterable[dict[str, Any]], render: Callable[[dict[str, Any]], str | None]
    ) -> int:
        count = 0
        for batch in _chunked(rows, self._chunk()):
            with self._held():
                for row in batch:
                    text = render(row)
                    if text is not None:
                        self.stdout.write(text + "\n")
                    count += 1
                self.stdout.flush()
        return count

    def _json_array(self, rows: Iterable[dict[str, Any]]) -> int:
        """A JSON array written a row at a time, so `--all` never holds the list.

        The same text `json()` would write for the whole list: indented on a
        terminal, compact (one line) in a pipe.
        """
        pretty = self.is_tty
        sep, end = (",\n  ", "\n]\n") if pretty else (",", "]\n")
        count = 0
        with self._held():
            self.stdout.write("[")
        for batch in _chunked(rows, self._chunk()):
            with self._held():
                for row in batch:
                    body = self.dumps(row)
                    if pretty:
                        body = body.replace("\n", "\n  ")
                    self.stdout.write((sep if count else ("\n  " if pretty else "")) + body)
                    count += 1
                self.stdout.flush()
        with self._held():
            self.stdout.write(end if count else "]\n")
            self.stdout.flush()
        return count

    def _paged_table(self, rows: Iterable[dict[str, Any]], columns: Sequence[Column]) -> int:
        """`_table`, through the pager when there is one and the table overflows the screen."""
        pager = self._pager() if self._pager is not None else None
        if pager is None:
            return self._table(rows, columns, self._print)
        sink = _PagedSink(self, pager, self.height or self.console.height)
        try:
            return self._table(rows, columns, sink.table)
        except _PagerGone:
            # The user quit the pager before the end: what they wanted is seen.
            return sink.written
        finally:
            sink.close()

    def _print(self, table: Table) -> None:
        with self._held():
            self.console.print(table)

    def _table(
        self,
        rows: Iterable[dict[str, Any]],
        columns: Sequence[Column],
        emit: Callable[[Table], None],
    ) -> int:
        from rich.table import Table
        from rich.text import Text

        # Drawn a hundred rows at a time, so a long `--all` starts showing at once and
        # never holds the whole list; later chunks keep the first chunk's widths so
        # the columns line up.
        count = 0
        widths: list[int] | None = None
        for batch in _chunked(rows, CHUNK):
            cells = [[Text.from_markup(c.text(row)) for c in columns] for row in batch]
            if widths is None:
                natural = [
                    max([len(col.header), *(line[i].cell_len for line in cells)])
                    for i, col in enumerate(columns)
                ]
                widths = _fit(
                    natural,
                    [len(c.header) for c in columns],
                    self.console.width,
                    fixed=[c.fixed for c in columns],
                )
            table = Table(box=None, pad_edge=False, show_header=count == 0, header_style="bold")
            for col, width in zip(columns, widths, strict=True):
                table.add_column(
                    col.header,
                    justify=col.justify,  # type: ignore[arg-type]
                    min_width=width,
                    max_width=width,
                    no_wrap=True,
                    overflow="ellipsis",
                )
            for line in cells:
                table.add_row(*line)
            emit(table)
            count += len(batch)
        return count

    # -- spinners on stderr -------------------------------------------------------------

    def _chunk(self) -> int:
        # Row by row into a pipe (a reader sees each at once); in chunks while a
        # spinner must be cleared around every write.
        return CHUNK if self._status is not None else 1

    @contextmanager
    def _progress(
        self, label: str | None
    ) -> Iterator[Callable[[Iterable[dict[str, Any]]], Iterable[dict[str, Any]]]]:
        """A spinner on stderr counting the rows of a long list, and a way to feed it.

        It is stopped, and the cursor shown again, on every way out: the end, a
        reader gone (`| head`), Ctrl-C or an error.
        """
        if not label or not self.err_is_tty:
            yield lambda rows: rows
            return
        from rich.status import Status

        status = Status(f"{label}…", console=self.err_console)

        def track(rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
            for n, row in enumerate(rows, 1):
                if n % CHUNK == 0:
                    status.update(f"{label}… {n:,}")
                yield row

        self._status = status
        status.start()
        try:
            yield track
        finally:
            self._status = None
            self._stop_spinner(status)

    @contextmanager
    def _held(self) -> Iterator[None]:
        """Clear the list's spinner while data is written, so the two never share a line."""
        status = self._status
        if status is None:
            yield
            return
        status.stop()
        yield  # not restarted after an error: `_progress` is on its way out
        if not self._paging:  # a pager now owns the terminal
            status.start()

    def _stop_spinner(self, status: Status) -> None:
        try:
            status.stop()
        finally:
            try:
                self.stderr.write(SHOW_CURSOR)
                self.stderr.flush()
            except (OSError, ValueError):
                pass

    @contextmanager
    def waiting(self, text: str = "Waiting for the API…") -> Iterator[None]:
        """Show a spinner on stderr when what runs inside takes longer than `wait_delay`.

        The command line wraps it around a client call; the client never learns about
        the terminal. Off a terminal it does nothing; on one, a fast answer costs
        only a timer that is cancelled before it fires: Rich is imported, and the
        spinner drawn, from the timer's thread only once the delay has passed.
        """
        if not self.err_is_tty or self._status is not None or self._paging:
            yield
            return
        import threading

        spinner = _Waiting(self, text)
        timer = threading.Timer(self.wait_delay, spinner.show)
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()
            spinner.close()

    def _reader_gone(self) -> NoReturn:
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


class _PagerGone(Exception):
    """The pager exited (the user quit it) while rows were still being written to it."""


class _PagedSink:
    """Where a table's chunks go when a pager may take them.

    Rendered chunks are held until they are taller than the terminal; then the pager
    starts with them and takes every later chunk as it comes. If they never get that
    tall, or the pager cannot be started (not installed), they are printed directly.
    """

    def __init__(self, out: Output, pager: Pager, height: int) -> None:
        self.out = out
        self.pager = pager
        self.height = height
        self.held: list[str] = []
        self.lines = 0
        self.proc: subprocess.Popen[str] | None = None
        self.direct = False
        self.written = 0  # rows handed on, for the count when the pager quits early

    def table(self, table: Table) -> None:
        console = self.out.console
        with console.capture() as captured:
            console.print(table)
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
        with self.out._held():
            self.out.stdout.write(text)
            self.out.stdout.flush()

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
        status = self.out._status
        self.out._paging = True
        if status is not None:
            status.stop()
        self._feed(text)

    def _feed(self, text: str) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        try:
            self.proc.stdin.write(text)
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            raise _PagerGone from None

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
        self.out._paging = False


class _Waiting:
    """The spinner of `Output.waiting`, drawn from a timer thread if the wait is long."""

    def __init__(self, out: Output, text: str) -> None:
        import threading

        self.out = out
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
            self.status = Status(self.text, console=self.out.err_console)
            self.status.start()

    def close(self) -> None:
        with self.lock:
            self.closed = True
            status, self.status = self.status, None
        if status is not None:
            self.out._stop_spinner(status)


def _fit(
    natural: list[int], headers: list[int], total: int, *, fixed: Sequence[bool] = ()
) -> list[int]:
    """Column widths that fit `total` cells: the widest columns give way first.

    Rich would otherwise drop whole columns from the left when fixed widths overflow.
    `fixed` columns (ids, slugs, money) never shrink; when they alone overflow the
    terminal, the line wraps rather than show a wrong id.
    """
    widths = list(natural)
    fixed = list(fixed) or [False] * len(widths)
    floors = [
        w if keep else min(w, max(h, 6)) for w, h, keep in zip(widths, headers, fixed, strict=True)
    ]
    available = total - 2 * (len(widths) - 1)  # two spaces between columns
    for floor in (floors, [w if keep else 1 for w, keep in zip(widths, fixed, strict=True)]):
        # First down to a readable floor; if the fixed columns still leave too little
        # room, the others go down to an ellipsis rather than cut an id.
        while sum(widths) > available:
            i = max(range(len(widths)), key=lambda k: widths[k] - floor[k])
            if widths[i] <= floor[i]:
                break
            widths[i] -= 1
    return widths


def _chunked(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
