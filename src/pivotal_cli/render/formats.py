"""The formats a list can take, and the machine ones: JSON, JSON lines, CSV, plain rows.

Machine formats write exact values (`Column.raw`) a chunk at a time, so `--all` over a
large workspace never holds the list: row by row into a pipe, a hundred at a time
while a spinner has to be cleared around each write. JSON is indented on a terminal
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
    """`rows` in lists of `size` (the last one shorter), read as they come."""
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class RowWriter:
    """Writes a list's rows to stdout in one machine format; each returns the count."""

    def __init__(self, stdout: IO[str], spinners: Spinners, *, pretty: bool) -> None:
        self.stdout = stdout
        self.spinners = spinners
        self.pretty = pretty

    def json_array(self, rows: Iterable[dict[str, Any]]) -> int:
        """A JSON array written a row at a time: the text `dumps` makes of the whole list."""
        pretty = self.pretty
        sep, end = (",\n  ", "\n]\n") if pretty else (",", "]\n")
        count = 0
        with self.spinners.held():
            self.stdout.write("[")
        for batch in chunked(rows, self.spinners.chunk()):
            with self.spinners.held():
                for row in batch:
                    body = dumps(row, pretty=pretty)
                    if pretty:
                        body = body.replace("\n", "\n  ")
                    self.stdout.write((sep if count else ("\n  " if pretty else "")) + body)
                    count += 1
                self.stdout.flush()
        with self.spinners.held():
            self.stdout.write(end if count else "]\n")
            self.stdout.flush()
        return count

    def jsonl(self, rows: Iterable[dict[str, Any]]) -> int:
        return self._each(rows, lambda r: dumps(r, pretty=False))

    def csv(self, rows: Iterable[dict[str, Any]], columns: Sequence[Column]) -> int:
        import csv

        writer = csv.writer(self.stdout, lineterminator="\n")
        with self.spinners.held():
            writer.writerow([c.key for c in columns])
        return self._each(rows, lambda r: writer.writerow([c.raw(r) for c in columns]) and None)

    def plain(self, rows: Iterable[dict[str, Any]], columns: Sequence[Column]) -> int:
        """Tab-separated values, a tab inside a value turned into a space."""
        return self._each(rows, lambda r: "\t".join(c.raw(r).replace("\t", " ") for c in columns))

    def _each(
        self, rows: Iterable[dict[str, Any]], render: Callable[[dict[str, Any]], str | None]
    ) -> int:
        count = 0
        for batch in chunked(rows, self.spinners.chunk()):
            with self.spinners.held():
                for row in batch:
                    text = render(row)
                    if text is not None:
                        self.stdout.write(text + "\n")
                    count += 1
                self.stdout.flush()
        return count
