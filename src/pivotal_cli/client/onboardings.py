"""Onboarding calls: list (all, or one customer's), get, create, update, delete."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pivotal_cli.client import customers
from pivotal_cli.client.http import Client, QueryValue, Response
from pivotal_cli.client.ids import record_path
from pivotal_cli.client.objects import checked
from pivotal_cli.client.pagination import fetch_page, items, iter_items
from pivotal_cli.domain.records import JSONValue, Record


def _filters(
    client: Client, customer: str | None, state: str | None, phase: str | None
) -> dict[str, QueryValue]:
    customer_id = customers.resolve_id(client, customer) if customer else None
    return {"customer_id": customer_id, "state": state, "phase": phase}


def list_page(
    client: Client,
    *,
    customer: str | None = None,
    state: str | None = None,
    phase: str | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> Record:
    params = {**_filters(client, customer, state, phase), "limit": limit, "cursor": cursor}
    return fetch_page(client, "/onboardings", params)


def iter_all(
    client: Client,
    *,
    customer: str | None = None,
    state: str | None = None,
    phase: str | None = None,
    page_size: int | None = None,
    cursor: str | None = None,
) -> Iterator[Record]:
    """Every onboarding from `cursor` on (the start when None), page by page."""
    params = _filters(client, customer, state, phase)
    return iter_items(client, "/onboardings", params, page_size=page_size, cursor=cursor)


def list_for_customer(client: Client, customer_ref: str) -> list[Record]:
    """One customer's onboardings, newest first (that endpoint is not paginated)."""
    customer = record_path("customer", customers.resolve_id(client, customer_ref))
    return items(fetch_page(client, f"{customer}/onboardings", {}))


def get(client: Client, onboarding_id: str) -> Record:
    return checked(client.get(record_path("onboarding", onboarding_id)).record(), "onboarding")


def create(
    client: Client, body: Mapping[str, JSONValue], *, idempotency_key: str | None = None
) -> Response:
    body = dict(body)  # the caller's copy keeps the ref it gave
    if "customer_id" in body:
        body["customer_id"] = customers.resolve_id(client, str(body["customer_id"]))
    return client.post("/onboardings", body, idempotency_key=idempotency_key)


def update(client: Client, onboarding_id: str, body: Mapping[str, JSONValue]) -> Response:
    return client.patch(record_path("onboarding", onboarding_id), body)


def delete(client: Client, onboarding_id: str) -> Response:
    return client.delete(record_path("onboarding", onboarding_id))
