"""The flows commands share: show a list, show a record, write one, delete one.

Each takes the invocation's context and the client calls to make; commands stay a
parse-call-render sequence.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # types only: nothing here is imported at start-up
    from typing import Protocol

    from pivotal_cli.cli.context import AppContext, Target
    from pivotal_cli.client.http import Client, Response
    from pivotal_cli.domain.records import JSONValue, Record
    from pivotal_cli.render.columns import Column
    from pivotal_cli.render.formats import Format

    class ResourceAPI(Protocol):
        """What `soft_delete` needs of a resource module in `client/`."""

        def get(self, client: Client, ref: str, /) -> Record: ...

        def delete(self, client: Client, record_id: str, /) -> Response: ...

    # `humanise(app_ctx, client, columns, rows)`: the columns with renderings that need
    # the client swapped in, and the rows to read instead (they may watch them pass).
    Humanise = Callable[
        [AppContext, Client, list[Column], Iterable[Record]],
        tuple[list[Column], Iterable[Record]],
    ]


def select_columns(
    available: Sequence[Column],
    default: Sequence[str],
    requested: str | None,
    flag: str = "--columns",
) -> list[Column]:
    """The columns to show: `--columns a,b` if given, else the defaults.

    Names are the resource's schema fields (`available` has a column for each), or a
    dotted path into one (`metadata.tier`); anything else is a typo, refused before
    any request with the list of valid names.
    """
    from pivotal_cli.cli.field_check import check_names
    from pivotal_cli.errors import UsageError
    from pivotal_cli.render.columns import Column

    by_key = {c.key: c for c in available}
    names = [n.strip() for n in requested.split(",")] if requested else list(default)
    names = [n for n in names if n]
    if not names:
        raise UsageError(
            f"{flag}: name at least one {'column' if flag == '--columns' else 'field'}."
        )
    check_names(names, list(by_key), flag)
    return [by_key.get(n) or Column(n, n.upper()) for n in names]


def choose_format(
    *,
    json_: bool = False,
    jsonl: bool = False,
    csv_: bool = False,
    configured: Callable[[], str | None] | None = None,
) -> Format:
    """The output format the flags ask for; at most one of them may be given.

    Without one, `configured()` (the `output` setting, read only then) names the
    format; without that, a table (plain rows in a pipe, as always).
    """
    from pivotal_cli.errors import UsageError
    from pivotal_cli.render.formats import Format

    picked = [
        f for f, on in ((Format.json, json_), (Format.jsonl, jsonl), (Format.csv, csv_)) if on
    ]
    if len(picked) > 1:
        raise UsageError("Pick one of --json, --jsonl and --csv.")
    if picked:
        return picked[0]
    setting = configured() if configured is not None else None
    if setting not in (None, *(f.value for f in Format)) or setting == Format.plain.value:
        # Written by hand: say where, rather than ignore it silently.
        raise UsageError(
            f"The output setting '{setting}' is not a list format "
            "(one of table, json, jsonl, csv).",
            hint="Fix it with `pivotal config set output table`.",
        )
    return Format(setting) if setting else Format.table


def check_jq(jq: str | None, jq_args: Sequence[str] | None) -> dict[str, str]:
    """`--jq` and its `--arg`s, checked before any request; the variables for jq."""
    from pivotal_cli.errors import UsageError

    if jq is None:
        if jq_args:
            raise UsageError("--arg works only with --jq.")
        return {}
    from pivotal_cli.cli import query

    args = query.parse_args(jq_args)
    query.check(jq, args)
    return args


def print_jq(app_ctx: AppContext, data: object, jq: str, args: dict[str, str]) -> None:
    """What jq prints for `data`: one line per output value, strings raw."""
    from pivotal_cli.cli import query

    out = app_ctx.output
    for line in query.stream_jq(data, jq, args, pretty=out.is_tty):
        out.line(line)


def emit_record(
    app_ctx: AppContext,
    obj: Record,
    columns: Sequence[Column],
    json_: bool,
    *,
    jq: str | None = None,
    jq_args: Sequence[str] | None = None,
    template: str | None = None,
    requested: str | None = None,
) -> None:
    """One object: exact JSON with --json (or what --jq or --template make of it), else
    every field, humanely on a terminal. `requested` (--columns) picks the fields shown,
    in JSON too."""
    from pivotal_cli.render.views import record_fields

    app_ctx.remember_ids([obj])
    if requested:
        from pivotal_cli.render.columns import Column

        chosen = select_columns(columns, (), requested, "--json" if json_ else "--columns")
        if template is None and jq is None and not json_:
            fields = [Column(c.key, c.key, human=c.human) for c in chosen]
            app_ctx.output.record(obj, fields)
            return
        obj = {c.key: _value_at(obj, c.key) for c in chosen}
    if template is not None:
        from pivotal_cli.cli.query import render_template

        app_ctx.output.line(render_template(template, obj))
    elif jq is not None:
        print_jq(app_ctx, obj, jq, check_jq(jq, jq_args))
    elif json_:
        app_ctx.output.json(obj)
    else:
        app_ctx.output.record(obj, record_fields(obj, columns))


def show_list(
    app_ctx: AppContext,
    fetch: Callable[[Client], tuple[Iterable[Record], str | Callable[[], str | None] | None]],
    *,
    columns: Sequence[Column],
    default: Sequence[str],
    requested: str | None,
    json_: bool,
    jsonl: bool,
    csv_: bool,
    noun: str,
    progress: bool = False,
    humanise: Humanise | None = None,
    jq: str | None = None,
    jq_args: Sequence[str] | None = None,
    template: str | None = None,
) -> None:
    """Fetch and render a list, the flow every list command shares.

    Format flags and `--columns` are checked before any request. `fetch(client)`
    returns the rows (an iterator for `--all`, consumed while the client is open)
    and the cursor of the next page, if any, for a hint on a terminal (or a function
    that tells it once the rows have been read: `-L N` knows only then).
    `humanise` may swap in renderings that need the client (a customer's name for
    its id) and watch the rows pass (to name a chunk's customers together); the
    renderings run only when a terminal draws a cell.
    """
    from pivotal_cli.errors import UsageError
    from pivotal_cli.render.formats import Format

    out = app_ctx.output
    if jq is not None and (jsonl or csv_):
        raise UsageError("--jq works on the JSON result: drop --jsonl or --csv.")
    if template is not None:
        from pivotal_cli.cli.field_check import check_template

        if jq is not None or json_ or jsonl or csv_:
            raise UsageError("--template prints text: drop --jq, --json, --jsonl or --csv.")
        check_template(template, [c.key for c in columns])
    jq_vars = check_jq(jq, jq_args)
    fmt = (
        Format.json
        if jq is not None
        else choose_format(
            json_=json_, jsonl=jsonl, csv_=csv_, configured=lambda: app_ctx.config.output
        )
    )
    chosen = select_columns(
        columns, default, requested, "--json" if json_ or jsonl else "--columns"
    )
    from pivotal_cli.settings.id_index import Collector

    seen = Collector()
    with app_ctx.client() as client:
        rows, next_cursor = fetch(client)
        if humanise is not None:
            chosen, rows = humanise(app_ctx, client, chosen, rows)
        rows = seen.tee(rows)
        if requested and fmt in (Format.json, Format.jsonl):
            # --columns picks the fields of JSON output too, in the order named.
            rows = ({c.key: _value_at(row, c.key) for c in chosen} for row in rows)
        if template is not None:
            from pivotal_cli.cli.query import render_template

            count = 0
            for row in rows:  # streamed: --all never holds the whole list
                out.line(render_template(template, row))
                count += 1  # noqa: SIM113 (the count outlives an empty loop)
        elif jq is not None:
            # Evaluated once over the whole result: every page collected first.
            collected = list(rows)
            count = len(collected)
            print_jq(app_ctx, collected, jq, jq_vars)
        else:
            count = out.rows(
                rows,
                chosen,
                fmt,
                empty_message=f"No {noun} found.",
                progress_label=f"Fetching {noun}" if progress else None,
            )
    if callable(next_cursor):
        next_cursor = next_cursor()
    if next_cursor and count and out.err_is_tty:
        out.info(f"More {noun}: add --all, or --cursor {next_cursor} for the next page.")
    app_ctx.remember_ids(seen)


def one_page(page: Record) -> tuple[list[Record], str | None]:
    """A page's rows and, when there is more, the cursor of the next page."""
    from pivotal_cli.client.pagination import items, next_cursor

    return items(page), next_cursor(page)


class Paging(NamedTuple):
    """What `--all`, `-L N` and `--cursor` ask of a paginated list."""

    all_: bool = False
    limit: int | None = None
    cursor: str | None = None


def paged(
    paging: Paging,
    *,
    walk: Callable[[str | None], Iterable[Record]],
    page: Callable[[int | None, str | None], Record],
) -> tuple[Iterable[Record], str | Callable[[], str | None] | None]:
    """A paginated list's rows as `paging` asks, and the next cursor, for `show_list`.

    `walk(cursor)` streams every record from a cursor on; `page(limit, cursor)` fetches
    one page.
    """
    if paging.all_:
        # --all wins over -L: every record, as it did when -L was a page size.
        return walk(paging.cursor), None
    if paging.limit:
        from pivotal_cli.client.pagination import Take

        take = Take(page, paging.limit, paging.cursor)
        return take, lambda: take.next_cursor
    return one_page(page(paging.limit, paging.cursor))


def write_record(
    app_ctx: AppContext,
    send: Callable[[Client], Response],
    *,
    columns: Sequence[Column],
    json_: bool,
    done: Callable[[Record], str],
    launch: str | None = None,
    yes: bool = False,
) -> None:
    """Send one create or update and show the result: the tail every write shares.

    `send(client)` returns the client's `Response` (so an idempotent replay can be
    pointed out). `launch` names what enters the launch phase, when it does, so a live
    key asks first.
    """
    out = app_ctx.output
    target = app_ctx.target()
    if launch:
        confirm_launch(app_ctx, target, launch, yes)
    if not launch or live_label(target) is None:
        app_ctx.mark_target(target)
    with app_ctx.client(target=target) as client:
        result = send(client)
    record = result.record()
    if result.replayed:
        out.info("Replayed: the API returned the result of an earlier request with this key.")
    out.success(done(record))
    emit_record(app_ctx, record, columns, json_)


def soft_delete(
    app_ctx: AppContext,
    api: ResourceAPI,
    ref: str,
    describe: Callable[[Record], str],
    *,
    yes: bool,
    json_: bool,
    note: str = "",
) -> None:
    """Fetch the record, say what will be deleted and where, ask, delete, report.

    `api` is the resource's module in `client/` (its `get` and `delete`). Without a
    terminal and without --yes nothing is deleted (exit 3).
    """
    out = app_ctx.output
    target = app_ctx.target()
    with app_ctx.client(target=target) as client:
        found = api.get(client, ref)
        what = describe(found)
        # The question needs the workspace; a key from PIVOTAL_API_KEY does not say
        # which, so ask /me, but only when someone is there to answer.
        asking = not yes and out.interactive
        where = _where(client, target) if asking else target.label
        confirm_live(
            app_ctx,
            where if target.mode == "live" else None,
            f"Delete {what} from {where}?",
            yes=yes,
            ask_anyway=True,
        )
        deleted = api.delete(client, str(found["id"]))
    app_ctx.forget_id(found)
    if json_:
        out.json(deleted.data)
    out.success(f"Deleted {what}. This is a soft delete: hidden from reads, kept for audit{note}.")


def _where(client: Client, target: Target) -> str:
    if target.workspace is None:
        from dataclasses import replace

        from pivotal_cli.client.meta import get_me

        target = replace(target, workspace=get_me(client)[0].org_slug)
    return target.label


def live_label(target: Target, workspace: str | None = None) -> str | None:
    """`acme (LIVE)` when `target` holds a live key, whatever the path (the embedded
    sandbox, a served one, the real API); None for a test key."""
    if target.mode != "live":
        return None
    from dataclasses import replace

    return (replace(target, workspace=workspace) if workspace else target).label


def confirm_live(
    app_ctx: AppContext,
    live: str | None,
    question: str,
    *,
    yes: bool,
    notes: Sequence[str] = (),
    tip: str | None = None,
    ask_anyway: bool = False,
) -> None:
    """The one rule for a change a live key makes real (entering launch, deleting,
    importing): say it is live (`live`, from `live_label`) and what fires, then ask;
    --yes skips the question, and no terminal refuses (exit 3, "pass --yes"). A test
    key is not asked, unless `ask_anyway` (a delete always asks)."""
    if live is None and not ask_anyway:
        return
    out = app_ctx.output
    if live is not None:
        out.warn(f"Live mode: {live}. Changes are real and fire integrations.")
    for note in notes:
        out.warn(note)
    if tip and not yes:
        out.info(tip)
    out.confirm(question, assume_yes=yes)


def confirm_launch(app_ctx: AppContext, target: Target, label: str, yes: bool) -> None:
    """Entering `launch` with a live key fires real automations: warn and ask first."""
    live = live_label(target)
    if live is None:
        return
    confirm_live(
        app_ctx,
        live,
        "Enter launch with the live key?",
        yes=yes,
        notes=[
            f"Moving {label} into launch fires launch-day automations: a Slack DM to the "
            "CSM, a calendar entry, and possibly a launch-recap email."
        ],
        tip="Backfilling history? Use a test key (--test) to suppress them.",
    )


def _value_at(row: Record, key: str) -> JSONValue:
    """The value at a field name or a dotted path into one (`metadata.tier`)."""
    value: JSONValue = row
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value
