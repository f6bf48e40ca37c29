"""Input read with limits: JSON documents, text, lines and CSV cells. No I/O of its own.

Every place the CLI reads what a user hands it (a `--data` body, `api --input`, an
import file, a paste, `config.json`, a webhook request) reads through here, so a
10 MB cell, a line with no end, 100,000 nested brackets or `/dev/zero` fails at a
limit, fast and in one line, instead of as a memory error, a hang or a crash. The
caller opens the stream; this module only calls `.read(n)` / `.readline(n)` on it,
never more than the limit plus one, so an endless stream stops at the limit.

The limits are far above any real input (an API body is a few kilobytes) and are
listed in the README's "Limits" section. `InputTooLarge` names the source and the
limit it passed: "body.json: nested deeper than 500 levels".
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from pivotal_cli.errors import UsageError

KIB = 1024
MIB = 1024 * KIB
MAX_DOCUMENT_BYTES = 64 * MIB  # a JSON document or a text read whole
MAX_DEPTH = 500  # JSON nesting: objects and arrays inside one another
MAX_LINE = 1 * MIB  # one line of an import file or a paste
MAX_CELL = 128 * KIB  # one CSV cell (the csv module's own default field limit)


class InputTooLarge(UsageError):
    """An input past one of the limits: too big, too deep, a line or a cell too long."""


class Readable(Protocol):
    def read(self, size: int = -1, /) -> Any: ...


class LineReadable(Protocol):
    def readline(self, size: int = -1, /) -> Any: ...


def size_text(limit: int) -> str:
    """A limit in words: `64 MiB`, `128 KiB`, `500 bytes`."""
    for unit, name in ((MIB, "MiB"), (KIB, "KiB")):
        if limit >= unit and limit % unit == 0:
            return f"{limit // unit} {name}"
    return f"{limit:,} bytes"


def too_large(source: str, limit: int) -> InputTooLarge:
    return InputTooLarge(f"{source}: more than {size_text(limit)}.", reason="input_too_large")


def read_limited(stream: Readable, source: str, limit: int = MAX_DOCUMENT_BYTES) -> Any:
    """The whole stream (bytes or text, as it gives them), refused past `limit`."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise too_large(source, limit)
    return data


def loads(text: str | bytes, source: str, *, max_depth: int = MAX_DEPTH) -> Any:
    """`json.loads`, refusing nesting deeper than `max_depth`; JSON's own errors
    (ValueError) are the caller's to word."""
    try:
        value = json.loads(text)
    except RecursionError:
        # json recurses once a level: it gives up near Python's recursion limit.
        raise too_deep(source, max_depth) from None
    if depth_exceeds(value, max_depth):
        raise too_deep(source, max_depth)
    return value


def too_deep(source: str, max_depth: int = MAX_DEPTH) -> InputTooLarge:
    return InputTooLarge(
        f"{source}: nested deeper than {max_depth} levels.", reason="input_too_deep"
    )


def depth_exceeds(value: Any, max_depth: int) -> bool:
    """Whether objects and arrays nest more than `max_depth` deep (walked without
    recursion, so a value deep enough to crash a recursive walk is measured too)."""
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        node, depth = pending.pop()
        if isinstance(node, dict):
            children: Iterable[Any] = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > max_depth:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False


def lines(stream: LineReadable, source: str, limit: int = MAX_LINE) -> Iterator[str]:
    """The stream's lines, line ends kept; a line longer than `limit` is refused
    (a file with no line end, or `/dev/zero`, fails there instead of filling memory)."""
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not _ends_line(line, limit):
            raise InputTooLarge(
                f"{source}: line {number} is longer than {size_text(limit)}.",
                reason="line_too_long",
            )
        yield line


def _ends_line(line: str, limit: int) -> bool:
    # A line of exactly `limit` characters plus its "\n" (or "\r\n") is within it.
    return len(line.rstrip("\r\n")) <= limit


class LineStream:
    """Lines already in memory (line ends dropped, as `splitlines` gives them) read as
    a stream, for `CsvRows`."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)

    def readline(self, size: int = -1, /) -> str:
        line = next(self._lines, None)
        return "" if line is None else line + "\n"


class CsvRows:
    """CSV records from bounded lines, each with the line it starts on; a cell longer
    than `MAX_CELL` is refused naming its line and column (`columns` names them once
    the header is read)."""

    def __init__(self, stream: LineReadable, source: str, **options: Any) -> None:
        self.source = source
        self.columns: list[str] = []
        self._stream = stream
        self._pending: list[str] = []  # the lines of the record being read
        self._line = 0
        self._reader = csv.reader(self._feed(), **options)

    def _feed(self) -> Iterator[str]:
        number = 0
        while True:
            line = self._stream.readline(MAX_LINE + 1)
            if not line:
                return
            number += 1
            self._pending.append(line)
            if len(line) > MAX_LINE and not _ends_line(line, MAX_LINE):
                index, length = _open_cell("".join(self._pending))
                if length > MAX_CELL:
                    raise self._too_long(self._line + 1, index)
                raise InputTooLarge(
                    f"{self.source}: line {number} is longer than {size_text(MAX_LINE)}.",
                    reason="line_too_long",
                )
            yield line

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        while True:
            start = self._line + 1
            try:
                cells = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if "field larger than field limit" in str(exc):
                    index = _open_cell("".join(self._pending))[0]
                    raise self._too_long(start, index) from None
                raise UsageError(
                    f"{self.source}: line {start} is not CSV ({exc}).", reason="input_not_csv"
                ) from None
            self._line = self._reader.line_num
            self._pending = []
            for index, cell in enumerate(cells):
                if len(cell) > MAX_CELL:
                    raise self._too_long(start, index)
            yield start, cells

    def _too_long(self, line: int, index: int) -> InputTooLarge:
        name = self.columns[index] if index < len(self.columns) else f"#{index + 1}"
        return InputTooLarge(
            f"{self.source}: line {line}, column {name}: a cell longer than {size_text(MAX_CELL)}.",
            reason="cell_too_long",
        )


def _open_cell(text: str) -> tuple[int, int]:
    """Which cell of `text` (the start of a record) first runs past the cell limit, and
    its length (the last cell's, if none does): commas outside quotes counted."""
    index, length, quoted = 0, 0, False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            index, length = index + 1, 0
            continue
        length += 1
        if length > MAX_CELL:
            break
    return index, length
