"""The SQLite store: schema, one guarded connection, transactions, sequences, instants.

One connection serves every thread, guarded by a lock, so `:memory:` works across
threads and a write never interleaves with another. File databases run in WAL mode with
`synchronous=FULL`: a transaction is on disk before the response that acknowledges it
leaves. Other processes (a `serve` next to `pivotal --sandbox` commands) share the file
through SQLite's own locking and busy timeout.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pivotal_cli.domain import schema

# 2: the onboardings' instants are stored under their field names (version 1 used
# `started_us`, `target_launch_us`, ...), and attribute columns follow the API schema.
SCHEMA_VERSION = "2"

# Each resource table and the resource whose schema fields become its attribute columns.
TABLE_RESOURCES = {"customers": "customer", "contacts": "contact", "onboardings": "onboarding"}

# Tables whose rows carry a display_id sequence and a per-workspace unique created_us.
RESOURCE_TABLES = tuple(TABLE_RESOURCES)

# Object fields that are not attribute columns: the constant `object`, and the fields kept
# in the hand-written system columns (`created_at` and `updated_at` as `created_us` and
# `updated_us`, integer microseconds like every stored instant).
SYSTEM_FIELDS = frozenset({"object", "id", "display_id", "customer_id", "created_at", "updated_at"})

# Version 1 columns that opening a database renames to the field they store.
_RENAMED = {
    "onboardings": {
        "started_us": "started_at",
        "completed_us": "completed_at",
        "target_launch_us": "target_launch_date",
        "waiting_since_us": "waiting_on_customer_since",
        "wizard_completed_us": "wizard_completed_at",
    }
}

# The hand-written columns of each resource table: identity, ownership, timestamps and
# the constraints keyset pagination relies on. Attribute columns go between the two.
_SYSTEM_HEAD = {
    "customers": "id TEXT PRIMARY KEY,"
    " workspace_id TEXT NOT NULL REFERENCES workspaces(id), display_id INTEGER NOT NULL",
    "contacts": "id TEXT PRIMARY KEY,"
    " workspace_id TEXT NOT NULL REFERENCES workspaces(id), display_id INTEGER NOT NULL,"
    " customer_id TEXT NOT NULL REFERENCES customers(id)",
    "onboardings": "id TEXT PRIMARY KEY,"
    " workspace_id TEXT NOT NULL REFERENCES workspaces(id), display_id INTEGER NOT NULL,"
    " customer_id TEXT NOT NULL REFERENCES customers(id)",
}
_SYSTEM_TAIL = (
    "created_us INTEGER NOT NULL, updated_us INTEGER NOT NULL, deleted_us INTEGER,"
    " UNIQUE (workspace_id, display_id), UNIQUE (workspace_id, created_us)"
)
_SQL_TYPES = {
    "string": "TEXT",
    "integer": "INTEGER",
    "number": "REAL",
    "boolean": "INTEGER",  # 0 or 1
    "object": "TEXT",  # JSON
    "array": "TEXT",  # JSON
}
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE IF NOT EXISTS workspaces (
  id TEXT PRIMARY KEY, slug TEXT NOT NULL UNIQUE, name TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  name TEXT NOT NULL, mode TEXT NOT NULL, prefix TEXT NOT NULL,
  salt TEXT NOT NULL, iterations INTEGER NOT NULL, digest TEXT NOT NULL,
  revoked_us INTEGER, created_us INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS api_keys_by_prefix ON api_keys(prefix);

CREATE TABLE IF NOT EXISTS sequences (
  workspace_id TEXT NOT NULL, resource TEXT NOT NULL, last_value INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, resource)
);

CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id TEXT NOT NULL, at_us INTEGER NOT NULL, kind TEXT NOT NULL,
  actor TEXT NOT NULL, mode TEXT,
  customer_id TEXT, contact_id TEXT, onboarding_id TEXT,
  data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS events_by_customer ON events(customer_id, seq);
CREATE INDEX IF NOT EXISTS events_by_onboarding ON events(onboarding_id, seq);

CREATE TABLE IF NOT EXISTS phase_transitions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id TEXT NOT NULL, onboarding_id TEXT NOT NULL, customer_id TEXT NOT NULL,
  from_phase TEXT, to_phase TEXT NOT NULL, at_us INTEGER NOT NULL, actor TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS phase_transitions_by_onboarding
  ON phase_transitions(onboarding_id, seq);

CREATE TABLE IF NOT EXISTS idempotency (
  workspace_id TEXT NOT NULL, endpoint TEXT NOT NULL, key TEXT NOT NULL,
  body_hash TEXT NOT NULL, status INTEGER NOT NULL, body BLOB NOT NULL,
  created_us INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, endpoint, key)
);
CREATE INDEX IF NOT EXISTS idempotency_by_age ON idempotency(created_us);

-- Webhooks (sandbox/webhooks). Endpoints are configuration, like keys: a reset keeps them.
-- `events` is a JSON array of subscription patterns; the secret of a rotation's overlap
-- is kept in `previous_secret` until `previous_expires_us`.
CREATE TABLE IF NOT EXISTS webhook_endpoints (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  url TEXT NOT NULL, events TEXT NOT NULL DEFAULT '["*"]',
  test_mode INTEGER NOT NULL DEFAULT 0,
  secret TEXT NOT NULL, previous_secret TEXT, previous_expires_us INTEGER,
  disabled INTEGER NOT NULL DEFAULT 0, consecutive_failures INTEGER NOT NULL DEFAULT 0,
  created_us INTEGER NOT NULL, deleted_us INTEGER
);
CREATE INDEX IF NOT EXISTS webhook_endpoints_by_workspace
  ON webhook_endpoints(workspace_id, test_mode) WHERE deleted_us IS NULL;

-- One row per event a write fired; `body` is the envelope exactly as sent (compact JSON).
CREATE TABLE IF NOT EXISTS webhook_events (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  type TEXT NOT NULL, mode TEXT NOT NULL, created_us INTEGER NOT NULL, body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS webhook_events_by_workspace ON webhook_events(workspace_id, created_us);

-- One row per (event, endpoint): the outbox. `id` is the svix-id (msg_…), the same across
-- the retries of one delivery. `lease_until_us` keeps two processes sharing the file from
-- sending one attempt twice.
CREATE TABLE IF NOT EXISTS webhook_deliveries (
  id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL REFERENCES webhook_events(id),
  endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id),
  workspace_id TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_us INTEGER, first_attempt_us INTEGER, last_attempt_us INTEGER,
  last_status INTEGER, last_error TEXT, response_snippet TEXT,
  lease_until_us INTEGER, replays INTEGER NOT NULL DEFAULT 0,
  created_us INTEGER NOT NULL, updated_us INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_due
  ON webhook_deliveries(next_attempt_us) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS webhook_deliveries_by_workspace
  ON webhook_deliveries(workspace_id, created_us);

-- Every attempt of every delivery: the delivery log and its replays.
CREATE TABLE IF NOT EXISTS webhook_attempts (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery_id TEXT NOT NULL REFERENCES webhook_deliveries(id),
  number INTEGER NOT NULL, at_us INTEGER NOT NULL, timestamp INTEGER NOT NULL,
  status INTEGER, error TEXT, duration_ms INTEGER NOT NULL, response_snippet TEXT
);
CREATE INDEX IF NOT EXISTS webhook_attempts_by_delivery ON webhook_attempts(delivery_id, seq);
"""

