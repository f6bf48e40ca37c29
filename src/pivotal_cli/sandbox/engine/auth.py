"""Bearer authentication against the hashed keys in the store.

A key is looked up by its visible prefix, verified with PBKDF2 once, and remembered in
the verification cache; the key row itself is re-read on every request, so revoking a
key (from any process sharing the database) locks it out at once.
"""

from __future__ import annotations

import re
import sqlite3

from pivotal_cli.sandbox.data.keys import KeyHash, VerificationCache, parse_key, verify_key
from pivotal_cli.sandbox.data.store import Store
from pivotal_cli.sandbox.engine.context import Caller
from pivotal_cli.sandbox.engine.errors import ApiError

_BEARER_RE = re.compile(r"bearer (\S+)", re.IGNORECASE)

_KEY_SQL = (
    "SELECT k.*, w.slug AS workspace_slug, w.name AS workspace_name"
    " FROM api_keys k JOIN workspaces w ON w.id = k.workspace_id"
)


def _auth_error(code: str, message: str) -> ApiError:
    return ApiError("authentication_error", code, message)


def needs_hashing(cache: VerificationCache, header: str | None) -> bool:
    """Whether authenticating `header` would run PBKDF2: a well-formed key not yet verified.

    No header, a malformed one or a malformed key is refused without hashing anything.
    """
    match = _BEARER_RE.fullmatch(header or "")
    if match is None or parse_key(match.group(1)) is None:
        return False
    return not cache.knows(match.group(1))


def authenticate(store: Store, cache: VerificationCache, header: str | None) -> Caller:
    """The caller for an `Authorization` header value, or a 401 `ApiError`."""
    if not header:
        raise _auth_error(
            "missing_api_key", "No API key provided. Send `Authorization: Bearer <key>`."
        )
    match = _BEARER_RE.fullmatch(header)
    if match is None:
        raise _auth_error(
            "invalid_api_key",
            "Malformed Authorization header. Expected `Authorization: Bearer <key>`.",
        )
    key = match.group(1)
    parsed = parse_key(key)
    if parsed is None:
        raise _auth_error("invalid_api_key", "Invalid API key format.")
    with store.read() as tx:
        row = _known_row(tx, cache, key) or _verified_row(tx, cache, key, parsed[1])
    if row is None:
        raise _auth_error("invalid_api_key", "Invalid API key.")
    if row["revoked_us"] is not None:
        raise _auth_error("api_key_revoked", "This API key has been revoked.")
    return Caller(
        key_id=row["id"],
        key_name=row["name"],
        key_prefix=row["prefix"],
        mode=row["mode"],
        workspace_id=row["workspace_id"],
        workspace_slug=row["workspace_slug"],
        workspace_name=row["workspace_name"],
    )


def _known_row(tx: sqlite3.Connection, cache: VerificationCache, key: str) -> sqlite3.Row | None:
    key_id = cache.get(key)
    if key_id is None:
        return None
    row = tx.execute(f"{_KEY_SQL} WHERE k.id = ?", (key_id,)).fetchone()
    if row is None:  # The store was re-provisioned under us.
        cache.forget(key)
    return row


def _verified_row(
    tx: sqlite3.Connection, cache: VerificationCache, key: str, prefix: str
) -> sqlite3.Row | None:
    for row in tx.execute(f"{_KEY_SQL} WHERE k.prefix = ?", (prefix,)).fetchall():
        if verify_key(key, KeyHash(row["salt"], row["iterations"], row["digest"])):
            cache.put(key, row["id"])
            return row
    return None
