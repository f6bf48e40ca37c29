"""URLs and header values a user gives, checked before anything is sent with them.

Pure: no name is resolved. A host counts as this machine only when it says so
literally (`localhost`, `*.localhost`, 127.0.0.0/8, `::1`); any other name, and the
numeric disguises of an address (`2130706433`, `0x7f.1`), count as another machine, so
a check errs toward asking. What reaches another machine is described in words
(`where`) for the line that says where records will be sent.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

LOOPBACK_NAMES = ("localhost",)
# The address every major cloud answers instance credentials on.
METADATA_ADDRESSES = ("169.254.169.254", "fd00:ec2::254")


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


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine only (127.0.0.0/8, ::1, localhost)."""
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return bool(address.is_loopback or (mapped is not None and mapped.is_loopback))


def describe_remote(host: str) -> str:
    """`HOST is …`: a metadata service, a private network, the internet, another machine."""
    bare = host.strip("[]").lower()
    try:
        address = ipaddress.ip_address(bare)
    except ValueError:
        return f"{host} is another machine"
    if bare in METADATA_ADDRESSES:
        return f"{host} is the cloud metadata service, which hands out this machine's credentials"
    if address.is_link_local:
        return f"{host} is a link-local address"
    if address.is_unspecified:
        return f"{host} is every interface of this machine"
    if address.is_private:
        return f"{host} is a private-network address"
    return f"{host} is a public internet address"


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
