"""Push CRM accounts to Pivotal as customers: create the new ones, update the changed ones.

Each account is matched by slug. Creates carry an Idempotency-Key derived from the
account, so a retry after a lost answer never creates a second customer. 429 and 5xx
answers, and dropped connections, are retried with the server's Retry-After (capped).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx

RETRIES = 5


@dataclass
class Report:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    retries: int = 0


def sync(
    client: httpx.Client,
    accounts: Iterable[dict[str, Any]],
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> Report:
    """Makes Pivotal's customers match `accounts` (dicts with slug, name, plan, mrr in cents)."""
    report = Report()
    for account in accounts:
        wanted = {
            "name": account["name"],
            "slug": account["slug"],
            "plan": account.get("plan"),
            "mrr": account.get("mrr"),
        }
        wanted = {k: v for k, v in wanted.items() if v is not None}
        found = _call(client, report, sleep, "GET", "/customers", params={"slug": account["slug"]})
        existing = found.json()["data"]
        if not existing:
            key = f"crm-sync-{account['slug']}"
            _call(client, report, sleep, "POST", "/customers", json=wanted, key=key)
            report.created.append(account["slug"])
            continue
        current = existing[0]
        changes = {k: v for k, v in wanted.items() if current.get(k) != v}
        if not changes:
            report.unchanged.append(account["slug"])
            continue
        _call(client, report, sleep, "PATCH", f"/customers/{current['id']}", json=changes)
        report.updated.append(account["slug"])
    return report


def _call(
    client: httpx.Client,
    report: Report,
    sleep: Callable[[float], None],
    method: str,
    path: str,
    *,
    key: str | None = None,
    **options: Any,
) -> httpx.Response:
    headers = {"Idempotency-Key": key} if key else {}
    for attempt in range(RETRIES):
        try:
            response = client.request(method, path, headers=headers, **options)
        except httpx.TransportError:
            response = None
        if response is not None and response.status_code < 429:
            response.raise_for_status()
            return response
        if response is not None and response.status_code not in (429, 500, 502, 503):
            response.raise_for_status()
        report.retries += 1
        wait = float(response.headers.get("Retry-After", 1)) if response is not None else 0.5
        sleep(min(wait, 30.0) * (attempt + 1))
    raise RuntimeError(f"{method} {path}: gave up after {RETRIES} attempts")
