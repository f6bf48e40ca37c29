"""Request bodies checked against the schema's models before anything is sent.

A body is checked against the `cli` side of its resource's create or update model
(`models`): types, enums, nullability, emails, dates and minimums. Values are
normalised where the API wants one form (dates become ISO 8601 UTC). Fields the
schema does not know pass through untouched, so a body may carry fields the API adds
after this release. Lengths, maximums and the exact email rule are the server's call:
this only catches typos before a request is spent on them. pydantic is imported only
when `check` runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pivotal_cli.domain import schema
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
    from pivotal_cli.domain import models

    if operation == "update" and not body:
        raise EmptyBodyError()
    assert operation != "object", "only request bodies are checked"
    checked, errors = models.validate(resource, operation, "cli", body)
    if errors:
        raise first_problem(models.model(resource, operation, "cli").specs, errors)
    return {**body, **checked}


def first_problem(specs: Mapping[str, schema.Field], errors: list[Any]) -> BodyError:
    """The first of pydantic's errors as a `BodyError`, counting the other fields'."""
    from pivotal_cli.domain.model_issues import body_issue

    problems: dict[str, BodyError] = {}
    for error in errors:
        issue = body_issue(error, specs)
        if issue.field in problems:
            continue  # one problem per field, its first
        if issue.code == "required":
            problems[issue.field] = MissingFieldError(issue.field)
        else:
            problems[issue.field] = BodyError(
                issue.field, issue.message, path=issue.path, code=issue.code
            )
    first, *rest = problems.values()
    first.more = len(rest)
    return first