# Created once the resource tables have every column (older databases are migrated first).
_RESOURCE_INDEXES = """
CREATE INDEX IF NOT EXISTS customers_visible
  ON customers(workspace_id, created_us) WHERE deleted_us IS NULL;
CREATE UNIQUE INDEX IF NOT EXISTS customers_slug
  ON customers(workspace_id, slug) WHERE deleted_us IS NULL AND slug IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS customers_domain
  ON customers(workspace_id, lower(domain)) WHERE deleted_us IS NULL AND domain IS NOT NULL;
CREATE INDEX IF NOT EXISTS contacts_by_customer
  ON contacts(customer_id, created_us) WHERE deleted_us IS NULL;
CREATE UNIQUE INDEX IF NOT EXISTS contacts_email
  ON contacts(customer_id, email) WHERE deleted_us IS NULL;
CREATE INDEX IF NOT EXISTS onboardings_visible
  ON onboardings(workspace_id, created_us) WHERE deleted_us IS NULL;
CREATE INDEX IF NOT EXISTS onboardings_by_customer
  ON onboardings(customer_id, created_us) WHERE deleted_us IS NULL;
"""

# Everything a reset empties; workspaces and keys survive so issued keys keep working.
_DATA_TABLES = (
    "webhook_attempts",
    "webhook_deliveries",
    "webhook_events",
    "idempotency",
    "phase_transitions",
    "events",
    "onboardings",
    "contacts",
    "customers",
    "sequences",
)


