"""Contact calls. Contacts live under a customer for list and create."""

from __future__ import annotations

from collections.abc import Mapping

from pivotal_cli.client import customers
from pivotal_cli.client.http import Client, Response
from pivotal_cli.client.ids import record_path
from pivotal_cli.client.objects import checked
from pivotal_cli.client.pagination import fetch_page, items
from pivotal_cli.domain.records import JSONValue, Record


def list_for(client: Client, customer_ref: str) -> list[Record]:
    """All contacts of a customer, primary first (the endpoint is not paginated)."""
    customer = record_path("customer", customers.resolve_id(client, customer_ref))
    # fetch_page refuses a body that is not a list page rather than showing no contacts.
    return items(fetch_page(client, f"{customer}/contacts", {}))


def get(client: Client, contact_id: str) -> Record:
    return checked(client.get(record_path("contact", contact_id)).record(), "contact")


def create(
    client: Client,
    customer_ref: str,
    body: Mapping[str, JSONValue],
    *,
    idempotency_key: str | None = None,
) -> Response:
    customer = record_path("customer", customers.resolve_id(client, customer_ref))
    return client.post(f"{customer}/contacts", body, idempotency_key=idempotency_key)


def update(client: Client, contact_id: str, body: Mapping[str, JSONValue]) -> Response:
    return client.patch(record_path("contact", contact_id), body)


def delete(client: Client, contact_id: str) -> Response:
    return client.delete(record_path("contact", contact_id))
