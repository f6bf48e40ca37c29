"""An import file's CSV cells typed as the JSON values the schema's fields want: no I/O.

A CSV cell is always text; a JSON record's values already have their types and skip
this. What cannot be typed raises `BodyError` with the cell's text, so the row's problem
says what was there; the typed value is then checked by the import-row model.

Free text is taken exactly as the cell holds it: a name with leading spaces or a tab
is what the API stored, and an export's CSV must import back to the same value.
Everything with a shape of its own (numbers, booleans, enums, dates, emails, JSON) is
read without the spaces around it, which are never part of such a value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from pivotal_cli.domain import bounded, schema
from pivotal_cli.domain.bodies import BodyError
from pivotal_cli.domain.records import JSONValue

_INTEGER = re.compile(r"^[+-]?\d+$")
# More digits than any 64-bit integer has: past this a cell is refused, not parsed (a
# 5,000-digit cell would otherwise reach Python's own limit on int() as a crash).
MAX_INTEGER_DIGITS = 20
_TRUE = ("true", "yes", "1", "t", "y")
_FALSE = ("false", "no", "0", "f", "n")


def cell_value(spec: schema.Field, text: str) -> JSONValue:
    """A CSV cell as the JSON value the schema's type wants (left as text if it cannot be)."""
    if spec.type == "string" and not spec.enum and not spec.format:
        return text
    text = text.strip()
    if spec.type == "integer":
        if _INTEGER.match(text) and len(text.lstrip("+-")) <= MAX_INTEGER_DIGITS:
            return int(text)
        shown = text if len(text) <= 40 else f"{text[:20]}… ({len(text):,} characters)"
        raise BodyError(spec.name, f"expected an integer, got '{shown}'", code="invalid_type")
    if spec.type == "number":
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise BodyError(spec.name, f"expected a number, got '{text[:40]}'", code="invalid_type")
        return number
    if spec.type == "boolean":
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise BodyError(spec.name, f"expected true or false, got '{text}'", code="invalid_type")
    if spec.type in ("array", "object"):
        value = json_text(text)
        if value is None:
            kind = "a JSON list" if spec.type == "array" else "a JSON object"
            raise BodyError(spec.name, f"expected {kind}, got '{text[:40]}'", code="invalid_type")
        return value
    return text


def json_text(text: str) -> JSONValue:
    """A cell's JSON, or None when it is not JSON (or nests past the reader's limit)."""
    try:
        value: JSONValue = bounded.loads(text, "cell")
    except (ValueError, bounded.InputTooLarge):
        return None
    return value


def typed_value(resource: str, name: str, raw: Any, from_text: bool) -> JSONValue:
    """One value typed from the schema and checked by the resource's import-row model."""
    from pivotal_cli.domain import models
    from pivotal_cli.domain.bodies import first_problem

    specs = models.model(resource, "row", "import").specs
    value = cell_value(specs[name], raw) if from_text and isinstance(raw, str) else raw
    checked, errors = models.validate(resource, "row", "import", {name: value})
    if errors:
        raise first_problem(specs, errors)
    typed: JSONValue = checked[name]
    return typed


def typed_row(
    resource: str, cells: Mapping[str, Any] | None, from_text: bool
) -> dict[str, Any] | None:
    """A row's field cells (by field) typed and checked at once; None if any has a
    problem (or `cells` is None).

    The fields are independent, so a row without a problem comes out as checking each
    cell alone (`typed_value`) would, at a quarter of the cost: an import checks every
    row. A row with a problem is checked cell by cell, so each one names its column.
    """
    from pivotal_cli.domain import models

    if cells is None:
        return None
    specs = models.model(resource, "row", "import").specs
    try:
        values = {
            name: cell_value(specs[name], raw) if from_text and isinstance(raw, str) else raw
            for name, raw in cells.items()
        }
    except BodyError:
        return None
    checked, errors = models.validate(resource, "row", "import", values)
    return None if errors else checked


def body_fields(resource: str) -> tuple[frozenset[str], frozenset[str], tuple[str, ...]]:
    """A row's create fields (but customer_id), update fields and required create fields:
    worked out once per schema (the same objects `schema.fields` gives), not per row."""
    create, update = schema.fields(resource, "create"), schema.fields(resource, "update")
    known = _BODY_FIELDS.get(resource)
    if known is None or known[0] is not create or known[1] is not update:
        names = (
            frozenset(spec.name for spec in create) - {"customer_id"},
            frozenset(spec.name for spec in update),
            tuple(s.name for s in create if s.required and s.name != "customer_id"),
        )
        known = _BODY_FIELDS[resource] = (create, update, names)
    return known[2]


_BODY_FIELDS: dict[
    str, tuple[Any, Any, tuple[frozenset[str], frozenset[str], tuple[str, ...]]]
] = {}
