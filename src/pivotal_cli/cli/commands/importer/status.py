"""`pivotal import status JOB`: a job's counts (a record; piped, `name<TAB>value` lines)."""

from __future__ import annotations

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.commands.importer.options import JobArg
from pivotal_cli.cli.options import JsonOpt


@handle_errors
def status(ctx: typer.Context, job: JobArg, json_: JsonOpt = False) -> None:
    """A job's counts: rows created, updated, unchanged, failed, and still to send."""
    from pivotal_cli.jobs import catalog, job_target
    from pivotal_cli.jobs.results import summary

    journal, path = catalog.open_job(job)
    with journal:
        where = job_target.recorded(journal)
        job_target.refuse_other(job, where, ctx.obj.settings)
        result = summary(journal)
    result["journal"] = str(path)
    if where is not None:
        result["target"] = job_target.label(where)
    out = ctx.obj.output
    if json_:
        out.json(result)
        return
    if out.is_tty:
        from pivotal_cli.render.jobs import status_record

        row, fields = status_record(result)
        out.record(row, fields)
        return
    for name, value in result.items():  # a pipe: the lines scripts read, unchanged
        out.line(f"{name}\t{value}")
