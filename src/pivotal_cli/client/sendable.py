"""What may be sent at all: a base URL that parses, a key only over a safe transport,
and header values httpx can send. Each refusal is immediate: it would fail the same
way on every attempt, so the retry loop must never spend time on it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx

from pivotal_cli.domain.hosts import is_loopback
from pivotal_cli.errors import InsecureTransportError, PivotalError, UsageError


def check_base_url(base_url: str) -> None:
    """Refuse a base URL that cannot be parsed (bad port, unclosed IPv6 bracket).

    Such a URL fails the same way on every attempt, so it is a usage error at once,
    never a network error that the retry loop would spend seconds on.
    """
    try:
        parts = urlsplit(base_url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
        httpx.URL(base_url)
    except (ValueError, httpx.InvalidURL) as exc:
        raise UsageError(
            f"The base URL '{base_url}' is malformed: {exc}.", reason="malformed_base_url"
        ) from None


def check_transport_security(base_url: str) -> None:
    """Refuse to send a key over plain http to anything but loopback."""
    check_base_url(base_url)
    parts = urlsplit(base_url)
    if parts.scheme == "https":
        return
    if parts.scheme == "http" and is_loopback(parts.hostname or ""):
        return
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InsecureTransportError(f"'{base_url}' is not an http(s) URL.", reason="not_http_url")
    raise InsecureTransportError(
        f"Refusing to send an API key over plain http to {parts.hostname}.",
        reason="plain_http_to_remote",
        details={"host": parts.hostname},
    )


def check_header_value(value: str, *, what: str, error: type[PivotalError], reason: str) -> None:
    """Refuse a value httpx could not send as a header, without ever quoting it.

    Keys are visible ASCII only; a pasted newline, a control character or a letter
    outside ASCII is named by kind and position, never shown.
    """
    if value.isascii() and value.isprintable() and " " not in value:
        return  # every character visible ASCII: the common case, without a loop
    for position, char in enumerate(value, start=1):
        if " " < char < "\x7f":
            continue
        if char in "\r\n":
            kind = "a line break"
        elif char.isspace():
            kind = "a space"
        elif not char.isascii():
            kind = "a character outside ASCII"
        else:
            kind = "a control character"
        raise error(
            f"{what} is not valid: it holds {kind} at character {position}, "
            "which cannot be sent in an HTTP header.",
            reason=reason,
            details={"position": position},
        )
