"""The job journal: one SQLite file per import job, one row per input row.

Each row keeps its input (so a job read from stdin can be resumed, and result files
written at any time), its plan (the typed bodies), its status, attempts, the
idempotency key and when it was first sent, and its outcome: the record's id and
display_id, the action, the HTTP status and the error's type, code, field and
message. A row is marked `sending` and committed BEFORE its request leaves, so after a
kill -9 the journal says exactly which rows may have reached the server.

Statuses: `pending` (not sent yet), `sending` (sent, no answer recorded), `patching`
(created; the follow-up PATCH not confirmed), `retry` (gave up on a server or network
error: resumable), `done`, `failed` (the API or a local check refused the row).

WAL mode with synchronous=NORMAL: a commit survives the process being killed (not a
power cut), at a cost per row small enough for thousands of rows a second. One
connection, shared by the sender's threads under a lock.

A sender's outcomes may be held back (`finish_later`) and committed with the next
`mark_sending` or `mark_patching`, or by `flush`: one commit per row instead of two.
Losing held outcomes to a kill is safe, as the row is still `sending` (or `patching`)
in the file and a resume replays it under the same idempotency key.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pivotal_cli.errors import LocalFileError
from pivotal_cli.jobs.journal_costs import CostQueries
from pivotal_cli.jobs.journal_health import (
    VERSION,
    check_file,
    check_open,
    failure,
    on_read_only_mount,
)

PENDING = "pending"
SENDING = "sending"
PATCHING = "patching"
RETRY = "retry"
DONE = "done"
FAILED = "failed"
# Rows a run (or a resume) still has to send.
OPEN = (PENDING, SENDING, PATCHING, RETRY)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rows (
    n INTEGER PRIMARY KEY,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    row_key TEXT,
    idem_key TEXT,
    first_sent_at REAL,
    plan TEXT,
    data TEXT NOT NULL,
    action TEXT,
    record_id TEXT,
    display_id INTEGER,
    http_status INTEGER,
    error_type TEXT,
    error_code TEXT,
    error_field TEXT,
    error_message TEXT
);
CREATE INDEX IF NOT EXISTS rows_by_key ON rows (row_key);
"""
# No index on status: every row changes status two or three times, and keeping such an
# index cost more per row than the scans it saves (the readers by status walk the rows
# in order a chunk at a time, or count them all). Journals made with one keep it.


@dataclass
class JournalRow:
    n: int
    status: str
    attempts: int
    row_key: str | None
    idem_key: str | None
    first_sent_at: float | None
    plan: dict[str, Any]
    data: dict[str, Any]
    action: str | None
    record_id: str | None
    display_id: int | None


@dataclass(frozen=True)
class Outcome:
    """What happened to a row; the error fields only when it failed."""

    action: str
    record_id: str | None = None
    display_id: int | None = None
    http_status: int | None = None
    error_type: str | None = None
    error_code: str | None = None
    error_field: str | None = None
    error_message: str | None = None


