"""Rows to API objects and validated values to columns, by walking the API schema.

Every attribute field of a resource has a column of its own name (see `data.store`), so
rendering and writing need no list of fields: a field added to the schema is stored and
returned with no edit here. Only the fields kept in system columns are mapped by hand.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from typing import Any

from pivotal_cli.domain import schema
from pivotal_cli.sandbox.data.store import TABLE_RESOURCES, attribute_fields, fallback, to_sql
from pivotal_cli.sandbox.data.timeutil import format_ms

TABLES = {resource: table for table, resource in TABLE_RESOURCES.items()}

# Object fields read from a system column of another name.
_SOURCES = {"created_at": "created_us", "updated_at": "updated_us"}


def render(resource: str, row: sqlite3.Row) -> dict[str, Any]:
    """The resource's documented object: every schema field, in schema order."""
    rendered: dict[str, Any] = {}
    for field in schema.fields(resource, "object"):
        if field.name == "object":
            # The schema types it as a one-value enum: the resource's own name.
            rendered["object"] = field.enum[0]
        else:
            rendered[field.name] = _from_sql(
                resource, field, row[_SOURCES.get(field.name, field.name)]
            )
    return rendered


def _from_sql(resource: str, field: schema.Field, value: Any) -> Any:
    if value is None:
        # A row written before its column existed, or a default never stored.
        return fallback(resource, field)
    if field.is_datetime:
        return format_ms(value)
    if field.type == "boolean":
        return bool(value)
    if field.type in ("object", "array"):
        return json.loads(value)
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
