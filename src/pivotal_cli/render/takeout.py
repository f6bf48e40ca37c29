"""Export files on disk: streamed, resumable, and atomic under their final names.

While an export runs, a resource's records go to a hidden spill file beside the
final one (`.customers.csv.part`), one compact JSON object a line, whatever the
format. `sync()` makes what was written durable and returns the byte offset to
record in the export's state; a resumed export truncates the spill file to that
offset (dropping anything written after the last saved checkpoint) and appends.

`finish()` turns the spill file into the final file and moves it into place atomically
(`settings.paths`), so the final name holds either nothing or a complete file, never
half of one, and owner-only, as every file pivotal writes. JSONL is the spill file
itself; JSON streams it into an array a record a line; CSV reads it twice (first for the
metadata keys, which become columns, then for the rows), so memory stays flat whatever
the size. Temporary files live in the same directory as the final one, because a rename
is atomic only within one file system.

A target that is not a regular file (stdout for `-o -`, a pipe, a device) cannot be
renamed into: it gets the final content streamed into it at `finish()`, from a spill
file in the system's temporary directory, and such an export cannot be resumed.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from pivotal_cli.domain import takeout
from pivotal_cli.domain.records import Record
from pivotal_cli.settings.paths import private_replacement, sync_dir, write_private


def hidden_sibling(path: Path, suffix: str) -> Path:
    """`dir/.name<suffix>`: a working file next to `path`."""
    return path.with_name(f".{path.name}{suffix}")


def is_stream_target(path: Path) -> bool:
    """Whether `path` is written through rather than replaced: `-`, a pipe, a device."""
    if str(path) == "-":
        return True
    try:
        return path.exists() and not path.is_file() and not path.is_dir()
    except OSError:
        return False


class ExportFile:
    """One resource's file: a spill file while it is written, the final file at the end.

    `sink`, for a stream target, opens where the final content goes (a text stream);
    without it the final file is renamed into place at `path`. `neutralise` is the CSV
    formula rule of `domain/takeout.py`.
    """

    def __init__(
        self,
        path: Path,
        resource: str,
        fmt: str,
        *,
        neutralise: bool = True,
        sink: Callable[[], contextlib.AbstractContextManager[IO[str]]] | None = None,
    ) -> None:
        self.path = path
        self.resource = resource
        self.fmt = fmt
        self.neutralise = neutralise
        self.sink = sink
        if sink is None:
            self.part = hidden_sibling(path, ".part")
        else:
            fd, spill = tempfile.mkstemp(prefix=f"pivotal-export-{resource}-", suffix=".part")
            os.close(fd)
            self.part = Path(spill)
        self._fh: IO[bytes] | None = None

    def open(self, resume_at: int | None = None) -> None:
        """Start the spill file, or reopen it at `resume_at` bytes (what was synced)."""
        if self.sink is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        if resume_at is None or not self.part.exists():
            write_private(self.part, "")  # owner-only from the start: customer data
            resume_at = 0
        fh = open(self.part, "r+b")  # noqa: SIM115 (kept open across batches)
        # Anything past the last checkpoint may be a half-written record: drop it.
        fh.truncate(resume_at)
        fh.seek(resume_at)
        self._fh = fh

    def write(self, records: Iterable[Record]) -> int:
        assert self._fh is not None, "open() first"
        count = 0
        for record in records:
            self._fh.write(takeout.json_line(record).encode() + b"\n")
            count += 1
        return count

    def sync(self) -> int:
        """Make what was written durable; the byte offset a resume starts from."""
        assert self._fh is not None
        self._fh.flush()
        os.fsync(self._fh.fileno())
        return self._fh.tell()

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def finish(self) -> None:
        """Turn the spill file into the final file, atomically."""
        self.sync()
        self.close()
        if self.sink is not None:
            try:
                with self.sink() as out:
                    self._write_final(out)
                    out.flush()
            finally:
                self.part.unlink(missing_ok=True)
            return
        if self.fmt == "jsonl":
            os.replace(self.part, self.path)  # the spill file is the final file already
        else:
            with private_replacement(self.path, newline="") as out:
                self._write_final(out)
            self.part.unlink()
        sync_dir(self.path.parent)

    def discard(self) -> None:
        """Remove the working file (a fresh start)."""
        self.close()
        self.part.unlink(missing_ok=True)

    def _lines(self) -> Iterator[str]:
        with open(self.part, encoding="utf-8") as spill:
            for line in spill:
                line = line.rstrip("\n")
                if line:
                    yield line

    def _write_final(self, out: IO[str]) -> None:
        if self.fmt == "jsonl":
            for line in self._lines():
                out.write(line + "\n")
        elif self.fmt == "json":
            self._write_json(out)
        else:
            self._write_csv(out)

    def _write_json(self, out: IO[str]) -> None:
        # The spill lines are the records' compact JSON already: no need to parse them.
        first = True
        for line in self._lines():
            out.write(("[\n" if first else ",\n") + line)
            first = False
        out.write("[]\n" if first else "\n]\n")

    def _write_csv(self, out: IO[str]) -> None:
        keys: dict[str, None] = {}
        for line in self._lines():
            keys.update(dict.fromkeys(takeout.metadata_keys(json.loads(line))))
        columns = takeout.csv_columns(self.resource, keys)
        # CRLF, as RFC 4180 has it: Python's writer quotes a cell holding any character of
        # the line terminator, so with "\n" alone a bare CR in a value went out unquoted
        # and read back as the end of the row.
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(columns)
        for line in self._lines():
            writer.writerow(takeout.csv_row(json.loads(line), columns, neutralise=self.neutralise))


def write_json_atomic(path: Path, data: Any) -> None:
    """`data` as indented JSON at `path`, replacing it atomically and owner-only."""
    write_private(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def read_json(path: Path) -> Any:
    """The JSON in `path`, or None when there is no such file or it does not parse."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


class Progress:
    """`Exporting contacts: 12,345 records, 2,100/s` on one line of a terminal's stderr.

    Redrawn at most every `every` seconds; nothing at all off a terminal. `clear()`
    wipes the line before the summary is printed.
    """

    def __init__(
        self, stream: IO[str], enabled: bool, every: float = 0.2, clock: Any = time.monotonic
    ) -> None:
        self._stream = stream
        self._enabled = enabled
        self._every = every
        self._clock = clock
        self._started = clock()
        self._last = 0.0
        self._shown = False

    def update(self, label: str, count: int, *, force: bool = False) -> None:
        if not self._enabled:
            return
        now = self._clock()
        if not force and now - self._last < self._every:
            return
        self._last = now
        rate = count / max(now - self._started, 1e-6)
        self._stream.write(f"\r\x1b[K{label}: {count:,} records, {rate:,.0f}/s")
        self._stream.flush()
        self._shown = True

    def clear(self) -> None:
        if self._shown:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
            self._shown = False
