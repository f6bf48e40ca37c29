"""Loading an input file into a new job's journal: every row typed and checked first.

Rows are planned one at a time (`domain.importing.plan_row`) and written to the
journal in batches, so memory stays flat. Problems (bad values, missing fields, lines
that are not records, keys repeated inside the file, customers a bundle does not
hold) make a row `failed` before anything is sent, and are handed to `on_problem`
one by one for the errors file.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Container
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from pivotal_cli.domain import importing
from pivotal_cli.domain.importing import ColumnMap, Problem
from pivotal_cli.jobs import journal as jr
from pivotal_cli.jobs.files import BadLine, RowReader
from pivotal_cli.jobs.journal import Journal, Outcome

BATCH = 1000
INVALID = "invalid_row"


@dataclass
class JobSpec:
    """What a job was asked to do: kept in its journal so a resume does the same."""

    job_id: str
    resource: str  # customer, contact or onboarding
    mode: str  # create or upsert
    source: str
    format: str
    key: str | None = None
    customer_key: str | None = None
    renames: dict[str, str] = field(default_factory=dict)
    bundle: str | None = None

    def as_meta(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_meta(cls, meta: dict[str, Any]) -> JobSpec:
        """The spec a journal's meta holds (which also holds other facts of the job)."""
        names = {spec_field.name for spec_field in fields(cls)}
        return cls(**{name: value for name, value in meta.items() if name in names})


def new_job_id(resource: str, now: float, salt: str) -> str:
    """`20261201-143012-customers-a3f9`: sorts by start time, says what it imports."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(now))
    return f"{stamp}-{resource}s-{salt}"


def dedupe_key(spec: JobSpec, plan: importing.RowPlan) -> str | None:
    """What two rows of one file must not share: the upsert key, else a unique field."""
    if plan.key is not None:
        scope = (
            f"{plan.customer.kind}:{plan.customer.value}:"
            if spec.resource == "contact" and plan.customer
            else ""
        )
        return scope + plan.key
    if spec.resource == "customer" and plan.create.get("slug"):
        return f"slug:{plan.create['slug']}"
    if spec.resource == "contact" and plan.customer and isinstance(plan.create.get("email"), str):
        email = str(plan.create["email"]).lower()
        return f"{plan.customer.kind}:{plan.customer.value}:{email}"
    return None


@dataclass
class LoadReport:
    rows: int = 0
    invalid: int = 0
    problems: int = 0
    unknown_columns: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)


def load(
    journal: Journal,
    spec: JobSpec,
    reader: RowReader,
    *,
    on_problem: Callable[[Problem], None] = lambda problem: None,
    bundle_customers: Container[str] | None = None,
) -> LoadReport:
    """Read every row of `reader` into `journal`; problems are reported and journaled.

    `bundle_customers`: the slugs a bundle's customers file holds, so a contact or
    onboarding naming another slug is a problem (checked in a dry run of a bundle).
    """
    journal.set_meta(spec.as_meta())
    columns = ColumnMap(spec.resource, [], spec.renames)
    report = LoadReport()
    batch: list[tuple[int, str, str | None, dict[str, Any] | None, Any, Outcome | None]] = []
    from_text = spec.format == "csv"
    for number, row in reader:
        report.rows += 1
        if isinstance(row, BadLine):
            problems = [Problem(number, "", "malformed_row", f"row {row.message}")]
            batch.append((number, jr.FAILED, None, None, {}, _failed(problems)))
        else:
            plan = importing.plan_row(
                columns,
                number,
                row,
                from_text=from_text,
                key=spec.key if spec.mode == "upsert" else None,
                customer_key=spec.customer_key,
            )
            problems = plan.problems
            ref = plan.customer
            if (
                bundle_customers is not None
                and ref is not None
                and ref.kind == "slug"
                and ref.value not in bundle_customers
            ):
                problems.append(
                    Problem(
                        number,
                        ref.column,
                        "unknown_customer",
                        f"names customer '{ref.value}', which the bundle's customers "
                        "file does not hold",
                        "customer_id",
                    )
                )
            status = jr.FAILED if problems else jr.PENDING
            batch.append(
                (
                    number,
                    status,
                    dedupe_key(spec, plan),
                    _plan_json(plan),
                    dict(row),
                    _failed(problems) if problems else None,
                )
            )
        for problem in problems:
            report.problems += 1
            on_problem(problem)
        if problems:
            report.invalid += 1
        if len(batch) >= BATCH:
            journal.add_rows(batch)
            batch = []
    if batch:
        journal.add_rows(batch)
    duplicates = _mark_duplicates(journal, spec, on_problem)
    report.invalid += duplicates
    report.problems += duplicates
    report.columns = list(reader.columns)
    report.unknown_columns = list(columns.unknown)
    journal.set_meta({"columns": report.columns, "rows": report.rows})
    return report


def _plan_json(plan: importing.RowPlan) -> dict[str, Any]:
    ref = plan.customer
    return {
        "create": plan.create,
        "after_create": plan.after_create,
        "wanted": plan.wanted,
        "customer": [ref.kind, ref.value, ref.column] if ref else None,
        "key": plan.key,
    }


def _failed(problems: list[Problem]) -> Outcome:
    first = problems[0]
    return Outcome(
        action="failed",
        error_type=INVALID,
        error_code=first.code,
        error_field=first.column or first.field,
        error_message="; ".join(problem.line() for problem in problems),
    )


def _mark_duplicates(journal: Journal, spec: JobSpec, on_problem: Callable[[Problem], None]) -> int:
    """Rows whose key an earlier row of the file already has: failed, once each."""
    marked = 0
    for n, key, first in journal.duplicates():
        shown = key.split(":")[-1]
        column = spec.key if spec.mode == "upsert" and spec.key else key.split(":")[0]
        if spec.resource == "contact" and spec.mode != "upsert":
            column = "email"
        message = f"repeats the {column} '{shown}' of row {first}"
        problem = Problem(n, column, "duplicate_key", message, column)
        on_problem(problem)
        journal.finish(n, jr.FAILED, _failed([problem]))
        marked += 1
    return marked
