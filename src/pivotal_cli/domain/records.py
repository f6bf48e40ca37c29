"""The types of what the API sends: JSON values, and records (one JSON object).

The CLI passes the API's JSON on as it came (so `--json` stays exact), and these
aliases let every layer say so precisely instead of `Any`.
"""

from __future__ import annotations

from typing import TypeAlias

JSONValue: TypeAlias = bool | int | float | str | list["JSONValue"] | dict[str, "JSONValue"] | None
Record: TypeAlias = dict[str, JSONValue]


def json_kind(value: object) -> str:
    """How a JSON value reads in an error line: `a list`, `a string`, `nothing`…"""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"
