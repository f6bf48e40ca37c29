"""Request validation with the docs' Zod error codes and messages.

The docs' Validation section shows Zod issues passed through: a missing field is
`invalid_type` / "Required", a bad enum is `invalid_enum_value` with Zod's message, a bad
email or date-time is `invalid_string`, and so is text holding a control character
(docs/api-choices.md). The first issue found, in schema order, is the
one reported; `field` is its path joined with dots (`labels.2`). Unknown body fields are
ignored, as Zod's default `strip` does.

Bodies are checked by the `api` side of the schema's models (`domain.models`) and their
errors worded by `domain.model_issues`; pydantic is imported only when a write body is
validated, never for a read. The JSON body itself and the query's enums are checked
here.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from pivotal_cli.domain import schema
from pivotal_cli.domain.model_issues import enum_list
from pivotal_cli.domain.records import json_type
from pivotal_cli.sandbox.data.timeutil import parse_date_or_datetime, truncate_to_ms
from pivotal_cli.sandbox.engine.errors import invalid

MAX_BODY_BYTES = 1024 * 1024


def parse_body(raw: bytes) -> dict[str, Any]:
    """The JSON object in a request body; an empty body counts as `{}`."""
    if len(raw) > MAX_BODY_BYTES:
        raise invalid(
            "body_too_large", f"Request body is larger than the limit of {MAX_BODY_BYTES} bytes."
        )
    if not raw.strip():
        return {}
    try:
        value = json.loads(
            raw.decode("utf-8-sig"), parse_constant=_reject_constant, parse_float=_finite_float
        )
        # Lone surrogates (`"\ud800"`) parse but cannot be stored or sent back as UTF-8.
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except (UnicodeError, ValueError, RecursionError):
        raise invalid("invalid_request", "Malformed JSON body") from None
    if not isinstance(value, dict):
        raise invalid(
            "invalid_request",
            f"Request body must be a JSON object, received {json_type(value)}.",
        )
    return value


def validate(body: Mapping[str, Any], resource: str, operation: schema.Operation) -> dict[str, Any]:
    """The cleaned values of the fields present in `body`; raises on the first issue."""
    from pivotal_cli.domain import models
    from pivotal_cli.domain.model_issues import api_issue

    assert operation != "object", "only request bodies are validated"
    cleaned, errors = models.validate(resource, operation, "api", body, instant=_instant)
    if errors:
        issue = api_issue(errors[0], models.model(resource, operation, "api").specs)
        raise invalid(issue.code, issue.message, issue.path)
    return cleaned


def enum_param(query: Mapping[str, str], name: str, choices: Sequence[str]) -> str | None:
    """A validated enum from the query string, or None when absent."""
    if name not in query:
        return None
    value = query[name]
    if value not in choices:
        raise invalid(
            "invalid_enum_value",
            f"Invalid enum value. Expected {enum_list(choices)}, received '{value}'",
            name,
        )
    return value


def _instant(text: str) -> int:
    parsed = parse_date_or_datetime(text)
    if parsed is None:
        raise ValueError("Invalid datetime")
    return truncate_to_ms(parsed)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError("number out of range")
    return number
