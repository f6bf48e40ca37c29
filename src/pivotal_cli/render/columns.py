"""A column of a list or a record: where its value comes from and how it is shown.

Every format reads the same columns: the machine formats take `raw` (exact text,
`true`/`false`, compact JSON for nested values), the terminal takes `text` (which may
hold Rich markup). Rich is imported only when terminal text is escaped.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Column:
    """One column of a list: where its value comes from and how people see it."""

    key: str
    header: str
    human: Callable[[dict[str, Any]], str] | None = None  # terminal text (may hold markup)
    justify: str = "left"
    # Ids, slugs and money are useless cut short: on a narrow terminal free text gives
    # way and these keep their full width.
    fixed: bool = False
    # A detail a narrow terminal may leave out (never in pipes, CSV or JSON).
    optional: bool = False

    def raw(self, row: dict[str, Any]) -> str:
        value = lookup(row, self.key)
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (dict, list)):
            return json.dumps(value, separators=(",", ":"))
        return str(value)

    def text(self, row: dict[str, Any]) -> str:
        return self.human(row) if self.human else escape(self.raw(row))


def lookup(row: dict[str, Any], key: str) -> Any:
    """The value at a dotted `key` (`customer.name`); None where any step is missing."""
    value: Any = row
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def escape(text: str) -> str:
    """`text` with Rich markup escaped, so a value is shown as it is."""
    from rich.markup import escape as escape_markup

    return escape_markup(text)
