"""Input schemas of the tools: request bodies come from the model layer, never by hand.

A body's JSON Schema is the `cli` side's model (`domain/models.py`), trimmed of what
costs an agent's context and tells it nothing: pydantic's titles and the
no-control-characters pattern every text field carries (the server checks it anyway).
"""

from __future__ import annotations

from typing import Any

from pivotal_cli.domain.schema import PHASES
from pivotal_cli.domain.validate import TEXT_PATTERN
from pivotal_cli.domain.workflow import STATE_SHORTCUTS

MAX_PAGE = 100  # the largest page a list tool asks for
DEFAULT_PAGE = 25

REF = {"type": "string", "description": "display_id, cuid, or (customers) slug"}


def body(resource: str, operation: str) -> dict[str, Any]:
    """The JSON Schema of a create or update body of `resource`, trimmed."""
    from pivotal_cli.domain import models

    generated = models.model(resource, operation, "cli").model_json_schema()  # type: ignore[arg-type]
    trimmed = _trim(generated)
    trimmed.pop("title", None)
    trimmed["additionalProperties"] = False
    return trimmed


def _trim(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: _trim(value)
            for key, value in node.items()
            if key != "title" and not (key == "pattern" and value == TEXT_PATTERN)
        }
    if isinstance(node, list):
        return [_trim(item) for item in node]
    return node


def obj(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = list(required)
    return schema


def enum(values: tuple[str, ...] | list[str], description: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "enum": list(values)}
    if description:
        schema["description"] = description
    return schema


PHASE = enum(PHASES)
STATE_CHANGE = enum(tuple(STATE_SHORTCUTS))
PAGE = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": DEFAULT_PAGE}
CURSOR = {"type": "string", "description": "next_cursor of the previous page"}
