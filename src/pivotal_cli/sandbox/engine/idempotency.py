"""`Idempotency-Key` on POSTs: replays, body mismatches and in-flight collisions.

Scope is (workspace, method + path, key). A successful (2xx) result is stored in the
same transaction as the write it describes, so a write can never be committed without
its replay record (this is what makes a retry after a dropped connection safe). A replay
returns the stored status and body byte for byte with `Idempotent-Replay: true`. The
same key with a different body (compared by a hash of the canonical JSON) is a 409
`idempotency_key_reused`; while the first request is still running, a 409
`idempotency_key_in_flight`. A failed request stores nothing, so its key stays free.
Results expire after 24 hours. In-flight claims live in memory, per sandbox.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from dataclasses import dataclass

from pivotal_cli.sandbox.data.store import Store
from pivotal_cli.sandbox.engine.errors import ApiError, conflict, invalid
from pivotal_cli.sandbox.engine.protocol import JSON_CONTENT_TYPE, Response

HEADER = "Idempotency-Key"
MAX_KEY_BYTES = 255
TTL_US = 24 * 60 * 60 * 1_000_000


@dataclass(frozen=True)
class Claim:
    """A key reserved for one running request."""

    workspace_id: str
    endpoint: str
    key: str
    body_hash: str

    @property
    def slot(self) -> tuple[str, str, str]:
        return self.workspace_id, self.endpoint, self.key


def body_hash(body: bytes) -> str:
    """SHA-256 of the canonical JSON (key order and spacing do not matter)."""
    try:
        canonical = json.dumps(json.loads(body or b"{}"), sort_keys=True, separators=(",", ":"))
        data = canonical.encode()
    except (UnicodeError, ValueError, RecursionError):
        data = body
    return hashlib.sha256(data).hexdigest()


def check_key(key: str) -> None:
    """400 for a key the docs do not allow (empty, or over 255 bytes)."""
    try:
        # Adapters pass header values decoded as latin-1, so this is the wire byte count.
        size = len(key.encode("latin-1"))
    except UnicodeEncodeError:
        size = len(key.encode("utf-8", "surrogateescape"))
    if size == 0:
        raise invalid("too_small", f"{HEADER} must not be empty.", HEADER)
    if size > MAX_KEY_BYTES:
        raise invalid("too_big", f"{HEADER} must be at most {MAX_KEY_BYTES} bytes.", HEADER)


class Idempotency:
    """Claims, replays and records idempotency keys for one sandbox."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._in_flight: set[tuple[str, str, str]] = set()
        self._lock = threading.Lock()

    def begin(
        self, workspace_id: str, endpoint: str, key: str, body: bytes, now_us: int
    ) -> Claim | Response:
        """A claim to run the request under, or the stored response to replay."""
        check_key(key)
        claim = Claim(workspace_id, endpoint, key, body_hash(body))
        with self._lock:
            stored = self._lookup(claim, now_us)
            if stored is not None:
                return _replay(claim, stored)
            if claim.slot in self._in_flight:
                raise conflict(
                    "idempotency_key_in_flight",
                    "Idempotency-Key request is already in flight. Retry shortly.",
                )
            self._in_flight.add(claim.slot)
        return claim

    def release(self, claim: Claim) -> None:
        with self._lock:
            self._in_flight.discard(claim.slot)

    def _lookup(self, claim: Claim, now_us: int) -> sqlite3.Row | None:
        with self._store.read() as tx:
            return tx.execute(
                "SELECT body_hash, status, body FROM idempotency"
                " WHERE workspace_id = ? AND endpoint = ? AND key = ? AND created_us > ?",
                (*claim.slot, now_us - TTL_US),
            ).fetchone()


def record(tx: sqlite3.Connection, claim: Claim, status: int, body: bytes, now_us: int) -> None:
    """Stores a result inside the transaction of the write it answers."""
    tx.execute("DELETE FROM idempotency WHERE created_us <= ?", (now_us - TTL_US,))
    tx.execute(
        "INSERT OR REPLACE INTO idempotency"
        " (workspace_id, endpoint, key, body_hash, status, body, created_us)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (*claim.slot, claim.body_hash, status, body, now_us),
    )


def _replay(claim: Claim, stored: sqlite3.Row) -> Response:
    if stored["body_hash"] != claim.body_hash:
        raise ApiError(
            "conflict",
            "idempotency_key_reused",
            "Idempotency-Key was used with a different request body.",
        )
    return Response(
        stored["status"],
        bytes(stored["body"]),
        [("Content-Type", JSON_CONTENT_TYPE), ("Idempotent-Replay", "true")],
    )
