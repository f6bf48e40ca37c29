"""Test helpers: a frozen clock, and the exact response shapes of the docs' OpenAPI blocks.

Each shape maps every documented field to the JSON types it may take (None for null).
`assert_shape` fails on a missing field, an extra field, or a wrong type; booleans are
never accepted where integers are documented.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx

START = datetime(2026, 5, 26, 17, 21, 9, 412345, tzinfo=timezone.utc)


class FrozenClock:
    """A clock that stands still until `advance` is called."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


S, INT, B, N = str, int, bool, type(None)
MS_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")
US_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")
CUID = re.compile(r"c[0-9a-z]{24}")

CUSTOMER = {
    "object": (S,), "id": (S,), "display_id": (INT,), "name": (S,), "slug": (S, N),
    "domain": (S, N), "status": (S,), "plan": (S, N), "mrr": (INT, N),
    "monthly_orders": (INT, N), "hubspot_company_id": (S, N), "hubspot_deal_id": (S, N),
    "stripe_customer_id": (S, N), "intercom_company_id": (S, N),
    "slack_channel_id": (S, N), "metadata": (dict,), "created_at": (S,), "updated_at": (S,),
}  # fmt: skip
CONTACT = {
    "object": (S,), "id": (S,), "display_id": (INT,), "customer_id": (S,), "name": (S,),
    "email": (S,), "title": (S, N), "is_primary": (B,), "labels": (list,),
    "created_at": (S,), "updated_at": (S,),
}  # fmt: skip
ONBOARDING = {
    "object": (S,), "id": (S,), "display_id": (INT,), "customer_id": (S,),
    "template_id": (S, N), "phase": (S,), "state": (S,), "started_at": (S,),
    "completed_at": (S, N), "target_launch_date": (S, N), "csm_id": (S, N), "se_id": (S, N),
    "designer_id": (S, N), "product_ops_id": (S, N), "notes": (S, N),
    "waiting_on_customer": (B,), "waiting_on_customer_since": (S, N),
    "wizard_completed_at": (S, N), "reminder_email": (B,), "reminder_slack": (B,),
    "reminder_frequency_days": (INT,), "created_at": (S,), "updated_at": (S,),
}  # fmt: skip
DELETED = {"object": (S,), "id": (S,), "display_id": (INT,), "deleted": (B,)}
LIST = {"object": (S,), "data": (list,), "has_more": (B,), "next_cursor": (S, N)}
INSTANT_FIELDS = {
    "created_at", "updated_at", "started_at", "completed_at", "target_launch_date",
    "waiting_on_customer_since", "wizard_completed_at",
}  # fmt: skip


def _type_ok(value: Any, allowed: tuple[type, ...]) -> bool:
    if isinstance(value, bool):
        return bool in allowed
    return isinstance(value, allowed)


def assert_shape(body: dict[str, Any], shape: dict[str, tuple[type, ...]]) -> None:
    assert set(body) == set(shape), f"fields differ: {set(body) ^ set(shape)}"
    for name, allowed in shape.items():
        assert _type_ok(body[name], allowed), f"{name}={body[name]!r} is not {allowed}"
        if name in INSTANT_FIELDS and body[name] is not None:
            assert MS_INSTANT.fullmatch(body[name]), f"{name}={body[name]!r} is not ISO ms Z"
    if "id" in shape:
        assert CUID.fullmatch(body["id"]), body["id"]


def assert_list(body: dict[str, Any], item_shape: dict[str, tuple[type, ...]]) -> None:
    assert_shape(body, LIST)
    assert body["object"] == "list"
    for item in body["data"]:
        assert_shape(item, item_shape)


def assert_error(
    response: httpx.Response,
    status: int,
    type_: str,
    code: str,
    field: str | None = None,
    message: str | None = None,
) -> dict[str, Any]:
    """The response is the documented error envelope with exactly these values."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    expected_keys = {"type", "code", "message"} | ({"field"} if field is not None else set())
    assert set(error) == expected_keys, error
    assert (error["type"], error["code"]) == (type_, code), error
    assert isinstance(error["message"], str) and error["message"]
    if field is not None:
        assert error["field"] == field
    if message is not None:
        assert error["message"] == message
    return error  # type: ignore[no-any-return]


def invalid(
    response: httpx.Response, code: str, field: str | None = None, message: str | None = None
) -> None:
    assert_error(response, 400, "invalid_request_error", code, field, message)
