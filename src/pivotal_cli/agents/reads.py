"""The read tools: get one record, list a page (with the cursor to the next), the
workspace at a glance, and whose key this is. The same client calls as the commands."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from pivotal_cli.agents.schemas import DEFAULT_PAGE, MAX_PAGE
from pivotal_cli.errors import UsageError

if TYPE_CHECKING:
    from pivotal_cli.agents.session import Session


def text(arguments: dict[str, Any], name: str, *, required: bool = True) -> str | None:
    """An argument that must be a non-empty string (when given)."""
    value = arguments.get(name)
    if value is None or value == "":
        if required:
            raise UsageError(f"'{name}' is required.", reason="missing_argument")
        return None
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise UsageError(f"'{name}' must be a string.", reason="invalid_argument")
    return str(value).strip()


def choice(arguments: dict[str, Any], name: str, allowed: tuple[str, ...]) -> str:
    value = str(text(arguments, name))
    if name == "resource":
        # Models mix "customer" and "customers" between tools: either names the resource.
        for form in (f"{value}s", value.removesuffix("s")):
            if value not in allowed and form in allowed:
                value = form
    if value not in allowed:
        raise UsageError(
            f"'{name}' must be one of {', '.join(allowed)}, not {value!r}.",
            reason="invalid_argument",
        )
    return value


def fetch(client: Any, resource: str, ref: str) -> dict[str, Any]:
    """One record of `resource` by display_id, cuid or (customers) slug."""
    from pivotal_cli.client import contacts, customers, onboardings

    getter = {"customer": customers.get, "contact": contacts.get, "onboarding": onboardings.get}
    return getter[resource](client, ref)


def get(session: Session, arguments: dict[str, Any]) -> Any:
    resource = choice(arguments, "resource", ("customer", "contact", "onboarding"))
    ref = str(text(arguments, "ref"))
    with session.client() as client:
        return fetch(client, resource, ref)


def _limit(arguments: dict[str, Any]) -> int:
    value = arguments.get("limit", DEFAULT_PAGE)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_PAGE:
        raise UsageError(f"'limit' must be a whole number from 1 to {MAX_PAGE}.")
    return value


def list_records(session: Session, arguments: dict[str, Any]) -> Any:
    from pivotal_cli.client import contacts, customers, onboardings
    from pivotal_cli.client.pagination import items, next_cursor

    resource = choice(arguments, "resource", ("customers", "onboardings", "contacts"))
    customer = text(arguments, "customer", required=resource == "contacts")
    limit, cursor = _limit(arguments), text(arguments, "cursor", required=False)
    with session.client() as client:
        if resource == "contacts":
            found = contacts.list_for(client, str(customer))
            return {"items": found, "count": len(found), "next_cursor": None}
        if resource == "customers":
            status = text(arguments, "status", required=False)
            page = customers.list_page(client, status=status, limit=limit, cursor=cursor)
        else:
            page = onboardings.list_page(
                client,
                customer=customer,
                state=text(arguments, "state", required=False),
                phase=text(arguments, "phase", required=False),
                limit=limit,
                cursor=cursor,
            )
    found = items(page)
    return {"items": found, "count": len(found), "next_cursor": next_cursor(page)}


def status(session: Session, arguments: dict[str, Any]) -> Any:
    from pivotal_cli.client.customer_names import CustomerNames
    from pivotal_cli.client.glance import fetch as glance
    from pivotal_cli.domain.glance import as_json, week_named

    today = datetime.now(timezone.utc).date()
    try:
        week = week_named(text(arguments, "week", required=False), today)
    except ValueError:
        raise UsageError(
            "'week' must be this, next, last or a date (YYYY-MM-DD).", reason="invalid_argument"
        ) from None
    with session.client() as client:
        snap = glance(client, today, week, CustomerNames(client))
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        return as_json(snap.view, snap.name_of, now)


def me(session: Session, arguments: dict[str, Any]) -> Any:
    with session.client() as client:
        return client.get("/me").record()
