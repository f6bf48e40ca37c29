"""Request bodies checked against the schema before anything is sent.

A body is checked field by field, in schema order, against the create or update
schema of its resource: types, enums, emails, dates and minimums. Values are
normalised where the API wants one form (dates become ISO 8601 UTC). Fields the
schema does not know pass through untouched, so a body may carry fields the API adds
after this release. Lengths, maximums and the exact email rule are the server's call:
this only catches typos before a request is spent on them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pivotal_cli.domain import schema
from pivotal_cli.domain.records import json_kind
from pivotal_cli.domain.validate import is_email, iso_datetime
from pivotal_cli.errors import UsageError


class BodyError(UsageError):
    """A request body that the schema refuses; `field` names the property, `code` the
    kind of problem (invalid_type, invalid_enum_value, invalid_email, invalid_date,
    too_small, too_large, required, invalid_value), as the API's error codes do."""

    def __init__(
        self,
        field: str,
        problem: str,
        *,
        path: str | None = None,
        more: int = 0,
        code: str = "invalid_value",
    ):
        super().__init__(f"{path or field}: {problem}")
        self.field = field
        self.problem = problem
        self.path = path or field
        self.more = more  # how many other fields have problems too
        self.code = code


class MissingFieldError(BodyError):
    """A required field is absent."""

    def __init__(self, field: str) -> None:
        super().__init__(field, "is required", code="required")


class EmptyBodyError(UsageError):
    """An update with nothing to change."""

    def __init__(self) -> None:
        super().__init__("Nothing to change.")


def check(resource: str, operation: schema.Operation, body: Mapping[str, Any]) -> dict[str, Any]:
    """The body, checked and normalised; raises the first `BodyError` in schema order."""
    if operation == "update" and not body:
        raise EmptyBodyError()
    cleaned = dict(body)
    problems: list[BodyError] = []
    for spec in schema.fields(resource, operation):
        if spec.name not in body:
            if spec.required:
                problems.append(MissingFieldError(spec.name))
            continue
        try:
            cleaned[spec.name] = check_value(spec, body[spec.name], spec.name)
        except BodyError as problem:
            problems.append(problem)
    if problems:
        first = problems[0]
        first.more = len(problems) - 1
        raise first
    return cleaned


def check_value(spec: schema.Field, value: Any, path: str) -> Any:
    """One value checked (and normalised) against its field; raises `BodyError`."""
    if value is None:
        if spec.nullable:
            return None
        raise BodyError(spec.name, "must not be null", path=path)
    if spec.enum:
        if value not in spec.enum:
            raise BodyError(
                spec.name,
                f"unknown {spec.name} '{value}'; expected one of: {', '.join(spec.enum)}",
                path=path,
                code="invalid_enum_value",
            )
        return value
    kind = spec.type
    if kind == "string":
        return _string(spec, value, path)
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise BodyError(
                spec.name,
                f"expected an integer, got {json_kind(value)}",
                path=path,
                code="invalid_type",
            )
        if spec.minimum is not None and value < spec.minimum:
            raise BodyError(
                spec.name, f"must be at least {spec.minimum}", path=path, code="too_small"
            )
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            got = json_kind(value)
            raise BodyError(
                spec.name, f"expected true or false, got {got}", path=path, code="invalid_type"
            )
        return value
    if kind == "array":
        if not isinstance(value, list):
            raise BodyError(
                spec.name,
                f"expected a list, got {json_kind(value)}",
                path=path,
                code="invalid_type",
            )
        if spec.items == "string":
            for index, item in enumerate(value):
                if not isinstance(item, str):
                    raise BodyError(
                        spec.name,
                        f"expected a string, got {json_kind(item)}",
                        path=f"{path}.{index}",
                        code="invalid_type",
                    )
        return value
    if kind == "object" and not isinstance(value, dict):
        raise BodyError(
            spec.name, f"expected an object, got {json_kind(value)}", path=path, code="invalid_type"
        )
    return value


def _string(spec: schema.Field, value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise BodyError(
            spec.name, f"expected a string, got {json_kind(value)}", path=path, code="invalid_type"
        )
    if spec.is_email and not is_email(value):
        raise BodyError(
            spec.name, f"'{value}' is not an email address", path=path, code="invalid_email"
        )
    if spec.is_datetime:
        try:
            return iso_datetime(value)
        except ValueError as exc:
            raise BodyError(spec.name, str(exc), path=path, code="invalid_date") from None
    return value
