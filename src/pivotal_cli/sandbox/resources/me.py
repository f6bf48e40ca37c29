"""`GET /api/v1/me`: the calling key and its workspace."""

from __future__ import annotations

from pivotal_cli.sandbox.engine.context import Ctx, Reply
from pivotal_cli.sandbox.engine.routes import handles


@handles("get-me")
def get_me(ctx: Ctx) -> Reply:
    """The spec's `Me`, plus an additive `mode` the guides rely on."""
    caller = ctx.caller
    return 200, {
        "object": "me",
        "api_key": {
            "id": caller.key_id,
            "name": caller.key_name,
            "prefix": caller.key_prefix,
            "scopes": ["*"],
            "rate_limit_tier": "default" if caller.mode == "live" else "test",
        },
        "organization": {
            "id": caller.workspace_id,
            "slug": caller.workspace_slug,
            "name": caller.workspace_name,
        },
        "mode": caller.mode,
    }
