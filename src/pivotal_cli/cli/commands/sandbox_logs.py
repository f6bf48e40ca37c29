"""`pivotal sandbox logs …`: the requests the sandbox answered, filtered, or followed live.

The log is a table of the sandbox database, so this shows what a `sandbox serve` on
the same `--db` answered, and what `pivotal --sandbox` commands sent. Keys appear by
name and public prefix only. Only stdlib, typer and the error types load at import.
"""

import json
import time
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.commands.sandbox_db import DbOpt, JsonFlag, opened, output_of
from pivotal_cli.cli.options import group
from pivotal_cli.errors import UsageError

if TYPE_CHECKING:
    from pivotal_cli.render.columns import Column
    from pivotal_cli.sandbox.data.store import Store

# How often --follow looks for new entries.
FOLLOW_POLL_SECONDS = 0.25

# A group that also runs on its own (`sandbox logs --status 4xx`), `clear` below it.
app = group("Show the requests the sandbox answered (a table; JSON lines with --json).")
app.info.invoke_without_command = True
app.info.no_args_is_help = False


def _filters(
    status: str | None, path: str | None, method: str | None, since: str | None
) -> dict[str, Any]:
    from datetime import timezone

    from pivotal_cli.sandbox.data.timeutil import from_us, parse_date_or_datetime, parse_duration
    from pivotal_cli.sandbox.harness import status_filter

    try:
        status_filter(status)
    except ValueError as error:
        raise UsageError(f"--status: {error}.") from None
    filters: dict[str, Any] = {"status": status, "path": path, "method": method}
    if since is not None:
        back = parse_duration(since)
        at = None if back is not None else parse_date_or_datetime(since)
        if back is None and at is None:
            raise UsageError(
                f"--since: expected a duration (5m, 2h, 1d) or an ISO 8601 instant, got {since!r}."
            )
        filters["since"] = back if back is not None else from_us(at or 0).astimezone(timezone.utc)
    return filters


def _columns() -> list["Column"]:
    from pivotal_cli.render.columns import Column

    return [
        Column("at", "TIME", fixed=True),
        Column("method", "METHOD"),
        Column("target", "PATH"),
        Column("status", "STATUS", human=lambda r: "drop" if r["dropped"] else str(r["status"])),
        Column("duration_ms", "MS", justify="right"),
        Column("key", "KEY"),
        Column("idempotency", "IDEMPOTENCY"),
    ]


def _shown(entry: dict[str, Any]) -> dict[str, Any]:
    target = entry["path"] + (f"?{entry['query']}" if entry["query"] else "")
    key = f"{entry['key_name']} ({entry['key_prefix']}…)" if entry["key_name"] else ""
    idem = entry["idempotency_key"] or ""
    if idem and entry["replayed"]:
        idem += " (replay)"
    return {**entry, "target": target, "key": key, "idempotency": idem}


def _line(entry: dict[str, Any], bodies: bool) -> str:
    row = _shown(entry)
    status = "drop" if row["dropped"] else str(row["status"])
    text = (
        f"{row['at']}  {row['method']:<6} {status:<4} {row['duration_ms']:>8.1f}ms"
        f"  {row['target']}  {row['key']}  {row['idempotency']}"
    ).rstrip()
    if bodies:
        for part in ("request", "response"):
            body = entry.get(f"{part}_body")
            if body is not None:
                cut = " (truncated)" if entry[f"{part}_body_truncated"] else ""
                text += f"\n    {part}{cut}: {body}"
    return text


@app.callback()
@handle_errors
def logs(
    ctx: typer.Context,
    follow: Annotated[
        bool, typer.Option("--follow", "-f", help="Keep printing new requests until Ctrl-C.")
    ] = False,
    status: Annotated[
        str | None, typer.Option("--status", help="A status (429) or class (4xx, 2xx).")
    ] = None,
    path: Annotated[
        str | None, typer.Option("--path", help="The path, or a pattern with * (/customers*).")
    ] = None,
    method: Annotated[str | None, typer.Option("--method", help="GET, POST, PATCH…")] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Only newer: a duration back (5m, 2h) or an instant."),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most the N most recent requests.")] = 50,
    bodies: Annotated[
        bool,
        typer.Option(
            "--bodies", help="Show the bodies (the request's first 64 KiB, the response's 4 KiB)."
        ),
    ] = False,
    db: DbOpt = None,
    json_: JsonFlag = False,
) -> None:
    """Show the requests the sandbox answered, oldest first (the most recent --limit)."""
    if ctx.invoked_subcommand is not None:
        return
    from pivotal_cli.render.formats import Format
    from pivotal_cli.sandbox.harness import requests

    if limit < 1:
        raise UsageError("--limit must be at least 1.")
    filters = _filters(status, path, method, since)
    output = output_of(ctx)
    with opened(db) as sandbox:
        found = requests(sandbox.store, limit=limit, bodies=bodies, **filters)
        if json_:
            for entry in found:
                output.line(json.dumps(entry, ensure_ascii=False))
        elif bodies or follow:
            for entry in found:
                output.line(_line(entry, bodies))
        elif not found:
            output.info("No request matches." if filters_given(filters) else "No requests yet.")
        else:
            output.rows(map(_shown, found), _columns(), Format.table)
        if follow:
            after = found[-1]["seq"] if found else _last_seq(sandbox.store)
            _follow(output, sandbox.store, filters, after, bodies, json_)


def filters_given(filters: dict[str, Any]) -> bool:
    return any(value is not None for value in filters.values())


def _last_seq(store: "Store") -> int:
    row = store.peek("SELECT COALESCE(MAX(seq), 0) FROM request_log")
    return int(row[0]) if row is not None else 0


def _follow(
    output: Any, store: "Store", filters: dict[str, Any], after: int, bodies: bool, json_: bool
) -> None:
    from pivotal_cli.sandbox.harness import requests

    # --since bounds what is shown first; new entries are newer anyway.
    filters = {**filters, "since": None}
    try:
        while True:
            for entry in requests(store, bodies=bodies, after_seq=after, **filters):
                after = entry["seq"]
                output.line(
                    json.dumps(entry, ensure_ascii=False) if json_ else _line(entry, bodies)
                )
            time.sleep(FOLLOW_POLL_SECONDS)
    except KeyboardInterrupt:
        raise typer.Exit(130) from None


@app.command("clear")
@handle_errors
def clear(ctx: typer.Context, db: DbOpt = None) -> None:
    """Empty the request log."""
    from pivotal_cli.sandbox.harness import clear_requests

    with opened(db) as sandbox:
        count = clear_requests(sandbox.store)
    output_of(ctx).success(f"Request log cleared ({count} {'entry' if count == 1 else 'entries'}).")
