"""What `pivotal webhooks listen` does with each delivery: verify, print, forward, record.

`Listener.on_delivery` is the receiver's callback (`webhooks/receiver.py`). For
each POST it:

1. verifies the signature over the raw body when a secret is known (else the line
   says `unchecked`);
2. answers 401 to a bad signature when a secret is set, and forwards nothing;
3. acknowledges (200) without forwarding an event that no `--events` pattern matches;
4. forwards the raw body and the original headers to `--forward-to`, and answers the
   sender with the app's status, 502 when the app cannot be reached and 504 when it
   does not answer in time, so the sender retries as it would against the app;
5. prints one line (or one JSON object) on stdout and records the delivery.

Deliveries arrive on many threads at once; printing and recording are serialized.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from pivotal_cli.domain.webhook_events import matches
from pivotal_cli.domain.webhook_signing import Verdict, signing_headers, verify
from pivotal_cli.webhooks.receiver import Answer, Delivery

if TYPE_CHECKING:
    from pivotal_cli.render.output import Output
    from pivotal_cli.webhooks.forward import Poster, Sent
    from pivotal_cli.webhooks.log import Recorder

# Headers shown in --format json: the signing ones and what says who sent what.
SHOWN_HEADERS = (
    "svix-id",
    "svix-timestamp",
    "svix-signature",
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "content-type",
    "user-agent",
)


def parse_event(body: bytes) -> dict[str, Any] | None:
    """The body as a JSON object, or None (also for one nested past reason)."""
    from pivotal_cli.domain.bounded import InputTooLarge, loads

    try:
        value = loads(body, "the delivery's body")
    except (ValueError, UnicodeDecodeError, InputTooLarge):
        return None
    return value if isinstance(value, dict) else None


def age_of(headers: Sequence[tuple[str, str]], now: float) -> int | None:
    """Seconds since the delivery's timestamp header, when it has a readable one."""
    _, stamp, _ = signing_headers(dict(headers))
    try:
        return int(now) - int(float(stamp or ""))
    except ValueError:
        return None


def outcome_text(sent: Sent, status: int) -> str:
    """`→ 200 in 12 ms`, or why the app gave no answer and what the sender got."""
    if sent.status is not None:
        return f"→ {sent.status} in {sent.latency_ms:.0f} ms"
    return f"→ app {sent.error} ({status} to the sender)"


@dataclass
class Listener:
    """The per-session state of `listen`; `on_delivery` runs once per request."""

    output: Output
    secrets: list[str] | None
    forward_to: str | None = None
    poster: Poster | None = None
    patterns: Sequence[str] = ()
    json_lines: bool = False
    recorder: Recorder | None = None
    clock: Callable[[], float] = time.time
    received: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def on_delivery(self, delivery: Delivery) -> Answer:
        now = self.clock()
        headers = delivery.headers
        verdict: Verdict | None = None
        if self.secrets:
            verdict = verify(self.secrets, dict(headers), delivery.body, now=now)
        event = parse_event(delivery.body)
        event_type = str(event.get("type")) if event and event.get("type") else None
        age = verdict.age_seconds if verdict and verdict.age_seconds is not None else None
        if age is None:
            age = age_of(headers, now)
        sent: Sent | None = None
        filtered = False
        if verdict is not None and not verdict.ok:
            status, outcome = 401, "→ 401 (rejected, not forwarded)"
        elif self.patterns and not any(matches(p, event_type or "") for p in self.patterns):
            filtered = True
            status, outcome = 200, "filtered: acknowledged, not forwarded"
        elif self.forward_to and self.poster is not None:
            from pivotal_cli.webhooks.forward import forwarded_headers

            sent = self.poster.post(self.forward_to, delivery.body, forwarded_headers(headers))
            status = sent.status if sent.status is not None else (504 if sent.timed_out else 502)
            outcome = outcome_text(sent, status)
        else:
            status, outcome = 200, ""
        self._report(delivery, event, verdict, age, status, outcome, sent, filtered)
        self._record(delivery, event, verdict, status)
        return Answer(status, json.dumps(_answer_body(status, verdict, sent, filtered)).encode())

    def _report(
        self,
        delivery: Delivery,
        event: dict[str, Any] | None,
        verdict: Verdict | None,
        age: int | None,
        status: int,
        outcome: str,
        sent: Sent | None,
        filtered: bool,
    ) -> None:
        from pivotal_cli.render.webhooks import event_line

        if self.json_lines:
            text = json.dumps(
                _as_json(delivery, event, verdict, age, status, sent, filtered, self.forward_to),
                ensure_ascii=False,
                separators=(",", ":"),
            )
        else:
            clock = datetime.fromtimestamp(delivery.received_at).strftime("%H:%M:%S")
            text = event_line(
                clock=clock, event=event, verdict=verdict, age_seconds=age, outcome=outcome
            )
        with self._lock:
            self.received += 1
            self.output.line(text)
            if verdict is not None and not verdict.ok and not self.json_lines:
                self.output.warn(f"{verdict.message}.")

    def _record(
        self,
        delivery: Delivery,
        event: dict[str, Any] | None,
        verdict: Verdict | None,
        status: int,
    ) -> None:
        if self.recorder is None:
            return
        from pivotal_cli.render.webhooks import verdict_word
        from pivotal_cli.webhooks.log import Recorded, kept_headers

        msg_id, _, _ = signing_headers(dict(delivery.headers))
        self.recorder.add(
            Recorded(
                received_at=_iso(delivery.received_at),
                msg_id=msg_id,
                event_id=str(event["id"]) if event and event.get("id") else None,
                type=str(event["type"]) if event and event.get("type") else None,
                verdict=verdict_word(verdict),
                status=status,
                path=delivery.path,
                headers=kept_headers(delivery.headers),
                body=delivery.body,
            )
        )


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat(timespec="milliseconds")


def verdict_json(verdict: Verdict | None) -> dict[str, Any]:
    if verdict is None:
        return {"ok": None, "reason": "unchecked", "message": "no signing secret is set"}
    return {"ok": verdict.ok, "reason": verdict.reason, "message": verdict.message}


def _as_json(
    delivery: Delivery,
    event: dict[str, Any] | None,
    verdict: Verdict | None,
    age: int | None,
    status: int,
    sent: Sent | None,
    filtered: bool,
    forward_to: str | None,
) -> dict[str, Any]:
    msg_id, _, _ = signing_headers(dict(delivery.headers))
    shown = {
        name.lower(): value for name, value in delivery.headers if name.lower() in SHOWN_HEADERS
    }
    forward = None
    if sent is not None:
        forward = {
            "url": forward_to,
            "status": sent.status,
            "latency_ms": round(sent.latency_ms, 1),
            "error": sent.error,
        }
    return {
        "received_at": _iso(delivery.received_at),
        "event_id": event.get("id") if event else None,
        "msg_id": msg_id,
        "type": event.get("type") if event else None,
        "verdict": verdict_json(verdict),
        "age_seconds": age,
        "status": status,
        "filtered": filtered,
        "forward": forward,
        "path": delivery.path,
        "headers": shown,
        "event": event,
    }


def _answer_body(
    status: int, verdict: Verdict | None, sent: Sent | None, filtered: bool
) -> dict[str, Any]:
    if verdict is not None and not verdict.ok:
        return {"error": "invalid_signature", "reason": verdict.reason}
    if sent is not None:
        return {"forwarded": True, "status": sent.status, "error": sent.error}
    return {"received": True, "forwarded": False, "filtered": filtered}
