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
from typing import Any

from pivotal_cli.domain import schema
from pivotal_cli.sandbox.data.store import TABLE_RESOURCES, attribute_fields, fallback, to_sql
from pivotal_cli.sandbox.data.timeutil import format_ms

TABLES = {resource: table for table, resource in TABLE_RESOURCES.items()}

# Object fields read from a system column of another name.
_SOURCES = {"created_at": "created_us", "updated_at": "updated_us"}

# The fields whose stored value is not the API's as it stands: instants, booleans, JSON
# columns, and a None that has a fallback. Each is its name,
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
    page renders a hundred rows with it. The walk writes the source of one function,
    a single dict display in schema order (as `namedtuple` and `dataclass` write
    theirs), so a row costs its conversions and nothing else: no loop, no lookups by
    name. Names in the source are the schema's own fields, never request data.
    """
    fields = schema.fields(resource, "object")
    position = {name: index for index, name in enumerate(names)}
    fixes = {name: (convert, empty) for name, convert, empty in _fixes(resource, fields)}
    namespace: dict[str, Any] = {"deepcopy": copy.deepcopy}
    entries = []
    for number, field in enumerate(fields):
        if field.name == "object":
            # The schema types it as a one-value enum: the resource's own name.
            entries.append(f"{field.name!r}: {field.enum[0]!r}")
            continue
        convert, empty = fixes.get(field.name, (None, None))
        namespace[f"empty{number}"] = empty
        # A mutable fallback is fresh for each row, as the caller may change what it gets.
        fresh = _fresh(empty, f"empty{number}")
        index = position.get(_SOURCES.get(field.name, field.name))
        if index is None:  # no such column in this query: the field's fallback
            entries.append(f"{field.name!r}: {fresh}")
        elif convert is None:
            entries.append(f"{field.name!r}: row[{index}]")
        else:
            # None is a row written before its column existed, or a default never stored.
            namespace[f"convert{number}"] = convert
            entries.append(
                f"{field.name!r}: {fresh} if (value := row[{index}]) is None"
                f" else convert{number}(value)"
            )
    body = ",\n        ".join(entries)
    source = f"def render_row(row):\n    return {{\n        {body}\n    }}\n"
    exec(compile(source, f"<render {resource}>", "exec"), namespace)
    render_row: Callable[[Sequence[Any]], dict[str, Any]] = namespace["render_row"]
    return render_row


def _fresh(empty: Any, name: str) -> str:
    if type(empty) in _MUTABLE:
        return repr(empty) if not empty else f"deepcopy({name})"
    return name


def _fixes(resource: str, fields: Sequence[schema.Field]) -> Iterator[_Fix]:
    for field in fields:
        if field.name == "object":
            continue  # a constant, written into the renderer
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
