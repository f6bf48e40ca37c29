"""`pivotal import results JOB`: a job's rows with their outcomes, in the input's format."""

from __future__ import annotations

from typing import Annotated

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.commands.importer.options import JobArg, rows


@handle_errors
def results(
    ctx: typer.Context,
    job: JobArg,
    failed: Annotated[bool, typer.Option("--failed", help="Only the rows that failed.")] = False,
    output: Annotated[
        str,
        typer.Option("--output", "-o", metavar="FILE", help="Write here instead of stdout."),
    ] = "-",
) -> None:
    """A job's rows with their outcomes (id, action, error), in the input's format."""
    from pivotal_cli.jobs import catalog, job_target
    from pivotal_cli.jobs.results import write_results

    journal, _ = catalog.open_job(job)
    with journal:
        job_target.refuse_other(job, job_target.recorded(journal), ctx.obj.settings)
        try:
            count = write_results(journal, failed=failed or None, path=output)
        except BrokenPipeError:
            ctx.obj.output.reader_gone()  # `import results JOB | head`: as any filter
    if output != "-":
        ctx.obj.output.success(f"Wrote {rows(count)} to {output}.")
