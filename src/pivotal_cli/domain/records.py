"""The types of what the API sends: JSON values, and records (one JSON object).

The CLI passes the API's JSON on as it came (so `--json` stays exact), and these
aliases let every layer say so precisely instead of `Any`.
"""

from __future__ import annotations

from typing import TypeAlias

JSONValue: TypeAlias = bool | int | float | str | list["JSONValue"] | dict[str, "JSONValue"] | None
Record: TypeAlias = dict[str, JSONValue]


def json_type(value: object) -> str:
    """A JSON value's type as JSON names it: `null`, `boolean`, `number`, `string`, …"""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


_IN_WORDS = {"null": "nothing", "array": "a list", "object": "an object"}


def json_kind(value: object) -> str:
    """How a JSON value reads in an error line: `a list`, `a string`, `nothing`…"""
    kind = json_type(value)
    return _IN_WORDS.get(kind, f"a {kind}")
