"""Which hosts are this machine: the one place a key may travel over plain http."""

from __future__ import annotations


def is_loopback(host: str) -> bool:
    """`localhost`, a `*.localhost` name, or a loopback address (brackets allowed)."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    # Imported here: every client loads this module, and most never need the parser.
    import ipaddress

    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
