"""The deliveries this machine sends: a signed test event (`trigger`), a re-signed replay.

A test event is realistic but fake (`domain/webhook_fakes.py`), sent as compact JSON
with the headers a Pivotal delivery carries. A replay sends a recorded body exactly as
received, with its original headers (less those of one hop) and fresh signing headers
under the prefix it came with (`svix-` or `webhook-`), keeping its delivery id: a
receiver that deduplicates by id sees the same delivery again, as with a real retry.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from pivotal_cli.domain.webhook_signing import new_message_id, sign_headers, signing_headers
from pivotal_cli.webhooks.forward import forwarded_headers

if TYPE_CHECKING:
    from pivotal_cli.webhooks.log import Recorded

USER_AGENT = "pivotal-webhooks"

Headers = list[tuple[str, str]]


def sample_event(event_type: str, assignments: Iterable[str] = ()) -> dict[str, Any]:
    """A fresh fake event of `event_type` with each `PATH=VALUE` assignment applied.

    Raises `domain.webhook_fakes.OverrideError` for an assignment that does not apply.
    """
    from pivotal_cli.domain.webhook_fakes import apply_override, fake_event

    event = fake_event(event_type, random.Random(), datetime.now(timezone.utc))
    for assignment in assignments:
        apply_override(event, assignment)
    return event


def signed_event(event: dict[str, Any], secret: str, now: float) -> tuple[Headers, bytes]:
    """The headers and body of a delivery of `event`, signed with `secret` at `now`."""
    body = json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    signed = sign_headers(secret, body, msg_id=new_message_id(), timestamp=int(now))
    return [("content-type", "application/json"), ("user-agent", USER_AGENT), *signed.items()], body


def resigned(record: Recorded, secret: str, now: float) -> tuple[str, Headers]:
    """The delivery id and the headers to resend a recorded delivery with, signed anew."""
    msg_id, _, _ = signing_headers(dict(record.headers))
    prefix = "webhook-" if any(n.lower() == "webhook-id" for n, _ in record.headers) else "svix-"
    fresh = sign_headers(
        secret, record.body, msg_id=msg_id or new_message_id(), timestamp=int(now), prefix=prefix
    )
    replaced = {name.lower() for name in fresh}
    kept = [(n, v) for n, v in forwarded_headers(record.headers) if n.lower() not in replaced]
    return fresh[f"{prefix}id"], [*kept, *fresh.items()]
