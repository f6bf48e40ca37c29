"""`pivotal contacts`: the people at a customer. One of them is the primary."""

from typing import Annotated, Any

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.flows import Paging
from pivotal_cli.cli.options import YesOpt, group
from pivotal_cli.cli.resource_commands import REQUIRED, Resource, register

app = group("List, add, update and delete a customer's contacts.")

CustomerRef = Annotated[
    str, typer.Argument(help="The customer: display_id, cuid or slug.", show_default=False)
]
ContactId = Annotated[str, typer.Argument(help="Contact display_id or cuid.", show_default=False)]


def _rows(client: Any, paging: Paging, *, customer: str) -> tuple[list[dict[str, Any]], None]:
    from pivotal_cli.client import contacts

    return contacts.list_for(client, customer), None


CONTACT = Resource(
    "contact",
    ContactId,
    help={
        "list": "List a customer's contacts, primary first, then newest.",
        "add": "Add a contact to a customer (--name and --email, or both in --data).",
        "get": "Show one contact.",
        "update": "Change some fields of a contact; the others stay as they are.",
        "delete": "Soft-delete a contact (hidden from reads, kept for audit). Asks first.",
    },
    created=lambda c: f"Added contact {c.get('display_id')} ({c.get('email')}).",
    updated=lambda c: f"Updated contact {c.get('display_id')} ({c.get('email')}).",
    describe=lambda c: f"contact {c['display_id']} '{c.get('name')}' <{c.get('email')}>",
    rows=_rows,
    list_filters=(("customer", CustomerRef, REQUIRED),),
    parent=("customer", CustomerRef),
)
commands = register(app, CONTACT, "list", "add", "get", "update", "delete")


SourceArg = Annotated[
    str | None,
    typer.Argument(
        metavar="[FILE|-]",
        help="The list: one contact a line, name, email, title (default: stdin).",
        show_default=False,
    ),
]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="Show the preview only; add nothing.")]
JsonOpt = Annotated[
    bool,
    typer.Option(
        "--json",
        help="Print the contacts added as a JSON array (with --dry-run: the rows read).",
    ),
]


@app.command("import")
@handle_errors
def import_(
    ctx: typer.Context,
    customer: CustomerRef,
    source: SourceArg = None,
    yes: YesOpt = False,
    dry_run: DryRunOpt = False,
    json_: JsonOpt = False,
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
app.command("ls", hidden=True)(commands["list"])
app.command("view", hidden=True)(commands["get"])
