"""Reading import files row by row, and writing result files.

CSV (a header row), JSONL (one object a line) and a JSON array are read as a stream
of `(row number, mapping)`: CSV and JSONL one line at a time, so memory stays flat
whatever the file's size. A JSON array is parsed whole (JSON has no streaming reader
in the standard library): use JSONL for big files. Row numbers count data rows from 1
(a CSV's header is not a row; blank lines are skipped but counted, so row N is the
Nth line after the header). A line that is not a JSON object is handed on as a
`BadLine`, so it becomes a row error rather than a crash.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from pivotal_cli.domain import bounded
from pivotal_cli.domain.takeout import csv_cell
from pivotal_cli.errors import UsageError

FORMATS = ("csv", "jsonl", "json")
_EXTENSIONS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json"}


@dataclass(frozen=True)
class BadLine:
    """A line of a JSONL or JSON input that is not an object: a row error."""

    message: str


Row = Mapping[str, Any] | BadLine


class Rows(Protocol):
    """What a job is loaded from: numbered rows, and the columns seen once read."""

    columns: list[str]

    def __iter__(self) -> Iterator[tuple[int, Row]]: ...


def detect_format(path: str, forced: str | None) -> str:
    """The file's format: `forced` if given, else from its extension, else (stdin) from
    its first bytes."""
    if forced:
        return forced
    suffix = Path(path).suffix.lower()
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    sniffed = _sniff_stdin() if path == "-" else None
    if sniffed:
        return sniffed
    raise UsageError(
        f"Cannot tell the format of '{path}' from its name; it must end in .csv, .jsonl or .json.",
        reason="import_format_unknown",
    )


def _sniff_stdin() -> str | None:
    """A piped stdin's format from its first non-blank byte, without consuming it: `[`
    a JSON array, `{` JSON lines, anything else CSV. None for a terminal, or a stream
    that can be neither peeked at nor rewound."""
    if sys.stdin is None or sys.stdin.isatty():
        return None
    stream = sys.stdin.buffer
    peek = getattr(stream, "peek", None)
    if peek is not None:
        head = peek(4096)
    elif stream.seekable():  # a file or buffer standing in for a pipe
        start = stream.tell()
        head = stream.read(4096)
        stream.seek(start)
    else:
        return None
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        # Nothing piped (or only blank lines): no rows, in any format.
        return "csv"
    return {ord("["): "json", ord("{"): "jsonl"}.get(head[0], "csv")


def check_header(source: str, columns: Sequence[str]) -> None:
    """A header that names a column twice is refused: which cell would feed the field?"""
    # Blank names (a trailing comma) feed nothing, however many there are.
    repeated = [name for name, count in Counter(columns).items() if count > 1 and name]
    if repeated:
        names = ", ".join(f"'{name}'" for name in repeated)
        raise UsageError(
            f"{source}: the header names {names} more than once; "
            "each column must have its own name.",
            reason="import_duplicate_column",
        )


class RowReader:
    """Rows of one input, read lazily; `columns` is known after the header (CSV)."""

    def __init__(self, path: str, fmt: str) -> None:
        self.path = path
        # How errors name the input, as the row problems do: its file name, or stdin.
        self.source = "stdin" if path == "-" else Path(path).name
        self.format = fmt
        self.columns: list[str] = []
        self._stream: IO[str] | None = None

    def _open(self) -> IO[str]:
        if self.path == "-":
            # newline="" lets the csv module see quoted line breaks as they are.
            return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline="")
        try:
            return open(self.path, encoding="utf-8-sig", newline="")
        except FileNotFoundError:
            raise UsageError(f"No such file: {self.path}.", reason="import_file_missing") from None
        except OSError as exc:
            raise UsageError(
                f"Cannot read {self.path}: {exc.strerror}.", reason="import_file_unreadable"
            ) from None

    def __iter__(self) -> Iterator[tuple[int, Row]]:
        self._stream = self._open()
        try:
            if self.format == "csv":
                yield from self._csv(self._stream)
            elif self.format == "jsonl":
                yield from self._jsonl(self._stream)
            else:
                yield from self._json(self._stream)
        except UnicodeDecodeError:
            raise UsageError(
                f"{self.path} is not UTF-8 text.", reason="import_file_unreadable"
            ) from None
        finally:
            self.close()

    def close(self) -> None:
        if self._stream is not None and self.path != "-":
            self._stream.close()
        self._stream = None

    def _csv(self, stream: IO[str]) -> Iterator[tuple[int, Row]]:
        reader = bounded.CsvRows(stream, self.source)
        records = iter(reader)
        _, header = next(records, (0, []))
        if not header:
            return
        self.columns = reader.columns = [name.strip() for name in header]
        check_header(self.source, self.columns)
        for number, (_, cells) in enumerate(records, start=1):
            if not cells or all(not cell.strip() for cell in cells):
                continue
            if len(cells) > len(self.columns):
                yield (
                    number,
                    BadLine(
                        f"has {len(cells)} cells but the header names {len(self.columns)} columns"
                    ),
                )
                continue
            yield number, dict(zip(self.columns, cells, strict=False))

    def _jsonl(self, stream: IO[str]) -> Iterator[tuple[int, Row]]:
        for number, line in enumerate(bounded.lines(stream, self.source), start=1):
            if line.strip():
                yield number, self._record(line)

    def _json(self, stream: IO[str]) -> Iterator[tuple[int, Row]]:
        try:
            text = bounded.read_limited(stream, self.source)
        except bounded.InputTooLarge as exc:
            # JSON lines are read a line at a time, whatever the file's size.
            raise bounded.InputTooLarge(
                f"{exc.message[:-1]} for a JSON array; split it, or use JSON lines (.jsonl).",
                reason=exc.reason,
            ) from None
        try:
            data = bounded.loads(text, self.source)
        except ValueError as exc:
            raise UsageError(
                f"{self.path} is not valid JSON: {exc}.", reason="import_file_malformed"
            ) from None
        if not isinstance(data, list):
            raise UsageError(
                f"{self.path} holds JSON that is not an array of records.",
                reason="import_file_malformed",
            )
        for number, item in enumerate(data, start=1):
            yield number, item if isinstance(item, dict) else BadLine("is not a JSON object")

    def _record(self, line: str) -> Row:
        try:
            value = bounded.loads(line, self.source)
        except bounded.InputTooLarge:
            return BadLine(f"is nested deeper than {bounded.MAX_DEPTH} levels")
        except ValueError as exc:
            return BadLine(f"is not valid JSON ({exc})")
        if not isinstance(value, dict):
            return BadLine("is not a JSON object")
        for name in value:
            if name not in self.columns:
                self.columns.append(name)
        return value


class ResultWriter:
    """A result file: the input's columns plus the outcome columns, as CSV or JSONL."""

    def __init__(self, path: Path | str, fmt: str, columns: Sequence[str], extra: Sequence[str]):
        self.format = "csv" if fmt == "csv" else "jsonl"
        self._to_stdout = str(path) == "-"
        self._stream: IO[str] = (
            sys.stdout if self._to_stdout else open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
        )
        self.count = 0
        self._columns = list(columns) + [name for name in extra if name not in columns]
        self._csv = csv.writer(self._stream) if self.format == "csv" else None
        if self._csv is not None:
            self._csv.writerow(self._columns)

    def write(self, row: Mapping[str, Any]) -> None:
        self.count += 1
        if self._csv is not None:
            self._csv.writerow([csv_cell(row.get(name)) for name in self._columns])
        else:
            self._stream.write(json.dumps(row, ensure_ascii=False) + "\n")

    def close(self) -> None:
        if self._to_stdout:
            self._stream.flush()
        else:
            self._stream.close()


def write_rows(
    path: Path | str,
    fmt: str,
    columns: Sequence[str],
    extra: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
) -> int:
    writer = ResultWriter(path, fmt, columns, extra)
    try:
        for row in rows:
            writer.write(row)
    finally:
        writer.close()
    return writer.count
