"""`pivotal customers`: list, get, create, update, delete and open customers."""

from collections.abc import Iterable
from typing import Annotated, Any

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.choices import StatusOpt, value_of
from pivotal_cli.cli.flows import paged, show_list
from pivotal_cli.cli.options import (
    AllOpt,
    ColumnsOpt,
    CsvOpt,
    CursorOpt,
    JqArgOpt,
    JqOpt,
    JsonlOpt,
    JsonOpt,
    LimitOpt,
    TemplateOpt,
    group,
)
from pivotal_cli.cli.resource_commands import Resource, register
from pivotal_cli.cli.web import WebOpt

app = group("List, create, update and delete customers.")

CustomerRef = Annotated[str, typer.Argument(help="display_id, cuid or slug.", show_default=False)]


@app.command("list")
@handle_errors
def list_(
    ctx: typer.Context,
    status: StatusOpt = None,
    slug: Annotated[
        str | None, typer.Option("--slug", metavar="SLUG", help="Only the customer with this slug.")
    ] = None,
    limit: LimitOpt = None,
    cursor: CursorOpt = None,
    all_: AllOpt = False,
    columns: ColumnsOpt = None,
    json_: JsonOpt = False,
    jsonl: JsonlOpt = False,
    csv_: CsvOpt = False,
    jq: JqOpt = None,
    jq_arg: JqArgOpt = None,
    template: TemplateOpt = None,
    web: WebOpt = False,
) -> None:
    """List customers, newest first. Pipes get tab-separated rows; --json an array."""
    if web:  # the app's list page: no request needed
        from pivotal_cli.cli.web import open_or_print
        from pivotal_cli.render.links import list_url

        open_or_print(ctx.obj, list_url(ctx.obj.target().base_url, "customers"))
        return
    from pivotal_cli.client import customers
    from pivotal_cli.render.views import CUSTOMER_COLUMNS, CUSTOMER_DEFAULT

    status_value = value_of(status)

    def fetch(client: Any) -> tuple[Iterable[dict[str, Any]], Any]:
        return paged(
            all_,
            limit,
            cursor,
            walk=lambda at: customers.iter_all(client, status=status_value, slug=slug, cursor=at),
            page=lambda n, at: customers.list_page(
                client, status=status_value, slug=slug, limit=n, cursor=at
            ),
        )

    show_list(
        ctx.obj,
        fetch,
        columns=CUSTOMER_COLUMNS,
        default=CUSTOMER_DEFAULT,
        requested=columns,
        json_=json_,
        jsonl=jsonl,
        csv_=csv_,
        noun="customers",
        jq=jq,
        jq_args=jq_arg,
        template=template,
        progress=all_,
    )


CUSTOMER = Resource(
    "customer",
    CustomerRef,
    help={
        "get": "Show one customer, by display_id, cuid or slug.",
        "create": "Create a customer. Safe to retry: every create carries an Idempotency-Key.",
        "update": "Change some fields of a customer; the others stay as they are.",
        "delete": "Soft-delete a customer (hidden from reads, kept for audit). Asks first.",
        "open": "Open the customer's page in the Pivotal app (or print its URL).",
    },
    created=lambda c: f"Created customer {c.get('display_id')} ({c.get('name')}).",
    updated=lambda c: f"Updated customer {c.get('display_id')} ({c.get('name')}).",
    describe=lambda c: f"customer {c['display_id']} '{c.get('name')}'",
    delete_note="; its contacts and onboardings stay stored",
    opens=True,
)
commands = register(app, CUSTOMER, "get", "create", "update", "delete", "open")


# Aliases as gh has them; hidden, so help and completion list each command once.
app.command("ls", hidden=True)(list_)
app.command("view", hidden=True)(commands["get"])
