"""`pivotal sandbox seed FILE…`: apply scenario files (JSON or YAML) to the sandbox.

The files apply in order, in one transaction: a bad entry anywhere leaves the sandbox
as it was and is reported as one line naming the file and the entry (exit 2). Works
on the database a running `sandbox serve` uses; it sees the records at once. New
workspaces are printed with their keys, as `serve` prints its keys: they are sandbox
keys, which open this local sandbox and nothing else.
"""

from pathlib import Path
from typing import Annotated

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.commands.sandbox_db import DbOpt, JsonFlag, opened, output_of
from pivotal_cli.errors import UsageError

FilesArg = Annotated[
    list[Path],
    typer.Argument(
        metavar="FILE...",
        help="Scenario files (.json, .yaml), applied in order.",
        show_default=False,
    ),
]


@handle_errors
def seed(ctx: typer.Context, files: FilesArg, db: DbOpt = None, json_: JsonFlag = False) -> None:
    """Create the workspaces and records of scenario files (references, relative dates)."""
    from pivotal_cli.sandbox.fixtures.scenario import apply_files
    from pivotal_cli.sandbox.fixtures.scenario_files import ScenarioError

    with opened(db) as sandbox:
        try:
            created = apply_files(sandbox, files)
        except ScenarioError as error:
            raise UsageError(f"{str(error).rstrip('.')}.") from None
    output = output_of(ctx)
    if json_:
        output.json(created)
        return
    workspaces = created.get("workspaces", {})
    new = {name: ws for name, ws in workspaces.items() if not ws["existing"]}
    total = sum(len(records) for section, records in created.items() if section != "workspaces")
    made = f" and {len(new)} workspace(s)" if new else ""
    output.success(f"Seeded {total} records{made} from {len(files)} file(s)")
    if new:
        output.line("New workspaces (sandbox keys: they open this local sandbox and nothing else):")
    for name, ws in new.items():
        output.line(f"workspaces.{name}\t{ws['slug']}\t{ws['name']}")
        output.line(f"  {ws['slug']}-live  live  {ws['live_key']}")
        output.line(f"  {ws['slug']}-test  test  {ws['test_key']}")
    for section, records in created.items():
        if section == "workspaces":
            continue
        for name, record in records.items():
            shown = record.get("display_id", record.get("id"))
            output.line(f"{section}.{name}\t{shown}")
