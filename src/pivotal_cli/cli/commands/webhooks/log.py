"""`pivotal webhooks log`: list the deliveries `listen` recorded (`pivotal_cli.webhooks.log`)."""

from __future__ import annotations

from typing import Annotated

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.commands.webhooks.common import JsonFlag, app_ctx, warn_damaged, workspace


@handle_errors
def log(
    ctx: typer.Context,
    limit: Annotated[
        int, typer.Option("--limit", "-L", metavar="N", min=1, help="The N most recent.")
    ] = 20,
    as_json: JsonFlag = False,
) -> None:
    """List the deliveries `listen` recorded, oldest first (with --json: bodies and headers)."""
    from pivotal_cli.webhooks.log import log_path, read_log

    context = app_ctx(ctx)
    out = context.output
    where = workspace(context)
    log = read_log(log_path(where))
    warn_damaged(out, log, log_path(where))
    records = log.records[-limit:]
    if as_json:
        out.json([record.to_json() for record in records])
        return
    if not records:
        out.info(
            f"No deliveries recorded for workspace {where}: "
            "run `pivotal webhooks listen` and send some."
        )
        return
    if out.is_tty:
        from pivotal_cli.render.formats import Format
        from pivotal_cli.render.webhooks import log_columns

        shown = [
            {
                "received_at": r.received_at,
                "msg_id": r.msg_id or "?",
                "event_id": r.event_id or "?",
                "type": r.type or "?",
                "verdict": r.verdict,
                "status": r.status,
            }
            for r in records
        ]
        out.rows(shown, log_columns(), Format.table)
        return
    for record in records:  # a pipe: the lines scripts read, unchanged
        out.line(
            "  ".join(
                [
                    record.received_at,
                    record.msg_id or "?",
                    record.event_id or "?",
                    record.type or "?",
                    record.verdict,
                    str(record.status),
                ]
            )
        )
