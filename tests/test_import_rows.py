"""Rows typed from the schema (domain/importing.py): values, problems, keys, diffs.

Pure functions, so plain dicts in and out: CSV cells are typed by the field's schema
type, every bad value is a Problem naming its row and column, upsert compares values
the way the API renders them, and idempotency keys are deterministic.
"""

from __future__ import annotations

import pytest

from pivotal_cli.domain import importing
from pivotal_cli.domain.import_cells import typed_row
from pivotal_cli.domain.importing import ColumnMap, CustomerRef, changes, plan_row


def plan(resource: str, row: dict, *, text: bool = True, **options):
    return plan_row(ColumnMap(resource, list(row)), 7, row, from_text=text, **options)


def test_csv_cells_are_typed_from_the_schema() -> None:
    got = plan(
        "customer",
        {"name": "Orbit", "mrr": "1200", "status": "active", "metadata.crm": "H-1", "plan": ""},
    )
    assert got.ok
    assert got.create == {
        "name": "Orbit",
        "mrr": 1200,
        "status": "active",
        "metadata": {"crm": "H-1"},
    }
    onboarding = plan(
        "onboarding",
        {
            "customer_slug": "orbit",
            "reminder_email": "false",
            "target_launch_date": "2026-07-15",
            "completed_at": "2026-08-01T10:00:00Z",
            "reminder_frequency_days": "3",
        },
    )
    assert onboarding.ok, onboarding.problems
    assert onboarding.create == {
        "reminder_email": False,
        "target_launch_date": "2026-07-15T00:00:00.000Z",
        "reminder_frequency_days": 3,
    }
    # A create does not take completed_at; an update does: it is PATCHed after.
    assert onboarding.after_create == {"completed_at": "2026-08-01T10:00:00.000Z"}
    assert onboarding.customer == CustomerRef("slug", "orbit", "customer_slug")


@pytest.mark.parametrize(
    ("resource", "row", "column", "code"),
    [
        ("customer", {"name": "A", "mrr": "lots"}, "mrr", "invalid_type"),
        ("customer", {"name": "A", "mrr": "-1"}, "mrr", "too_small"),
        ("customer", {"name": "A", "status": "asleep"}, "status", "invalid_enum_value"),
        ("customer", {"slug": "a"}, "name", "required"),
        ("customer", {"name": "A", "metadata": "[1]"}, "metadata", "invalid_type"),
        ("contact", {"name": "A", "email": "nope", "customer": "1"}, "email", "invalid_email"),
        (
            "contact",
            {"name": "A", "email": "a@b.io", "customer": "1", "is_primary": "maybe"},
            "is_primary",
            "invalid_type",
        ),
        (
            "contact",
            {"name": "A", "email": "a@b.io", "customer": "1", "labels": "x"},
            "labels",
            "invalid_type",
        ),
        (
            "onboarding",
            {"customer": "1", "target_launch_date": "soon"},
            "target_launch_date",
            "invalid_date",
        ),
        ("onboarding", {"phase": "review"}, "", "missing_customer"),
    ],
)
def test_every_bad_value_is_a_problem_with_row_and_column(resource, row, column, code) -> None:
    got = plan(resource, row)
    assert [(p.row, p.column, p.code) for p in got.problems] == [(7, column, code)]
    assert got.problems[0].line().startswith(f"line 7{', column ' + column if column else ''}: ")


def test_json_values_are_checked_as_they_are_and_null_is_not_given() -> None:
    got = plan("customer", {"name": "A", "mrr": "12", "plan": None}, text=False)
    assert [(p.column, p.code) for p in got.problems] == [("mrr", "invalid_type")]
    assert "plan" not in got.create


def test_read_only_and_result_columns_are_ignored_but_unknown_ones_are_listed() -> None:
    columns = ColumnMap("customer", ["id", "created_at", "action", "error_message", "colour"])
    assert columns.unknown == ["colour"]
    renamed = ColumnMap("customer", ["Company"], {"Company": "name"})
    assert renamed.targets["Company"].name == "name"


def test_customer_columns_prefer_the_slug_and_guess_id_kinds() -> None:
    both = plan(
        "contact",
        {"name": "A", "email": "a@b.io", "customer_id": "c" + "a" * 24, "customer_slug": "orbit"},
    )
    assert both.customer == CustomerRef("slug", "orbit", "customer_slug")
    assert plan("contact", {"name": "A", "email": "a@b.io", "customer": "42"}).customer == (
        CustomerRef("display_id", "42", "customer")
    )
    keyed = plan(
        "contact", {"name": "A", "email": "a@b.io", "customer": "H-1"}, customer_key="metadata.crm"
    )
    assert keyed.customer == CustomerRef("metadata.crm", "H-1", "customer")


def test_upsert_keys_come_from_a_field_metadata_or_the_id() -> None:
    row = {"id": "cabc", "name": "A", "slug": "a", "metadata.crm": "H-1"}
    assert plan("customer", row, key="slug").key == "a"
    assert plan("customer", row, key="metadata.crm").key == "H-1"
    assert plan("customer", row, key="id").key == "cabc"
    missing = plan("customer", {"name": "A"}, key="slug")
    assert [p.code for p in missing.problems] == ["missing_key"]
    assert importing.key_problem("contact", "metadata.x") == "contacts have no metadata"
    assert importing.key_problem("customer", "colour") == "'colour' is not a field of a customer"


