"""`/me` and `/health`: who a key is, and whether the API is up."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

from pivotal_cli.client.http import Client
from pivotal_cli.client.identity import Identity
from pivotal_cli.client.rate_limit import RateLimit
from pivotal_cli.domain.records import JSONValue


def get_me(client: Client) -> tuple[Identity, JSONValue, RateLimit]:
    """The key's identity (either documented shape), the raw body, and the bucket."""
    from pivotal_cli.errors import ServerError

    raw = client.get("/me").data
    try:
        identity = Identity.from_api(raw)
    except ValueError as exc:
        raise ServerError(
            f"/me answered with a body this version cannot read: {exc}.",
            status=200,
            reason="unexpected_body",
        ) from None
    return identity, raw, client.rate_limit


def get_health(client: Client) -> tuple[JSONValue, float]:
    """The health body and the round-trip time in milliseconds."""
    probe = probe_health(client)
    return probe.body, probe.latency_ms


@dataclass(frozen=True)
class HealthProbe:
    """One /health answer with what a diagnosis needs beyond the body."""

    body: JSONValue
    latency_ms: float
    # The response headers: `Date` tells the server's clock.
    headers: Mapping[str, str]


def probe_health(client: Client) -> HealthProbe:
    """Like `get_health`, and also hands back the response headers."""
    started = time.perf_counter()
    response = client.get("/health")
    latency_ms = (time.perf_counter() - started) * 1000
    # A list or a string is no health report: say so rather than "status 'None'".
    return HealthProbe(response.record(), latency_ms, response.headers)
