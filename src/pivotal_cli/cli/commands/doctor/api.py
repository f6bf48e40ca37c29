"""The doctor's checks of the API: /health, the transport, proxies, the clock, and /me.

Every call is tried once with a short budget, so a down API costs seconds, not minutes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pivotal_cli.cli.context import AppContext, Target
    from pivotal_cli.client.meta import HealthProbe
    from pivotal_cli.domain.doctor import Check

# Seconds each API call of a check may take in all: one try, no retries.
API_BUDGET = 5.0


def keyless_target(app_ctx: AppContext) -> Target | None:
    """Where /health goes when no key could be resolved (it needs none)."""
    from pivotal_cli.errors import PivotalError

    try:
        return app_ctx.target(require_key=False)
    except PivotalError:
        return None


def _check_client(app_ctx: AppContext, target: Target, key: str | None) -> Any:
    from pivotal_cli.client.retry import RetryPolicy

    # One try, short budget: doctor reports a down API, it does not wait it out.
    return app_ctx.client_for(
        target.base_url,
        key,
        transport=target.transport,
        retry=RetryPolicy(max_attempts=1, max_connect_attempts=1),
        budget=API_BUDGET,
    )


def check_api(app_ctx: AppContext, target: Target) -> tuple[Check, HealthProbe | None]:
    from pivotal_cli.client.meta import probe_health
    from pivotal_cli.domain.doctor import FAIL, OK, Check
    from pivotal_cli.errors import PivotalError

    try:
        # /health is unauthenticated: never send a key to it.
        with _check_client(app_ctx, target, None) as client:
            probe = probe_health(client)
    except PivotalError as exc:
        return Check(
            "api",
            FAIL,
            [target.base_url, exc.message],
            "Check the network and the base URL (--base-url / PIVOTAL_BASE_URL), "
            "then run `pivotal health`.",
        ), None
    body = probe.body if isinstance(probe.body, dict) else {}
    status = body.get("status")
    detail = [target.base_url, f"GET /health: {status} in {probe.latency_ms:.0f} ms"]
    if status != "ok":
        return Check("api", FAIL, detail, "The API reports a problem; try again later."), probe
    return Check("api", OK, detail), probe


def check_tls(target: Target) -> Check:
    from pivotal_cli.domain.doctor import OK, Check, transport_verdict

    status, text = transport_verdict(target.base_url)
    if target.source == "sandbox":
        return Check("tls", OK, ["in-process sandbox: nothing leaves this machine"])
    fix = None if status == OK else "Use the https:// base URL of the API."
    return Check("tls", status, [text], fix)


def check_proxy(target: Target) -> Check:
    import os

    from pivotal_cli.domain.doctor import OK, Check, proxy_verdict

    status, names = proxy_verdict(os.environ, target.base_url)
    if target.source == "sandbox":
        detail = ["not used: the sandbox runs in-process"]
        if names:
            detail.append(f"set: {', '.join(names)}")
        return Check("proxy", OK, detail)
    if not names:
        return Check("proxy", OK, ["none set"])
    fix = (
        None
        if status == OK
        else "If requests hang or fail with TLS errors, unset the proxy variables "
        "or add the API's host to NO_PROXY."
    )
    return Check("proxy", status, [f"set: {', '.join(names)}"], fix)


def check_clock(probe: HealthProbe) -> Check:
    import time
    from datetime import datetime, timezone

    from pivotal_cli.domain.doctor import OK, WARN, Check, server_time, skew_verdict

    headers = {k.lower(): v for k, v in probe.headers.items()}
    body = probe.body if isinstance(probe.body, dict) else {}
    server = server_time(headers.get("date"), body.get("timestamp"))
    if server is None:
        return Check(
            "clock", WARN, ["the server sent no Date header or timestamp: skew not checked"]
        )
    # The server stamped its clock about half a round trip ago.
    local = datetime.fromtimestamp(time.time() - probe.latency_ms / 2000, timezone.utc)
    skew = (server - local).total_seconds()
    status = skew_verdict(skew)
    way = "behind" if skew > 0 else "ahead of"
    detail = [f"local clock {abs(skew):.0f} s {way} the server's"]
    if status == OK:
        return Check("clock", OK, detail)
    detail.append("webhook signatures fail past 5 minutes of skew")
    return Check("clock", status, detail, "Sync the system clock (turn on NTP / automatic time).")


def check_me(app_ctx: AppContext, target: Target) -> Check:
    import time

    from pivotal_cli.cli.commands.doctor.local_setup import login_fix
    from pivotal_cli.client.meta import get_me
    from pivotal_cli.domain.doctor import FAIL, OK, WARN, Check
    from pivotal_cli.errors import PivotalError

    try:
        with _check_client(app_ctx, target, target.api_key) as client:
            identity, _raw, bucket = get_me(client)
    except PivotalError as exc:
        return Check("me", FAIL, [exc.message], login_fix(exc))
    mode = identity.mode or target.mode or "unknown"
    workspace = identity.org_slug + (f" ({identity.org_name})" if identity.org_name else "")
    if bucket.limit is not None:
        reset = f", resets in {max(0, int(bucket.reset - time.time()))} s" if bucket.reset else ""
        left = f"requests left: {bucket.remaining}/{bucket.limit}{reset}"
    else:
        left = "requests left: not reported"
    detail = [
        f"workspace: {workspace}",
        f"key: {identity.key_name} ({identity.key_prefix}…)",
        f"mode: {'LIVE' if mode == 'live' else mode}",
        f"rate tier: {identity.rate_limit_tier or 'not reported'}",
        left,
    ]
    wanted = app_ctx.settings.mode
    if wanted and wanted != mode:
        detail.append(f"{wanted} mode was asked for, but this key is a {mode} key")
        return Check(
            "me",
            WARN,
            detail,
            f"Use a pivotal_{'test_' if wanted == 'test' else ''}… key for {wanted} mode.",
        )
    return Check("me", OK, detail)
