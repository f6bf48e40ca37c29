"""`pivotal import customers|contacts|onboardings FILE`: one command per resource."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.commands.importer.options import (
    ConcurrencyOpt,
    CustomerKeyOpt,
    DryRunOpt,
    ErrorsOpt,
    FormatOpt,
    ImportOptions,
    KeyOpt,
    MapOpt,
    ModeChoice,
    RemoteOpt,
)
from pivotal_cli.cli.options import JsonOpt, YesOpt


def command(plural: str) -> Callable[..., Any]:
    """The import command of one resource (`customers`, …)."""
    resource = plural[:-1]

    @handle_errors
    def import_file(
        ctx: typer.Context,
        file: Annotated[
            str, typer.Argument(metavar="FILE", help="CSV, JSONL or JSON file; - for stdin.")
        ],
        format_: FormatOpt = None,
        map_: MapOpt = None,
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
        from pivotal_cli.cli.commands.importer.start import start
        from pivotal_cli.jobs.files import detect_format
        from pivotal_cli.jobs.plan import Part

        options = ImportOptions(
            mode, key, customer_key, concurrency, dry_run, remote, errors, yes, json_
        )
        options.check(resource)
        part = Part(resource, file, detect_format(file, _format(format_)))
        start(ctx.obj, [part], options, _renames(map_, resource))

    import_file.__doc__ = (
        f"Create (or upsert) {plural} from FILE: one row per record, columns named after "
        f"the fields. Journaled: `pivotal import resume` finishes a stopped job."
    )
    return import_file


def _format(value: str | None) -> str | None:
    from pivotal_cli.errors import UsageError
    from pivotal_cli.jobs.files import FORMATS

    if value is not None and value not in FORMATS:
        raise UsageError(f"--format must be csv, jsonl or json, not '{value}'.")
    return value


def _renames(pairs: list[str] | None, resource: str) -> dict[str, str]:
    from pivotal_cli.domain.importing import parse_renames, rename_problem
    from pivotal_cli.errors import UsageError

    try:
        renames = parse_renames(pairs or [])
    except ValueError as exc:
        raise UsageError(f"--map: {exc}.") from None
    for column, target in renames.items():
        problem = rename_problem(resource, target)
        if problem:
            raise UsageError(f"--map {column}={target}: {problem}.")
    return renames