class Store:
    """The database behind one sandbox."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        self._lock = threading.RLock()
        try:
            self._conn = sqlite3.connect(
                self.path, check_same_thread=False, isolation_level=None, timeout=30.0
            )
            self._conn.row_factory = sqlite3.Row
            if self.is_file:
                self._conn.execute("PRAGMA journal_mode=WAL")
                self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._create_schema()
        except sqlite3.Error as error:
            # A read-only or full directory, or a file that is no sandbox database: one
            # line naming it (the command line says to reset or remove it), not a crash.
            from pivotal_cli.errors import LocalFileError

            raise LocalFileError(
                f"Cannot open the sandbox database {self.path}: {error}.",
                reason="sandbox_db_unusable",
                details={"path": self.path},
            ) from None

    @property
    def is_file(self) -> bool:
        return self.path != ":memory:" and not self.path.startswith("file::memory:")

    def _create_schema(self) -> None:
        with self._lock:
            # executescript commits on its own; the IF NOT EXISTS clauses make it safe to
            # race with another process opening the same file.
            self._conn.executescript(_SCHEMA + "".join(map(_create_table, RESOURCE_TABLES)))
            if self._needs_migration(self._conn):
                with self.write() as tx:
                    # Checked again under the write lock: another process may have won.
                    if self._needs_migration(tx):
                        _migrate(tx)
            self._conn.executescript(_RESOURCE_INDEXES)
            _create_extra_tables(self._conn)

    @staticmethod
    def _needs_migration(tx: sqlite3.Connection) -> bool:
        return get_meta(tx, "schema_version") != SCHEMA_VERSION or any(
            _missing_columns(tx, table) for table in RESOURCE_TABLES
        )

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction, committed on success and rolled back on any error."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: one consistent snapshot for several statements."""
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                yield self._conn
            finally:
                self._conn.execute("COMMIT")

    def peek(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Row | None:
        """The first row of one statement, inside this thread's open transaction if any.

        For reads that must work from anywhere (the sandbox clock is read both inside a
        request's transaction and outside any).
        """
        with self._lock:
            row: sqlite3.Row | None = self._conn.execute(sql, params).fetchone()
            return row

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        """The connection itself, outside any transaction (snapshots' backup copies)."""
        with self._lock:
            yield self._conn

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def _create_extra_tables(conn: sqlite3.Connection) -> None:
    # Tables with a module of their own; imported here, as they import this module.
    from pivotal_cli.sandbox.data import requestlog

    conn.executescript(requestlog.SCHEMA)


def attribute_fields(table: str) -> tuple[schema.Field, ...]:
    """The schema fields stored in `table`'s attribute columns, one column each, by name."""
    fields = tuple(
        f for f in schema.fields(TABLE_RESOURCES[table], "object") if f.name not in SYSTEM_FIELDS
    )
    for field in fields:
        # Names reach SQL text; the schema is ours, but a typo must not become SQL.
        if _IDENTIFIER.fullmatch(field.name) is None or field.type not in _SQL_TYPES:
            raise ValueError(f"{table}: cannot store field {field.name!r} ({field.type})")
    return fields


def fallback(resource: str, field: schema.Field) -> Any:
    """The value of a non-nullable field nothing has set: null for a nullable one.

    The create body's documented default when there is one, else the type's empty
    value (`{}`, `[]`, false); a non-nullable string or number has none and stays null.
    """
    if field.nullable:
        return None
    if field.default is not None:
        return field.default
    create = schema.field(resource, field.name, "create")
    if create is not None and create.default is not None:
        return create.default
    return {"object": {}, "array": [], "boolean": False}.get(field.type)


def to_sql(field: schema.Field, value: Any) -> Any:
    """A validated field value as its column stores it (instants are already integers)."""
    if value is None:
        return None
    if field.type in ("object", "array"):
        return json.dumps(value)
    if field.type == "boolean":
        return int(value)
    return value


def _column(table: str, field: schema.Field, *, added: bool) -> str:
    # Instants are INTEGER microseconds whatever the field's JSON type.
    sql = f"{field.name} {'INTEGER' if field.is_datetime else _SQL_TYPES[field.type]}"
    default = to_sql(field, fallback(TABLE_RESOURCES[table], field))
    # ADD COLUMN cannot be NOT NULL without a default to give the existing rows.
    if field.required and not field.nullable and (default is not None or not added):
        sql += " NOT NULL"
    if isinstance(default, str):
        sql += " DEFAULT '" + default.replace("'", "''") + "'"
    elif default is not None:
        sql += f" DEFAULT {default}"
    return sql


def _create_table(table: str) -> str:
    columns = [_column(table, field, added=False) for field in attribute_fields(table)]
    body = ",\n  ".join([_SYSTEM_HEAD[table], *columns, _SYSTEM_TAIL])
    return f"\nCREATE TABLE IF NOT EXISTS {table} (\n  {body}\n);\n"


def _columns(tx: sqlite3.Connection, table: str) -> set[str]:
    return {str(row[1]) for row in tx.execute(f"PRAGMA table_info({table})")}


def _missing_columns(tx: sqlite3.Connection, table: str) -> list[schema.Field]:
    existing = _columns(tx, table)
    return [field for field in attribute_fields(table) if field.name not in existing]


def _migrate(tx: sqlite3.Connection) -> None:
    """Brings an older database's resource tables up to the schema, keeping every row.

    Version 1 columns are renamed in place; a field the table lacks (a newly added
    optional one, say) is added, null or its default in the existing rows.
    """
    for table in RESOURCE_TABLES:
        existing = _columns(tx, table)
        for old, new in _RENAMED.get(table, {}).items():
            if old in existing and new not in existing:
                tx.execute(f"ALTER TABLE {table} RENAME COLUMN {old} TO {new}")
        for field in _missing_columns(tx, table):
            tx.execute(f"ALTER TABLE {table} ADD COLUMN {_column(table, field, added=True)}")
    set_meta(tx, "schema_version", SCHEMA_VERSION)


def get_meta(tx: sqlite3.Connection, name: str) -> str | None:
    row = tx.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
    return None if row is None else str(row["value"])


def set_meta(tx: sqlite3.Connection, name: str, value: str) -> None:
    tx.execute(
        "INSERT INTO meta (name, value) VALUES (?, ?) "
        "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        (name, value),
    )


def next_display_id(tx: sqlite3.Connection, workspace_id: str, resource: str) -> int:
    """The next number of the workspace's sequence for `resource`, starting at 1."""
    tx.execute(
        "INSERT INTO sequences (workspace_id, resource, last_value) VALUES (?, ?, 1) "
        "ON CONFLICT (workspace_id, resource) DO UPDATE SET last_value = last_value + 1",
        (workspace_id, resource),
    )
    row = tx.execute(
        "SELECT last_value FROM sequences WHERE workspace_id = ? AND resource = ?",
        (workspace_id, resource),
    ).fetchone()
    return int(row["last_value"])


def unique_instant(tx: sqlite3.Connection, table: str, workspace_id: str, wanted_us: int) -> int:
    """`wanted_us`, or the nearest later free microsecond in `table` for the workspace.

    Keyset pagination needs `created_us` to be a strict order: two rows sharing one
    instant could straddle a page boundary and one would be skipped.
    """
    if table not in RESOURCE_TABLES:
        raise ValueError(table)
    taken = tx.execute(
        f"SELECT 1 FROM {table} WHERE workspace_id = ? AND created_us = ?",
        (workspace_id, wanted_us),
    ).fetchone()
    if taken is None:
        return wanted_us
    row = tx.execute(
        f"SELECT MIN(a.created_us) + 1 AS free FROM {table} a "
        "WHERE a.workspace_id = ? AND a.created_us >= ? AND NOT EXISTS ("
        f"  SELECT 1 FROM {table} b "
        "  WHERE b.workspace_id = a.workspace_id AND b.created_us = a.created_us + 1)",
        (workspace_id, wanted_us),
    ).fetchone()
    return int(row["free"])


def clear_data(tx: sqlite3.Connection) -> None:
    """Empties every record table; workspaces and keys stay."""
    for table in _DATA_TABLES:
        tx.execute(f"DELETE FROM {table}")
