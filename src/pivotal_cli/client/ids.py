"""Paths from user-given ids, and telling a display_id or cuid from a slug."""

from __future__ import annotations

import re
from urllib.parse import quote

from pivotal_cli.errors import UsageError

# A cuid is 25 lowercase base-36 characters starting with "c"; accept a little either
# way so ids from other generators still pass. Slugs have hyphens or are short.
_CUID = re.compile(r"^c[a-z0-9]{19,31}$")
_SAFE = re.compile(r"^[A-Za-z0-9_-]+$")


def is_display_id(value: str) -> bool:
    return value.isdigit()


def is_id(value: str) -> bool:
    """True for a display_id or a cuid: values the API resolves directly."""
    return is_display_id(value) or bool(_CUID.match(value))


def segment(value: str, what: str = "id") -> str:
    """The value as one URL path segment; refuse anything that could leave it."""
    value = value.strip()
    if not value or not _SAFE.match(value):
        raise UsageError(f"'{value}' is not a valid {what}: use a numeric display_id or a cuid.")
    return quote(value, safe="")


def record_path(resource: str, record_id: str) -> str:
    """The path of one record: `/contacts/8421` for ("contact", "8421")."""
    return f"/{resource}s/{segment(record_id, f'{resource} id')}"
