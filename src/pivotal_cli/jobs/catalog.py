"""The import jobs on this machine: one by name, the unfinished ones, every summary."""

from __future__ import annotations

from typing import Any

from pivotal_cli.errors import UsageError
from pivotal_cli.jobs import paths
from pivotal_cli.jobs.bind import JobFile
from pivotal_cli.jobs.journal import Journal
from pivotal_cli.jobs.results import summary


def open_job(job: str) -> JobFile:
    """A job's journal, unfinished or done."""
    path = paths.find_journal(job)
    if path is None:
        raise UsageError(f"No import job is named '{job}'.", reason="import_no_job")
    return Journal(path), path


def unfinished(job: str | None = None) -> list[str]:
    """Unfinished jobs, oldest first: all, or a job's (a bundle's name: all its parts)."""
    names = paths.unfinished_jobs()
    if job is None:
        return names
    return [name for name in names if name == job or name.startswith(job + "-")]


def exists(job: str) -> bool:
    return paths.find_journal(job) is not None


def open_unfinished(names: list[str]) -> list[JobFile]:
    return [
        (Journal(paths.unfinished_journal(name)), paths.unfinished_journal(name)) for name in names
    ]


def summaries() -> list[dict[str, Any]]:
    """Every job's summary, oldest first."""
    rows = []
    for name in sorted(paths.unfinished_jobs() + paths.finished_jobs()):
        path = paths.find_journal(name)
        if path is None:
            continue
        with Journal(path) as journal:
            rows.append(summary(journal))
    return rows
