"""Named snapshots of a sandbox store: save, load (atomically), list, delete.

A snapshot is a whole copy of the database taken with SQLite's online backup API, so
it is consistent even while a server writes. A file store keeps its snapshots as
`NAME.sqlite` files (0600) in a directory beside the database; an in-memory store
(tests, the pytest plugin) keeps them in memory.

Loading copies the snapshot into the live database with one backup step: SQLite holds
the destination's write lock for the whole copy and commits it as one transaction, so
every connection (this process's, or a running `sandbox serve` on the same file) sees
the old state or the new one, never a mix, and a crash mid-load rolls back to the old.
The copy carries a fresh `restore_generation` in `meta`, which lets a server notice at
its next request that the data under it was replaced (`RestoreWatch`) and drop what it
keeps in memory about the old data (rate-limit windows, verified keys).
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from pivotal_cli.sandbox.data.store import SCHEMA_VERSION, Store, get_meta
from pivotal_cli.settings.paths import private_dir, sync_dir

NAME_RE = re.compile(r"[A-Za-z0-9._-]{1,64}")
SUFFIX = ".sqlite"
GENERATION = "restore_generation"


class SnapshotError(ValueError):
    """A bad name, a missing snapshot, or one that would be overwritten; `reason` says which."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class SnapshotInfo:
    """One saved snapshot: its name, size in bytes and when it was saved (Unix seconds)."""

    name: str
    size: int
    saved_at: float


def snapshots_dir_for(db_path: Path) -> Path:
    """`snapshots/` beside `sandbox.db`; `<stem>.snapshots/` beside any other database."""
    if db_path.name == "sandbox.db":
        return db_path.with_name("snapshots")
    return db_path.with_name(db_path.stem + ".snapshots")


def check_name(name: str) -> str:
    if NAME_RE.fullmatch(name) is None or name in (".", ".."):
        raise SnapshotError(
            f"invalid snapshot name {name!r}: use 1-64 letters, digits, '.', '_' or '-'",
            "invalid_name",
        )
    return name


class Snapshots:
    """The snapshots of one store."""

    def __init__(self, store: Store, directory: Path | None = None) -> None:
        self.store = store
        if directory is None and store.is_file:
            directory = snapshots_dir_for(Path(store.path))
        self.directory = directory
        # In-memory snapshots of an in-memory store: name -> (database, saved_at).
        self._memory: dict[str, tuple[sqlite3.Connection, float]] = {}

    def save(self, name: str, *, force: bool = False) -> SnapshotInfo:
        check_name(name)
        if not force and self._exists(name):
            raise SnapshotError(f"snapshot {name!r} exists already", "exists")
        if self.directory is None:
            target = sqlite3.connect(":memory:", check_same_thread=False)
            with self.store.connection() as conn:
                conn.backup(target)
            previous = self._memory.pop(name, None)
            if previous is not None:
                previous[0].close()
            self._memory[name] = (target, time.time())
            return self._info(name)
        private_dir(self.directory)
        final = self._path(name)
        temporary = final.with_name(f".{final.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        try:
            target = sqlite3.connect(temporary)
            try:
                with self.store.connection() as conn:
                    conn.backup(target)
                # One self-contained file: the copied header may say WAL.
                target.execute("PRAGMA journal_mode=DELETE")
            finally:
                target.close()
            os.chmod(temporary, 0o600)
            os.replace(temporary, final)
            sync_dir(self.directory)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        return self._info(name)

    def load(self, name: str) -> None:
        """Replaces the store's data with the snapshot's, in one transaction."""
        check_name(name)
        staged = sqlite3.connect(":memory:")
        staged.row_factory = sqlite3.Row
        try:
            if self.directory is None:
                if name not in self._memory:
                    raise self._missing(name)
                self._memory[name][0].backup(staged)
            else:
                path = self._path(name)
                if not path.is_file():
                    raise self._missing(name)
                source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
                try:
                    source.backup(staged)
                finally:
                    source.close()
            version = get_meta(staged, "schema_version")
            if version != SCHEMA_VERSION:
                raise SnapshotError(
                    f"snapshot {name!r} has schema version {version}, this sandbox"
                    f" {SCHEMA_VERSION}: save it again from this version",
                    "incompatible",
                )
            staged.execute(
                "INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)",
                (GENERATION, uuid.uuid4().hex),
            )
            staged.commit()
            with self.store.connection() as conn:
                staged.backup(conn)
        finally:
            staged.close()

    def list(self) -> list[SnapshotInfo]:
        if self.directory is None:
            names = sorted(self._memory)
        elif self.directory.is_dir():
            names = sorted(
                p.name[: -len(SUFFIX)]
                for p in self.directory.iterdir()
                if p.name.endswith(SUFFIX) and NAME_RE.fullmatch(p.name[: -len(SUFFIX)])
            )
        else:
            names = []
        return [self._info(name) for name in names]

    def delete(self, name: str) -> None:
        check_name(name)
        if not self._exists(name):
            raise self._missing(name)
        if self.directory is None:
            self._memory.pop(name)[0].close()
        else:
            self._path(name).unlink()

    def close(self) -> None:
        for conn, _ in self._memory.values():
            conn.close()
        self._memory.clear()

    def _path(self, name: str) -> Path:
        assert self.directory is not None
        return self.directory / (name + SUFFIX)

    def _exists(self, name: str) -> bool:
        if self.directory is None:
            return name in self._memory
        return self._path(name).is_file()

    def _info(self, name: str) -> SnapshotInfo:
        if self.directory is None:
            conn, saved_at = self._memory[name]
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            size = conn.execute("PRAGMA page_size").fetchone()[0]
            return SnapshotInfo(name, int(pages) * int(size), saved_at)
        stat = self._path(name).stat()
        return SnapshotInfo(name, stat.st_size, stat.st_mtime)

    @staticmethod
    def _missing(name: str) -> SnapshotError:
        return SnapshotError(f"no snapshot named {name!r}", "not_found")


class RestoreWatch:
    """Tells a long-lived sandbox when another process loaded a snapshot under it.

    `PRAGMA data_version` changes only when another connection commits, and costs no
    disk read, so the generation row is read only after some other process wrote.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._data_version = -1
        self._generation = self._read_generation()

    def changed(self) -> bool:
        with self.store.connection() as conn:
            version = int(conn.execute("PRAGMA data_version").fetchone()[0])
            if version == self._data_version:
                return False
            self._data_version = version
            generation = get_meta(conn, GENERATION)
        if generation == self._generation:
            return False
        self._generation = generation
        return True

    def forget(self) -> None:
        """Takes the current generation as known (after a load done in this process)."""
        self._generation = self._read_generation()

    def _read_generation(self) -> str | None:
        with self.store.connection() as conn:
            return get_meta(conn, GENERATION)
