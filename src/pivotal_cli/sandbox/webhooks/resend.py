"""`POST /api/v1/webhook_endpoints/{id}/resend`: send past events to an endpoint again.

An extension the docs describe in prose but their OpenAPI blocks lack (kept out of the
served document; docs/api-choices.md). The body is `{"event_ids": [...]}` or a bare JSON
array of event ids. Each event gets a new delivery to the endpoint, due now; the answer
is 202 with those deliveries. An unknown endpoint or event (or one of another workspace)
is a 404 in the usual envelope, and nothing is queued.
"""

from __future__ import annotations

import json
from typing import Any

from pivotal_cli.sandbox.engine.context import Ctx, Reply
from pivotal_cli.sandbox.engine.errors import invalid, not_found
from pivotal_cli.sandbox.engine.routes import handles
from pivotal_cli.sandbox.engine.validation import MAX_BODY_BYTES
from pivotal_cli.sandbox.webhooks import deliveries, endpoints, outbox


def parse_event_ids(raw: bytes) -> list[str]:
    """The event ids of a resend body (object with `event_ids`, or a bare array)."""
    if len(raw) > MAX_BODY_BYTES:
        raise invalid("body_too_large", f"Request body is larger than {MAX_BODY_BYTES} bytes.")
    try:
        value: Any = json.loads(raw.decode("utf-8-sig")) if raw.strip() else None
    except (UnicodeError, ValueError, RecursionError):
        raise invalid("invalid_request", "Malformed JSON body") from None
    if isinstance(value, dict):
        if "event_ids" not in value:
            raise invalid("invalid_type", "Required", "event_ids")
        value = value["event_ids"]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise invalid("invalid_type", "Expected an array of event id strings.", "event_ids")
    if not value:
        raise invalid("too_small", "Give at least one event id.", "event_ids")
    return list(dict.fromkeys(value))  # one delivery per event, even if named twice


@handles("resend-webhook-events", raw_body=True)
def resend_events(ctx: Ctx) -> Reply:
    event_ids = parse_event_ids(ctx.raw_body)
    endpoint = endpoints.find(ctx.tx, ctx.workspace_id, ctx.params["id"])
    if endpoint is None:
        raise not_found(
            "webhook_endpoint_not_found", f"No webhook endpoint found with id '{ctx.params['id']}'."
        )
    for event_id in event_ids:
        row = ctx.tx.execute(
            "SELECT mode FROM webhook_events WHERE id = ? AND workspace_id = ?",
            (event_id, ctx.workspace_id),
        ).fetchone()
        if row is None:
            raise not_found("event_not_found", f"No event found with id '{event_id}'.")
        # Live endpoints receive live events only, test-mode endpoints test events only.
        if (row["mode"] == "test") != bool(endpoint["test_mode"]):
            raise invalid(
                "mode_mismatch",
                f"Event '{event_id}' is a {row['mode']}-mode event; this endpoint receives"
                f" {'test' if endpoint['test_mode'] else 'live'}-mode events only.",
                "event_ids",
            )
    queued = [
        outbox.queue(ctx.tx, event_id, endpoint["id"], ctx.workspace_id, ctx.now_us)
        for event_id in event_ids
    ]
    ctx.queued.extend(queued)
    return 202, {
        "object": "list",
        "data": deliveries.get(ctx.tx, queued),
        "has_more": False,
        "next_cursor": None,
    }
