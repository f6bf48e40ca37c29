"""The model layer: pydantic v2 models of every request body, built from the one schema.

For each resource there is a create body, an update body and an import row (every
field either body has, none required). Each is built from `schema.fields`, that is from
the generated `spec.py`, the first time it is asked for and only that one: so a field
added to the schema is validated with no edit here, and a command pays for the one model
it uses (docs/architecture.md, "The model layer", has the numbers).

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
CLI does with them is `bodies`' business.

pydantic is imported by this module: import it only where a body is validated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
    ValidationInfo,
    create_model,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from pivotal_cli.domain import schema
from pivotal_cli.domain.validate import is_api_email, is_email, iso_datetime

Side = Literal["api", "cli", "import"]
Body = Literal["create", "update", "row"]
MAX_SAFE_INTEGER = 2**53 - 1  # Larger numbers lose precision in a JavaScript client.
EMAIL_ERROR = "email_format"
DATE_ERROR = "date_time_format"

_SCHEMA_NAMES = {"customer": "Customer", "contact": "Contact", "onboarding": "Onboarding"}
_CONFIG = ConfigDict(extra="ignore", strict=True)


def model(resource: str, body: Body, side: Side = "api") -> type[BaseModel]:
    """The model of a resource's create body, update body or import row, for a side."""
    return _build(resource, body, side, fields(resource, body))


def fields(resource: str, body: Body) -> tuple[schema.Field, ...]:
    """The schema fields of a body; an import row has every field of either body."""
    if body != "row":
        return schema.fields(resource, body)
    create = schema.fields(resource, "create")
    names = {spec.name for spec in create}
    extra = tuple(s for s in schema.fields(resource, "update") if s.name not in names)
    return tuple(spec._replace(required=False) for spec in create + extra)


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
        checked = model(resource, body, side).model_validate(values, context={"instant": instant})
    except ValidationError as error:
        return {}, error.errors(include_url=False)
    # The attributes as validated, not `model_dump`: a date-time may have become the
    # caller's own type (the sandbox's milliseconds), which a serializer would question.
    given = checked.model_fields_set
    return {
        name: getattr(checked, name) for name in type(checked).model_fields if name in given
    }, []


# The models are cached on the fields themselves, so a schema changed under a test (and
# `schema.fields.cache_clear()`) gets a new model, never a stale one.
@cache
def _build(
    resource: str, body: Body, side: Side, specs: tuple[schema.Field, ...]
) -> type[BaseModel]:
    suffix = {"create": "Create", "update": "Update", "row": "ImportRow"}[body]
    definitions: dict[str, Any] = {
        spec.name: (_annotation(spec, side), ... if spec.required else spec.default)
        for spec in specs
    }
    return create_model(_SCHEMA_NAMES[resource] + suffix, __config__=_CONFIG, **definitions)


def _annotation(spec: schema.Field, side: Side) -> Any:
    kind = _kind(spec, side)
    return kind | None if spec.nullable else kind


def _kind(spec: schema.Field, side: Side) -> Any:
    if spec.enum:
        return Literal[spec.enum]
    if spec.is_email:
        return Annotated[StrictStr, AfterValidator(_email_check(side))]
    if spec.is_datetime:
        return Annotated[StrictStr, AfterValidator(_instant)]
    if spec.type == "string":
        if side == "api" and spec.min_length:
            return Annotated[StrictStr, Field(min_length=spec.min_length)]
        return StrictStr
    if spec.type == "integer":
        return _integer(spec, side)
    if spec.type == "number":
        return Annotated[StrictFloat | StrictInt, Field(ge=spec.minimum, le=spec.maximum)]
    if spec.type == "boolean":
        return StrictBool
    if spec.type == "array" and spec.items == "string":
        return list[StrictStr]
    if spec.type == "object":
        return dict[str, Any]
    raise ValueError(f"no model for field {spec.name!r} of type {spec.type}")


def _integer(spec: schema.Field, side: Side) -> Any:
    if side == "cli":
        return Annotated[StrictInt, Field(ge=spec.minimum)]
    if side == "import":
        return Annotated[StrictInt, Field(ge=spec.minimum, le=spec.maximum)]
    floor = -MAX_SAFE_INTEGER if spec.minimum is None else spec.minimum
    ceiling = MAX_SAFE_INTEGER if spec.maximum is None else min(spec.maximum, MAX_SAFE_INTEGER)
    # JSON has one number type: the API takes 3.0 for 3.
    return Annotated[StrictInt, BeforeValidator(_integral), Field(ge=floor, le=ceiling)]


def _integral(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _email_check(side: Side) -> Callable[[str], str]:
    rule = is_api_email if side == "api" else is_email

    def check(value: str) -> str:
        if not rule(value):
            raise PydanticCustomError(EMAIL_ERROR, "not an email address")
        return value

    return check


def _instant(value: str, info: ValidationInfo) -> Any:
    parse = (info.context or {}).get("instant", iso_datetime)
    try:
        return parse(value)
    except ValueError as exc:
        raise PydanticCustomError(DATE_ERROR, "{reason}", {"reason": str(exc)}) from None
