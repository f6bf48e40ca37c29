"""A job's result files and its summary, both read from the journal.

Two files per job in `imports/results/`: `<job>.succeeded.<ext>` and
`<job>.failed.<ext>` (CSV for a CSV input, else JSONL): the input's columns plus `id`,
`display_id`, `action` (created, updated, unchanged, existing, failed), `http_status`
and the error's type, code, field and message. The failures file re-imports as it is
once its rows are fixed: the outcome columns are ignored on input.

A result file is written beside its place and renamed into it once whole, so a disk
that fills (or turns read-only) leaves the previous file or none, never one cut short
that reads as complete; the failure is a `LocalFileError` with the path.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pivotal_cli.domain.importing import RESULT_COLUMNS
from pivotal_cli.errors import LocalFileError
from pivotal_cli.jobs import journal as jr
from pivotal_cli.jobs import paths
from pivotal_cli.jobs.files import write_rows
from pivotal_cli.jobs.journal import Journal

ACTIONS = ("created", "updated", "unchanged", "existing")


def extension(fmt: str) -> str:
    return "csv" if fmt == "csv" else "jsonl"


def write_results(journal: Journal, *, failed: bool | None, path: Path | str) -> int:
    """The job's rows (all, or one side) with their outcomes, written to `path` (a file
    appears only once whole; `-` is stdout)."""
    meta = journal.meta()

    def write(target: Path | str) -> int:
        return write_rows(
            target,
            meta["format"],
            meta.get("columns") or [],
            RESULT_COLUMNS,
            journal.results(failed=failed),
        )

    if str(path) == "-":
        return write(path)
    final = Path(path)
    if final.exists() and not final.is_file():
        # A device or a pipe (-o /dev/stdout) is written as it is: it cannot be replaced.
        try:
            return write(final)
        except OSError as exc:
            raise LocalFileError.from_os_error(exc, final) from None
    partial = final.with_name(f".{final.name}.{os.getpid()}.partial")
    try:
        count = write(partial)
        partial.replace(final)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise LocalFileError.from_os_error(exc, final) from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return count


def write_result_files(journal: Journal) -> dict[str, str]:
    """Both result files of a job in the results directory; their paths."""
    meta = journal.meta()
    folder = _ensure(paths.results_dir())
    ext = extension(meta["format"])
    written = {}
    for side, failed in (("succeeded", False), ("failed", True)):
        path = folder / f"{meta['job_id']}.{side}.{ext}"
        write_results(journal, failed=failed, path=path)
        written[side] = str(path)
    return written


def summary(journal: Journal) -> dict[str, Any]:
    """The job's counts as `--json` prints them."""
    meta = journal.meta()
    counts = journal.counts()
    open_rows = sum(counts.get(status, 0) for status in jr.OPEN)
    return {
        "job": meta["job_id"],
        "resource": meta["resource"] + "s",
        "mode": meta["mode"],
        "source": meta["source"],
        "rows": counts.get("total", 0),
        **{action: counts.get(f"action:{action}", 0) for action in ACTIONS},
        "failed": counts.get(jr.FAILED, 0) + counts.get(jr.RETRY, 0),
        "unfinished": open_rows - counts.get(jr.RETRY, 0),
        "finished": open_rows == 0,
    }


def finish_if_done(journal: Journal, path: Path) -> Path:
    """Move a journal whose rows all have an outcome to `imports/done/`; its path now."""
    counts = journal.counts()
    if any(counts.get(status) for status in jr.OPEN) or path.parent == paths.done_dir():
        return path
    journal.close()
    target = _ensure(paths.done_dir()) / path.name
    for suffix in ("", "-wal", "-shm"):
        extra = path.with_name(path.name + suffix)
        try:
            if extra.exists():
                extra.replace(target.with_name(target.name + suffix))
        except OSError as exc:
            raise LocalFileError.from_os_error(exc, extra) from None
    return target


def _ensure(folder: Path) -> Path:
    try:
        return paths.ensure(folder)
    except OSError as exc:
        raise LocalFileError.from_os_error(exc, folder) from None


def report(journal: Journal) -> dict[str, Any]:
    """A job's summary once it ran, with the paths of its freshly written result files."""
    files = write_result_files(journal)
    result = summary(journal)
    result["results"] = files
    return result
