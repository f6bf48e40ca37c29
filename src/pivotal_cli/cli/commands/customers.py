"""`pivotal customers`: list, get, create, update, delete and open customers."""

from collections.abc import Iterable
from typing import Annotated, Any

import typer

from pivotal_cli.cli.body_flags import body_flags, build_body
from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.choices import StatusOpt, value_of
from pivotal_cli.cli.flows import (
    emit_record,
    one_page,
    select_columns,
    show_list,
    soft_delete,
    write_record,
)
from pivotal_cli.cli.jq_flags import jq_flags
from pivotal_cli.cli.options import (
    AllOpt,
    ColumnsOpt,
    CsvOpt,
    CursorOpt,
    DataOpt,
    IdempotencyKeyOpt,
    JqArgOpt,
    JqOpt,
    JsonlOpt,
    JsonOpt,
    LimitOpt,
    TemplateOpt,
    YesOpt,
    group,
)
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
        if all_:
            # --all wins over -L: every record, as it did when -L was a page size.
            walk = customers.iter_all(client, status=status_value, slug=slug, cursor=cursor)
            return walk, None
        if limit:
            from pivotal_cli.client.pagination import Take

            take = Take(
                lambda n, at: customers.list_page(
                    client, status=status_value, slug=slug, limit=n, cursor=at
                ),
                limit,
                cursor,
            )
            return take, lambda: take.next_cursor
        return one_page(
            customers.list_page(client, status=status_value, slug=slug, limit=limit, cursor=cursor)
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


@app.command("get")
@handle_errors
def get(
    ctx: typer.Context,
    customer: CustomerRef,
    columns: ColumnsOpt = None,
    json_: JsonOpt = False,
    web: WebOpt = False,
    jq: JqOpt = None,
    jq_arg: JqArgOpt = None,
    template: TemplateOpt = None,
) -> None:
    """Show one customer, by display_id, cuid or slug."""
    from pivotal_cli.client import customers
    from pivotal_cli.render.views import CUSTOMER_COLUMNS

    if web:
        return open_(ctx, customer)

    if columns:  # a typo is exit 2 before any request
        select_columns(CUSTOMER_COLUMNS, (), columns)
    with ctx.obj.client() as client:
        emit_record(
            ctx.obj,
            customers.get(client, customer),
            CUSTOMER_COLUMNS,
            json_,
            jq=jq,
            jq_args=jq_arg,
            template=template,
            requested=columns,
        )


@app.command("create")
@handle_errors
@jq_flags
@body_flags("customer", "create")
def create(
    ctx: typer.Context,
    data: DataOpt = None,
    idempotency_key: IdempotencyKeyOpt = None,
    json_: JsonOpt = False,
    **fields: Any,
) -> None:
    """Create a customer. Safe to retry: every create carries an Idempotency-Key."""
    from pivotal_cli.client import customers
    from pivotal_cli.render.views import CUSTOMER_COLUMNS

    body = build_body("customer", "create", fields, data)
    write_record(
        ctx.obj,
        lambda client: customers.create(client, body, idempotency_key=idempotency_key),
        columns=CUSTOMER_COLUMNS,
        json_=json_,
        done=lambda c: f"Created customer {c.get('display_id')} ({c.get('name')}).",
    )


@app.command("update")
@handle_errors
@jq_flags
@body_flags("customer", "update")
def update(
    ctx: typer.Context,
    customer: CustomerRef,
    data: DataOpt = None,
    json_: JsonOpt = False,
    **fields: Any,
) -> None:
    """Change some fields of a customer; the others stay as they are."""
    from pivotal_cli.client import customers
    from pivotal_cli.render.views import CUSTOMER_COLUMNS

    body = build_body("customer", "update", fields, data)
    write_record(
        ctx.obj,
        lambda client: customers.update(client, customer, body),
        columns=CUSTOMER_COLUMNS,
        json_=json_,
        done=lambda c: f"Updated customer {c.get('display_id')} ({c.get('name')}).",
    )


@app.command("delete")
@handle_errors
@jq_flags
def delete(
    ctx: typer.Context, customer: CustomerRef, yes: YesOpt = False, json_: JsonOpt = False
) -> None:
    """Soft-delete a customer (hidden from reads, kept for audit). Asks first."""
    from pivotal_cli.client import customers

    soft_delete(
        ctx.obj,
        customers,
        customer,
        lambda c: f"customer {c['display_id']} '{c.get('name')}'",
        yes=yes,
        json_=json_,
        note="; its contacts and onboardings stay stored",
    )


@app.command("open")
@handle_errors
def open_(
    ctx: typer.Context,
    customer: CustomerRef,
    print_only: Annotated[bool, typer.Option("--print", help="Only print the URL.")] = False,
) -> None:
    """Open the customer's page in the Pivotal app (or print its URL)."""
    from pivotal_cli.client import customers
    from pivotal_cli.render.links import customer_url, open_in_browser

    app_ctx = ctx.obj
    target = app_ctx.target()
    with app_ctx.client(target=target) as client:
        found = customers.get(client, customer)
    url = customer_url(target.base_url, found)
    if print_only or not open_in_browser(url, app_ctx.output):
        app_ctx.output.line(url)
    else:
        app_ctx.output.info(f"Opened {url}")


# Aliases as gh has them; hidden, so help and completion list each command once.
app.command("ls", hidden=True)(list_)
app.command("view", hidden=True)(get)
