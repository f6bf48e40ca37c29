"""URLs and header values a user gives, checked before anything is sent with them.

Pure. Which hosts are this machine is `domain/hosts.py`'s rule; what reaches another
machine is described in words (`where`) for the line that says where records go.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from pivotal_cli.domain.hosts import describe_remote, is_loopback


class UnsafeValue(ValueError):
    """A URL or header value refused before use; the message says what is wrong."""


@dataclass(frozen=True)
class CheckedURL:
    """A URL that passed the checks, and whether it stays on this machine."""

    url: str
    host: str
    port: int | None
    loopback: bool

    @property
    def where(self) -> str:
        """`HOST is this machine`, or what kind of other machine the host is."""
        return f"{self.host} is this machine" if self.loopback else describe_remote(self.host)


def check_header_value(value: str, name: str) -> str:
    """`value` if it can stand in a header: no CR, LF, NUL or other control character."""
    bad = first_control_character(value)
    if bad is not None:
        raise UnsafeValue(f"{name} holds a control character ({bad}); it would break the header")
    return value


def first_control_character(value: str) -> str | None:
    """The first control character in `value` as `\\r`, `\\x00`…, or None."""
    for char in value:
        if ord(char) < 0x20 or ord(char) == 0x7F:
            return repr(char)[1:-1]
    return None


def check_url(url: str, name: str = "the URL", *, allow_remote: bool) -> CheckedURL:
    """An http(s) URL with a host and a port in range, refused if it holds a control
    character or whitespace, or if it leaves this machine without `allow_remote`."""
    text = url.strip()
    bad = first_control_character(text)
    if bad is not None or " " in text:
        raise UnsafeValue(f"{name} holds {'a space' if bad is None else bad}: {text[:80]!r}")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeValue(f"{name} {text[:80]!r} is not an http:// or https:// URL with a host")
    try:
        port = parts.port
    except ValueError:
        port = -1
    if port is not None and not 1 <= port <= 65535:
        raise UnsafeValue(f"{name} {text[:80]!r} has a port outside 1-65535")
    checked = CheckedURL(text, parts.hostname, port, is_loopback(parts.hostname))
    if not checked.loopback and not allow_remote:
        raise RemoteRefused(checked, name)
    return checked


class RemoteRefused(UnsafeValue):
    """A URL off this machine, given without permission to leave it."""

    def __init__(self, checked: CheckedURL, name: str) -> None:
        self.checked = checked
        super().__init__(f"{name} {checked.url[:80]!r} leaves this machine: {checked.where}")
