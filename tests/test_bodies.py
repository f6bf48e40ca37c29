"""Request bodies are checked against the schema before anything is sent.

A bad status, phase, state, email, date, type or a negative amount is refused, naming
the field; unknown fields pass through (the API may add them); dates are normalised to
UTC ISO 8601. Lengths and maximums are the server's call.
"""

from __future__ import annotations

from typing import Any

import pytest

from pivotal_cli.domain.bodies import BodyError, EmptyBodyError, MissingFieldError, check

BAD = [
    ("customer", "update", {"status": "pending"}, "status", "unknown status 'pending'"),
    ("customer", "update", {"mrr": -1}, "mrr", "must be at least 0"),
    ("customer", "update", {"mrr": "1200"}, "mrr", "expected an integer, got a string"),
    ("customer", "update", {"mrr": True}, "mrr", "expected an integer, got a boolean"),
    ("customer", "update", {"monthly_orders": -5}, "monthly_orders", "must be at least 0"),
    ("customer", "update", {"metadata": [1]}, "metadata", "expected an object"),
    ("customer", "update", {"name": None}, "name", "must not be null"),
    ("contact", "update", {"email": "ana.example.com"}, "email", "not an email address"),
    ("contact", "update", {"email": "ana @example.com"}, "email", "not an email address"),
    ("contact", "update", {"is_primary": "yes"}, "is_primary", "expected true or false"),
    ("contact", "update", {"is_primary": 1}, "is_primary", "expected true or false"),
    ("contact", "update", {"labels": ["a", 2]}, "labels", "expected a string, got a number"),
    ("contact", "update", {"labels": [None]}, "labels", "expected a string, got nothing"),
    ("onboarding", "update", {"phase": "adoption"}, "phase", "unknown phase 'adoption'"),
    ("onboarding", "update", {"state": "blocked"}, "state", "unknown state 'blocked'"),
    (
        "onboarding",
        "update",
        {"target_launch_date": "next week"},
        "target_launch_date",
        "not a date",
    ),
    (
        "onboarding",
        "update",
        {"reminder_frequency_days": 0},
        "reminder_frequency_days",
        "at least 1",
    ),
]


@pytest.mark.parametrize(
    ("resource", "operation", "body", "field", "words"),
    BAD,
    ids=[f"{r}-{f}-{next(iter(b.values()))}" for r, _, b, f, _ in BAD],
)
def test_bad_values_are_refused_naming_the_field(
    resource: str, operation: Any, body: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(BodyError) as caught:
        check(resource, operation, body)

    assert caught.value.field == field
    assert words in caught.value.problem


@pytest.mark.parametrize(
    ("resource", "body", "field"),
    [
        ("customer", {"slug": "aurora"}, "name"),
        ("contact", {"name": "Ana"}, "email"),
        ("onboarding", {"phase": "launch"}, "customer_id"),
    ],
)
def test_a_missing_required_field_is_named(resource: str, body: dict[str, Any], field: str) -> None:
    with pytest.raises(MissingFieldError) as caught:
        check(resource, "create", body)

    assert caught.value.field == field


def test_the_first_problem_in_schema_order_is_reported_with_a_count_of_the_rest() -> None:
    with pytest.raises(BodyError) as caught:
        check("contact", "create", {"name": "X", "email": "y", "labels": "z"})

    assert (caught.value.field, caught.value.more) == ("email", 1)


def test_an_empty_update_changes_nothing() -> None:
    with pytest.raises(EmptyBodyError):
        check("customer", "update", {})


@pytest.mark.parametrize(
    ("resource", "body"),
    [
        ("customer", {"name": "Aurora", "status": "onboarding", "mrr": 0}),
        ("customer", {"name": "Aurora", "metadata": {"tier": "gold"}}),
        ("contact", {"name": "Ana", "email": "ana@aurora.example", "is_primary": False}),
        ("onboarding", {"customer_id": "245", "phase": "launch", "state": "waiting"}),
    ],
)
def test_documented_values_pass_unchanged(resource: str, body: dict[str, Any]) -> None:
    assert check(resource, "create", body) == body


def test_unknown_fields_pass_through() -> None:
    body = {"name": "Aurora", "custom_fields": {"arr": 1}}

    assert check("customer", "create", body) == body


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        ("2026-07-15", "2026-07-15T00:00:00.000Z"),
        ("2026-07-15T09:30:00Z", "2026-07-15T09:30:00.000Z"),
        ("2026-07-15T11:30:00+02:00", "2026-07-15T09:30:00.000Z"),
    ],
)
def test_dates_are_sent_as_utc_iso_8601(given: str, sent: str) -> None:
    body = check("onboarding", "update", {"target_launch_date": given})

    assert body["target_launch_date"] == sent
