"""Customer calls: list, get, create, update, delete, and resolving a slug to an id."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pivotal_cli.client.http import Client, Response
from pivotal_cli.client.ids import is_id, record_path
from pivotal_cli.client.objects import checked
from pivotal_cli.client.pagination import fetch_page, items, iter_items
from pivotal_cli.domain.records import JSONValue, Record
from pivotal_cli.errors import NotFoundError


def list_page(
    client: Client,
    *,
    status: str | None = None,
    slug: str | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> Record:
    params = {"status": status, "slug": slug, "limit": limit, "cursor": cursor}
    return fetch_page(client, "/customers", params)


def iter_all(
    client: Client,
    *,
    status: str | None = None,
    slug: str | None = None,
    page_size: int | None = None,
    cursor: str | None = None,
) -> Iterator[Record]:
    """Every customer from `cursor` on (the start when None), page by page."""
    params = {"status": status, "slug": slug}
    return iter_items(client, "/customers", params, page_size=page_size, cursor=cursor)


def get(client: Client, ref: str) -> Record:
    """A customer by display_id, cuid or slug."""
    ref = ref.strip()
    if is_id(ref):
        return checked(client.get(record_path("customer", ref)).record(), "customer")
    return find_by_slug(client, ref)


def find_by_slug(client: Client, slug: str) -> Record:
    """Look a slug up with the documented `?slug=` filter (display_id vs id guide).

    list-customers does not declare that filter (docs/api-choices.md item 4), and a server that
    ignores it answers with the newest customers instead. So the match is checked,
    and when the first answer does not hold it, the whole list is walked.
    """
    first = items(list_page(client, slug=slug, limit=1))
    for customer in first:
        if customer.get("slug") == slug:
            return checked(customer, "customer")
    if first:  # filter ignored: look through everything
        for customer in iter_all(client):
            if customer.get("slug") == slug:
                return checked(customer, "customer")
    raise NotFoundError(
        f"No customer has the slug '{slug}'.",
        status=404,
        code="customer_not_found",
        reason="slug_not_found",
        details={"slug": slug},
    )


def resolve_id(client: Client, ref: str) -> str:
    """An id the API accepts for `ref`; slugs cost one lookup, ids none."""
    ref = ref.strip()
    if is_id(ref):
        return ref
    return str(find_by_slug(client, ref)["id"])


def create(
    client: Client, body: Mapping[str, JSONValue], *, idempotency_key: str | None = None
) -> Response:
    return client.post("/customers", body, idempotency_key=idempotency_key)


def update(client: Client, ref: str, body: Mapping[str, JSONValue]) -> Response:
    return client.patch(record_path("customer", resolve_id(client, ref)), body)


def delete(client: Client, customer_id: str) -> Response:
    return client.delete(record_path("customer", customer_id))
