"""Rows to API objects and validated values to columns, by walking the API schema.

Every attribute field of a resource has a column of its own name (see `data.store`), so
rendering and writing need no list of fields: a field added to the schema is stored and
returned with no edit here. Only the fields kept in system columns are mapped by hand.
"""

from __future__ import annotations

import copy
import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cache
from operator import itemgetter
from typing import Any

from pivotal_cli.domain import schema
from pivotal_cli.sandbox.data.store import TABLE_RESOURCES, attribute_fields, fallback, to_sql
from pivotal_cli.sandbox.data.timeutil import format_ms

TABLES = {resource: table for table, resource in TABLE_RESOURCES.items()}

# Object fields read from a system column of another name.
_SOURCES = {"created_at": "created_us", "updated_at": "updated_us"}

# The fields whose stored value is not the API's as it stands: the constant `object`,
# instants, booleans, JSON columns, and a None that has a fallback. Each is its name,
# how a stored value becomes the API's and the fallback for a None.
_Fix = tuple[str, Callable[[Any], Any], Any]
_MUTABLE = (dict, list)
_EMPTY_JSON: dict[str, Callable[[], Any]] = {"{}": dict, "[]": list}


def render(resource: str, row: sqlite3.Row) -> dict[str, Any]:
    """The resource's documented object: every schema field, in schema order."""
    return renderer(resource, tuple(row.keys()))(row)


@cache
def renderer(resource: str, names: tuple[str, ...]) -> Callable[[Sequence[Any]], dict[str, Any]]:
    """`render` for rows whose columns are `names`, in that order: rows or plain tuples.

    The schema is walked once per resource and column order, not once per row: a list
    page renders a hundred rows with it, and that walk was most of a page's cost. Each
    row is one `dict(zip(...))` of its columns in schema order, then the few fields
    that need it are converted in place (the dict keeps the schema's order).
    """
    fields = schema.fields(resource, "object")
    position = {name: index for index, name in enumerate(names)}
    # `object` has no column: any index holds its place until its fix sets it.
    pick = itemgetter(*(position.get(_SOURCES.get(f.name, f.name), 0) for f in fields))
    keys = tuple(f.name for f in fields)
    fixes = tuple(_fixes(resource, fields))

    def render_row(row: Sequence[Any]) -> dict[str, Any]:
        rendered = dict(zip(keys, pick(row), strict=True))
        for name, convert, empty in fixes:
            value = rendered[name]
            if value is None:
                # A row written before its column existed, or a default never stored;
                # `{}` and `[]` fresh each time, as the caller may change what it gets.
                rendered[name] = copy.deepcopy(empty) if type(empty) in _MUTABLE else empty
            else:
                rendered[name] = convert(value)
        return rendered

    return render_row


def _fixes(resource: str, fields: Sequence[schema.Field]) -> Iterator[_Fix]:
    for field in fields:
        if field.name == "object":
            # The schema types it as a one-value enum: the resource's own name.
            yield field.name, _constant(field.enum[0]), field.enum[0]
            continue
        convert = _converter(field)
        empty = fallback(resource, field)
        if convert is not None or empty is not None:
            yield field.name, convert or _as_stored, empty


def _converter(field: schema.Field) -> Callable[[Any], Any] | None:
    if field.is_datetime:
        return format_ms
    if field.type == "boolean":
        return bool
    if field.type in ("object", "array"):
        return _from_json
    return None


def _from_json(text: str) -> Any:
    # Most stored objects and arrays are empty: no parser for those.
    empty = _EMPTY_JSON.get(text)
    return empty() if empty is not None else json.loads(text)


def _constant(value: str) -> Callable[[Any], str]:
    return lambda _: value


def _as_stored(value: Any) -> Any:
    return value


def columns(resource: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """The attribute columns that `values` sets, as stored; other names are left out."""
    return {
        field.name: to_sql(field, values[field.name])
        for field in attribute_fields(TABLES[resource])
        if field.name in values
    }


def new_columns(resource: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Every attribute column of a new row: the value given, else the field's fallback."""
    new: dict[str, Any] = {}
    for field in attribute_fields(TABLES[resource]):
        value = values.get(field.name)
        new[field.name] = to_sql(field, fallback(resource, field) if value is None else value)
    return new
