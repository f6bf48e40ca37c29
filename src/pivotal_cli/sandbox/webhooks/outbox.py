"""Events and pending deliveries, written inside the transaction of the write that fires them.

Because they share the write's transaction, a failed write fires nothing and an
acknowledged one always has its events; an idempotent replay never reaches a handler,
so it fires nothing either. One event row per fired type, holding the envelope exactly
as it will be sent; one delivery per enabled endpoint of the workspace whose mode and
patterns match. Sending is the worker's job: this module never touches the network.
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Iterable
from typing import Any

from pivotal_cli.domain.webhook_events import envelope, events_for_write, matches
from pivotal_cli.domain.webhook_signing import new_message_id
from pivotal_cli.sandbox.data.timeutil import format_ms
from pivotal_cli.sandbox.engine.protocol import encode_json

EVENT_PREFIX = "evt_"
# Event ids look like the docs' examples and `webhooks trigger`'s (`evt_2` and 23
# base62 characters), drawn from the system's randomness.
_RANDOM = random.SystemRandom()


def new_event_id() -> str:
    # Lazy: the fakes module (its sample companies) loads only when an event fires.
    from pivotal_cli.domain.webhook_fakes import prefixed_id

    return prefixed_id(EVENT_PREFIX.rstrip("_"), _RANDOM)


def fire(
    tx: sqlite3.Connection,
    *,
    workspace_id: str,
    mode: str,
    now_us: int,
    resource: str,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any],
) -> list[str]:
    """Stores the events one write fires and queues their deliveries; the delivery ids."""
    changes = events_for_write(resource, action, before, after)
    if not changes:
        return []
    endpoints = tx.execute(
        "SELECT id, events FROM webhook_endpoints WHERE workspace_id = ? AND test_mode = ?"
        " AND disabled = 0 AND deleted_us IS NULL ORDER BY created_us, rowid",
        (workspace_id, int(mode == "test")),
    ).fetchall()
    queued: list[str] = []
    for event_type, previous in changes:
        event_id = new_event_id()
        body = encode_json(
            envelope(
                event_type,
                after,
                previous,
                event_id=event_id,
                created_at=format_ms(now_us),
                org_id=workspace_id,
                livemode=mode == "live",
            )
        )
        tx.execute(
            "INSERT INTO webhook_events (id, workspace_id, type, mode, created_us, body)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (event_id, workspace_id, event_type, mode, now_us, body.decode("utf-8")),
        )
        for endpoint in endpoints:
            if any(matches(p, event_type) for p in json.loads(endpoint["events"])):
                queued.append(queue(tx, event_id, endpoint["id"], workspace_id, now_us))
    return queued


def queue(
    tx: sqlite3.Connection, event_id: str, endpoint_id: str, workspace_id: str, now_us: int
) -> str:
    """A new pending delivery of an event to an endpoint, due now; its id (the svix-id)."""
    delivery_id = new_message_id()
    tx.execute(
        "INSERT INTO webhook_deliveries (id, event_id, endpoint_id, workspace_id, status,"
        " next_attempt_us, created_us, updated_us) VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)",
        (delivery_id, event_id, endpoint_id, workspace_id, now_us, now_us, now_us),
    )
    return delivery_id


def requeue(tx: sqlite3.Connection, delivery_ids: Iterable[str], now_us: int) -> int:
    """Starts the schedule again for past deliveries, same id and body; how many."""
    count = 0
    for delivery_id in delivery_ids:
        count += tx.execute(
            "UPDATE webhook_deliveries SET status = 'pending', attempts = 0,"
            " first_attempt_us = NULL, next_attempt_us = ?, lease_until_us = NULL,"
            " replays = replays + 1, updated_us = ? WHERE id = ?",
            (now_us, now_us, delivery_id),
        ).rowcount
    return count