class Journal(CostQueries):
    """One job's journal file: `Journal(path)` creates it (or opens one being loaded),
    `Journal.open(path)` opens a finished load after checking it can be trusted.

    Every SQLite failure leaves as a `LocalFileError` (a full or read-only disk) or a
    `DamagedJournalError` (`jobs/journal_health.py`), never as SQLite's own error.
    """

    def __init__(self, path: Path | str, *, create: bool = True) -> None:
        self.path = Path(path) if str(path) != ":memory:" else path
        self._lock = threading.RLock()
        # Outcomes not committed yet (`finish_later`), as `finish`'s parameters.
        self._held: list[tuple[Any, ...]] = []
        memory = str(path) == ":memory:"
        made = not memory and create and _touch(Path(path))
        if not memory and not create:
            check_file(Path(path))
        # On a read-only mount nobody can change the file, and SQLite could not make
        # the WAL index beside it: it is read as immutable (a write then fails, EROFS).
        frozen = not memory and not create and on_read_only_mount(path)
        try:
            self._conn = sqlite3.connect(
                str(path) if create else _uri(Path(path), frozen),
                check_same_thread=False,
                isolation_level=None,
                timeout=30.0,
                uri=not create,
            )
        except sqlite3.Error as exc:
            error = failure(exc, path)  # before the removal frees what was full
            _remove_new(Path(path), made)
            raise error from None
        with self._locked():
            try:
                if not create:
                    # Before any pragma: another program's database stays as it is.
                    check_open(self._conn, Path(path))
                if not frozen:
                    self._conn.execute("PRAGMA journal_mode=WAL")
                self._conn.execute("PRAGMA synchronous=NORMAL")
                if create:
                    self._conn.executescript(_SCHEMA)
                    self._conn.execute(f"PRAGMA user_version = {VERSION}")
            except sqlite3.Error as exc:
                self._conn.close()
                # A file this call created and could not make a journal of goes again,
                # once the error is told (its removal frees what was full).
                error = failure(exc, path)
                _remove_new(Path(path), made)
                raise error from None
            except BaseException:
                self._conn.close()
                _remove_new(Path(path), made)
                raise

    @classmethod
    def open(cls, path: Path) -> Journal:
        """An existing job's journal, checked (`DamagedJournalError` if it cannot be used)."""
        return cls(path, create=False)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """The connection to oneself, with SQLite's errors told as this file's."""
        with self._lock:
            try:
                yield
            except sqlite3.Error as exc:
                # SQLite may have rolled back already (a full disk does), or be closed.
                with suppress(sqlite3.Error):
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                raise failure(exc, self.path) from None

    def close(self) -> None:
        with self._lock:
            try:
                self.flush()
            finally:
                self._conn.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the job's own facts ---------------------------------------------------------

    def set_meta(self, values: Mapping[str, Any]) -> None:
        with self._locked():
            self._conn.executemany(
                "INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)",
                [(name, json.dumps(value)) for name, value in values.items()],
            )

    def meta(self) -> dict[str, Any]:
        with self._locked():
            rows = self._conn.execute("SELECT name, value FROM meta").fetchall()
        return {name: json.loads(value) for name, value in rows}

    # -- loading ----------------------------------------------------------------------

    def add_rows(
        self,
        rows: list[
            tuple[int, str, str | None, dict[str, Any] | None, Mapping[str, Any], Outcome | None]
        ],
    ) -> None:
        """(n, status, row_key, plan, data, outcome) rows, in one transaction."""
        with self._locked():
            self._conn.execute("BEGIN")
            self._conn.executemany(
                "INSERT OR REPLACE INTO rows (n, status, row_key, plan, data, action, "
                "error_type, error_code, error_field, error_message) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        n,
                        status,
                        key,
                        json.dumps(plan) if plan is not None else None,
                        json.dumps(data, ensure_ascii=False),
                        outcome.action if outcome else None,
                        outcome.error_type if outcome else None,
                        outcome.error_code if outcome else None,
                        outcome.error_field if outcome else None,
                        outcome.error_message if outcome else None,
                    )
                    for n, status, key, plan, data, outcome in rows
                ],
            )
            self._conn.execute("COMMIT")

    def duplicates(self) -> list[tuple[int, str, int]]:
        """(row, key, first row with that key) for every later row sharing a key."""
        with self._locked():
            found = self._conn.execute(
                "SELECT r.n, r.row_key, f.first FROM rows r JOIN "
                "(SELECT row_key, min(n) AS first FROM rows WHERE row_key IS NOT NULL "
                "GROUP BY row_key HAVING count(*) > 1) f ON r.row_key = f.row_key "
                "WHERE r.n > f.first AND r.status = 'pending' ORDER BY r.n"
            ).fetchall()
        return [(n, key, first) for n, key, first in found]

    # -- sending ----------------------------------------------------------------------

    def open_rows(self, statuses: tuple[str, ...] = OPEN, chunk: int = 500) -> Iterator[JournalRow]:
        """Rows with one of `statuses`, in row order, read a chunk at a time."""
        self.flush()
        last = 0
        marks = ",".join("?" * len(statuses))
        while True:
            with self._locked():
                found = self._conn.execute(
                    "SELECT n, status, attempts, row_key, idem_key, first_sent_at, plan, data, "
                    f"action, record_id, display_id FROM rows WHERE status IN ({marks}) "
                    "AND n > ? ORDER BY n LIMIT ?",
                    (*statuses, last, chunk),
                ).fetchall()
            if not found:
                return
            for row in found:
                yield JournalRow(
                    n=row[0],
                    status=row[1],
                    attempts=row[2],
                    row_key=row[3],
                    idem_key=row[4],
                    first_sent_at=row[5],
                    plan=json.loads(row[6]) if row[6] else {},
                    data=json.loads(row[7]),
                    action=row[8],
                    record_id=row[9],
                    display_id=row[10],
                )
            last = found[-1][0]

    def mark_sending(self, n: int, idem_key: str, now: float) -> None:
        """Committed before the request leaves: the row may reach the server from now on."""
        self._mark(
            "UPDATE rows SET status = ?, idem_key = ?, attempts = attempts + 1, "
            "first_sent_at = coalesce(first_sent_at, ?) WHERE n = ?",
            (SENDING, idem_key, now, n),
        )

    def mark_patching(self, n: int, record_id: str, display_id: int | None, now: float) -> None:
        self._mark(
            "UPDATE rows SET status = ?, record_id = ?, display_id = ?, "
            "attempts = attempts + 1, first_sent_at = coalesce(first_sent_at, ?) WHERE n = ?",
            (PATCHING, record_id, display_id, now, n),
        )

    def _mark(self, sql: str | None, values: tuple[Any, ...] = ()) -> None:
        """A row's mark (if any), committed with the outcomes held so far: one commit.
        Held outcomes that fail to commit are dropped, not retried: the error is raised
        (the job stops), and their rows are still open in the file."""
        with self._locked():
            held, self._held = self._held, []
            if held:
                self._conn.execute("BEGIN")
                self._conn.executemany(_FINISH, held)
            if sql is not None:
                self._conn.execute(sql, values)
            if held:
                self._conn.execute("COMMIT")

    def set_plan(self, n: int, plan: dict[str, Any]) -> None:
        """Replace a row's plan before it is sent (a choice made once every row is read)."""
        with self._locked():
            self._conn.execute("UPDATE rows SET plan = ? WHERE n = ?", (json.dumps(plan), n))

    def finish(self, n: int, status: str, outcome: Outcome) -> None:
        """The row's outcome, committed now."""
        with self._locked():
            self._conn.execute(_FINISH, _finish_values(n, status, outcome))

    def finish_later(self, n: int, status: str, outcome: Outcome, *, most: int = 64) -> None:
        """The row's outcome, committed with the next mark, or once `most` are held, or
        by `flush` (reads see it: they flush first)."""
        with self._lock:
            self._held.append(_finish_values(n, status, outcome))
            if len(self._held) >= most:
                self.flush()

    def flush(self) -> None:
        """Commit the outcomes held back; a failure drops them (their rows stay open)."""
        if self._held:
            self._mark(None)

    # -- reading back -----------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        """Rows by status, and done rows by action (`action:created`, …)."""
        self.flush()
        with self._locked():
            by_status = self._conn.execute(
                "SELECT status, count(*) FROM rows GROUP BY status"
            ).fetchall()
            by_action = self._conn.execute(
                "SELECT action, count(*) FROM rows WHERE status = ? GROUP BY action", (DONE,)
            ).fetchall()
        counts = {status: count for status, count in by_status}
        counts.update({f"action:{action}": count for action, count in by_action})
        counts["total"] = sum(count for _, count in by_status)
        return counts

    def failures(self) -> list[tuple[int, str | None, str | None]]:
        """(row, error code, message) of every row without a good outcome yet, in order."""
        self.flush()
        with self._locked():
            found = self._conn.execute(
                "SELECT n, error_code, error_message FROM rows WHERE status IN (?, ?) ORDER BY n",
                (FAILED, RETRY),
            ).fetchall()
        return [(n, code, message) for n, code, message in found]

    def claimed_ids(self) -> set[str]:
        self.flush()
        with self._locked():
            found = self._conn.execute(
                "SELECT record_id FROM rows WHERE record_id IS NOT NULL"
            ).fetchall()
        return {row[0] for row in found}

    def results(self, *, failed: bool | None = None) -> Iterator[dict[str, Any]]:
        """Each row's input with its outcome columns; `failed` picks one side."""
        self.flush()
        where = ""
        if failed is True:
            where = f"WHERE status NOT IN ('{DONE}')"
        elif failed is False:
            where = f"WHERE status = '{DONE}'"
        last = 0
        while True:
            with self._locked():
                found = self._conn.execute(
                    "SELECT n, data, record_id, display_id, action, http_status, error_type, "
                    "error_code, error_field, error_message, status FROM rows "
                    f"{where} {'AND' if where else 'WHERE'} n > ? ORDER BY n LIMIT 500",
                    (last,),
                ).fetchall()
            if not found:
                return
            for row in found:
                record = json.loads(row[1])
                action = row[4] if row[10] == DONE else "failed"
                if row[10] in (PENDING, SENDING, PATCHING, RETRY) and row[6] is None:
                    outcome = "not sent" if row[10] == PENDING else "no answer recorded"
                    record_error = ("unfinished", row[10], None, f"unfinished: {outcome}")
                else:
                    record_error = (row[6], row[7], row[8], row[9])
                record.update(
                    {
                        "id": row[2],
                        "display_id": row[3],
                        "action": action,
                        "http_status": row[5],
                        "error_type": record_error[0],
                        "error_code": record_error[1],
                        "error_field": record_error[2],
                        "error_message": record_error[3],
                    }
                )
                yield record
            last = found[-1][0]


_FINISH = (
    "UPDATE rows SET status = ?, action = ?, record_id = coalesce(?, record_id), "
    "display_id = coalesce(?, display_id), http_status = ?, error_type = ?, "
    "error_code = ?, error_field = ?, error_message = ? WHERE n = ?"
)


def _finish_values(n: int, status: str, o: Outcome) -> tuple[Any, ...]:
    errors = (o.error_type, o.error_code, o.error_field, o.error_message)
    return (status, o.action, o.record_id, o.display_id, o.http_status, *errors, n)


def _uri(path: Path, frozen: bool) -> str:
    """An existing file's URI: never created by opening it; read-only when `frozen`."""
    return path.absolute().as_uri() + ("?mode=ro&immutable=1" if frozen else "?mode=rw")


def _touch(path: Path) -> bool:
    """Create the file owner-only (it holds customer data); whether it is new. An
    OSError says why it cannot be."""
    try:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))
        return True
    except FileExistsError:
        return False
    except OSError as exc:
        raise LocalFileError.from_os_error(exc, path) from None


def _remove_new(path: Path, made: bool) -> None:
    if made:
        for suffix in ("-wal", "-shm", ""):
            with suppress(OSError):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
