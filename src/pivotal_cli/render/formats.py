"""The formats a list can take, and the machine ones: JSON, JSON lines, CSV, plain rows.

Machine formats write exact values (`Column.raw`) a page at a time (`PAGE_ROWS`), so
`--all` over a large workspace never holds the list, and a pipe gets one write and one
flush per page rather than per row (that per-row flush was most of the CPU `--all`
spent beyond a minimal client's). JSON is indented on a terminal
and compact in a pipe (gh's rule: people read the indented form, programs only pay
for it); the values are exact either way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from enum import Enum
from typing import IO, Any

from pivotal_cli.render.columns import Column
from pivotal_cli.render.spinners import Spinners

# Rows per write and flush: the API's largest page, so a reader sees each page as soon
# as it has come.
PAGE_ROWS = 100


class Format(str, Enum):
    table = "table"  # Rich table on a terminal, plain rows when piped
    plain = "plain"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


def dumps(data: Any, *, pretty: bool) -> str:
    """One JSON value: indented when `pretty`, else compact; never ASCII-escaped."""
    if pretty:
        return json.dumps(data, indent=2, ensure_ascii=False)
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def chunked(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    """`rows` in lists of `size` (the last one shorter), read as they come.

    When reading `rows` fails (the API, a page in), the rows read so far come out
    first, then the error: what was fetched is still written.
    """
    batch: list[dict[str, Any]] = []
    try:
        for row in rows:
            batch.append(row)
            if len(batch) >= size:
                yield batch
                batch = []
    except Exception:
        if batch:
            yield batch
        raise
    if batch:
        yield batch


class RowWriter:
    """Writes a list's rows to stdout in one machine format; each returns the count."""

    def __init__(self, stdout: IO[str], spinners: Spinners, *, pretty: bool) -> None:
        self.stdout = stdout
        self.spinners = spinners
        self.pretty = pretty

    def json_array(self, rows: Iterable[dict[str, Any]]) -> int:
        """A JSON array written a page at a time: the text `dumps` makes of the whole list."""
        count = 0
        with self.spinners.held():
            self.stdout.write("[")
        for batch in chunked(rows, PAGE_ROWS):
            if self.pretty:
                text = "".join(
                    (",\n  " if count + n else "\n  ")
                    + dumps(row, pretty=True).replace("\n", "\n  ")
                    for n, row in enumerate(batch)
                )
            else:
                # The page's compact array without its brackets: its rows joined by ",".
                text = ("," if count else "") + dumps(batch, pretty=False)[1:-1]
            self._write(text)
            count += len(batch)
        with self.spinners.held():
            self.stdout.write("\n]\n" if self.pretty and count else "]\n")
            self.stdout.flush()
        return count

    def jsonl(self, rows: Iterable[dict[str, Any]]) -> int:
        return self._each(rows, lambda r: dumps(r, pretty=False))

    def csv(self, rows: Iterable[dict[str, Any]], columns: Sequence[Column]) -> int:
        import csv
        import io

        page = io.StringIO()
        writer = csv.writer(page, lineterminator="\n")
        writer.writerow([c.key for c in columns])
        self._write(page.getvalue())

        def line(row: dict[str, Any]) -> str:
            page.seek(0)
            page.truncate()
            writer.writerow([c.raw(row) for c in columns])
            return page.getvalue()[:-1]

        return self._each(rows, line)

    def plain(self, rows: Iterable[dict[str, Any]], columns: Sequence[Column]) -> int:
        """Tab-separated values, a tab inside a value turned into a space."""
        return self._each(rows, lambda r: "\t".join(c.raw(r).replace("\t", " ") for c in columns))

    def _each(self, rows: Iterable[dict[str, Any]], render: Callable[[dict[str, Any]], str]) -> int:
        """One line per row, a page of them per write."""
        count = 0
        for batch in chunked(rows, PAGE_ROWS):
            self._write("".join(render(row) + "\n" for row in batch))
            count += len(batch)
        return count

    def _write(self, text: str) -> None:
        with self.spinners.held():
            self.stdout.write(text)
            self.stdout.flush()
