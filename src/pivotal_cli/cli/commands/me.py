"""`pivotal me`: which workspace and key the CLI is using, and the rate-limit bucket."""

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
    from pivotal_cli.render.meta import me_view

    app_ctx = ctx.obj
    target = app_ctx.target()
    with app_ctx.client(target=target) as client:
        identity, raw, bucket = get_me(client)
    if json_:
        app_ctx.output.json(raw)
        return
    mode = identity.mode or target.mode or "unknown"
    app_ctx.output.record(*me_view(identity, bucket, mode, target.base_url, target.source))
