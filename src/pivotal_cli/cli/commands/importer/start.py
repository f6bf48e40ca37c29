"""One import from files: plan the jobs, load every file (problems worded), then either
finish a dry run or send (`send.py`)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import typer

from pivotal_cli.cli.commands.importer.options import ImportOptions, rows
from pivotal_cli.errors import LocalFileError, PivotalError

if TYPE_CHECKING:
    from pivotal_cli.cli.context import AppContext
    from pivotal_cli.jobs.plan import Part, PlannedJob

T = TypeVar("T")


def start(
    app_ctx: AppContext,
    parts: list[Part],
    options: ImportOptions,
    renames: dict[str, str],
    *,
    bundle: bool = False,
) -> None:
    from pivotal_cli.cli.capped import Capped
    from pivotal_cli.cli.commands.importer.send import send
    from pivotal_cli.jobs.journal import Journal
    from pivotal_cli.jobs.loader import load_jobs
    from pivotal_cli.jobs.plan import plan_jobs

    out = app_ctx.output
    jobs = _local(lambda: plan_jobs(parts, options.request(renames), bundle=bundle))
    problems = Capped(out.error, "problems")

    def unknown(name: str, columns: list[str]) -> None:
        warned = Capped(out.warn, "unknown columns")
        warned.extend(
            f"{name}: column '{column}' matches no field and is ignored (--map it)."
            for column in columns
        )
        warned.finish(f"{name}: ")

    try:
        loaded = _local(
            lambda: load_jobs(
                jobs,
                errors_path=options.errors,
                dry_run=options.dry_run,
                bundle=bundle,
                on_problem=lambda name, problem: problems(f"{name}: {problem.line()}"),
                on_unknown_columns=unknown,
            )
        )
    except PivotalError:
        from pivotal_cli.jobs.catalog import remove_journal

        # Nothing was sent: a journal half loaded (a full disk, a refused input such as
        # a duplicate header) is dropped, not left to be resumed or listed as finished.
        for job in jobs:
            with contextlib.suppress(LocalFileError):
                remove_journal(job.path)
        raise
    finally:
        problems.finish()
    if loaded.errors_path and loaded.problems:
        out.info(f"Problems written to {loaded.errors_path}.")
    if options.dry_run:
        _finish_dry_run(app_ctx, jobs, options, loaded.problems)
        return
    send(app_ctx, [(Journal.open(job.path), job.path) for job in jobs], options)


def _local(step: Callable[[], T]) -> T:
    """Run `step`; a directory or file of the state directory that cannot be written
    (read-only, full) is one line with its path."""
    try:
        return step()
    except OSError as exc:
        from pivotal_cli.jobs.paths import imports_dir

        raise LocalFileError.from_os_error(exc, imports_dir()) from None


def _finish_dry_run(
    app_ctx: AppContext, jobs: list[PlannedJob], options: ImportOptions, problems: int
) -> None:
    from pivotal_cli.errors import ExitCode
    from pivotal_cli.jobs.dry_run import preview_jobs, would_fail

    out = app_ctx.output
    client = app_ctx.client(waiting=False) if options.remote else None
    try:
        report = preview_jobs(
            jobs,
            problems,
            client,
            lambda resource, reads: out.info(f"{resource}: reading {reads}; no writes."),
        )
    finally:
        if client is not None:
            client.close()
    if options.json:
        out.json(report)
    for entry in report["jobs"]:
        out.info(_dry_run_line(entry))
    failing = would_fail(report)
    if problems or failing:
        found = [f"{problems} problem{'' if problems == 1 else 's'} found"] if problems else []
        found += [f"{rows(failing)} would fail against the workspace"] if failing else []
        out.error(f"Dry run: {'; '.join(found)}; nothing was sent.")
        raise typer.Exit(ExitCode.USAGE)
    out.success("Dry run: no problems found; nothing was sent.")


def _dry_run_line(entry: dict[str, Any]) -> str:
    line = f"{entry['resource']}: {rows(entry['rows'])}, {entry['invalid']} with problems"
    if "reads" in entry:
        line += (
            f"; would create {entry.get('created', 0)}, update {entry.get('updated', 0)}, "
            f"leave {entry.get('unchanged', 0)} unchanged "
            f"({entry['reads']} read{'' if entry['reads'] == 1 else 's'})"
        )
        if entry.get("conflict"):
            line += (
                f"; {entry['conflict']} would fail: their slug is already taken"
                " (--mode upsert --key slug updates those instead)"
            )
        if entry.get("failed"):
            line += f"; {entry['failed']} would fail: their customer was not found"
    return line
