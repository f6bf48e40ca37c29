"""Verify and handle Pivotal's webhooks (Standard Webhooks signatures, as Svix signs them)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

TOLERANCE = 300  # seconds either way, as the docs say


class InvalidSignature(ValueError):
    pass


def verify(secret: str, headers: dict[str, str], body: bytes, now: float | None = None) -> Any:
    """The event, if `body` was signed with `secret` in the last five minutes."""
    headers = {name.lower(): value for name, value in headers.items()}
    msg_id, stamp = headers.get("svix-id"), headers.get("svix-timestamp")
    signatures = headers.get("svix-signature", "").split()
    if not msg_id or not stamp or not signatures:
        raise InvalidSignature("missing signature headers")
    if abs((time.time() if now is None else now) - int(stamp)) > TOLERANCE:
        raise InvalidSignature("timestamp out of tolerance")
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{msg_id}.{stamp}.".encode() + body, hashlib.sha256).digest()
    expected = base64.b64encode(digest).decode()
    if not any(hmac.compare_digest(sig.partition(",")[2], expected) for sig in signatures):
        raise InvalidSignature("no signature matches")
    return json.loads(body)


class Inbox:
    """What the receiver keeps: the customers Pivotal told it about, by id."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.customers: dict[str, dict[str, Any]] = {}
        self.seen: set[str] = set()

    def handle(self, headers: dict[str, str], body: bytes) -> int:
        """Handles one delivery; returns the status to answer (a retry is deduplicated)."""
        try:
            event = verify(self.secret, headers, body)
        except InvalidSignature:
            return 400
        if event["id"] in self.seen:
            return 204
        self.seen.add(event["id"])
        if event["type"].startswith("customer."):
            customer = event["data"]["object"]
            self.customers[customer["id"]] = customer
        return 204
