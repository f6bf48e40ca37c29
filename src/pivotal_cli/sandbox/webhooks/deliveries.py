"""Reading the delivery log, and replaying past deliveries.

A replay sends a past delivery again under the same svix-id and the same body; the
signature is made afresh with the time of the new attempt, since receivers refuse a
timestamp more than five minutes old. It starts the retry schedule again from attempt 1.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from pivotal_cli.domain.webhook_events import matches
from pivotal_cli.sandbox.data.store import Store
from pivotal_cli.sandbox.data.timeutil import format_optional_ms
from pivotal_cli.sandbox.webhooks import endpoints, outbox

STATUSES = ("pending", "succeeded", "failed")
_HOUR_US = 3600 * 1_000_000

_SELECT = (
    "SELECT d.*, e.type AS event_type, e.mode AS event_mode, p.url AS endpoint_url"
    " FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id"
    " JOIN webhook_endpoints p ON p.id = d.endpoint_id"
)


class UnknownDelivery(endpoints.UnknownRecord):
    """No delivery with that id in the workspace."""


def render(row: sqlite3.Row) -> dict[str, Any]:
    """A delivery as the commands and the resend endpoint show it."""
    return {
        "object": "webhook_delivery",
        "id": row["id"],
        "event_id": row["event_id"],
        "event_type": row["event_type"],
        "endpoint_id": row["endpoint_id"],
        "endpoint_url": row["endpoint_url"],
        "status": row["status"],
        "attempts": row["attempts"],
        "last_status_code": row["last_status"],
        "last_error": row["last_error"],
        "response_snippet": row["response_snippet"],
        "next_attempt_at": format_optional_ms(row["next_attempt_us"]),
        "last_attempt_at": format_optional_ms(row["last_attempt_us"]),
        "created_at": format_optional_ms(row["created_us"]),
        "replays": row["replays"],
    }


def get(tx: sqlite3.Connection, delivery_ids: list[str]) -> list[dict[str, Any]]:
    """The deliveries named, in the order named."""
    found = []
    for delivery_id in delivery_ids:
        row = tx.execute(_SELECT + " WHERE d.id = ?", (delivery_id,)).fetchone()
        if row is not None:
            found.append(render(row))
    return found


def get_many(store: Store, delivery_ids: list[str]) -> list[dict[str, Any]]:
    """Like `get`, in a transaction of its own."""
    with store.read() as tx:
        return get(tx, delivery_ids)


def list_deliveries(
    store: Store,
    workspace: str,
    *,
    endpoint: str | None = None,
    status: str | None = None,
    event_type: str | None = None,
    limit: int | None = 20,
) -> list[dict[str, Any]]:
    """The workspace's deliveries, newest first, filtered; `event_type` may be a pattern."""
    sql = _SELECT + " WHERE d.workspace_id = ?"
    with store.read() as tx:
        args: list[Any] = [endpoints.workspace_id(tx, workspace)]
        if endpoint is not None:
            endpoints.require(tx, args[0], endpoint)
            sql += " AND d.endpoint_id = ?"
            args.append(endpoint)
        if status is not None:
            sql += " AND d.status = ?"
            args.append(status)
        rows = tx.execute(sql + " ORDER BY d.created_us DESC, d.rowid DESC", args).fetchall()
    found = [
        render(row) for row in rows if event_type is None or matches(event_type, row["event_type"])
    ]
    return found if limit is None else found[:limit]


def attempts(store: Store, delivery_id: str) -> list[dict[str, Any]]:
    """Every attempt of one delivery, oldest first."""
    with store.read() as tx:
        rows = tx.execute(
            "SELECT * FROM webhook_attempts WHERE delivery_id = ? ORDER BY seq", (delivery_id,)
        ).fetchall()
    return [
        {
            "number": row["number"],
            "at": format_optional_ms(row["at_us"]),
            "status_code": row["status"],
            "error": row["error"],
            "duration_ms": row["duration_ms"],
        }
        for row in rows
    ]


def replay(store: Store, workspace: str, delivery_id: str, now_us: int) -> dict[str, Any]:
    """Queues one past delivery again, due now (same svix-id and body)."""
    with store.write() as tx:
        ws = endpoints.workspace_id(tx, workspace)
        row = tx.execute(
            _SELECT + " WHERE d.id = ? AND d.workspace_id = ?", (delivery_id, ws)
        ).fetchone()
        if row is None:
            raise UnknownDelivery(f"no webhook delivery {delivery_id!r} in this workspace")
        endpoints.require(tx, ws, row["endpoint_id"])
        outbox.requeue(tx, [delivery_id], now_us)
        return get(tx, [delivery_id])[0]


def replay_failed(
    store: Store, workspace: str, hours: float, now_us: int, *, endpoint: str | None = None
) -> list[dict[str, Any]]:
    """Queues again every delivery whose last attempt in the past `hours` was not a 2xx."""
    since = now_us - round(hours * _HOUR_US)
    with store.write() as tx:
        ws = endpoints.workspace_id(tx, workspace)
        sql = (
            "SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints p"
            " ON p.id = d.endpoint_id WHERE d.workspace_id = ? AND p.deleted_us IS NULL"
            " AND d.status != 'succeeded' AND d.attempts > 0 AND d.last_attempt_us >= ?"
        )
        args: list[Any] = [ws, since]
        if endpoint is not None:
            endpoints.require(tx, ws, endpoint)
            sql += " AND d.endpoint_id = ?"
            args.append(endpoint)
        ids = [row["id"] for row in tx.execute(sql + " ORDER BY d.created_us", args)]
        outbox.requeue(tx, ids, now_us)
        return get(tx, ids)
