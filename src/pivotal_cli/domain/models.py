"""The model layer: a pydantic v2 model of every request body, built from the one schema.

For each resource there is a create body, an update body and an import row (every
field either body has, none required). Each is built from `schema.fields`, that is from
the generated `spec.py`, the first time it is asked for and only that one: so a field
added to the schema is validated with no edit here, and a command pays for the one model
it uses. A model is pydantic's core schema, validated by `pydantic_core` (pydantic v2's
own engine) and able to give its JSON Schema (`model_json_schema`); it is not a
`BaseModel` class, because importing pydantic's Python layer and building one costs
a write about 70 ms more (docs/architecture.md, "The model layer", has the numbers).

Three sides check a body, and they differ only where the API has the last word:

- `api` (the sandbox): every rule of the schema, the exact email rule, a JSON number
  like `3.0` accepted as the integer 3, and no integer beyond 2^53 - 1;
- `cli` (`--data` and flags): types, enums, nullability, minimums, a simple email rule;
  lengths, maximums and the exact email rule are left to the server;
- `import` (import rows): as `cli`, plus the schema's maximums, so a bad row is
  reported before a request is spent on it.

A date-time field is a string that the caller's `instant` function (passed in the
validation context) parses and normalises: the sandbox stores milliseconds, the command
line sends ISO 8601 UTC. Unknown fields are ignored here (the API strips them); what the
CLI does with them is `bodies`' business. Errors are pydantic's; `model_issues` words
them.

pydantic_core is imported by this module: import it only where a body is validated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal

from pydantic_core import ErrorDetails, PydanticCustomError, SchemaValidator, ValidationError

from pivotal_cli.domain import schema
from pivotal_cli.domain.validate import (
    TEXT_PATTERN,
    control_character,
    is_api_email,
    is_email,
    iso_datetime,
)

Side = Literal["api", "cli", "import"]
Body = Literal["create", "update", "row"]
MAX_SAFE_INTEGER = 2**53 - 1  # Larger numbers lose precision in a JavaScript client.
EMAIL_ERROR = "email_format"
DATE_ERROR = "date_time_format"
CONTROL_ERROR = "control_character"

_SCHEMA_NAMES = {"customer": "Customer", "contact": "Contact", "onboarding": "Onboarding"}
CoreSchema = dict[str, Any]


class Model:
    """One request body's model: its core schema, validator and JSON Schema."""

    def __init__(self, name: str, specs: tuple[schema.Field, ...], core_schema: CoreSchema):
        self.name = name
        self.specs = {spec.name: spec for spec in specs}  # the schema's fields by name
        self.core_schema = core_schema
        self._validator = SchemaValidator(core_schema)

    def validate(self, values: Mapping[str, Any], context: Mapping[str, Any]) -> dict[str, Any]:
        """The values given, checked and cleaned, in schema order; raises ValidationError."""
        checked: dict[str, Any] = self._validator.validate_python(values, context=context)
        return checked

    def model_json_schema(self) -> dict[str, Any]:
        """The body's JSON Schema (pydantic's generator: only here is pydantic imported)."""
        from pydantic.json_schema import GenerateJsonSchema

        generated = GenerateJsonSchema().generate(self.core_schema)
        return {"title": self.name, **generated}


# Built once per body and side, and again only when the schema's fields are no longer
# the same objects: a schema changed under a test (then `schema.fields.cache_clear()`)
# gets a new model, never a stale one. Identity, not equality: an import checks every
# cell, and comparing the fields each time would cost more than the check.
_MODELS: dict[tuple[str, Body, Side], tuple[tuple[schema.Field, ...], Model]] = {}
_ROWS: dict[
    str, tuple[tuple[schema.Field, ...], tuple[schema.Field, ...], tuple[schema.Field, ...]]
] = {}


def model(resource: str, body: Body, side: Side = "api") -> Model:
    """The model of a resource's create body, update body or import row, for a side."""
    specs = fields(resource, body)
    known = _MODELS.get((resource, body, side))
    if known is None or known[0] is not specs:
        known = specs, _build(resource, body, side, specs)
        _MODELS[resource, body, side] = known
    return known[1]


def fields(resource: str, body: Body) -> tuple[schema.Field, ...]:
    """The schema fields of a body; an import row has every field of either body."""
    if body != "row":
        return schema.fields(resource, body)
    create, update = schema.fields(resource, "create"), schema.fields(resource, "update")
    known = _ROWS.get(resource)
    if known is None or known[0] is not create or known[1] is not update:
        names = {spec.name for spec in create}
        extra = tuple(s for s in update if s.name not in names)
        known = create, update, tuple(s._replace(required=False) for s in create + extra)
        _ROWS[resource] = known
    return known[2]


def validate(
    resource: str,
    body: Body,
    side: Side,
    values: Mapping[str, Any],
    *,
    instant: Callable[[str], Any] = iso_datetime,
) -> tuple[dict[str, Any], list[ErrorDetails]]:
    """The cleaned values present in `values`, in schema order, or pydantic's errors.

    `instant` parses a date-time text, raising ValueError with the message to report.
    """
    try:
        return model(resource, body, side).validate(values, {"instant": instant}), []
    except ValidationError as error:
        return {}, error.errors(include_url=False)


