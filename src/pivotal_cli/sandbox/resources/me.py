"""`GET /api/v1/me`: the calling key and its workspace."""

from __future__ import annotations

from pivotal_cli.sandbox.engine.context import Ctx, Reply
from pivotal_cli.sandbox.engine.routes import handles


@handles("get-me")
def get_me(ctx: Ctx) -> Reply:
    """The spec's `Me`, plus the quickstart's flat fields and the `mode` the guides use.

    Code written from the reference reads `api_key.prefix`; code written from the
    Quickstart reads `key_prefix`. Both must work, so both shapes are served at once
    (`object` stays the spec's `me`: one value cannot be both).
    """
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
        "key_name": caller.key_name,
        "key_prefix": caller.key_prefix,
        "org_id": caller.workspace_id,
        "org_slug": caller.workspace_slug,
    }
