"""`pivotal webhooks replay`: resend recorded deliveries, re-signed with a fresh timestamp.

Which deliveries, and how each is re-signed, are `pivotal_cli.webhooks.log` and
`.outgoing`; this module checks the options and words the outcome.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.commands.webhooks.common import (
    SecretOpt,
    app_ctx,
    check_url,
    need_secret,
    sent_line,
    warn_damaged,
    workspace,
)
from pivotal_cli.errors import NetworkError, PivotalError, UsageError

if TYPE_CHECKING:
    from pivotal_cli.webhooks.forward import Sent


@handle_errors
def replay(
    ctx: typer.Context,
    ids: Annotated[
        list[str] | None,
        typer.Argument(metavar="[ID]...", help="Event ids (evt_…) or delivery ids (msg_…)."),
    ] = None,
    last: Annotated[
        int | None,
        typer.Option("--last", metavar="N", min=1, help="The N most recent deliveries."),
    ] = None,
    forward_to: Annotated[
        str, typer.Option("--forward-to", metavar="URL", help="Where to resend them.")
    ] = "",
    secret: SecretOpt = None,
) -> None:
    """Resend recorded deliveries, re-signed with a fresh timestamp (same svix-id and body)."""
    import time

    from pivotal_cli.webhooks.forward import Poster
    from pivotal_cli.webhooks.log import choose, log_path, read_log
    from pivotal_cli.webhooks.outgoing import resigned

    context = app_ctx(ctx)
    out = context.output
    if not forward_to:
        raise UsageError("Pass --forward-to URL: where to resend the deliveries.")
    url = check_url(forward_to, "--forward-to")
    if not ids and last is None:
        raise UsageError("Name the deliveries to resend (evt_… or msg_… ids), or pass --last N.")
    signing = need_secret(context, secret, "re-sign the deliveries")
    where = workspace(context)
    log = read_log(log_path(where))
    warn_damaged(out, log, log_path(where))
    chosen = choose(log.records, ids or (), last, where)
    poster = Poster()
    failed: list[Sent] = []
    try:
        for record in chosen:
            msg_id, headers = resigned(record, signing, time.time())
            sent = poster.post(url, record.body, headers)
            out.line(f"{msg_id} {record.event_id or '?'} {record.type or '?'} → {sent_line(sent)}")
            if not sent.ok:
                failed.append(sent)
    finally:
        poster.close()
    if failed:
        total = len(chosen)
        if all(sent.status is None for sent in failed):
            raise NetworkError(
                f"{len(failed)} of {total} deliveries got no answer from {url}.",
                reason="receiver_unreachable",
            )
        raise PivotalError(f"{len(failed)} of {total} deliveries were not accepted by {url}.")
