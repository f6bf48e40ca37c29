"""A dry run's outcome: every job's rows and problems, and (remote) what would happen.

Only the rows are checked (the journals were loaded into a folder of their own); with
a client, each job also reads the workspace, without writing, to count the rows that
would be created, updated, left unchanged or refused. The journals are deleted after.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pivotal_cli.client.http import Client
from pivotal_cli.jobs.journal import Journal
from pivotal_cli.jobs.plan import PlannedJob
from pivotal_cli.jobs.runner import Runner

# Preview actions that would fail: a slug already taken, a customer not found.
FAILING = ("conflict", "failed")


def preview_jobs(
    jobs: list[PlannedJob],
    problems: int,
    client: Client | None,
    on_reading: Callable[[str, str], None] = lambda resource, reads: None,
) -> dict[str, Any]:
    """The report `--json` prints; `on_reading(resource, reads)` before each job's reads."""
    report: dict[str, Any] = {"problems": problems, "jobs": []}
    for job in jobs:
        with Journal(job.path) as journal:
            counts = journal.counts()
            entry: dict[str, Any] = {
                "resource": job.spec.resource + "s",
                "rows": counts.get("total", 0),
                "invalid": counts.get("failed", 0),
            }
            if client is not None:
                runner = Runner(journal, client)
                on_reading(entry["resource"], runner.planned_reads())
                preview = runner.preview()
                entry.update(dict(preview.actions))
                entry["reads"] = preview.reads
            report["jobs"].append(entry)
        _discard(job.path)
    return report


def would_fail(report: dict[str, Any]) -> int:
    """Rows the workspace would refuse, over every job of a remote dry run."""
    return sum(entry.get(name, 0) for entry in report["jobs"] for name in FAILING)


def _discard(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
