"""The import jobs on this machine: one by name, the unfinished ones, every summary,
and forgetting one.

A journal that cannot be trusted (`jobs/journal_health.py`) is a fact about that one
job: opening it raises `DamagedJournalError`, and the summaries list it as an entry
with an `error` beside the healthy jobs rather than failing them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pivotal_cli.errors import LocalFileError, UsageError
from pivotal_cli.jobs import paths
from pivotal_cli.jobs.bind import JobFile
from pivotal_cli.jobs.journal import Journal
from pivotal_cli.jobs.journal_health import DamagedJournalError
from pivotal_cli.jobs.results import summary

# The files SQLite keeps beside a journal while it is open (or after a kill).
SIDE_FILES = ("-wal", "-shm")


def find(job: str) -> Path:
    """A job's journal file, unfinished or done."""
    path = paths.find_journal(job)
    if path is None:
        raise UsageError(f"No import job is named '{job}'.", reason="import_no_job")
    return path


def open_job(job: str) -> JobFile:
    """A job's journal, unfinished or done, checked."""
    path = find(job)
    return Journal.open(path), path


def unfinished(job: str | None = None) -> list[str]:
    """Unfinished jobs, oldest first: all, or a job's (a bundle's name: all its parts)."""
    names = paths.unfinished_jobs()
    if job is None:
        return names
    return [name for name in names if name == job or name.startswith(job + "-")]


def exists(job: str) -> bool:
    return paths.find_journal(job) is not None


def open_unfinished(names: list[str]) -> tuple[list[JobFile], list[DamagedJournalError]]:
    """The journals of `names` that can be resumed, and the error of each that cannot."""
    opened: list[JobFile] = []
    damaged: list[DamagedJournalError] = []
    for name in names:
        path = paths.unfinished_journal(name)
        try:
            opened.append((Journal.open(path), path))
        except DamagedJournalError as error:
            damaged.append(error)
    return opened, damaged


def summaries() -> list[dict[str, Any]]:
    """Every job's summary, oldest first; a damaged journal's entry holds its `error`."""
    rows = []
    for name in sorted(paths.unfinished_jobs() + paths.finished_jobs()):
        path = paths.find_journal(name)
        if path is None:
            continue
        try:
            with Journal.open(path) as journal:
                rows.append(summary(journal))
        except DamagedJournalError as error:
            rows.append({"job": name, "journal": str(path), "error": error.problem})
    return rows


@dataclass(frozen=True)
class Forgotten:
    """What `forget` removed: the journal, its result files, and whether it was unfinished."""

    journal: Path
    files: list[Path]
    unfinished: bool


def forgettable(job: str) -> Forgotten:
    """What forgetting `job` would remove (nothing is removed yet)."""
    path = find(job)
    results = paths.results_dir()
    try:
        files = sorted(p for p in results.iterdir() if p.name.startswith(f"{job}."))
    except OSError:
        files = []
    return Forgotten(path, files, unfinished=path.parent != paths.done_dir())


def forget(found: Forgotten) -> None:
    """Remove a job's journal (damaged or not) and its result files."""
    try:
        for path in found.files:
            path.unlink(missing_ok=True)
    except OSError as exc:
        raise LocalFileError.from_os_error(exc, found.journal) from None
    remove_journal(found.journal)


def remove_journal(journal: Path) -> None:
    """Remove a journal file and the files SQLite keeps beside it."""
    try:
        for suffix in SIDE_FILES:
            journal.with_name(journal.name + suffix).unlink(missing_ok=True)
        # The journal itself last: until it goes, the job is still listed to forget again.
        journal.unlink(missing_ok=True)
    except OSError as exc:
        raise LocalFileError.from_os_error(exc, journal) from None
