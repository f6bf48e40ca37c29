"""The one renderer: table / plain / json / jsonl / csv, on two streams.

Data goes to stdout; everything else (progress, hints, warnings, errors) to stderr.
On a terminal lists are Rich tables; piped, they are plain tab-separated rows with no
colour and no decoration, stable for `cut` and `awk`; `--json`, `--jsonl` and `--csv`
always win. Rich is imported only when a table or a styled message is actually drawn.

`Output` is what commands use; it composes the parts, each in its own module: the
streams, messages and prompts (`streams`), the spinners (`spinners`), the pager
(`pager`), Rich tables (`table`) and the machine formats (`formats`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from pivotal_cli.render.columns import Column
from pivotal_cli.render.formats import Format, RowWriter, dumps
from pivotal_cli.render.pager import PagedSink, PagerGone
from pivotal_cli.render.streams import Streams, writes_stdout
from pivotal_cli.render.table import record_grid, tables

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table


class Output(Streams):
    """Where a command's results and messages go. One per invocation, never global."""

    # What `json()` prints instead of the value itself, when a command filters its
    # JSON (the CLI's --jq): the lines the filter makes of the value.
    json_filter: Callable[[Any], Iterable[str]] | None = None

    # -- data on stdout ---------------------------------------------------------------

    def dumps(self, data: Any) -> str:
        """One JSON value as this stdout gets it: indented on a terminal, compact piped."""
        return dumps(data, pretty=self.is_tty)

    @writes_stdout
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

    @writes_stdout
    def line(self, text: str) -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    @writes_stdout
    def record(
        self, row: dict[str, Any], fields: Sequence[Column], *, title: str | None = None
    ) -> None:
        """One object as `field  value` lines (a two-column grid on a terminal)."""
        if not self.is_tty:
            for col in fields:
                self.line(f"{col.key}\t{col.raw(row)}")
            return
        grid = record_grid(row, fields)
        if title:
            self.console.print(title)
        self.console.print(grid)

    @writes_stdout
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
        writer = RowWriter(self.stdout, self.spinners, pretty=self.is_tty)
        with self.spinners.progress(progress_label) as tracked:
            rows = tracked(rows)
            if fmt is Format.json:
                return writer.json_array(rows)
            if fmt is Format.jsonl:
                return writer.jsonl(rows)
            if fmt is Format.csv:
                return writer.csv(rows, columns)
            if fmt is Format.plain or not self.is_tty:
                return writer.plain(rows, columns)
            count = self._paged_table(rows, columns)
        if count == 0:
            # After the spinner has gone, so the line is not drawn over it.
            self.info(empty_message)
        return count

    @writes_stdout
    def paged(self, renderable: RenderableType) -> None:
        """A Rich view (`status`) through the pager when it is taller than the terminal."""
        pager = self.pager_choice() if self.pager_choice is not None else None
        if pager is None:
            with self.spinners.held():
                self.console.print(renderable)
            return
        sink = PagedSink(
            pager, self.height or self.console.height, self.console, self.stdout, self.spinners
        )
        with self.console.capture() as captured:
            self.console.print(renderable)
        try:
            sink.write(captured.get())
        except PagerGone:
            pass  # quit before the end: what they wanted is seen
        finally:
            sink.close()

    def _paged_table(self, rows: Iterable[dict[str, Any]], columns: Sequence[Column]) -> int:
        """The list as tables, through the pager when there is one and they overflow."""
        pager = self.pager_choice() if self.pager_choice is not None else None
        if pager is None:
            return self._emit_tables(rows, columns, self._print)
        sink = PagedSink(
            pager, self.height or self.console.height, self.console, self.stdout, self.spinners
        )
        try:
            return self._emit_tables(rows, columns, sink.table)
        except PagerGone:
            # The user quit the pager before the end: what they wanted is seen.
            return sink.written
        finally:
            sink.close()

    def _emit_tables(
        self,
        rows: Iterable[dict[str, Any]],
        columns: Sequence[Column],
        emit: Callable[[Table], None],
    ) -> int:
        count = 0
        for table in tables(rows, columns, self.console):
            emit(table)
            count += table.row_count
        return count

    def _print(self, table: Table) -> None:
        with self.spinners.held():
            self.console.print(table)

    # -- spinners on stderr -------------------------------------------------------------

    @contextmanager
    def waiting(self, text: str = "Waiting for the API…") -> Iterator[None]:
        """Show a spinner on stderr when what runs inside takes longer than `wait_delay`.

        The command line wraps it around a client call; the client never learns about
        the terminal (see `Spinners.waiting`).
        """
        with self.spinners.waiting(text):
            yield
