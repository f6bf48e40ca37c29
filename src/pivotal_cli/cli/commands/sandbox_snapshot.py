"""`pivotal sandbox snapshot save|load|list|delete`: named copies of the sandbox's data.

Snapshots sit beside the database (`snapshots/NAME.sqlite`, 0600). A load replaces the
whole database in one transaction, so a running `pivotal sandbox serve` on the same
`--db` answers its next request from the loaded state, without a restart. Only stdlib,
typer and the error types load at import time.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.commands.sandbox_db import DbOpt, JsonFlag, opened, output_of
from pivotal_cli.cli.options import group
from pivotal_cli.errors import UnknownRecordError, UsageError

if TYPE_CHECKING:
    from pivotal_cli.sandbox.data.snapshots import SnapshotInfo, Snapshots

app = group("Save and load named snapshots of the sandbox's data.")

NameArg = Annotated[
    str, typer.Argument(metavar="NAME", help="Snapshot name: 1-64 of A-Z a-z 0-9 . _ -")
]


@contextmanager
def _snapshots(db: Path | None) -> Iterator["Snapshots"]:
    """The snapshots of the sandbox at `db`, their errors turned into the CLI's."""
    from pivotal_cli.sandbox.data.snapshots import SnapshotError, Snapshots

    with opened(db) as sandbox:
        try:
            yield Snapshots(sandbox.store)
        except SnapshotError as error:
            if error.reason == "not_found":
                raise UnknownRecordError(
                    f"{error}. See them with `pivotal sandbox snapshot list`."
                ) from None
            if error.reason == "exists":
                raise UsageError(f"{error}: pass --force to overwrite it.") from None
            raise UsageError(f"{error}.") from None


def _as_dict(info: "SnapshotInfo") -> dict[str, object]:
    saved = datetime.fromtimestamp(info.saved_at, tz=timezone.utc)
    return {
        "name": info.name,
        "size": info.size,
        "saved_at": saved.isoformat(timespec="seconds").replace("+00:00", "Z"),
    }


def _size(size: int) -> str:
    return f"{size / 1024:.0f} KiB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MiB"


@app.command("save")
@handle_errors
def save(
    ctx: typer.Context,
    name: NameArg,
    force: Annotated[
        bool, typer.Option("--force", "-f", help="Overwrite a snapshot of that name.")
    ] = False,
    db: DbOpt = None,
    json_: JsonFlag = False,
) -> None:
    """Save the sandbox's whole state (records, keys, webhooks) as NAME."""
    with _snapshots(db) as snapshots:
        info = snapshots.save(name, force=force)
    output = output_of(ctx)
    if json_:
        output.json(_as_dict(info))
        return
    output.success(f"Saved snapshot {info.name} ({_size(info.size)})")


@app.command("load")
@handle_errors
def load(ctx: typer.Context, name: NameArg, db: DbOpt = None) -> None:
    """Replace the sandbox's state with snapshot NAME, atomically (a running server too)."""
    with _snapshots(db) as snapshots:
        snapshots.load(name)
    output_of(ctx).success(f"Loaded snapshot {name}")


@app.command("list")
@handle_errors
def list_(ctx: typer.Context, db: DbOpt = None, json_: JsonFlag = False) -> None:
    """List the saved snapshots: name, size and when each was saved."""
    from pivotal_cli.render.columns import Column
    from pivotal_cli.render.formats import Format

    with _snapshots(db) as snapshots:
        found = [_as_dict(info) for info in snapshots.list()]
    output = output_of(ctx)
    if json_:
        output.json(found)
        return
    columns = [
        Column("name", "NAME", fixed=True),
        Column("size", "SIZE", justify="right", human=lambda r: _size(int(r["size"]))),
        Column("saved_at", "SAVED"),
    ]
    output.rows(
        found,
        columns,
        Format.table,
        empty_message="No snapshots. Save one with `pivotal sandbox snapshot save NAME`.",
    )


@app.command("delete")
@handle_errors
def delete(ctx: typer.Context, name: NameArg, db: DbOpt = None) -> None:
    """Delete snapshot NAME."""
    with _snapshots(db) as snapshots:
        snapshots.delete(name)
    output_of(ctx).success(f"Deleted snapshot {name}")
