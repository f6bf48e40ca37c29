"""Checks of user input that need nothing heavy: emails, dates, JSON bodies.

Used by flag callbacks (so a bad value fails before any request, naming the flag)
and by the request-body models.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from pivotal_cli.errors import UsageError

# Deliberately simple: one @, no spaces, a dot in the domain. The server has the last
# word; this only catches typos before a request is spent on them.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def is_email(value: str) -> bool:
    return bool(_EMAIL.match(value))


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
    moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def load_json_body(source: str, *, flag: str = "--data") -> dict[str, Any]:
    """Read a JSON object from `--data`: inline JSON, `@file`, or `-` for stdin."""
    if source == "-":
        text, where = sys.stdin.read(), "standard input"
    elif source.startswith("@"):
        path = Path(source[1:]).expanduser()
        try:
            text, where = path.read_text(encoding="utf-8"), str(path)
        except OSError as exc:
            raise UsageError(f"{flag}: cannot read {path}: {exc.strerror or exc}.") from None
    else:
        text, where = source, "the argument"
    try:
        body = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{flag}: {where} is not valid JSON ({exc.msg} at line {exc.lineno}, "
            f"column {exc.colno})."
        ) from None
    if not isinstance(body, dict):
        raise UsageError(f"{flag}: {where} must hold a JSON object, not {type(body).__name__}.")
    return body


def parse_key_values(pairs: list[str], *, flag: str) -> dict[str, Any]:
    """`KEY=VALUE` pairs -> dict. A value that parses as JSON keeps its type
    (`count=3` is a number, `vip=true` a boolean); anything else is a string."""
    result: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"{flag}: '{pair}' is not KEY=VALUE.")
        try:
            result[key] = json.loads(raw)
        except json.JSONDecodeError:
            result[key] = raw
    return result
