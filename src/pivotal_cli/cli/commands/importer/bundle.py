"""`pivotal import bundle DIR`: an export bundle's customers, contacts and onboardings."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.commands.importer.options import (
    ConcurrencyOpt,
    CustomerKeyOpt,
    DryRunOpt,
    ErrorsOpt,
    ImportOptions,
    KeyOpt,
    ModeChoice,
    RemoteOpt,
)
from pivotal_cli.cli.options import JsonOpt, YesOpt

DirectoryArg = Annotated[
    Path,
    typer.Argument(
        metavar="DIR",
        help="A directory with customers.<ext>, contacts.<ext>, onboardings.<ext>.",
    ),
]


@handle_errors
def bundle(
    ctx: typer.Context,
    directory: DirectoryArg,
    mode: ModeChoice = "create",
    key: KeyOpt = None,
    customer_key: CustomerKeyOpt = None,
    concurrency: ConcurrencyOpt = 4,
    dry_run: DryRunOpt = False,
    remote: RemoteOpt = False,
    errors: ErrorsOpt = None,
    yes: YesOpt = False,
    json_: JsonOpt = False,
) -> None:
    """Import an export bundle: customers, then contacts, then onboardings.

    Contacts and onboardings find their customer by `customer_slug` (written by
    `pivotal export all`). --key applies to customers; contacts match by email and
    onboardings by customer.
    """
    from pivotal_cli.cli.commands.importer.start import start
    from pivotal_cli.jobs.plan import bundle_parts

    options = ImportOptions(
        mode, key, customer_key, concurrency, dry_run, remote, errors, yes, json_
    )
    options.check("customer")
    start(ctx.obj, bundle_parts(directory), options, {}, bundle=True)
