"""What the `sandbox` and `sandbox webhooks` commands share: the `--db` option, opening
the database it names, `--json`, and the invocation's output.

Only stdlib, typer and the error types load at import: the sandbox itself (sqlite3,
the engine) loads inside `opened`.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pivotal_cli.errors import PivotalError

if TYPE_CHECKING:
    from pivotal_cli.render.output import Output
    from pivotal_cli.sandbox.engine.core import Sandbox

DbOpt = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="SQLite file of the sandbox [default: sandbox.db in $PIVOTAL_SANDBOX_DIR or the"
        " user data dir].",
        show_default=False,
    ),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]


def output_of(ctx: typer.Context) -> "Output":
    output: Output = ctx.obj.output
    return output


def db_path(db: Path | None) -> Path:
    from pivotal_cli.sandbox.data.paths import default_db_path
    from pivotal_cli.settings.paths import private_dir

    path = (db or default_db_path()).expanduser()
    try:
        private_dir(path.parent)
    except OSError as error:
        raise PivotalError(f"cannot create {path.parent}: {error.strerror}.") from None
    return path


@contextmanager
def opened(db: Path | None, seed: str = "demo", **options: Any) -> Iterator["Sandbox"]:
    """The sandbox at `db` (created and seeded on first use), closed afterwards."""
    from pivotal_cli.sandbox.engine.core import opened as open_sandbox

    with open_sandbox(db_path(db), seed, **options) as sandbox:
        yield sandbox
