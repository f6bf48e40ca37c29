"""Keyset pagination: `limit` and `cursor` parsing and the list envelope.

Lists are newest first by `created_at`. A cursor is an ISO 8601 instant and selects rows
strictly older than it. Pages are read with `limit + 1` rows so `has_more` is exact:
the last page says `false` even when it holds exactly `limit` rows. `next_cursor` is the
last row's `created_at` with microseconds, which (being unique per workspace and table)
makes every walk see each row exactly once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from pivotal_cli.sandbox.data.timeutil import format_us, parse_datetime
from pivotal_cli.sandbox.engine.errors import invalid

DEFAULT_LIMIT = 25
MAX_LIMIT = 100

Row = TypeVar("Row")

_INTEGER_RE = re.compile(r"[+-]?\d+")


def parse_limit(query: Mapping[str, str]) -> int:
    """`limit` as Zod's `coerce.number().int().min(1).max(100)` would read it."""
    raw = query.get("limit")
    if raw is None:
        return DEFAULT_LIMIT
    text = raw.strip()
    if not _INTEGER_RE.fullmatch(text):
        try:
            as_float = float(text)
        except ValueError:
            as_float = float("nan")
        received = "float" if text and as_float == as_float else "nan"
        expected = "integer" if received == "float" else "number"
        raise invalid("invalid_type", f"Expected {expected}, received {received}", "limit")
    limit = int(text)
    if limit < 1:
        raise invalid("too_small", "Number must be greater than or equal to 1", "limit")
    if limit > MAX_LIMIT:
        raise invalid("too_big", f"Number must be less than or equal to {MAX_LIMIT}", "limit")
    return limit


def parse_cursor(query: Mapping[str, str]) -> int | None:
    """The cursor instant in microseconds, or None for the first page."""
    raw = query.get("cursor")
    if raw is None:
        return None
    parsed = parse_datetime(raw.strip())
    if parsed is None:
        raise invalid("invalid_string", "Invalid datetime", "cursor")
    return parsed


def page(
    rows: Sequence[Row],
    limit: int,
    render: Callable[[Row], dict[str, Any]],
    created_us: Callable[[Row], int],
) -> dict[str, Any]:
    """The list envelope for rows fetched with `LIMIT limit + 1`, newest first.

    `created_us` reads a row's creation instant (its cursor).
    """
    has_more = len(rows) > limit
    kept = rows[:limit]
    return {
        "object": "list",
        "data": [render(row) for row in kept],
        "has_more": has_more,
        "next_cursor": format_us(created_us(kept[-1])) if has_more else None,
    }


def unpaginated(items: list[dict[str, Any]]) -> dict[str, Any]:
    """The envelope of a list that always fits in one response."""
    return {"object": "list", "data": items, "has_more": False, "next_cursor": None}
