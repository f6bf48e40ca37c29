"""A pasted list of contacts (the help center's "paste a list"), split into lines.

One contact a line: `name, email, title`, title optional. Values are CSV, so a comma
inside a quoted value stays in it (`"Lee, Jordan", jordan@acme.com`). Blank lines
and a header line `name,email,title` are skipped. Parsing only: the rows are checked
as any imported contact is (`domain/importing.py`), by the import job they feed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pivotal_cli.domain import bounded

HEADER = ("name", "email", "title")
MAX_VALUES = len(HEADER)


@dataclass(frozen=True)
class PastedLine:
    """One line of the paste that holds a contact: where it is, and its values."""

    line: int
    values: tuple[str, ...]

    def _value(self, index: int) -> str:
        return self.values[index] if index < len(self.values) else ""

    @property
    def name(self) -> str:
        return self._value(0)

    @property
    def email(self) -> str:
        return self._value(1)

    @property
    def title(self) -> str | None:
        return self._value(2) or None

    @property
    def too_many_values(self) -> bool:
        """More values than fit: a comma in an unquoted value, most likely."""
        return len(self.values) > MAX_VALUES


def parse(lines: Iterable[str], source: str = "the paste") -> list[PastedLine]:
    """The lines of a paste that hold a contact, in order, values stripped; a line or
    value past `domain.bounded`'s limits is refused naming `source`."""
    found: list[PastedLine] = []
    reader = bounded.CsvRows(bounded.LineStream(lines), source, skipinitialspace=True)
    reader.columns = list(HEADER)
    seen_content = False
    for line, cells in reader:
        values = tuple(cell.strip() for cell in cells)
        if not any(values):
            continue
        if not seen_content and tuple(v.lower() for v in values) in (HEADER, HEADER[:2]):
            seen_content = True
            continue
        seen_content = True
        found.append(PastedLine(line, values))
    return found
