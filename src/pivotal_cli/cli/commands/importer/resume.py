"""`pivotal import resume [JOB]`: finish stopped jobs, every row sent at most once.

A journal that cannot be used is named with what to do, and never stops the others:
the healthy jobs are resumed, then the command exits 1 for the damaged ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.commands.importer.options import ConcurrencyOpt, resume_options
from pivotal_cli.cli.options import JsonOpt, YesOpt

if TYPE_CHECKING:
    from pivotal_cli.cli.context import AppContext
    from pivotal_cli.jobs.bind import JobFile


@handle_errors
def resume(
    ctx: typer.Context,
    job: Annotated[
        str | None,
        typer.Argument(
            metavar="[JOB]",
            help="A job, or a bundle's name; default: every unfinished job, oldest first.",
            show_default=False,
        ),
    ] = None,
    concurrency: ConcurrencyOpt = 4,
    yes: YesOpt = False,
    json_: JsonOpt = False,
) -> None:
    """Finish a stopped job (killed, Ctrl-C, network down): no row is sent twice."""
    from pivotal_cli.cli.commands.importer.send import send
    from pivotal_cli.cli.hints import line
    from pivotal_cli.errors import UsageError
    from pivotal_cli.jobs import catalog

    out = ctx.obj.output
    names = catalog.unfinished(job)
    if job is not None and not names:
        if catalog.exists(job):
            out.success(f"Job {job} is already finished; nothing to resume.")
            return
        raise UsageError(f"No unfinished import job is named '{job}'.", reason="import_no_job")
    if not names:
        out.success("No unfinished import jobs.")
        return
    journals, damaged = catalog.open_unfinished(names)
    for error in damaged[: None if journals else -1]:
        out.error(line(error))
    if not journals:
        raise damaged[-1]
    journals = _to_one_target(ctx.obj, job, journals)
    send(ctx.obj, journals, resume_options(concurrency, yes, json_))
    if damaged:
        out.warn(f"Skipped {len(damaged)} damaged journal{'s' if len(damaged) > 1 else ''}.")
        raise typer.Exit(damaged[0].exit_code)


def _to_one_target(app_ctx: AppContext, job: str | None, journals: list[JobFile]) -> list[JobFile]:
    """Point the command at the target the jobs recorded, so the bare `import resume JOB`
    printed after a stop works whatever options the first run had. A job named on the
    command line with another target given is refused; without a name, the jobs of
    another target than the one chosen are left for their own resume."""
    from pivotal_cli.jobs import job_target
    from pivotal_cli.jobs.bind import job_name

    settings = app_ctx.settings
    if job is not None:
        for journal, _ in journals:
            where = job_target.recorded(journal)
            if where is not None:
                job_target.apply(job_name(journal), where, settings)
        return journals
    kept, left, chosen = job_target.split(journals, settings)
    if chosen is not None:
        job_target.apply(job_name(kept[0][0]), chosen, settings)
    if left:
        names = sorted({job_name(journal) for journal, _ in left})
        app_ctx.output.warn(
            f"Left for later: {', '.join(names)} ran against another target; "
            f"resume each by name (`pivotal import resume {names[0]}`)."
        )
        for journal, _ in left:
            journal.close()
    return kept
