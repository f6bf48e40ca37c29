"""The options the import commands share, and their checks worded in flags."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NamedTuple

import typer

if TYPE_CHECKING:
    from pivotal_cli.jobs.plan import Request

FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        metavar="csv|jsonl|json",
        help="The input's format (default: from the file's extension; on stdin, from its first "
        "character: [ json, { jsonl, else csv).",
        show_default=False,
    ),
]
MapOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        metavar="COLUMN=FIELD",
        help="Read COLUMN as FIELD (a field, metadata.KEY, customer_slug, …); repeatable.",
        show_default=False,
    ),
]
ModeChoice = Annotated[
    str,
    typer.Option(
        "--mode",
        metavar="create|upsert",
        help="create: every row is a new record. upsert: create what is missing, update "
        "only the fields that differ, leave the rest alone.",
    ),
]
KeyOpt = Annotated[
    str | None,
    typer.Option(
        "--key",
        metavar="FIELD",
        help="How upsert matches records: slug, metadata.FIELD, id, … (default: slug for "
        "customers, email for contacts, customer for onboardings).",
        show_default=False,
    ),
]
CustomerKeyOpt = Annotated[
    str | None,
    typer.Option(
        "--customer-key",
        metavar="id|display_id|slug|metadata.FIELD",
        help="How a `customer` column names the customer (default: guessed per value).",
        show_default=False,
    ),
]
ConcurrencyOpt = Annotated[
    int,
    typer.Option("--concurrency", min=1, max=8, metavar="N", help="Requests in flight (1-8)."),
]
DryRunOpt = Annotated[
    bool,
    typer.Option(
        "--dry-run",
        help="Check every row locally and report each problem; send nothing.",
    ),
]
RemoteOpt = Annotated[
    bool,
    typer.Option(
        "--remote",
        help="With --dry-run: also read the workspace and count the rows that would be "
        "created, updated, left unchanged or refused (costs reads; no writes). "
        "--dry-run=remote is the same.",
    ),
]
ErrorsOpt = Annotated[
    Path | None,
    typer.Option(
        "--errors",
        metavar="FILE",
        help="Write the problems found (row, column, code, message) to this CSV "
        "(default for --dry-run: next to the job's results).",
        show_default=False,
    ),
]
JobArg = Annotated[str, typer.Argument(metavar="JOB", help="The job's name (`import list`).")]


class ImportOptions(NamedTuple):
    """The options every import command shares, as given."""

    mode: str
    key: str | None
    customer_key: str | None
    concurrency: int
    dry_run: bool
    remote: bool
    errors: Path | None
    yes: bool
    json: bool

    def check(self, resource: str | None) -> None:
        from pivotal_cli.domain import importing
        from pivotal_cli.errors import UsageError

        if self.mode not in ("create", "upsert"):
            raise UsageError(f"--mode must be create or upsert, not '{self.mode}'.")
        if self.remote and not self.dry_run:
            raise UsageError("--remote only goes with --dry-run.")
        if self.key is not None and self.mode != "upsert":
            raise UsageError("--key only goes with --mode upsert.")
        if self.key is not None and resource is not None:
            problem = importing.key_problem(resource, self.key)
            if problem:
                raise UsageError(f"--key {self.key}: {problem}.")
        if self.customer_key is not None:
            problem = importing.customer_ref_problem(self.customer_key)
            if problem:
                raise UsageError(f"--customer-key: {problem}.")

    def request(self, renames: dict[str, str]) -> Request:
        """What the jobs are asked to do."""
        from pivotal_cli.jobs.plan import Request

        return Request(self.mode, self.key, self.customer_key, renames, self.dry_run)


def resume_options(concurrency: int, yes: bool, json_: bool) -> ImportOptions:
    """A resume's options: what the journal does not already hold."""
    return ImportOptions("create", None, None, concurrency, False, False, None, yes, json_)


def rows(count: int) -> str:
    return f"{count} row" if count == 1 else f"{count} rows"
