"""Whether a journal file on disk can be trusted, and what a failing SQLite call means.

A journal is local state the user can damage (a disk that filled, a copy cut short, an
editor, another program's file under the same name), so it is checked before a job
is read from it: a file of zero bytes or without SQLite's header, a file shorter than
its header says, tables that are not a journal's, a journal from a newer pivotal, or
job facts (the meta rows) that are missing, unreadable, or were never finished (the
loader writes the row count last). Each becomes a `DamagedJournalError` naming the
job, the file and the problem in a few words; SQLite's own message never reaches the
user. A write that fails (a full disk, a read-only one) becomes a `LocalFileError`
with the path.
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3
from pathlib import Path

from pivotal_cli.errors import LocalFileError

# `PRAGMA user_version` of the journals this version writes; a larger one is newer.
VERSION = 1
# Written once loading ends (`jobs/loader.py`): without it the job was never complete.
LOADED = "rows"
REQUIRED_META = ("job_id", "resource", "mode", "source", "format")
# The rows table's columns (`jobs/journal.py` creates them).
COLUMNS = frozenset(
    (
        "n",
        "status",
        "attempts",
        "row_key",
        "idem_key",
        "first_sent_at",
        "plan",
        "data",
        "action",
        "record_id",
        "display_id",
        "http_status",
        "error_type",
        "error_code",
        "error_field",
        "error_message",
    )
)
_MAGIC = b"SQLite format 3\x00"
_HEADER = 100

# SQLite's result codes for a file that is not (or no longer) a database.
_DAMAGED = ("SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_FORMAT", "SQLITE_SCHEMA")
_FULL = ("SQLITE_FULL",)
_READ_ONLY = ("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")


class DamagedJournalError(LocalFileError):
    """A journal that cannot be trusted: details `job`, `path` and `problem`."""

    def __init__(self, job: str, path: Path | str, problem: str) -> None:
        super().__init__(
            f"The journal of import job {job} ({path}) cannot be used: {problem}.",
            reason="import_journal_damaged",
            details={"job": job, "path": str(path), "problem": problem},
        )
        self.job = job
        self.problem = problem


def job_of(path: Path) -> str:
    """The job a journal file is named after."""
    return path.name.removesuffix(".sqlite")


def check_file(path: Path) -> None:
    """The checks that need no SQLite: the file is there, readable, whole."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(_HEADER)
        size = os.stat(path).st_size
    except OSError as exc:
        raise DamagedJournalError(job_of(path), path, _cannot_read(exc)) from None
    if size == 0:
        raise DamagedJournalError(job_of(path), path, "the file is empty (0 bytes)")
    if not header.startswith(_MAGIC):
        raise DamagedJournalError(job_of(path), path, "the file is not a SQLite journal")
    if len(header) < _HEADER:
        raise DamagedJournalError(job_of(path), path, "the file is cut short")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The page count is trustworthy only while the change counters agree (SQLite's rule).
    if header[24:28] == header[92:96] and pages and size < pages * page_size:
        raise DamagedJournalError(
            job_of(path),
            path,
            f"the file is cut short ({size:,} of {pages * page_size:,} bytes)",
        )


def check_open(conn: sqlite3.Connection, path: Path) -> None:
    """The checks of an open file: a journal's tables, its version, its job facts."""
    job = job_of(path)
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if not {"meta", "rows"} <= tables:
        raise DamagedJournalError(job, path, "it is a SQLite database, not an import journal")
    columns = {row[1] for row in conn.execute("PRAGMA table_info(rows)")}
    if not columns >= COLUMNS:
        raise DamagedJournalError(job, path, "its rows table is not a journal's")
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > VERSION:
        raise DamagedJournalError(
            job, path, f"it was written by a newer pivotal (journal version {version})"
        )
    meta: dict[str, object] = {}
    for name, value in conn.execute("SELECT name, value FROM meta"):
        try:
            meta[name] = json.loads(value)
        except (TypeError, ValueError):
            raise DamagedJournalError(job, path, f"its job fact '{name}' is unreadable") from None
    missing = [name for name in REQUIRED_META if not isinstance(meta.get(name), str)]
    if missing:
        raise DamagedJournalError(job, path, f"its job facts lack {', '.join(missing)}")
    if not isinstance(meta.get(LOADED), int):
        raise DamagedJournalError(job, path, "it was never fully written (loading stopped)")


def failure(exc: sqlite3.Error, path: Path | str) -> LocalFileError:
    """The error a failing SQLite call on the journal at `path` stands for."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name in _FULL:
        return LocalFileError.from_os_error(_os_error(errno.ENOSPC, path))
    if name in _READ_ONLY:
        return LocalFileError.from_os_error(_os_error(_why_not_writable(path), path))
    if name.startswith("SQLITE_IOERR"):
        # SQLite says "I/O error" for a write that found no room in its WAL index too.
        return LocalFileError.from_os_error(_os_error(_why_io_failed(path), path))
    problem = "the file is corrupt" if name in _DAMAGED or not name else "the file is unusable"
    return DamagedJournalError(job_of(Path(path)), path, problem)


def _os_error(code: int, path: Path | str) -> OSError:
    return OSError(code, os.strerror(code), str(path))


def on_read_only_mount(path: Path | str) -> bool:
    """Whether the file system holding `path` is mounted read-only."""
    try:
        return bool(os.statvfs(Path(path).parent).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _why_io_failed(path: Path | str) -> int:
    """ENOSPC when the file system has no block left, else EIO."""
    try:
        full = os.statvfs(Path(path).parent).f_bavail == 0
    except OSError:
        full = False
    return errno.ENOSPC if full else errno.EIO


def _why_not_writable(path: Path | str) -> int:
    return errno.EROFS if on_read_only_mount(path) else errno.EACCES


def _cannot_read(exc: OSError) -> str:
    return f"the file cannot be read ({(exc.strerror or str(exc)).lower()})"
