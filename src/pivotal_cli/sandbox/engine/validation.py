"""Request validation with the docs' Zod error codes and messages.

The docs' Validation section shows Zod issues passed through: a missing field is
`invalid_type` / "Required", a bad enum is `invalid_enum_value` with Zod's message, a bad
email or date-time is `invalid_string`. The first issue found, in schema order, is the
one reported; `field` is its path joined with dots (`labels.2`). Unknown body fields are
ignored, as Zod's default `strip` does. The fields of each body come from the API
schema (`request_fields`), so a field added there is validated here with no edit.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pivotal_cli.domain import schema
from pivotal_cli.sandbox.data.timeutil import parse_date_or_datetime, truncate_to_ms
from pivotal_cli.sandbox.engine.errors import ApiError, invalid

MAX_BODY_BYTES = 1024 * 1024
MAX_SAFE_INTEGER = 2**53 - 1  # Larger numbers lose precision in a JavaScript client.

Kind = Literal[
    "string", "email", "integer", "number", "boolean", "enum", "instant", "labels", "object"
]

# Zod's email pattern, so the sandbox accepts and rejects what the real API does.
_EMAIL_RE = re.compile(
    r"(?!\.)(?!.*\.\.)([A-Z0-9_'+\-\.]*)[A-Z0-9_+-]@([A-Z0-9][A-Z0-9\-]*\.)+[A-Z]{2,}",
    # ASCII: without it, IGNORECASE lets "ſ" and the Kelvin sign match s and k.
    re.IGNORECASE | re.ASCII,
)


@dataclass(frozen=True)
class Field:
    """One property of a request body schema."""

    name: str
    kind: Kind
    required: bool = False
    nullable: bool = False
    choices: tuple[str, ...] = ()
    min_length: int = 0
    minimum: int | None = None
    maximum: int | None = None


def request_fields(resource: str, operation: schema.Operation) -> tuple[Field, ...]:
    """The checks of a resource's create or update body, in schema order.

    Derived on every call (from `schema.fields`, which is cached) so that nothing here
    goes stale when the schema changes under a test.
    """
    return tuple(_from_schema(field) for field in schema.fields(resource, operation))


def _from_schema(field: schema.Field) -> Field:
    return Field(
        field.name,
        _kind(field),
        required=field.required,
        nullable=field.nullable,
        choices=field.enum,
        min_length=field.min_length or 0,
        minimum=field.minimum,
        maximum=field.maximum,
    )


def _kind(field: schema.Field) -> Kind:
    if field.enum:
        return "enum"
    if field.is_email:
        return "email"
    if field.is_datetime:
        return "instant"
    if field.type == "array" and field.items == "string":
        return "labels"
    if field.type in _PLAIN_KINDS:
        return _PLAIN_KINDS[field.type]
    raise ValueError(f"no check for field {field.name!r} of type {field.type}")


# JSON types checked by the kind of the same name.
_PLAIN_KINDS: dict[str, Kind] = {
    "string": "string",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
    "object": "object",
}


def zod_type(value: Any) -> str:
    """The type name Zod prints for a JSON value."""
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


def enum_list(choices: Sequence[str]) -> str:
    return " | ".join(f"'{choice}'" for choice in choices)


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
            f"Request body must be a JSON object, received {zod_type(value)}.",
        )
    return value


def validate(body: Mapping[str, Any], fields: Sequence[Field]) -> dict[str, Any]:
    """The cleaned values of the fields present in `body`; raises on the first issue."""
    cleaned: dict[str, Any] = {}
    for spec in fields:
        if spec.name not in body:
            if spec.required:
                raise invalid("invalid_type", "Required", spec.name)
            continue
        cleaned[spec.name] = check(spec, body[spec.name])
    return cleaned


def check(spec: Field, value: Any) -> Any:
    """The cleaned value for one field, or an `ApiError` naming it."""
    if value is None and spec.nullable:
        return None
    return _CHECKS[spec.kind](spec, value)


def enum_param(query: Mapping[str, str], name: str, choices: Sequence[str]) -> str | None:
    """A validated enum from the query string, or None when absent."""
    if name not in query:
        return None
    return str(check(Field(name, "enum", choices=tuple(choices)), query[name]))


def _type_error(expected: str, value: Any, field: str) -> ApiError:
    return invalid("invalid_type", f"Expected {expected}, received {zod_type(value)}", field)


def _check_string(spec: Field, value: Any) -> str:
    if not isinstance(value, str):
        raise _type_error("string", value, spec.name)
    if len(value) < spec.min_length:
        raise invalid(
            "too_small", f"String must contain at least {spec.min_length} character(s)", spec.name
        )
    return value


def _check_email(spec: Field, value: Any) -> str:
    text = _check_string(spec, value)
    local, _, domain = text.rpartition("@")
    # Zod's pattern plus RFC 5321's lengths, which JSON Schema `format: email` enforces.
    too_long = len(local) > 64 or len(text) > 254 or any(len(p) > 63 for p in domain.split("."))
    if _EMAIL_RE.fullmatch(text) is None or too_long:
        raise invalid("invalid_string", "Invalid email", spec.name)
    return text


def _check_integer(spec: Field, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _type_error("number", value, spec.name)
    if isinstance(value, float) and not value.is_integer():
        raise invalid("invalid_type", "Expected integer, received float", spec.name)
    number = int(value)
    floor = -MAX_SAFE_INTEGER if spec.minimum is None else spec.minimum
    if number < floor:
        raise invalid("too_small", f"Number must be greater than or equal to {floor}", spec.name)
    ceiling = MAX_SAFE_INTEGER if spec.maximum is None else min(spec.maximum, MAX_SAFE_INTEGER)
    if number > ceiling:
        raise invalid("too_big", f"Number must be less than or equal to {ceiling}", spec.name)
    return number


def _check_number(spec: Field, value: Any) -> float | int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _type_error("number", value, spec.name)
    if spec.minimum is not None and value < spec.minimum:
        raise invalid(
            "too_small", f"Number must be greater than or equal to {spec.minimum}", spec.name
        )
    if spec.maximum is not None and value > spec.maximum:
        raise invalid("too_big", f"Number must be less than or equal to {spec.maximum}", spec.name)
    return value


def _check_boolean(spec: Field, value: Any) -> bool:
    if not isinstance(value, bool):
        raise _type_error("boolean", value, spec.name)
    return value


def _check_enum(spec: Field, value: Any) -> str:
    if not isinstance(value, str):
        raise _type_error(enum_list(spec.choices), value, spec.name)
    if value not in spec.choices:
        raise invalid(
            "invalid_enum_value",
            f"Invalid enum value. Expected {enum_list(spec.choices)}, received '{value}'",
            spec.name,
        )
    return value


def _check_instant(spec: Field, value: Any) -> int:
    text = _check_string(spec, value)
    parsed = parse_date_or_datetime(text)
    if parsed is None:
        raise invalid("invalid_string", "Invalid datetime", spec.name)
    return truncate_to_ms(parsed)


def _check_labels(spec: Field, value: Any) -> list[str]:
    if not isinstance(value, list):
        raise _type_error("array", value, spec.name)
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise _type_error("string", item, f"{spec.name}.{index}")
    return list(value)


def _check_object(spec: Field, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _type_error("object", value, spec.name)
    return value


_CHECKS = {
    "string": _check_string,
    "email": _check_email,
    "integer": _check_integer,
    "number": _check_number,
    "boolean": _check_boolean,
    "enum": _check_enum,
    "instant": _check_instant,
    "labels": _check_labels,
    "object": _check_object,
}


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError("number out of range")
    return number
