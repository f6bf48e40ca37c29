"""A pasted list of contacts as one more import job, fed to the same journal.

The paste (`domain/contact_paste.py` splits it into lines) is read like any input
file: `PasteReader` yields one contact row a line for the customer, and
`loader.load` checks it with the same contact row checks as a CSV import (a repeated
email is a repeated key). The rows are sent by the same runner, with idempotency keys
scoped to the customer rather than to the job, so pasting the same list again within
the keys' lifetime replays instead of adding anyone twice; a paste that was stopped
resumes with the other import jobs.

The primary rule: when the customer has no primary contact, the first good row is
sent with `is_primary: true`. When its primary is one of the pasted emails (the paste
ran before), that row is sent as primary again, so a re-run sends the same bodies.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pivotal_cli.client.http import Client
from pivotal_cli.domain.contact_paste import HEADER, PastedLine
from pivotal_cli.domain.importing import Problem
from pivotal_cli.domain.records import Record
from pivotal_cli.jobs import journal as jr
from pivotal_cli.jobs import paths
from pivotal_cli.jobs.files import BadLine, Row
from pivotal_cli.jobs.journal import Journal, JournalRow
from pivotal_cli.jobs.loader import load
from pivotal_cli.jobs.plan import JobSpec, new_job_id
from pivotal_cli.jobs.runner import Runner

RESOURCE = "contact"
CUSTOMER_COLUMN = "customer"
# Conflicts that mean the contact is there already: added by hand, by this paste more
# than the keys' lifetime ago, or (a reused key) with another primary choice.
ALREADY_THERE = ("email_taken", "idempotency_key_reused")


class PasteReader:
    """The paste's lines as contact rows of one customer (`jobs/files.Rows`)."""

    def __init__(self, lines: list[PastedLine], customer_id: str) -> None:
        self.lines = lines
        self.customer_id = customer_id
        self.columns = [*HEADER, CUSTOMER_COLUMN]

    def __iter__(self) -> Iterator[tuple[int, Row]]:
        for pasted in self.lines:
            if pasted.too_many_values:
                yield pasted.line, BadLine(f"has {len(pasted.values)} values")
                continue
            values = dict(zip(HEADER, pasted.values, strict=False))
            yield pasted.line, {**values, CUSTOMER_COLUMN: self.customer_id}


def paste_spec(customer_id: str, source: str | None) -> JobSpec:
    """A new paste job for the customer; its keys are the customer's, not the job's."""
    job_id = new_job_id(RESOURCE, time.time(), secrets.token_hex(2))
    where = source if source in (None, "-") else str(Path(source).resolve())
    return JobSpec(
        job_id=job_id,
        resource=RESOURCE,
        mode="create",
        source=where or "-",
        format="csv",  # pasted values are text, typed as a CSV's cells are
        customer_key="id",
        key_scope=f"contacts-paste:{customer_id}",
    )


def current_primary(contacts: list[Record]) -> str | None:
    """The email of the customer's primary contact, lowercased, if it has one."""
    return next(
        (str(c.get("email", "")).lower() for c in contacts if c.get("is_primary") is True), None
    )


def load_paste(
    journal: Journal,
    spec: JobSpec,
    lines: list[PastedLine],
    customer_id: str,
    primary_email: str | None,
    *,
    on_problem: Callable[[Problem], None] = lambda problem: None,
) -> int | None:
    """Check the lines into `journal`, mark the primary row; that row's number, if any.

    `primary_email`: the customer's primary contact's, lowercased (None: it has none).
    """
    load(journal, spec, PasteReader(lines, customer_id), on_problem=on_problem)
    good = list(journal.open_rows((jr.PENDING,)))
    primary = _primary_row(good, primary_email)
    if primary is not None:
        plan = primary.plan
        plan["create"] = {**plan["create"], "is_primary": True}
        journal.set_plan(primary.n, plan)
    return primary.n if primary is not None else None


def _primary_row(good: list[JournalRow], primary_email: str | None) -> JournalRow | None:
    if primary_email is None:
        return good[0] if good else None
    return next(
        (row for row in good if str(row.plan["create"].get("email", "")).lower() == primary_email),
        None,
    )


@dataclass
class PasteResult:
    """What sending a paste did, by line."""

    created: list[Record] = field(default_factory=list)
    replayed: int = 0
    already_there: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)


def journal_path(spec: JobSpec) -> Path:
    return paths.ensure(paths.imports_dir()) / f"{spec.job_id}{paths.JOURNAL_SUFFIX}"


def send_paste(journal: Journal, client: Client, skipped: set[int]) -> PasteResult:
    """Send the good rows one by one, in order (the first contact may become primary
    on its own); rows in `skipped` failed their checks and were never meant to go."""
    result = PasteResult()
    records: dict[int, Record] = {}

    def created(row: JournalRow, record: Record, replayed: bool) -> None:
        records[row.n] = record
        result.replayed += replayed

    Runner(journal, client, concurrency=1, on_created=created).run()
    result.created = [records[n] for n in sorted(records)]
    for n, code, message in journal.failures():
        if n in skipped:
            continue
        if code in ALREADY_THERE:
            result.already_there.append(n)
        else:
            result.failed.append((n, message or code or "failed"))
    return result