def _build(resource: str, body: Body, side: Side, specs: tuple[schema.Field, ...]) -> Model:
    suffix = {"create": "Create", "update": "Update", "row": "ImportRow"}[body]
    properties = {
        spec.name: {
            "type": "typed-dict-field",
            "schema": _nullable(spec, side),
            "required": spec.required,
        }
        for spec in specs
    }
    return Model(
        _SCHEMA_NAMES[resource] + suffix,
        specs,
        {"type": "typed-dict", "fields": properties, "extra_behavior": "ignore"},
    )


def _nullable(spec: schema.Field, side: Side) -> CoreSchema:
    kind = _kind(spec, side)
    return {"type": "nullable", "schema": kind} if spec.nullable else kind


def _kind(spec: schema.Field, side: Side) -> CoreSchema:
    if spec.enum:
        return {"type": "literal", "expected": list(spec.enum)}
    if spec.is_email:
        return _after(_formatted("email"), _email_check(side))
    if spec.is_datetime:
        return _after(_formatted("date-time"), _instant, info=True)
    if spec.type == "string":
        if side == "api" and spec.min_length:
            return _text({"min_length": spec.min_length})
        return _text()
    if spec.type == "integer":
        return _integer(spec, side)
    if spec.type == "number":
        return _bounded({"type": "float", "strict": True}, spec.minimum, spec.maximum)
    if spec.type == "boolean":
        return {"type": "bool", "strict": True}
    if spec.type == "array" and spec.items == "string":
        return {"type": "list", "items_schema": _text(), "strict": True}
    if spec.type == "object":
        return {"type": "dict", "strict": True}
    raise ValueError(f"no model for field {spec.name!r} of type {spec.type}")


_STRING: CoreSchema = {"type": "str", "strict": True}
_INTEGER: CoreSchema = {"type": "int", "strict": True}


def _text(extra: CoreSchema | None = None, *, pattern: bool = True) -> CoreSchema:
    """A string with no control character in it (and any other str constraints); its
    JSON Schema gives the rule as a pattern unless the string has a pattern of its own."""

    def json_schema(core: CoreSchema, handler: Callable[[CoreSchema], dict[str, Any]]) -> Any:
        return {**handler(core), **({"pattern": TEXT_PATTERN} if pattern else {})}

    return {
        **_after({**_STRING, **(extra or {})}, _no_control),
        "metadata": {"pydantic_js_functions": [json_schema]},
    }


def _no_control(value: str) -> str:
    found = control_character(value)
    if found:
        raise PydanticCustomError(
            CONTROL_ERROR,
            "contains the control character {char} at character {position}",
            {"char": found[1], "position": found[0]},
        )
    return value


def _formatted(name: str) -> CoreSchema:
    """A string whose JSON Schema names its format, as the OpenAPI document does."""

    def json_schema(core: CoreSchema, handler: Callable[[CoreSchema], dict[str, Any]]) -> Any:
        return {**handler(core), "format": name}

    # An email's own pattern (the API's) already leaves control characters out.
    return _text({"metadata": {"pydantic_js_functions": [json_schema]}}, pattern=name != "email")


def _integer(spec: schema.Field, side: Side) -> CoreSchema:
    if side == "cli":
        return _bounded(_INTEGER, spec.minimum, None)
    if side == "import":
        return _bounded(_INTEGER, spec.minimum, spec.maximum)
    floor = -MAX_SAFE_INTEGER if spec.minimum is None else spec.minimum
    ceiling = MAX_SAFE_INTEGER if spec.maximum is None else min(spec.maximum, MAX_SAFE_INTEGER)
    # JSON has one number type: the API takes 3.0 for 3.
    return {
        "type": "function-before",
        "function": {"type": "no-info", "function": _integral},
        "schema": _bounded(_INTEGER, floor, ceiling),
    }


def _bounded(kind: CoreSchema, floor: int | None, ceiling: int | None) -> CoreSchema:
    bounds = {"ge": floor, "le": ceiling}
    return {**kind, **{name: value for name, value in bounds.items() if value is not None}}


def _after(kind: CoreSchema, function: Callable[..., Any], *, info: bool = False) -> CoreSchema:
    call = {"type": "with-info" if info else "no-info", "function": function}
    return {"type": "function-after", "function": call, "schema": kind}


def _integral(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _email_check(side: Side) -> Callable[[str], str]:
    rule = is_api_email if side == "api" else is_email

    def check(value: str) -> str:
        if not rule(value):
            raise PydanticCustomError(EMAIL_ERROR, "not an email address")
        return value

    return check


def _instant(value: str, info: Any) -> Any:
    parse = (info.context or {}).get("instant", iso_datetime)
    try:
        return parse(value)
    except ValueError as exc:
        raise PydanticCustomError(DATE_ERROR, "{reason}", {"reason": str(exc)}) from None
