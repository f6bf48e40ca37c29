"""What the command line relies on in a resource object, checked where it is read.

Commands use a record's `id` to act on it and its `display_id` to name it (and an
onboarding's `phase` to plan a move). A server that answers without them gets one
readable error here instead of a crash deep in a command.
"""

from __future__ import annotations

from pivotal_cli.domain.records import Record
from pivotal_cli.errors import ServerError

_RELIED_ON = {
    "customer": ("id", "display_id"),
    "contact": ("id", "display_id"),
    "onboarding": ("id", "display_id", "phase"),
}


def checked(record: Record, resource: str) -> Record:
    """`record`, once it has every field commands rely on (as a string or number)."""
    missing = [
        name
        for name in _RELIED_ON[resource]
        if isinstance(record.get(name), bool) or not isinstance(record.get(name), (str, int))
    ]
    if missing:
        raise ServerError(
            f"The API answered with a {resource} that has no usable {', '.join(missing)}.",
            status=200,
            reason="unexpected_body",
        )
    return record
