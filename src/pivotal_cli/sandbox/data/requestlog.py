"""The request log's table: every request the sandbox answered, newest kept, oldest dropped.

A table in the sandbox's own database, so any process sharing the file reads what a
running server answered. The log holds at most `CAP` rows (older ones are deleted as new
ones arrive) and bodies of at most `BODY_LIMIT` bytes for a request and
`RESPONSE_BODY_LIMIT` for a response (`*_truncated` says when one was cut), for its
`BODIES_KEPT` most recent entries only. It never holds a key: only the key's name and
its public prefix.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pivotal_cli.sandbox.data.store import Store
from pivotal_cli.sandbox.data.timeutil import format_ms

CAP = 10_000
BODY_LIMIT = 64 * 1024
# Responses are the sandbox's own data (a list page can be read again); keeping 64 KiB of
# each page made writing the log cost more than answering the request.
RESPONSE_BODY_LIMIT = 4 * 1024
# Only the most recent entries keep their bodies (older ones keep the rest), so the log
# stays within tens of megabytes however large the pages it saw.
BODIES_KEPT = 1_000

SCHEMA = """
CREATE TABLE IF NOT EXISTS request_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  request_id TEXT NOT NULL, at_us INTEGER NOT NULL, duration_us INTEGER NOT NULL,
  method TEXT NOT NULL, path TEXT NOT NULL, query TEXT NOT NULL DEFAULT '',
  status INTEGER, dropped INTEGER NOT NULL DEFAULT 0,
  key_name TEXT, key_prefix TEXT, mode TEXT, workspace TEXT,
  idempotency_key TEXT, replayed INTEGER NOT NULL DEFAULT 0,
  request_body BLOB, request_truncated INTEGER NOT NULL DEFAULT 0,
  response_body BLOB, response_truncated INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS request_log_by_time ON request_log(at_us);
"""

_COLUMNS = (
    "request_id",
    "at_us",
    "duration_us",
    "method",
    "path",
    "query",
    "status",
    "dropped",
    "key_name",
    "key_prefix",
    "mode",
    "workspace",
    "idempotency_key",
    "replayed",
    "request_body",
    "request_truncated",
    "response_body",
    "response_truncated",
)
_INSERT = (
    f"INSERT INTO request_log ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
)


@dataclass(frozen=True)
class Entry:
    """One answered request, as the engine saw it."""

    request_id: str
    at_us: int
    duration_us: int
    method: str
    path: str
    query: str
    status: int | None
    dropped: bool
    key_name: str | None
    key_prefix: str | None
    mode: str | None
    workspace: str | None
    idempotency_key: str | None
    replayed: bool
    request_body: bytes
    response_body: bytes

    def row(self) -> tuple[Any, ...]:
        request, request_cut = _bounded(self.request_body, BODY_LIMIT)
        response, response_cut = _bounded(self.response_body, RESPONSE_BODY_LIMIT)
        return (
            self.request_id,
            self.at_us,
            self.duration_us,
            self.method,
            self.path,
            self.query,
            self.status,
            int(self.dropped),
            self.key_name,
            self.key_prefix,
            self.mode,
            self.workspace,
            self.idempotency_key,
            int(self.replayed),
            request,
            int(request_cut),
            response,
            int(response_cut),
        )


def _bounded(body: bytes, limit: int) -> tuple[bytes | None, bool]:
    if not body:
        return None, False
    return body[:limit], len(body) > limit


def insert(tx: sqlite3.Connection, entries: Sequence[Entry]) -> None:
    """Appends entries and drops what falls past the cap, in the caller's transaction."""
    if not entries:
        return
    tx.executemany(_INSERT, [entry.row() for entry in entries])
    last = int(tx.execute("SELECT MAX(seq) FROM request_log").fetchone()[0])
    tx.execute("DELETE FROM request_log WHERE seq <= ?", (last - CAP,))
    # Only the rows this batch pushed past the threshold: a range on the primary key.
    tx.execute(
        "UPDATE request_log SET request_body = NULL, response_body = NULL"
        " WHERE seq > ? AND seq <= ?",
        (last - BODIES_KEPT - len(entries), last - BODIES_KEPT),
    )


@dataclass(frozen=True)
class Filters:
    """What `select` keeps; None matches everything."""

    method: str | None = None
    # A status class digit ("4" for 4xx) or an exact status.
    status_class: int | None = None
    status: int | None = None
    # A SQL LIKE pattern on the path (the caller turns `*` into `%`).
    path_like: str | None = None
    since_us: int | None = None
    after_seq: int | None = None


def select(
    store: Store, filters: Filters = Filters(), *, limit: int | None = None, bodies: bool = False
) -> list[dict[str, Any]]:
    """Matching entries, oldest first; with `limit`, the most recent `limit` of them."""
    where, params = _where(filters)
    sql = f"SELECT * FROM request_log{where} ORDER BY seq DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    with store.read() as tx:
        rows = tx.execute(sql, params).fetchall()
    return [render(row, bodies=bodies) for row in reversed(rows)]


def clear(store: Store) -> int:
    """Empties the log; how many entries it held."""
    with store.write() as tx:
        return tx.execute("DELETE FROM request_log").rowcount


def _where(filters: Filters) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    checks: Iterable[tuple[str, Any]] = (
        ("method = ?", filters.method),
        ("status = ?", filters.status),
        ("status / 100 = ?", filters.status_class),
        ("path LIKE ? ESCAPE '\\'", filters.path_like),
        ("at_us >= ?", filters.since_us),
        ("seq > ?", filters.after_seq),
    )
    for clause, value in checks:
        if value is not None:
            clauses.append(clause)
            params.append(value)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def render(row: Mapping[str, Any], *, bodies: bool = False) -> dict[str, Any]:
    """An entry as `sandbox logs --json` and the Python API show it."""
    entry: dict[str, Any] = {
        "seq": row["seq"],
        "request_id": row["request_id"],
        "at": format_ms(row["at_us"]),
        "method": row["method"],
        "path": row["path"],
        "query": row["query"],
        "status": row["status"],
        "dropped": bool(row["dropped"]),
        "duration_ms": round(row["duration_us"] / 1000, 3),
        "key_name": row["key_name"],
        "key_prefix": row["key_prefix"],
        "mode": row["mode"],
        "workspace": row["workspace"],
        "idempotency_key": row["idempotency_key"],
        "replayed": bool(row["replayed"]),
    }
    if bodies:
        for part in ("request", "response"):
            raw = row[f"{part}_body"]
            entry[f"{part}_body"] = None if raw is None else bytes(raw).decode("utf-8", "replace")
            entry[f"{part}_body_truncated"] = bool(row[f"{part}_truncated"])
    return entry
