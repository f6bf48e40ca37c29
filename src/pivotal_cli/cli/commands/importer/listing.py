"""`pivotal import list`: every import job on this machine (a table; piped, one a line).

A job whose journal cannot be used is listed too, as `damaged: …` (in `--json`, an
entry with `job`, `journal` and `error`), with a warning naming what to do. The list
itself is whole and true, so it exits 0 (the README's exit codes say so); `import
status JOB` of that job exits 1.
"""

from __future__ import annotations

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.commands.importer.options import rows
from pivotal_cli.cli.options import JsonOpt


@handle_errors
def list_(ctx: typer.Context, json_: JsonOpt = False) -> None:
    """Every import job on this machine, oldest first, unfinished and damaged ones marked."""
    from pivotal_cli.cli.hints import forget_damaged
    from pivotal_cli.jobs import catalog

    found = catalog.summaries()
    out = ctx.obj.output
    damaged = [row for row in found if "error" in row]
    for row in damaged:
        out.warn(
            f"Job {row['job']}: its journal {row['journal']} cannot be used. "
            + forget_damaged(row["job"])
        )
    if json_:
        out.json(found)
        return
    if not found:
        out.info("No import jobs.")
        return
    if out.is_tty:
        from pivotal_cli.render.formats import Format
        from pivotal_cli.render.jobs import JOB_COLUMNS, job_rows

        out.rows(job_rows(found), JOB_COLUMNS, Format.table)
        return
    for row in found:  # a pipe: the lines scripts read, unchanged
        if "error" in row:
            out.line(f"{row['job']}\tdamaged: {row['error']}")
            continue
        state = "finished" if row["finished"] else "UNFINISHED"
        out.line(
            f"{row['job']}\t{row['resource']}\t{row['mode']}\t{rows(row['rows'])}\t"
            f"{row['failed']} failed\t{state}"
        )
