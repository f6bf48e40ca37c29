"""`pivotal webhooks events`: the documented event types, with when each fires."""

from __future__ import annotations

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.commands.webhooks.common import JsonFlag, app_ctx


@handle_errors
def events_cmd(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """List the documented event types, with when each fires."""
    from pivotal_cli.domain.webhook_events import EVENT_TYPES

    out = app_ctx(ctx).output
    if as_json:
        out.json([{"type": name, "description": text} for name, text in EVENT_TYPES.items()])
        return
    width = max(len(name) for name in EVENT_TYPES)
    for name, text in EVENT_TYPES.items():
        out.line(f"{name:<{width}}  {text}")
