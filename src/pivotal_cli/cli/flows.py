"""What every command shares: the options defined once, and the error boundary.

`Annotated` aliases keep flag names, help texts and completions identical across
groups. `@handle_errors` turns a `PivotalError` into one readable line on stderr and
its exit code, and any other exception into a short crash line (full traceback only
with `--debug`), so no secret held in a local variable is ever printed.
"""

import functools
import traceback
from collections.abc import Callable, Iterable
from typing import Annotated, Any, TypeVar, cast

import typer

from pivotal_cli.errors import ExitCode, PivotalError

F = TypeVar("F", bound=Callable[..., Any])

JsonOpt = Annotated[bool, typer.Option("--json", help="Print the API's JSON exactly, on stdout.")]
JsonlOpt = Annotated[bool, typer.Option("--jsonl", help="Print one JSON object per line.")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Print CSV with a header row.")]
ColumnsOpt = Annotated[
    str | None,
    typer.Option(
        "--columns",
        "-c",
        metavar="FIELDS",
        help="Comma-separated fields to show, e.g. display_id,name.",
    ),
]
LimitOpt = Annotated[
    int | None,
    typer.Option("--limit", "-L", metavar="N", min=1, max=100, help="Rows per page (1-100)."),
]
CursorOpt = Annotated[
    str | None,
    typer.Option(
        "--cursor", metavar="TIMESTAMP", help="Start after this cursor (an ISO 8601 timestamp)."
    ),
]
AllOpt = Annotated[bool, typer.Option("--all", "-a", help="Walk every page, streaming.")]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
DataOpt = Annotated[
    str | None,
    typer.Option(
        "--data",
        "-d",
        metavar="JSON|@FILE|-",
        help="Request body as JSON, @file or - for stdin; explicit flags win over it.",
    ),
]
IdempotencyKeyOpt = Annotated[
    str | None,
    typer.Option(
        "--idempotency-key",
        metavar="KEY",
        help="Send this Idempotency-Key instead of a generated one.",
    ),
]
ModeOpt = Annotated[
    bool | None,
    typer.Option("--live/--test", help="Use the live or the test key.", show_default=False),
]


def group(help: str, **settings: Any) -> typer.Typer:
    """A command group as every group here is built.

    Help is click's plain text rather than Rich panels: Typer's Rich help pulls in
    markdown-it and most of Rich (about 90 ms on every `--help`), and plain help is
    what gh prints too.
    """
    return typer.Typer(help=help, rich_markup_mode=None, no_args_is_help=True, **settings)


def handle_errors(func: F) -> F:
    """Run a command; report errors as one line and the documented exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = kwargs.get("ctx") or (args[0] if args else None)
        app_ctx = getattr(ctx, "obj", None)
        try:
            return func(*args, **kwargs)
        except PivotalError as exc:
            _report(app_ctx, exc.one_line())
            raise typer.Exit(exc.exit_code) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if app_ctx is not None and app_ctx.settings.debug:
                traceback.print_exc()
            _report(
                app_ctx,
                f"Unexpected {type(exc).__name__}. This is a bug in pivotal; "
                "rerun with --debug for the traceback and report it.",
            )
            raise typer.Exit(ExitCode.ERROR) from None

    return cast(F, wrapper)


def _report(app_ctx: Any, text: str) -> None:
    if app_ctx is not None:
        app_ctx.output.error(text)
    else:
        typer.echo(f"Error: {text}", err=True)


def emit_record(app_ctx: Any, obj: dict[str, Any], columns: Any, json_: bool) -> None:
    """One object: exact JSON with --json, else every field, humanely on a terminal."""
    from pivotal_cli.render.views import record_fields

    if json_:
        app_ctx.output.json(obj)
    else:
        app_ctx.output.record(obj, record_fields(obj, columns))


def show_list(
    app_ctx: Any,
    fetch: Callable[[Any], tuple[Iterable[dict[str, Any]], str | None]],
    *,
    columns: Any,
    default: list[str],
    requested: str | None,
    json_: bool,
    jsonl: bool,
    csv_: bool,
    noun: str,
    progress: bool = False,
) -> None:
    """Fetch and render a list, the flow every list command shares.

    Format flags and `--columns` are checked before any request. `fetch(client)`
    returns the rows (an iterator for `--all`, consumed while the client is open)
    and the cursor of the next page, if any, for a hint on a terminal.
    """
    from pivotal_cli.render.output import choose_format, select_columns

    out = app_ctx.output
    fmt = choose_format(json_=json_, jsonl=jsonl, csv_=csv_)
    chosen = select_columns(columns, default, requested)
    with app_ctx.client() as client:
        rows, next_cursor = fetch(client)
        count = out.rows(
            rows,
            chosen,
            fmt,
            empty_message=f"No {noun} found.",
            progress_label=f"Fetching {noun}" if progress else None,
        )
    if next_cursor and count and out.err_is_tty:
        out.info(f"More {noun}: add --all, or --cursor {next_cursor} for the next page.")


def one_page(page: dict[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
    """A page's rows and, when there is more, the cursor of the next page."""
    return page["data"], (page.get("next_cursor") if page.get("has_more") else None)


def write_record(
    app_ctx: Any,
    send: Callable[[Any], Any],
    *,
    columns: Any,
    json_: bool,
    done: Callable[[dict[str, Any]], str],
    launch: str | None = None,
    yes: bool = False,
) -> None:
    """Send one create or update and show the result: the tail every write shares.

    `send(client)` returns the record, or the `http.Response` of a create (so an
    idempotent replay can be pointed out). `launch` names what enters the launch
    phase, when it does, so a live key asks first.
    """
    out = app_ctx.output
    target = app_ctx.target()
    app_ctx.mark_target(target)
    if launch:
        confirm_launch(app_ctx, target, launch, yes)
    with app_ctx.client(target=target) as client:
        result = send(client)
    record = getattr(result, "data", result)
    if getattr(result, "replayed", False):
        out.info("Replayed: the API returned the result of an earlier request with this key.")
    out.success(done(record))
    emit_record(app_ctx, record, columns, json_)


def soft_delete(
    app_ctx: Any,
    api: Any,
    ref: str,
    describe: Callable[[dict[str, Any]], str],
    *,
    yes: bool,
    json_: bool,
    note: str = "",
) -> None:
    """Fetch the record, say what will be deleted and where, ask, delete, report.

    `api` is the resource's module in `api/` (its `get` and `delete`). Without a
    terminal and without --yes nothing is deleted (exit 3).
    """
    out = app_ctx.output
    target = app_ctx.target()
    with app_ctx.client(target=target) as client:
        found = api.get(client, ref)
        what = describe(found)
        # The question needs the workspace; a key from PIVOTAL_API_KEY does not say
        # which, so ask /me, but only when someone is there to answer.
        question = (
            "" if yes or not out.interactive else f"Delete {what} from {_where(client, target)}?"
        )
        out.confirm(question, assume_yes=yes)
        deleted = api.delete(client, str(found["id"]))
    if json_:
        out.json(deleted)
    out.success(f"Deleted {what}. This is a soft delete: hidden from reads, kept for audit{note}.")


def _where(client: Any, target: Any) -> str:
    if target.workspace is None:
        from dataclasses import replace

        from pivotal_cli.client.meta import get_me

        target = replace(target, workspace=get_me(client)[0].org_slug)
    return str(target.label)


def confirm_launch(app_ctx: Any, target: Any, label: str, yes: bool) -> None:
    """Entering `launch` with a live key fires real automations: warn and ask first."""
    if target.mode != "live" or target.source == "sandbox":
        return
    out = app_ctx.output
    out.warn(
        f"Moving {label} into launch fires launch-day automations: a Slack DM to the CSM, "
        "a calendar entry, and possibly a launch-recap email."
    )
    out.info("Backfilling history? Use a test key (--test) to suppress them.")
    out.confirm("Enter launch with the live key?", assume_yes=yes)
