"""`pivotal sandbox clock …`: show, move forward and reset the sandbox's clock.

The clock is part of the sandbox database, so a `sandbox serve` on the same `--db`
follows a change at its next request, and so does `pivotal --sandbox`. Moving it forward
sends the webhook retries that come due on the way, in order, and lists them.
Only stdlib, typer and the error types load at import time.
"""

from typing import TYPE_CHECKING, Annotated, Any

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.commands.sandbox_db import DbOpt, JsonFlag, opened, output_of
from pivotal_cli.cli.options import group
from pivotal_cli.errors import UsageError

if TYPE_CHECKING:
    from pivotal_cli.render.output import Output
    from pivotal_cli.sandbox.engine.core import Sandbox

app = group("Show and move the sandbox's clock (records, idempotency, retries follow it).")


def _state(sandbox: "Sandbox") -> dict[str, Any]:
    from pivotal_cli.sandbox.data.timeutil import format_ms, to_us
    from pivotal_cli.sandbox.harness import clock_now, clock_offset

    offset = clock_offset(sandbox.store)
    return {
        "now": format_ms(to_us(clock_now(sandbox.store))),
        "offset_seconds": round(offset.total_seconds(), 3),
        "moved": offset.total_seconds() != 0,
    }


def _show(output: "Output", state: dict[str, Any], json_: bool, fired: Any = None) -> None:
    if json_:
        output.json(state if fired is None else {**state, "fired": fired})
        return
    if fired is not None:
        for sent in fired:
            code = sent["status_code"] if sent["status_code"] is not None else sent["error"]
            output.line(
                f"fired {sent['at']}  {sent['event_type']:<28} attempt {sent['attempt']}"
                f"  -> {code}  {sent['endpoint_url']}  ({sent['delivery_status']})"
            )
    ahead = _human(state["offset_seconds"])
    suffix = f" ({ahead} ahead of real time)" if state["moved"] else " (real time)"
    output.line(f"Sandbox time: {state['now']}{suffix}")


def _human(seconds: float) -> str:
    # Rounded: the offset of `advance 1d12h` is a few microseconds short of it (the real
    # clock moved while the command ran), and that is still "1d12h ahead".
    whole = round(seconds)
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "m"), (secs, "s"))]
    shown = "".join(p for p in parts if not p.startswith("0"))
    return shown or "0s"


@app.command("show")
@handle_errors
def show(ctx: typer.Context, db: DbOpt = None, json_: JsonFlag = False) -> None:
    """Print the sandbox's time and how far it is ahead of real time."""
    with opened(db) as sandbox:
        _show(output_of(ctx), _state(sandbox), json_)


@app.command("advance")
@handle_errors
def advance(
    ctx: typer.Context,
    duration: Annotated[
        str, typer.Argument(help="How far: 90s, 15m, 2h, 14d, 1w, or combined (1d12h).")
    ],
    db: DbOpt = None,
    json_: JsonFlag = False,
) -> None:
    """Move the clock forward, sending the webhook retries that come due, in order."""
    from pivotal_cli.sandbox.data.timeutil import parse_duration
    from pivotal_cli.sandbox.harness import advance as advance_clock

    delta = parse_duration(duration)
    if delta is None or not delta:
        raise UsageError(
            f"invalid duration {duration!r}: use a positive amount like 90s, 15m, 2h, 14d,"
            " 1w or 1d12h."
        )
    with opened(db) as sandbox:
        fired = advance_clock(sandbox.store, delta, dispatcher=sandbox.webhooks)
        _show(output_of(ctx), _state(sandbox), json_, fired)


@app.command("set")
@handle_errors
def set_(
    ctx: typer.Context,
    instant: Annotated[
        str, typer.Argument(help="An ISO 8601 instant with Z or an offset: 2026-07-15T09:00Z.")
    ],
    db: DbOpt = None,
    json_: JsonFlag = False,
) -> None:
    """Move the clock forward to an instant (earlier than now is refused: use reset)."""
    from pivotal_cli.sandbox.data.timeutil import from_us, parse_datetime
    from pivotal_cli.sandbox.harness import ClockError, set_clock

    us = parse_datetime(instant) if _has_zone(instant) else None
    if us is None:
        raise UsageError(
            f"invalid instant {instant!r}: use ISO 8601 with Z or an offset,"
            " e.g. 2026-07-15T09:00Z."
        )
    with opened(db) as sandbox:
        try:
            fired = set_clock(sandbox.store, from_us(us), dispatcher=sandbox.webhooks)
        except ClockError as error:
            raise UsageError(
                f"{error}; `pivotal sandbox clock reset` returns to real time."
            ) from None
        _show(output_of(ctx), _state(sandbox), json_, fired)


def _has_zone(text: str) -> bool:
    # Refused without one: a bare local time would silently mean UTC here.
    import re

    return re.search(r"(?:[Zz]|[+-]\d{2}:?\d{2})$", text.strip()) is not None


@app.command("reset")
@handle_errors
def reset(ctx: typer.Context, db: DbOpt = None, json_: JsonFlag = False) -> None:
    """Return the clock to real time (records keep the instants they were given)."""
    from pivotal_cli.sandbox.harness import reset_clock

    with opened(db) as sandbox:
        reset_clock(sandbox.store)
        _show(output_of(ctx), _state(sandbox), json_)
