"""The views of `pivotal health` and `pivotal me`: one record each, from the API's facts.

Render sits below the client, so the key's identity and the rate-limit bucket come in
as whatever objects carry them (the client's `Identity` and `RateLimit`), read by
attribute.
"""

from __future__ import annotations

import time
from typing import Any

from pivotal_cli.render.columns import Column

Row = dict[str, Any]


def health_view(body: Any, latency_ms: float, base_url: str) -> tuple[Row, list[Column]]:
    """The health record; fields the server left out are not shown."""
    report = body if isinstance(body, dict) else {}
    status = report.get("status")
    row = {
        "status": status or "unknown",
        "timestamp": report.get("timestamp", ""),
        "version": report.get("version", ""),
        "latency": f"{latency_ms:.0f} ms",
        "api": base_url,
    }
    style = "green" if status == "ok" else "red"
    fields = [
        Column("status", "Status", human=lambda r: f"[{style}]{r['status']}[/]"),
        Column("timestamp", "Server time"),
        Column("version", "Version"),
        Column("latency", "Latency"),
        Column("api", "API"),
    ]
    return row, [f for f in fields if row[f.key] != ""]


def me_view(
    identity: Any, bucket: Any, mode: str, base_url: str, key_source: str
) -> tuple[Row, list[Column]]:
    """Who the key is, the mode (LIVE stands out), and what is left of the bucket."""
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
        "base_url": base_url,
        "key_source": key_source,
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
    return row, fields
