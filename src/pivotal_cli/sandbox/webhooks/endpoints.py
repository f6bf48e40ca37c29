"""Webhook endpoints of a sandbox workspace: add, list, show, remove, rotate the secret.

An endpoint receives the events of one mode: a test-mode endpoint those fired by
`pivotal_test_` keys, a live one those of live keys. Its `events` are subscription
patterns (`*`, `customer.*`, an exact type). The secret is created here and shown once
by the caller; `render` masks it unless asked. Rotating keeps the old secret signing
alongside the new one for 24 hours, so receivers can switch without losing a delivery.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import Sequence
from typing import Any

from pivotal_cli.domain.urls import UnsafeValue
from pivotal_cli.domain.urls import check_url as check_safe_url
from pivotal_cli.domain.webhook_events import unknown_pattern
from pivotal_cli.domain.webhook_signing import mask_secret, new_secret
from pivotal_cli.sandbox.data.store import Store
from pivotal_cli.sandbox.data.timeutil import format_ms, format_optional_ms

ROTATION_OVERLAP_US = 24 * 3600 * 1_000_000
ID_PREFIX = "ep_"


class EndpointError(ValueError):
    """A bad endpoint request: an unknown workspace or endpoint, a bad URL or pattern."""


class UnknownRecord(EndpointError):
    """A workspace, endpoint or delivery that does not exist."""


class UnknownEndpoint(UnknownRecord):
    """No endpoint with that id in the workspace."""


def new_endpoint_id() -> str:
    return ID_PREFIX + secrets.token_hex(12)


def check_url(url: str, *, allow_remote: bool = False) -> str:
    """An http(s) URL with a host and a valid port, on this machine unless
    `allow_remote`: every write the sandbox takes is POSTed to it."""
    try:
        return check_safe_url(url, "the endpoint URL", allow_remote=allow_remote).url
    except UnsafeValue as error:
        raise EndpointError(str(error)) from None


def check_patterns(patterns: Sequence[str]) -> list[str]:
    """Subscription patterns that can match a documented type; none given means all."""
    checked = []
    for pattern in patterns or ["*"]:
        problem = unknown_pattern(pattern)
        if problem:
            raise EndpointError(f"unknown event type {pattern!r}: {problem}")
        checked.append(pattern)
    return checked


def workspace_id(tx: sqlite3.Connection, slug: str) -> str:
    row = tx.execute("SELECT id FROM workspaces WHERE slug = ?", (slug,)).fetchone()
    if row is None:
        names = ", ".join(r["slug"] for r in tx.execute("SELECT slug FROM workspaces"))
        raise UnknownRecord(f"unknown workspace {slug!r}: this sandbox has {names}")
    return str(row["id"])


def add(
    store: Store,
    workspace: str,
    url: str,
    *,
    events: Sequence[str] = (),
    test_mode: bool = False,
    allow_remote: bool = False,
    now_us: int,
) -> dict[str, Any]:
    """Creates an endpoint; the result holds the full secret (the one time it is shown)."""
    url = check_url(url, allow_remote=allow_remote)
    patterns = check_patterns(events)
    with store.write() as tx:
        ws = workspace_id(tx, workspace)
        endpoint_id = new_endpoint_id()
        tx.execute(
            "INSERT INTO webhook_endpoints (id, workspace_id, url, events, test_mode, secret,"
            " created_us) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (endpoint_id, ws, url, json.dumps(patterns), int(test_mode), new_secret(), now_us),
        )
        return render(require(tx, ws, endpoint_id), now_us, show_secret=True)


def find(tx: sqlite3.Connection, ws: str, endpoint_id: str) -> sqlite3.Row | None:
    return tx.execute(
        "SELECT * FROM webhook_endpoints WHERE workspace_id = ? AND id = ? AND deleted_us IS NULL",
        (ws, endpoint_id),
    ).fetchone()


def require(tx: sqlite3.Connection, ws: str, endpoint_id: str) -> sqlite3.Row:
    row = find(tx, ws, endpoint_id)
    if row is None:
        raise UnknownEndpoint(f"no webhook endpoint {endpoint_id!r} in this workspace")
    return row


def list_endpoints(store: Store, workspace: str, now_us: int) -> list[dict[str, Any]]:
    """The workspace's endpoints, oldest first, secrets masked."""
    with store.read() as tx:
        ws = workspace_id(tx, workspace)
        rows = tx.execute(
            "SELECT * FROM webhook_endpoints WHERE workspace_id = ? AND deleted_us IS NULL"
            " ORDER BY created_us, rowid",
            (ws,),
        ).fetchall()
    return [render(row, now_us) for row in rows]


def show(
    store: Store, workspace: str, endpoint_id: str, now_us: int, *, show_secret: bool = False
) -> dict[str, Any]:
    with store.read() as tx:
        row = require(tx, workspace_id(tx, workspace), endpoint_id)
    return render(row, now_us, show_secret=show_secret)


def remove(store: Store, workspace: str, endpoint_id: str, now_us: int) -> dict[str, Any]:
    """Removes an endpoint: nothing more is sent to it; its delivery log stays."""
    with store.write() as tx:
        row = require(tx, workspace_id(tx, workspace), endpoint_id)
        tx.execute("UPDATE webhook_endpoints SET deleted_us = ? WHERE id = ?", (now_us, row["id"]))
        tx.execute(
            "UPDATE webhook_deliveries SET status = 'failed', next_attempt_us = NULL,"
            " last_error = 'endpoint removed', updated_us = ?"
            " WHERE endpoint_id = ? AND status = 'pending'",
            (now_us, row["id"]),
        )
    return render(row, now_us)


def rotate_secret(store: Store, workspace: str, endpoint_id: str, now_us: int) -> dict[str, Any]:
    """A new secret (returned in full, once); the old one keeps signing for 24 hours."""
    with store.write() as tx:
        row = require(tx, workspace_id(tx, workspace), endpoint_id)
        tx.execute(
            "UPDATE webhook_endpoints SET previous_secret = secret, previous_expires_us = ?,"
            " secret = ? WHERE id = ?",
            (now_us + ROTATION_OVERLAP_US, new_secret(), row["id"]),
        )
        return render(require(tx, row["workspace_id"], row["id"]), now_us, show_secret=True)


def signing_secrets(row: sqlite3.Row, now_us: int) -> list[str]:
    """The secrets a delivery is signed with: the current one, and the old one in overlap."""
    found = [str(row["secret"])]
    if row["previous_secret"] and (row["previous_expires_us"] or 0) > now_us:
        found.append(str(row["previous_secret"]))
    return found


def render(row: sqlite3.Row, now_us: int, *, show_secret: bool = False) -> dict[str, Any]:
    """An endpoint as the commands show it; the secret masked unless `show_secret`."""
    overlap = bool(row["previous_secret"]) and (row["previous_expires_us"] or 0) > now_us
    return {
        "object": "webhook_endpoint",
        "id": row["id"],
        "url": row["url"],
        "events": json.loads(row["events"]),
        "test_mode": bool(row["test_mode"]),
        "secret": row["secret"] if show_secret else mask_secret(row["secret"]),
        "previous_secret_expires_at": format_optional_ms(row["previous_expires_us"])
        if overlap
        else None,
        "disabled": bool(row["disabled"]),
        "consecutive_failures": row["consecutive_failures"],
        "created_at": format_ms(row["created_us"]),
    }