def test_changes_are_the_fields_that_differ_as_the_api_renders_them() -> None:
    record = {
        "name": "A",
        "status": "active",
        "target_launch_date": "2026-07-15T00:00:00.000Z",
        "email": "ada@orbit.io",
        "metadata": {"crm": "H-1", "tier": "gold"},
    }
    same = {"name": "A", "target_launch_date": "2026-07-15T00:00:00Z", "metadata": {"crm": "H-1"}}
    assert changes("onboarding", same, record) == {}
    assert changes("contact", {"email": "ADA@orbit.io"}, record) == {}
    assert changes("customer", {"status": "churned", "metadata": {"crm": "H-2"}}, record) == {
        "status": "churned",
        # A PATCH replaces metadata whole: keys the file does not name are kept.
        "metadata": {"crm": "H-2", "tier": "gold"},
    }


def test_idempotency_keys_are_deterministic_per_job_row_and_body() -> None:
    body = {"name": "A", "mrr": 1}
    key = importing.idempotency_key("job", "3", importing.body_hash(body))
    assert key == importing.idempotency_key(
        "job", "3", importing.body_hash({"mrr": 1, "name": "A"})
    )
    assert key != importing.idempotency_key("job2", "3", importing.body_hash(body))
    assert key != importing.idempotency_key("job", "4", importing.body_hash(body))
    assert key != importing.idempotency_key("job", "3", importing.body_hash({"name": "B"}))
    assert key.isascii() and len(key) < 255


def test_a_key_expires_after_its_lifetime_with_a_margin() -> None:
    assert not importing.key_expired(None, 10**9)
    assert not importing.key_expired(0, 22 * 3600)
    assert importing.key_expired(0, 24 * 3600)
    assert importing.minutes_for(3000, 60) == 50
    assert importing.minutes_for(10, None) is None
    # A rolling minute: what is left goes at once, each further limit's worth a minute.
    assert importing.minutes_for(1000, 3000, left=2999) == 0
    assert importing.minutes_for(6000, 3000, left=2999) == 2
    assert importing.minutes_for(3000, 60, left=0) == 50


def test_a_map_target_must_be_something_a_column_can_fill() -> None:
    assert importing.rename_problem("customer", "name") is None
    assert importing.rename_problem("customer", "metadata.crm_id") is None
    assert importing.rename_problem("contact", "customer_slug") is None
    problem = importing.rename_problem("customer", "nmae")
    assert problem is not None and "'nmae'" in problem and "name" in problem
    # A customer has no customer column; a contact has no mrr.
    assert importing.rename_problem("customer", "customer_slug") is not None
    assert importing.rename_problem("contact", "mrr") is not None


def test_a_value_above_the_schema_s_maximum_is_too_large() -> None:
    from pivotal_cli.domain.schema import field

    spec = field("customer", "mrr", "create")
    assert spec is not None and spec.maximum is not None
    got = plan("customer", {"name": "A", "mrr": str(spec.maximum + 1)})
    assert [(p.column, p.code) for p in got.problems] == [("mrr", "too_large")]


def test_free_text_cells_are_taken_exactly_and_shaped_cells_without_spaces() -> None:
    from pivotal_cli.domain import schema
    from pivotal_cli.domain.import_cells import cell_value

    fields = {f.name: f for f in schema.fields("customer", "create")}
    assert cell_value(fields["name"], "  padded\t ") == "  padded\t "
    assert cell_value(fields["mrr"], " 129900 ") == 129900
    assert cell_value(fields["status"], " active ") == "active"


@pytest.mark.parametrize("text", ["9" * 5000, "1" * 21, "-" + "9" * 30])
def test_an_integer_cell_of_thousands_of_digits_is_a_row_problem_not_a_crash(text: str) -> None:
    from pivotal_cli.domain import schema
    from pivotal_cli.domain.bodies import BodyError
    from pivotal_cli.domain.import_cells import cell_value

    mrr = next(f for f in schema.fields("customer", "create") if f.name == "mrr")
    with pytest.raises(BodyError, match="expected an integer") as raised:
        cell_value(mrr, text)
    assert len(str(raised.value)) < 200


def test_a_row_checked_at_once_types_as_each_cell_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    # The whole-row check is the fast path; its values must be the cell-by-cell ones.
    row = {
        "customer_slug": "orbit",
        "reminder_email": "false",
        "target_launch_date": "2026-07-15",
        "completed_at": "2026-08-01T10:00:00Z",
        "reminder_frequency_days": "3",
    }
    fast = plan("onboarding", row)
    assert (
        typed_row(
            "onboarding",
            importing._field_cells(ColumnMap("onboarding", list(row)), row, True),
            True,
        )
        is not None
    )
    monkeypatch.setattr(importing, "typed_row", lambda *args: None)
    slow = plan("onboarding", row)
    assert fast.ok and slow.ok
    assert (fast.create, fast.after_create, fast.wanted) == (
        slow.create,
        slow.after_create,
        slow.wanted,
    )


def test_a_row_with_two_bad_cells_reports_each_in_its_column() -> None:
    got = plan("customer", {"name": "Orbit", "mrr": "lots", "status": "sleeping"})
    assert not got.ok
    assert [problem.column for problem in got.problems] == ["mrr", "status"]
    assert typed_row("customer", {"mrr": "lots"}, True) is None
