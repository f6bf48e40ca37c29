"""The webhook event catalog, the event envelope, and which events a write fires.

Fifteen event types are documented, grouped by resource. Writes through the API fire
these (see `events_for_write`); the others (`customer.health_score_dropped`,
`task.completed`) describe app-side facts the public API has no field for, so only
`pivotal webhooks trigger` produces them.

- a create fires `<resource>.created` and nothing else;
- a customer update that changes any field fires `customer.updated` with the changed
  fields' previous values, and `customer.at_risk` / `customer.churned` when `status`
  moves to that value;
- a customer delete (a soft delete: the record stays, out of the lists) fires
  `customer.archived`, which is what the docs call that state;
- an onboarding update fires `onboarding.phase_changed` and `onboarding.state_changed`
  with the prior value in `previous_attributes`, `onboarding.launched` and
  `onboarding.completed` when the phase becomes `launch` or `completed`, and
  `onboarding.at_risk` / `onboarding.back_on_track` when the state enters or leaves
  `at_risk`.
"""

from __future__ import annotations

from typing import Any

API_VERSION = "v1"

EVENT_TYPES: dict[str, str] = {
    "customer.created": "A customer is added.",
    "customer.updated": "Any field on the customer changes.",
    "customer.archived": "A customer is archived (deleted through the API).",
    "customer.health_score_dropped": "Health score drops by 10 points or more.",
    "customer.at_risk": "The customer's status becomes at_risk.",
    "customer.churned": "The customer's status becomes churned.",
    "contact.created": "A contact is attached to a customer.",
    "onboarding.created": "A new onboarding is created for a customer.",
    "onboarding.phase_changed": "The onboarding moves to a different phase.",
    "onboarding.state_changed": "The onboarding's state changes.",
    "onboarding.at_risk": "The onboarding's state becomes at_risk.",
    "onboarding.back_on_track": "The onboarding's state leaves at_risk.",
    "onboarding.launched": "The onboarding enters the launch phase.",
    "onboarding.completed": "The onboarding reaches the completed phase.",
    "task.completed": "A task is marked complete.",
}

# Fields whose change alone is not a change of the record.
_BOOKKEEPING = ("updated_at",)

Change = tuple[str, "dict[str, Any] | None"]


def matches(pattern: str, event_type: str) -> bool:
    """Whether a subscription pattern (`*`, `customer.*`, or an exact type) covers a type."""
    if pattern in ("*", event_type):
        return True
    return pattern.endswith(".*") and event_type.startswith(pattern[:-1])


def unknown_pattern(pattern: str) -> str | None:
    """Why `pattern` can match no documented type (the message's tail), or None."""
    if any(matches(pattern, name) for name in EVENT_TYPES):
        return None
    return f"use *, a group such as customer.*, or one of {', '.join(EVENT_TYPES)}"


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The previous values of the fields that differ between two renderings of a record."""
    return {
        name: before.get(name)
        for name in after
        if name not in _BOOKKEEPING and before.get(name) != after[name]
    }


def events_for_write(
    resource: str, action: str, before: dict[str, Any] | None, after: dict[str, Any]
) -> list[Change]:
    """The (type, previous_attributes) pairs one write fires, in the order they happen.

    `action` is `create`, `update` or `delete`; `before` and `after` are the record as
    the API renders it before and after the write (`before` is None for a create).
    """
    if action == "create":
        return [(f"{resource}.created", None)] if f"{resource}.created" in EVENT_TYPES else []
    if before is None:
        return []
    if resource == "customer":
        if action == "delete":
            return [("customer.archived", None)]
        previous = changed_fields(before, after)
        if not previous:
            return []
        fired: list[Change] = [("customer.updated", previous)]
        if "status" in previous and after.get("status") in ("at_risk", "churned"):
            fired.append((f"customer.{after['status']}", {"status": previous["status"]}))
        return fired
    if resource == "onboarding" and action == "update":
        return _onboarding_changes(before, after)
    return []


def _onboarding_changes(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    fired: list[Change] = []
    phase, old_phase = after.get("phase"), before.get("phase")
    if phase != old_phase:
        fired.append(("onboarding.phase_changed", {"phase": old_phase}))
        if phase == "launch":
            fired.append(("onboarding.launched", {"phase": old_phase}))
        elif phase == "completed":
            fired.append(("onboarding.completed", {"phase": old_phase}))
    state, old_state = after.get("state"), before.get("state")
    if state != old_state:
        fired.append(("onboarding.state_changed", {"state": old_state}))
        if state == "at_risk":
            fired.append(("onboarding.at_risk", {"state": old_state}))
        elif old_state == "at_risk":
            fired.append(("onboarding.back_on_track", {"state": old_state}))
    return fired


def envelope(
    event_type: str,
    obj: dict[str, Any],
    previous_attributes: dict[str, Any] | None,
    *,
    event_id: str,
    created_at: str,
    org_id: str,
    livemode: bool,
) -> dict[str, Any]:
    """The documented envelope around one event's object.

    `data.previous_attributes` is present only on events that report a change.
    """
    data: dict[str, Any] = {"object": obj}
    if previous_attributes is not None:
        data["previous_attributes"] = previous_attributes
    return {
        "id": event_id,
        "type": event_type,
        "created_at": created_at,
        "org_id": org_id,
        "livemode": livemode,
        "api_version": API_VERSION,
        "data": data,
    }
