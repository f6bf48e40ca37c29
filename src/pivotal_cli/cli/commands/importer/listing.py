"""`pivotal import list`: every import job on this machine, one a line."""

from __future__ import annotations

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.commands.importer.options import rows
from pivotal_cli.cli.options import JsonOpt


@handle_errors
def list_(ctx: typer.Context, json_: JsonOpt = False) -> None:
    """Every import job on this machine, oldest first, unfinished ones marked."""
    from pivotal_cli.jobs import catalog

    found = catalog.summaries()
    out = ctx.obj.output
    if json_:
        out.json(found)
        return
    if not found:
        out.info("No import jobs.")
        return
    for row in found:
        state = "finished" if row["finished"] else "UNFINISHED"
        out.line(
            f"{row['job']}\t{row['resource']}\t{row['mode']}\t{rows(row['rows'])}\t"
            f"{row['failed']} failed\t{state}"
        )
