"""Which names a field list or a template uses that a resource does not have.

One rule for `--columns`, `--json FIELDS` and `-t/--template`: a name is a field of
the resource (a schema field, as the columns are built from the schema) or a dotted
path into one (`metadata.tier`). Pure: the command line words the error.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable

# `{tags[0]}` and `{metadata.tier}` are read by their first part.
_FIRST_PART = re.compile(r"[.\[]")


def unknown(names: Iterable[str], known: Iterable[str]) -> list[str]:
    """The names, in order, that are neither a known field nor a path into one."""
    fields = set(known)
    return [n for n in names if n not in fields and _FIRST_PART.split(n, 1)[0] not in fields]


def template_fields(template: str) -> list[str]:
    """The field names a Python format template fills in, nested specs included
    (`{name:{width}}` uses `name` and `width`). Malformed templates raise ValueError."""
    names: list[str] = []
    for _text, field, spec, _conversion in string.Formatter().parse(template):
        if field is None:
            continue
        names.append(field)
        if spec and "{" in spec:
            names.extend(template_fields(spec))
    return names
