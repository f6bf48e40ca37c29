"""A pasted list of contacts (the help center's "paste a list"), read and checked.

One contact a line: `name, email, title`, title optional. Values are CSV, so a comma
inside a quoted value stays in it (`"Lee, Jordan", jordan@acme.com`). Blank lines
and a header line `name,email,title` are skipped. Each row is checked the way the
CLI checks an email anywhere (`validate.is_email`); a row with a problem is kept,
with the problem named, so the preview can show it and the import can skip it.

Each row has an idempotency key derived from the customer and the row's content, so
sending the same paste twice (within the API's 24 hours) creates nothing twice.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from pivotal_cli.domain.records import JSONValue
from pivotal_cli.domain.validate import is_email

HEADER = ("name", "email", "title")
KEY_PREFIX = "contacts-import-"


@dataclass
class PastedContact:
    """One line of the paste: its values and what is wrong with it (if anything)."""

    line: int
    name: str
    email: str
    title: str | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def body(self, *, primary: bool = False) -> dict[str, JSONValue]:
        """The create body: name, email, the title when given, is_primary when asked."""
        body: dict[str, JSONValue] = {"name": self.name, "email": self.email}
        if self.title:
            body["title"] = self.title
        if primary:
            body["is_primary"] = True
        return body

    def idempotency_key(self, customer_id: str) -> str:
        """The same customer and the same values give the same key, whatever the spacing."""
        content = json.dumps([customer_id, self.name, self.email.lower(), self.title or ""])
        return KEY_PREFIX + hashlib.sha256(content.encode()).hexdigest()[:32]

    def as_json(self) -> dict[str, JSONValue]:
        return {
            "line": self.line,
            "name": self.name,
            "email": self.email,
            "title": self.title,
            "problems": list(self.problems),
        }


def parse(lines: Iterable[str]) -> list[PastedContact]:
    """The contacts of a paste, in order, each with its problems (none: good to send)."""
    rows: list[PastedContact] = []
    first_line_of: dict[str, int] = {}
    reader = csv.reader(lines, skipinitialspace=True)
    seen_content = False
    for cells in reader:
        values = [cell.strip() for cell in cells]
        if not any(values):
            continue
        if not seen_content and tuple(v.lower() for v in values) in (HEADER, HEADER[:2]):
            seen_content = True
            continue
        seen_content = True
        while len(values) < 3:
            values.append("")
        row = PastedContact(reader.line_num, values[0], values[1], values[2] or None)
        if len(values) > 3:
            row.problems.append(
                f"{len(values)} values where at most 3 fit (quote a value that holds a comma)"
            )
        if not row.name:
            row.problems.append("missing name")
        if not row.email:
            row.problems.append("missing email")
        elif not is_email(row.email):
            row.problems.append(f"bad email '{row.email}'")
        elif not row.problems:  # a row that is skipped anyway claims no email
            earlier = first_line_of.setdefault(row.email.lower(), row.line)
            if earlier != row.line:
                row.problems.append(f"same email as line {earlier}")
        rows.append(row)
    return rows
