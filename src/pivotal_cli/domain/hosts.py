"""Which hosts are this machine, and words for the ones that are not.

The one place that decides where a key may travel over plain http, where a sandbox or
a listener may bind, and where a webhook endpoint may point. Pure: no name is
resolved, so a host counts as this machine only when it says so literally
(`localhost`, `*.localhost`, 127.0.0.0/8, `::1`, brackets allowed); any other name,
and the numeric disguises of an address (`2130706433`, `0x7f.1`), count as another.
"""

from __future__ import annotations

# The address every major cloud answers instance credentials on.
METADATA_ADDRESSES = ("169.254.169.254", "fd00:ec2::254")


def is_loopback(host: str) -> bool:
    """`localhost`, a `*.localhost` name, or a loopback address (brackets allowed)."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    # Imported here: every client loads this module, and most never need the parser.
    import ipaddress

    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return bool(address.is_loopback or (mapped is not None and mapped.is_loopback))


def describe_remote(host: str) -> str:
    """`HOST is …`: a metadata service, a private network, the internet, another machine."""
    import ipaddress

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
