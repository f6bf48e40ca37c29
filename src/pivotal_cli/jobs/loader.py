"""Loading input files into new jobs' journals: every row typed and checked first.

Rows are planned one at a time (`domain.importing.plan_row`) and written to the
journal in batches, so memory stays flat. Problems (bad values, missing fields, lines
that are not records, keys repeated inside the file, customers a bundle does not
hold) make a row `failed` before anything is sent, and are handed to `on_problem`
one by one. `load_jobs` loads every file of an import and writes the problems to the
errors CSV (row, column, code, message).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pivotal_cli.domain import importing
from pivotal_cli.domain.importing import ColumnMap, Problem, placed
from pivotal_cli.errors import UsageError
from pivotal_cli.jobs import journal as jr
from pivotal_cli.jobs import paths
from pivotal_cli.jobs.files import BadLine, RowReader, Rows
from pivotal_cli.jobs.journal import Journal, Outcome
from pivotal_cli.jobs.plan import JobSpec, PlannedJob

BATCH = 1000
INVALID = "invalid_row"
ERRORS_HEADER = ("file", "row", "column", "field", "code", "message")


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
    reader: Rows,
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
        if report.rows == 0 and from_text:
            # A CSV's columns are known from its header: a rename is checked before any row.
            check_renames(spec, reader.columns)
        report.rows += 1
        if isinstance(row, BadLine):
            problems = [placed(Problem(number, "", "malformed_row", row.message), spec.format)]
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
            problems = [placed(problem, spec.format) for problem in problems]
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
    check_renames(spec, reader.columns)
    duplicates = _mark_duplicates(journal, spec, on_problem)
    report.invalid += duplicates
    report.problems += duplicates
    report.columns = list(reader.columns)
    report.unknown_columns = list(columns.unknown)
    journal.set_meta({"columns": report.columns, "rows": report.rows})
    return report


def check_renames(spec: JobSpec, columns: list[str]) -> None:
    """A rename whose column the input lacks is refused: the user meant some column."""
    missing = [column for column in spec.renames if column not in columns]
    if missing and columns:
        names = ", ".join(f"'{name}'" for name in missing)
        has = ", ".join(columns[:20]) + (
            f", … ({len(columns)} in all)" if len(columns) > 20 else ""
        )
        raise UsageError(
            f"{source_name(spec)} has no column {names} to rename; its columns are: {has}.",
            reason="import_rename_missing",
        )


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
        problem = placed(Problem(n, column, "duplicate_key", "", column), spec.format)
        problem = replace(
            problem, message=f"repeats the {column} '{shown}' of {problem.place(first)}"
        )
        on_problem(problem)
        journal.finish(n, jr.FAILED, _failed([problem]))
        marked += 1
    return marked


@dataclass
class Loaded:
    """What loading every file of an import found."""

    problems: int = 0
    errors_path: Path | None = None


def source_name(spec: JobSpec) -> str:
    """How problems name a job's input: the file's name, or stdin."""
    return Path(spec.source).name if spec.source != "-" else "stdin"


def load_jobs(
    jobs: list[PlannedJob],
    *,
    errors_path: Path | None,
    dry_run: bool,
    bundle: bool,
    on_problem: Callable[[str, Problem], None],
    on_unknown_columns: Callable[[str, list[str]], None],
) -> Loaded:
    """Read every input into its journal; each problem to `on_problem` and the errors
    file (a dry run writes one next to the job's results unless told where)."""
    if errors_path is None and dry_run:
        errors_path = paths.ensure(paths.results_dir()) / f"{jobs[0].spec.job_id}.errors.csv"
    handle = open(errors_path, "w", newline="", encoding="utf-8") if errors_path else None  # noqa: SIM115
    writer = csv.writer(handle) if handle else None
    if writer:
        writer.writerow(ERRORS_HEADER)
    loaded = Loaded(errors_path=errors_path)
    # A dry run of a bundle checks that contacts and onboardings name its customers.
    customer_slugs: set[str] | None = set() if bundle and dry_run else None
    try:
        for job in jobs:
            spec = job.spec
            name = source_name(spec)

            def report(problem: Problem, name: str = name) -> None:
                on_problem(name, problem)
                if writer:
                    writer.writerow(
                        [
                            name,
                            problem.row,
                            problem.column,
                            problem.field or "",
                            problem.code,
                            problem.message,
                        ]
                    )

            with Journal(job.path) as journal:
                check_slugs = customer_slugs if spec.resource != "customer" else None
                report_ = load(
                    journal,
                    spec,
                    RowReader(spec.source, spec.format),
                    on_problem=report,
                    bundle_customers=check_slugs,
                )
                if customer_slugs is not None and spec.resource == "customer":
                    customer_slugs.update(_slugs(journal.open_rows()))
            if report_.unknown_columns:
                on_unknown_columns(name, report_.unknown_columns)
            loaded.problems += report_.problems
    finally:
        if handle:
            handle.close()
    return loaded


def _slugs(rows: Iterable[jr.JournalRow]) -> set[str]:
    return {
        str(row.plan["create"]["slug"]) for row in rows if row.plan.get("create", {}).get("slug")
    }
