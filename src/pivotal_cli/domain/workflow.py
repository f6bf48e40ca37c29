"""The onboarding phase workflow: which PATCHes `advance`, `back` and the state
shortcuts send. Pure functions, no I/O, so every rule is easy to test.

The docs warn that skipping phases corrupts phase-duration reports, so moving several
phases forward is planned as one PATCH per phase, in order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pivotal_cli.domain.schema import PHASES
from pivotal_cli.errors import UsageError

TERMINAL_PHASE = PHASES[-1]
LAUNCH_PHASE = "launch"

# The state shortcuts. `waiting_on_customer` is sent along with the state so the two
# agree whichever way the server reads them (docs/api-choices.md item 16).
STATE_SHORTCUTS: dict[str, dict[str, Any]] = {
    "pause": {"state": "paused", "waiting_on_customer": False},
    "resume": {"state": "active", "waiting_on_customer": False},
    "at-risk": {"state": "at_risk", "waiting_on_customer": False},
    "wait": {"state": "waiting", "waiting_on_customer": True},
}


def already_in_state(record: Mapping[str, Any], shortcut: str) -> bool:
    """Whether `record` already has every field the state shortcut `shortcut` would set."""
    return all(record.get(field) == value for field, value in STATE_SHORTCUTS[shortcut].items())


def _index(phase: str, label: str, display_id: object) -> int:
    if phase not in PHASES:
        raise UsageError(
            f"{label} is in phase '{phase}', which this version of pivotal does not know.",
            reason="unknown_phase",
            details={"phase": phase, "display_id": display_id},
        )
    return PHASES.index(phase)


def plan_advance(
    current: str,
    to: str | None,
    label: str = "The onboarding",
    *,
    display_id: object = None,
) -> list[str]:
    """The phases to set, in order, to go from `current` to `to` (default: the next).

    `display_id` travels in the errors' details, so the next step can name the record.
    """
    here = _index(current, label, display_id)
    if current == TERMINAL_PHASE:
        raise UsageError(
            f"{label} is already completed, the terminal phase; there is nothing to advance to.",
            reason="already_completed",
            details={"display_id": display_id},
        )
    if to is None:
        return [PHASES[here + 1]]
    there = PHASES.index(to)
    if there == here:
        raise UsageError(f"{label} is already in phase '{to}'.")
    if there < here:
        raise UsageError(
            f"'{to}' is behind the current phase '{current}'.",
            reason="phase_behind",
            details={"phase": to, "current": current, "display_id": display_id},
        )
    return list(PHASES[here + 1 : there + 1])


def plan_back(current: str, label: str = "The onboarding", *, display_id: object = None) -> str:
    here = _index(current, label, display_id)
    if here == 0:
        raise UsageError(
            f"{label} is in the first phase, '{current}'; there is no phase before it."
        )
    return PHASES[here - 1]
