"""Contact calls. Contacts live under a customer for list and create."""

from __future__ import annotations

from typing import Any

from pivotal_cli.client import customers
from pivotal_cli.client.http import Client, Response
from pivotal_cli.client.ids import segment


def list_for(client: Client, customer_ref: str) -> list[dict[str, Any]]:
    """All contacts of a customer, primary first (the endpoint is not paginated)."""
    cid = segment(customers.resolve_id(client, customer_ref), "customer id")
    page = client.get(f"/customers/{cid}/contacts")
    return list(page.get("data", [])) if isinstance(page, dict) else []


def get(client: Client, contact_id: str) -> dict[str, Any]:
    return client.get(f"/contacts/{segment(contact_id, 'contact id')}")


def create(
    client: Client, customer_ref: str, body: dict[str, Any], *, idempotency_key: str | None = None
) -> Response:
    cid = segment(customers.resolve_id(client, customer_ref), "customer id")
    return client.post(f"/customers/{cid}/contacts", body, idempotency_key=idempotency_key)


def update(client: Client, contact_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return client.patch(f"/contacts/{segment(contact_id, 'contact id')}", body)


def delete(client: Client, contact_id: str) -> dict[str, Any]:
    return client.delete(f"/contacts/{segment(contact_id, 'contact id')}")
