"""`pivotal me`: which workspace and key the CLI is using, and the rate-limit bucket."""

import time

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.jq_flags import jq_flags
from pivotal_cli.cli.options import JsonOpt, group

app = group("Show the workspace and key in use, and the rate-limit bucket.")


@app.command("me")
@handle_errors
@jq_flags
def me(ctx: typer.Context, json_: JsonOpt = False) -> None:
    """Show the workspace and key in use, the mode, and the rate-limit figures."""
    from pivotal_cli.client.meta import get_me
    from pivotal_cli.render.columns import Column

    app_ctx = ctx.obj
    target = app_ctx.target()
    with app_ctx.client(target=target) as client:
        identity, raw, bucket = get_me(client)
    out = app_ctx.output
    if json_:
        out.json(raw)
        return
    mode = identity.mode or target.mode or "unknown"
    mode_text = "[bold red]LIVE[/]" if mode == "live" else f"[green]{mode}[/]"
    reset = f"in {max(0, int(bucket.reset - time.time()))} s" if bucket.reset else ""
    row = {
        "workspace": f"{identity.org_slug}"
        + (f" ({identity.org_name})" if identity.org_name else ""),
        "key": f"{identity.key_name} ({identity.key_prefix}…)",
        "mode": mode,
        "tier": identity.rate_limit_tier or "",
        "rate_limit": (
            f"{bucket.remaining}/{bucket.limit} left, resets {reset}".strip()
            if bucket.limit is not None
            else "not reported"
        ),
        "base_url": target.base_url,
        "key_source": target.source,
    }
    fields = [
        Column("workspace", "Workspace"),
        Column("key", "Key"),
        Column("mode", "Mode", human=lambda r: mode_text),
        Column("tier", "Rate-limit tier"),
        Column("rate_limit", "Rate limit"),
        Column("base_url", "API"),
        Column("key_source", "Key from"),
    ]
    out.record(row, fields)
