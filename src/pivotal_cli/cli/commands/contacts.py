"""`pivotal contacts`: the people at a customer. One of them is the primary."""

from typing import Annotated

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.flows import show_list
from pivotal_cli.cli.options import (
    ColumnsOpt,
    CsvOpt,
    JqArgOpt,
    JqOpt,
    JsonlOpt,
    JsonOpt,
    TemplateOpt,
    YesOpt,
    group,
)
from pivotal_cli.cli.resource_commands import Resource, register

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


CONTACT = Resource(
    "contact",
    ContactId,
    help={
        "add": "Add a contact to a customer (--name and --email, or both in --data).",
        "get": "Show one contact.",
        "update": "Change some fields of a contact; the others stay as they are.",
        "delete": "Soft-delete a contact (hidden from reads, kept for audit). Asks first.",
    },
    created=lambda c: f"Added contact {c.get('display_id')} ({c.get('email')}).",
    updated=lambda c: f"Updated contact {c.get('display_id')} ({c.get('email')}).",
    describe=lambda c: f"contact {c['display_id']} '{c.get('name')}' <{c.get('email')}>",
    parent=("customer", CustomerRef),
)
commands = register(app, CONTACT, "add", "get", "update", "delete")


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
app.command("view", hidden=True)(commands["get"])
