"""`pivotal import forget JOB`: remove a job's journal and its result files.

It works on any journal, damaged or not (nothing is read from it), so it is the way
out the other verbs name for a journal that cannot be used. It asks first on a
terminal (`--yes` skips the question; without a terminal it refuses, exit 3, as the
deletes do), and says so when the job is unfinished: it can no longer be resumed.
"""

from __future__ import annotations

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.commands.importer.options import JobArg
from pivotal_cli.cli.options import YesOpt


@handle_errors
def forget(ctx: typer.Context, job: JobArg, yes: YesOpt = False) -> None:
    """Remove a job's journal and result files (a damaged journal too); asks first."""
    from pivotal_cli.jobs import catalog

    out = ctx.obj.output
    found = catalog.forgettable(job)
    files = len(found.files)
    what = f"its journal and {files} result file{'' if files == 1 else 's'}"
    warning = (
        " It is unfinished: once forgotten it can no longer be resumed." if found.unfinished else ""
    )
    out.confirm(f"Forget import job {job} ({what})?{warning}", assume_yes=yes)
    catalog.forget(found)
    out.success(f"Forgot import job {job}: removed {what}.")
    if found.unfinished:
        out.warn(f"Job {job} was unfinished; it can no longer be resumed.")
