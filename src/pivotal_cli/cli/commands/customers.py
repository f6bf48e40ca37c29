"""`pivotal customers`: list, get, create, update, delete and open customers."""

from collections.abc import Iterable
from typing import Annotated, Any

import typer

from pivotal_cli.cli.choices import StatusOpt, value_of
from pivotal_cli.cli.flows import Paging, paged
from pivotal_cli.cli.options import group
from pivotal_cli.cli.resource_commands import Resource, register

app = group("List, create, update and delete customers.")

CustomerRef = Annotated[str, typer.Argument(help="display_id, cuid or slug.", show_default=False)]
SlugOpt = Annotated[
    str | None, typer.Option("--slug", metavar="SLUG", help="Only the customer with this slug.")
]


def _rows(
    client: Any, paging: Paging, *, status: object, slug: str | None
) -> tuple[Iterable[dict[str, Any]], Any]:
    from pivotal_cli.client import customers

    status_value = value_of(status)
    return paged(
        paging,
        walk=lambda at: customers.iter_all(client, status=status_value, slug=slug, cursor=at),
        page=lambda n, at: customers.list_page(
            client, status=status_value, slug=slug, limit=n, cursor=at
        ),
    )


CUSTOMER = Resource(
    "customer",
    CustomerRef,
    help={
        "list": "List customers, newest first. Pipes get tab-separated rows; --json an array.",
        "get": "Show one customer, by display_id, cuid or slug.",
        "create": "Create a customer. Safe to retry: every create carries an Idempotency-Key.",
        "update": "Change some fields of a customer; the others stay as they are.",
        "delete": "Soft-delete a customer (hidden from reads, kept for audit). Asks first.",
        "open": "Open the customer's page in the Pivotal app (or print its URL).",
    },
    created=lambda c: f"Created customer {c.get('display_id')} ({c.get('name')}).",
    updated=lambda c: f"Updated customer {c.get('display_id')} ({c.get('name')}).",
    describe=lambda c: f"customer {c['display_id']} '{c.get('name')}'",
    rows=_rows,
    list_filters=(("status", StatusOpt, None), ("slug", SlugOpt, None)),
    paginated=True,
    delete_note="; its contacts and onboardings stay stored",
    opens=True,
)
commands = register(app, CUSTOMER, "list", "get", "create", "update", "delete", "open")


# Aliases as gh has them; hidden, so help and completion list each command once.
app.command("ls", hidden=True)(commands["list"])
app.command("view", hidden=True)(commands["get"])
