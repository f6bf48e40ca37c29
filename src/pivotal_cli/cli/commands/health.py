"""`pivotal health`: is the API up? Needs no key; exits 8 when it is not."""

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.jq_flags import jq_flags
from pivotal_cli.cli.options import JsonOpt, group

app = group("Check that the API is up (no key needed).")


@app.command("health")
@handle_errors
@jq_flags
def health(ctx: typer.Context, json_: JsonOpt = False) -> None:
    """Show the API's status, its clock and the round-trip latency."""
    from pivotal_cli.client.meta import get_health
    from pivotal_cli.client.retry import RetryPolicy
    from pivotal_cli.errors import ServerError
    from pivotal_cli.render.meta import health_view

    app_ctx = ctx.obj
    target = app_ctx.target(require_key=False)
    # /health is unauthenticated: never send a key to it. A check answers fast: a
    # refused connection is the answer (API down), not a blip to retry.
    with app_ctx.client_for(
        target.base_url,
        None,
        transport=target.transport,
        retry=RetryPolicy(max_connect_attempts=1),
    ) as client:
        body, latency_ms = get_health(client)
    if json_:
        app_ctx.output.json(body)
    else:
        app_ctx.output.record(*health_view(body, latency_ms, target.base_url))
    status = body.get("status") if isinstance(body, dict) else None
    if status != "ok":
        raise ServerError(f"The API reports status '{status}'.", status=200)
