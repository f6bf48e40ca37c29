"""The SQLite store: schema, one guarded connection, transactions, sequences, instants.

One connection serves every thread, guarded by a lock, so `:memory:` works across
threads and a write never interleaves with another. File databases run in WAL mode with
`synchronous=FULL`: a transaction is on disk before the response that acknowledges it
leaves. Other processes (a `serve` next to `pivotal --sandbox` commands) share the file
through SQLite's own locking and busy timeout.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCHEMA_VERSION = "1"

# Tables whose rows carry a display_id sequence and a per-workspace unique created_us.
RESOURCE_TABLES = ("customers", "contacts", "onboardings")

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

CREATE TABLE IF NOT EXISTS customers (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  display_id INTEGER NOT NULL,
  name TEXT NOT NULL, slug TEXT, domain TEXT, status TEXT NOT NULL,
  plan TEXT, mrr INTEGER, monthly_orders INTEGER,
  hubspot_company_id TEXT, hubspot_deal_id TEXT, stripe_customer_id TEXT,
  intercom_company_id TEXT, slack_channel_id TEXT,
  metadata TEXT NOT NULL DEFAULT '{}',
  created_us INTEGER NOT NULL, updated_us INTEGER NOT NULL, deleted_us INTEGER,
  UNIQUE (workspace_id, display_id), UNIQUE (workspace_id, created_us)
);
CREATE INDEX IF NOT EXISTS customers_visible
  ON customers(workspace_id, created_us) WHERE deleted_us IS NULL;
CREATE UNIQUE INDEX IF NOT EXISTS customers_slug
  ON customers(workspace_id, slug) WHERE deleted_us IS NULL AND slug IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS customers_domain
  ON customers(workspace_id, lower(domain)) WHERE deleted_us IS NULL AND domain IS NOT NULL;

CREATE TABLE IF NOT EXISTS contacts (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  display_id INTEGER NOT NULL,
  customer_id TEXT NOT NULL REFERENCES customers(id),
  name TEXT NOT NULL, email TEXT NOT NULL, title TEXT,
  is_primary INTEGER NOT NULL DEFAULT 0, labels TEXT NOT NULL DEFAULT '[]',
  created_us INTEGER NOT NULL, updated_us INTEGER NOT NULL, deleted_us INTEGER,
  UNIQUE (workspace_id, display_id), UNIQUE (workspace_id, created_us)
);
CREATE INDEX IF NOT EXISTS contacts_by_customer
  ON contacts(customer_id, created_us) WHERE deleted_us IS NULL;
CREATE UNIQUE INDEX IF NOT EXISTS contacts_email
  ON contacts(customer_id, email) WHERE deleted_us IS NULL;

CREATE TABLE IF NOT EXISTS onboardings (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  display_id INTEGER NOT NULL,
  customer_id TEXT NOT NULL REFERENCES customers(id),
  template_id TEXT, phase TEXT NOT NULL, state TEXT NOT NULL,
  started_us INTEGER NOT NULL, completed_us INTEGER, target_launch_us INTEGER,
  csm_id TEXT, se_id TEXT, designer_id TEXT, product_ops_id TEXT, notes TEXT,
  waiting_on_customer INTEGER NOT NULL DEFAULT 0, waiting_since_us INTEGER,
  wizard_completed_us INTEGER,
  reminder_email INTEGER NOT NULL DEFAULT 1, reminder_slack INTEGER NOT NULL DEFAULT 1,
  reminder_frequency_days INTEGER NOT NULL DEFAULT 1,
  created_us INTEGER NOT NULL, updated_us INTEGER NOT NULL, deleted_us INTEGER,
  UNIQUE (workspace_id, display_id), UNIQUE (workspace_id, created_us)
);
CREATE INDEX IF NOT EXISTS onboardings_visible
  ON onboardings(workspace_id, created_us) WHERE deleted_us IS NULL;
CREATE INDEX IF NOT EXISTS onboardings_by_customer
  ON onboardings(customer_id, created_us) WHERE deleted_us IS NULL;

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
"""

# Everything a reset empties; workspaces and keys survive so issued keys keep working.
_DATA_TABLES = (
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
        self._conn = sqlite3.connect(
            self.path, check_same_thread=False, isolation_level=None, timeout=30.0
        )
        self._conn.row_factory = sqlite3.Row
        if self.is_file:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._create_schema()

    @property
    def is_file(self) -> bool:
        return self.path != ":memory:" and not self.path.startswith("file::memory:")

    def _create_schema(self) -> None:
        with self._lock:
            # executescript commits on its own; the IF NOT EXISTS clauses make it safe to
            # race with another process opening the same file.
            self._conn.executescript(_SCHEMA)

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

    def close(self) -> None:
        with self._lock:
            self._conn.close()


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
