"""API keys as text: which mode a key is for, and the part of it that is safe to show."""

from __future__ import annotations

MODES = ("live", "test")


def mode_of_key(key: str) -> str:
    """`test` for `pivotal_test_…` keys, `live` for other `pivotal_…` keys."""
    return "test" if key.startswith("pivotal_test_") else "live"


def key_prefix(key: str) -> str:
    """The part of a key that is safe to show: its mode prefix and four characters."""
    head = "pivotal_test_" if key.startswith("pivotal_test_") else "pivotal_"
    if not key.startswith(head):
        return key[:4] + "…"
    return key[: len(head) + 4]
