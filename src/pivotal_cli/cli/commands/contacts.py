"""`pivotal contacts`: the people at a customer. One of them is the primary."""

from typing import Annotated, Any

import typer

from pivotal_cli.cli.body_flags import body_flags, build_body
from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.flows import emit_record, select_columns, show_list, soft_delete, write_record
from pivotal_cli.cli.jq_flags import jq_flags
from pivotal_cli.cli.options import (
    ColumnsOpt,
    CsvOpt,
    DataOpt,
    IdempotencyKeyOpt,
    JqArgOpt,
    JqOpt,
    JsonlOpt,
    JsonOpt,
    TemplateOpt,
    YesOpt,
    group,
)

app = group("List, add, update and delete a customer's contacts.")

CustomerRef = Annotated[
    str, typer.Argument(help="The customer: display_id, cuid or slug.", show_default=False)
]
ContactId = Annotated[str, typer.Argument(help="Contact display_id or cuid.", show_default=False)]


@app.command("list")
@handle_errors
def list_(
    ctx: typer.Context,
    customer: CustomerRef,
    columns: ColumnsOpt = None,
    json_: JsonOpt = False,
    jsonl: JsonlOpt = False,
    csv_: CsvOpt = False,
    jq: JqOpt = None,
    jq_arg: JqArgOpt = None,
    template: TemplateOpt = None,
) -> None:
    """List a customer's contacts, primary first, then newest."""
    from pivotal_cli.client import contacts
    from pivotal_cli.render.views import CONTACT_COLUMNS, CONTACT_DEFAULT

    show_list(
        ctx.obj,
        lambda client: (contacts.list_for(client, customer), None),
        columns=CONTACT_COLUMNS,
        default=CONTACT_DEFAULT,
        requested=columns,
        json_=json_,
        jsonl=jsonl,
        csv_=csv_,
        noun="contacts",
        jq=jq,
        jq_args=jq_arg,
        template=template,
    )


@app.command("add")
@handle_errors
@jq_flags
@body_flags("contact", "create")
def add(
    ctx: typer.Context,
    customer: CustomerRef,
    data: DataOpt = None,
    idempotency_key: IdempotencyKeyOpt = None,
    json_: JsonOpt = False,
    **fields: Any,
) -> None:
    """Add a contact to a customer (--name and --email, or both in --data)."""
    from pivotal_cli.client import contacts
    from pivotal_cli.render.views import CONTACT_COLUMNS

    body = build_body("contact", "create", fields, data)
    write_record(
        ctx.obj,
        lambda client: contacts.create(client, customer, body, idempotency_key=idempotency_key),
        columns=CONTACT_COLUMNS,
        json_=json_,
        done=lambda c: f"Added contact {c.get('display_id')} ({c.get('email')}).",
    )


@app.command("get")
@handle_errors
def get(
    ctx: typer.Context,
    contact: ContactId,
    columns: ColumnsOpt = None,
    json_: JsonOpt = False,
    jq: JqOpt = None,
    jq_arg: JqArgOpt = None,
    template: TemplateOpt = None,
) -> None:
    """Show one contact."""
    from pivotal_cli.client import contacts
    from pivotal_cli.render.views import CONTACT_COLUMNS

    if columns:  # a typo is exit 2 before any request
        select_columns(CONTACT_COLUMNS, (), columns)
    with ctx.obj.client() as client:
        emit_record(
            ctx.obj,
            contacts.get(client, contact),
            CONTACT_COLUMNS,
            json_,
            jq=jq,
            jq_args=jq_arg,
            template=template,
            requested=columns,
        )


@app.command("update")
@handle_errors
@jq_flags
@body_flags("contact", "update")
def update(
    ctx: typer.Context,
    contact: ContactId,
    data: DataOpt = None,
    json_: JsonOpt = False,
    **fields: Any,
) -> None:
    """Change some fields of a contact; the others stay as they are."""
    from pivotal_cli.client import contacts
    from pivotal_cli.render.views import CONTACT_COLUMNS

    body = build_body("contact", "update", fields, data)
    write_record(
        ctx.obj,
        lambda client: contacts.update(client, contact, body),
        columns=CONTACT_COLUMNS,
        json_=json_,
        done=lambda c: f"Updated contact {c.get('display_id')} ({c.get('email')}).",
    )


@app.command("delete")
@handle_errors
@jq_flags
def delete(
    ctx: typer.Context, contact: ContactId, yes: YesOpt = False, json_: JsonOpt = False
) -> None:
    """Soft-delete a contact (hidden from reads, kept for audit). Asks first."""
    from pivotal_cli.client import contacts

    soft_delete(
        ctx.obj,
        contacts,
        contact,
        lambda c: f"contact {c['display_id']} '{c.get('name')}' <{c.get('email')}>",
        yes=yes,
        json_=json_,
    )


@app.command("import")
@handle_errors
def import_(
    ctx: typer.Context,
    customer: CustomerRef,
    source: Annotated[
        str | None,
        typer.Argument(
            metavar="[FILE|-]",
            help="The list: one contact a line, name, email, title (default: stdin).",
            show_default=False,
        ),
    ] = None,
    yes: YesOpt = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the preview only; add nothing.")
    ] = False,
    json_: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print the contacts added as a JSON array (with --dry-run: the rows read).",
        ),
    ] = False,
) -> None:
    """Add a pasted list of contacts to a customer: one a line, name, email, title.

    Values are CSV: quote a value that holds a comma. Blank lines and a header line
    name,email,title are skipped. A preview flags rows with a missing name or a bad
    email, which are skipped; then it asks. The first contact becomes primary when
    the customer has none. Each row is sent with an idempotency key made from the
    customer and the row, so pasting the same list again adds nothing twice.
    """
    from pivotal_cli.cli import contact_import

    contact_import.run(ctx.obj, customer, source, yes=yes, dry_run=dry_run, json_=json_)


# Aliases as gh has them; hidden, so help and completion list each command once.
app.command("ls", hidden=True)(list_)
app.command("view", hidden=True)(get)
