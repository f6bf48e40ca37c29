"""What a pydantic error says to the API's clients, and to a command line user.

One table, `TRANSLATIONS`, maps each error type the models raise to two wordings: the
API's (the docs' Zod codes and messages, which the sandbox answers with) and the
command line's (`BodyError`'s code and problem). Nothing else reads pydantic's errors,
so a type or message is changed in one row here. Importing this needs no pydantic:
errors arrive as the plain dicts of `ValidationError.errors()`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from pivotal_cli.domain.records import json_kind, json_type
from pivotal_cli.domain.schema import Field

Error = Mapping[str, Any]  # one of `ValidationError.errors()`
Words = Callable[[Error, Field], str]


class Translation(NamedTuple):
    """The API's code and message, and the command line's code and problem."""

    api_code: str
    api_message: Words
    body_code: str
    body_problem: Words


class Issue(NamedTuple):
    """One error in words: the field it is in, its dotted path, its code and message."""

    field: str
    path: str
    code: str
    message: str


def enum_list(choices: Sequence[str]) -> str:
    """Choices as Zod lists them: `'a' | 'b'`."""
    return " | ".join(f"'{choice}'" for choice in choices)


# What a type error says was expected: in Zod's words, and in the command line's.
_EXPECTED = {
    "string_type": ("string", "a string"),
    "int_type": ("number", "an integer"),
    "float_type": ("number", "a number"),
    "bool_type": ("boolean", "true or false"),
    "list_type": ("array", "a list"),
    "dict_type": ("object", "an object"),
}


def _api_type(error: Error, spec: Field) -> str:
    value = error["input"]
    if error["type"] == "int_type" and isinstance(value, float):
        return "Expected integer, received float"
    return f"Expected {_EXPECTED[error['type']][0]}, received {json_type(value)}"


def _body_type(error: Error, spec: Field) -> str:
    return f"expected {_EXPECTED[error['type']][1]}, got {json_kind(error['input'])}"


def _bound(api_code: str, api_text: str, body_code: str, body_text: str, key: str) -> Translation:
    """A bound the value broke (`key` in the error's ctx fills the `{}` of both texts)."""
    return Translation(
        api_code,
        lambda e, s: api_text.format(e["ctx"][key]),
        body_code,
        lambda e, s: body_text.format(e["ctx"][key]),
    )


_TYPE = Translation("invalid_type", _api_type, "invalid_type", _body_type)

TRANSLATIONS: dict[str, Translation] = {
    "missing": Translation(
        "invalid_type", lambda e, s: "Required", "required", lambda e, s: "is required"
    ),
    **{kind: _TYPE for kind in _EXPECTED},
    "literal_error": Translation(
        "invalid_enum_value",
        lambda e, s: f"Invalid enum value. Expected {enum_list(s.enum)}, received '{e['input']}'",
        "invalid_enum_value",
        lambda e, s: f"unknown {s.name} '{e['input']}'; expected one of: {', '.join(s.enum)}",
    ),
    "string_too_short": _bound(
        "too_small",
        "String must contain at least {} character(s)",
        "too_small",
        "must have at least {} character(s)",
        "min_length",
    ),
    "greater_than_equal": _bound(
        "too_small",
        "Number must be greater than or equal to {}",
        "too_small",
        "must be at least {}",
        "ge",
    ),
    "less_than_equal": _bound(
        "too_big",
        "Number must be less than or equal to {}",
        "too_large",
        "must be at most {}",
        "le",
    ),
    "email_format": Translation(
        "invalid_string",
        lambda e, s: "Invalid email",
        "invalid_email",
        lambda e, s: f"'{e['input']}' is not an email address",
    ),
    # Zod words a string that breaks a pattern as `invalid_string` ("Invalid"); the
    # API's own rule for control characters is not documented (docs/api-choices.md).
    "control_character": Translation(
        "invalid_string",
        lambda e, s: "String must not contain control characters",
        "control_character",
        lambda e, s: str(e["msg"]),
    ),
    "date_time_format": Translation(
        "invalid_string",
        lambda e, s: "Invalid datetime",
        "invalid_date",
        lambda e, s: str(e["ctx"]["reason"]),
    ),
}


def _where(error: Error) -> tuple[str, str]:
    loc = error["loc"]
    return str(loc[0]), ".".join(str(part) for part in loc)


def api_issue(error: Error, specs: Mapping[str, Field]) -> Issue:
    """The error as the API reports it (Zod's code and message)."""
    field, path = _where(error)
    spec = specs[field]
    # Zod checks an enum's type before its choices: a non-string is a type error.
    if error["type"] == "literal_error" and not isinstance(error["input"], str):
        return Issue(field, path, "invalid_type", _enum_type(error, spec))
    row = TRANSLATIONS[error["type"]]
    return Issue(field, path, row.api_code, row.api_message(error, spec))


def _enum_type(error: Error, spec: Field) -> str:
    return f"Expected {enum_list(spec.enum)}, received {json_type(error['input'])}"


def body_issue(error: Error, specs: Mapping[str, Field]) -> Issue:
    """The error as the command line words it (`BodyError`'s code and problem)."""
    field, path = _where(error)
    spec = specs[field]
    # The command line words a field set to null the same for every type (an item of
    # a list that is null is a type error like any other).
    if error["input"] is None and path == field and error["type"] != "missing":
        return Issue(field, path, "invalid_value", "must not be null")
    row = TRANSLATIONS[error["type"]]
    return Issue(field, path, row.body_code, row.body_problem(error, spec))
