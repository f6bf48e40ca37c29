"""The types of what the API sends: JSON values, and records (one JSON object).

The CLI passes the API's JSON on as it came (so `--json` stays exact), and these
aliases let every layer say so precisely instead of `Any`.
"""

from __future__ import annotations

from typing import TypeAlias

JSONValue: TypeAlias = bool | int | float | str | list["JSONValue"] | dict[str, "JSONValue"] | None
Record: TypeAlias = dict[str, JSONValue]
