"""Webhook deliveries as people see them: one line per delivery, as `pivotal webhooks
listen` and `replay` print it, and the columns of the webhook tables.

    14:32:07  onboarding.phase_changed  evt_2nQv…  phase review → launch  valid  age 0s

What changed reads `data.previous_attributes` against `data.object`; an event that
changes nothing names its object instead (`customer 1042 Aurora Outfitters`).
"""

from __future__ import annotations

import json
from typing import Any

from pivotal_cli.render.columns import Column
from pivotal_cli.render.views import moment, plain, styled

# A value longer than this is cut in a line: the line is for reading, the log keeps all.
_VALUE_WIDTH = 40


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _VALUE_WIDTH else text[: _VALUE_WIDTH - 1] + "…"


def changes(event: Any) -> str:
    """`phase review → launch, state active → at_risk`; or what the event is about."""
    if not isinstance(event, dict):
        return ""
    data = event.get("data")
    if not isinstance(data, dict):
        return ""
    found = data.get("object")
    obj: dict[str, Any] = found if isinstance(found, dict) else {}
    previous = data.get("previous_attributes")
    if isinstance(previous, dict) and previous:
        return ", ".join(
            f"{name} {_short(old)} → {_short(obj.get(name))}" for name, old in previous.items()
        )
    kind = obj.get("object") or str(event.get("type", "")).split(".", 1)[0]
    label = " ".join(
        _short(obj[key]) for key in ("display_id", "name", "title") if obj.get(key) is not None
    )
    return f"{kind} {label}".strip()


def verdict_word(verdict: Any) -> str:
    """`valid`, the failed verdict's reason, or `unchecked` when no secret was known."""
    if verdict is None:
        return "unchecked"
    return "valid" if verdict.ok else str(verdict.reason)


def event_line(
    *,
    clock: str,
    event: Any,
    verdict: Any,
    age_seconds: int | None,
    outcome: str = "",
) -> str:
    """The one line for a delivery: time, type, id, changes, verdict, age and outcome."""
    if isinstance(event, dict):
        kind = str(event.get("type") or "?")
        event_id = str(event.get("id") or "?")
        what = changes(event)
    else:
        kind, event_id, what = "?", "?", "body is not JSON"
    parts = [clock, kind, event_id]
    if what:
        parts.append(what)
    parts.append(verdict_word(verdict))
    if age_seconds is not None:
        parts.append(f"age {age_seconds}s")
    if outcome:
        parts.append(outcome)
    return "  ".join(parts)


def endpoint_columns() -> list[Column]:
    """`sandbox webhooks list`: URLs and ids whole, times humane, state coloured."""
    return [
        Column("id", "ID", fixed=True),
        Column("url", "URL", fixed=True),
        Column("mode", "MODE", optional=True),
        Column("events", "EVENTS", human=lambda r: ", ".join(r["events"])),
        Column("state", "STATE", human=lambda r: styled(r.get("state"))),
        Column("consecutive_failures", "FAILURES", justify="right", optional=True),
        Column("secret", "SECRET", optional=True),
        Column("created_at", "CREATED", human=moment("created_at"), optional=True),
    ]


def delivery_columns() -> list[Column]:
    """`sandbox webhooks deliveries`: the error gives way first; ids stay whole."""
    return [
        Column("id", "DELIVERY", fixed=True),
        Column("event_type", "EVENT", fixed=True),
        Column("endpoint_id", "ENDPOINT", fixed=True),
        Column("status", "STATUS", human=lambda r: styled(r.get("status"))),
        Column("attempts", "ATTEMPTS", justify="right", optional=True),
        Column("last_status_code", "LAST", justify="right"),
        Column("last_error", "ERROR"),
        Column("next_attempt_at", "NEXT", human=moment("next_attempt_at"), optional=True),
        Column("created_at", "CREATED", human=moment("created_at"), optional=True),
    ]


def log_columns() -> list[Column]:
    """`webhooks log` on a terminal: one delivery `listen` recorded a row."""
    return [
        Column("received_at", "RECEIVED", human=moment("received_at")),
        Column("msg_id", "MESSAGE", fixed=True),
        Column("event_id", "EVENT ID", fixed=True),
        Column("type", "TYPE", fixed=True),
        Column("verdict", "SIGNATURE", human=lambda r: _verdict(r.get("verdict"))),
        Column("status", "STATUS", justify="right"),
    ]


def _verdict(value: Any) -> str:
    text = plain(value)
    return f"[green]{text}[/]" if value == "valid" else f"[red]{text}[/]"
