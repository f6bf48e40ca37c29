"""The documented enum values, as plain tuples and `Enum` choices for flags.

Kept free of pydantic and rich so that `--help` and shell completion can read them
without importing anything heavy. Values outside these lists may still come back from
the API (the Versioning page promises new enum values); code that reads responses
must treat these as "known", never as "all".
"""

from __future__ import annotations

from enum import Enum

CUSTOMER_STATUSES = ("active", "onboarding", "at_risk", "churned", "low_touch")
PHASES = (
    "before_getting_started",
    "program_design",
    "review",
    "program_buildout",
    "internal_qa",
    "launch",
    "completed",
)
STATES = ("active", "paused", "at_risk", "waiting")
MODES = ("live", "test")


class CustomerStatus(str, Enum):
    active = "active"
    onboarding = "onboarding"
    at_risk = "at_risk"
    churned = "churned"
    low_touch = "low_touch"


class Phase(str, Enum):
    before_getting_started = "before_getting_started"
    program_design = "program_design"
    review = "review"
    program_buildout = "program_buildout"
    internal_qa = "internal_qa"
    launch = "launch"
    completed = "completed"


class State(str, Enum):
    active = "active"
    paused = "paused"
    at_risk = "at_risk"
    waiting = "waiting"


def mode_of_key(key: str) -> str:
    """`test` for `pivotal_test_…` keys, `live` for other `pivotal_…` keys."""
    return "test" if key.startswith("pivotal_test_") else "live"


def key_prefix(key: str) -> str:
    """The part of a key that is safe to show: its mode prefix and four characters."""
    head = "pivotal_test_" if key.startswith("pivotal_test_") else "pivotal_"
    if not key.startswith(head):
        return key[:4] + "…"
    return key[: len(head) + 4]
