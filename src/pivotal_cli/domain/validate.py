"""Checks of user input that need nothing heavy: emails, dates and control characters.

Used by flag callbacks (so a bad value fails before any request, naming the flag)
and by the models' email and date-time checks (`models`).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

# Deliberately simple: one @, no spaces, a dot in the domain. The server has the last
# word; this only catches typos before a request is spent on them.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# Zod's pattern, so the sandbox accepts and rejects what the real API does.
_API_EMAIL = re.compile(
    r"(?!\.)(?!.*\.\.)([A-Z0-9_'+\-\.]*)[A-Z0-9_+-]@([A-Z0-9][A-Z0-9\-]*\.)+[A-Z]{2,}",
    # ASCII: without it, IGNORECASE lets "ſ" and the Kelvin sign match s and k.
    re.IGNORECASE | re.ASCII,
)


# C0 controls but tab, LF and CR (text keeps those: an export imports back exactly),
# and DEL: a NUL or an escape in a name is never meant, and a SQL text column refuses
# NUL. `TEXT_PATTERN` is the same rule in JSON Schema's (ECMA-262) syntax, as the
# OpenAPI document's request bodies give it (docs/api-choices.md).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TEXT_PATTERN = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$"


def control_character(value: str) -> tuple[int, str] | None:
    """The first control character text may not hold: its 1-based position and U+ name."""
    found = _CONTROL.search(value)
    return (found.start() + 1, f"U+{ord(found.group()):04X}") if found else None


def is_email(value: str) -> bool:
    return bool(_EMAIL.match(value))


def is_api_email(value: str) -> bool:
    """The API's rule: Zod's pattern plus RFC 5321's lengths (JSON Schema's `email`)."""
    local, _, domain = value.rpartition("@")
    too_long = len(local) > 64 or len(value) > 254 or any(len(p) > 63 for p in domain.split("."))
    return _API_EMAIL.fullmatch(value) is not None and not too_long


def iso_datetime(value: str) -> str:
    """`2026-07-15` or any ISO 8601 date-time -> `2026-07-15T00:00:00.000Z` (UTC).

    Raises ValueError with a readable reason.
    """
    text = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            moment = datetime.combine(date.fromisoformat(text), datetime.min.time())
            moment = moment.replace(tzinfo=timezone.utc)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=timezone.utc)
    except ValueError:
        raise ValueError(
            f"'{value}' is not a date; use YYYY-MM-DD or ISO 8601 like 2026-07-15T09:30:00Z"
        ) from None
    try:
        moment = moment.astimezone(timezone.utc)
    except OverflowError:
        # 0001-01-01 with a positive offset (or 9999-12-31 with a negative one) is a
        # moment before year 1 or after year 9999 in UTC, which nothing can store.
        raise ValueError(
            f"'{value}' is outside the supported range once converted to UTC (years 0001 to 9999)"
        ) from None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
