"""`pivotal onboardings watch ID --until phase=launch`: wait for an onboarding, for CI.

Options and words only: the conditions are `domain/watch.py`, the polling loop is
`client/watch.py`. Exit codes (README "Exit codes"): 0 the conditions hold (already at
the start too), 10 a `--fail-on` condition held, 11 the `--timeout` passed first, 5 the
onboarding is not there (deleted while watched, or never found within `--grace`): a
404 is never a pass. Ctrl-C is 130.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pivotal_cli.cli.boundary import handle_errors, printable

if TYPE_CHECKING:
    from pivotal_cli.domain.records import Record
    from pivotal_cli.domain.watch import Condition

# A value longer than this is shown cut in a change line (notes can be paragraphs).
SHOWN_VALUE = 40

UntilOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--until",
        metavar="FIELD=VALUE",
        help="Pass when this holds (repeat: all must hold). FIELD is any top-level field; "
        "phase>=PHASE follows the workflow's order.",
        show_default=False,
    ),
]
FailOnOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--fail-on",
        metavar="FIELD=VALUE",
        help="Fail (exit 10) as soon as this holds (repeat: any one fails).",
        show_default=False,
    ),
]


@handle_errors
def watch(
    ctx: typer.Context,
    onboarding: Annotated[
        str, typer.Argument(help="Onboarding display_id or cuid.", show_default=False)
    ],
    until: UntilOpt = None,
    fail_on: FailOnOpt = None,
    timeout: Annotated[
        str | None,
        typer.Option(
            "--timeout",
            metavar="DURATION",
            help="Give up (exit 11) after this long: 90s, 30m, 2h. Default: no limit.",
            show_default=False,
        ),
    ] = None,
    interval: Annotated[
        str,
        typer.Option(
            "--interval",
            metavar="DURATION",
            help="Time between polls; longer when the rate budget runs low.",
        ),
    ] = "5s",
    grace: Annotated[
        str,
        typer.Option(
            "--grace",
            metavar="DURATION",
            help="How long a 404 counts as 'created a moment ago' before it exits 5.",
        ),
    ] = "10s",
    json_: Annotated[
        bool, typer.Option("--json", help="Print each reading as one JSON line (JSON lines).")
    ] = False,
) -> None:
    """Wait until an onboarding meets conditions; print each change (exit 0, 10, 11 or 5)."""
    from pivotal_cli.client.watch import WatchSpec
    from pivotal_cli.client.watch import watch as run_watch
    from pivotal_cli.domain.watch import parse_duration

    spec = WatchSpec(
        until=_conditions("--until", until or []),
        fail_on=_conditions("--fail-on", fail_on or []),
        interval=_duration("--interval", interval, parse_duration),
        timeout=None if timeout is None else _duration("--timeout", timeout, parse_duration),
        grace=_duration("--grace", grace, parse_duration),
    )
    app_ctx = ctx.obj
    out = app_ctx.output

    def on_reading(record: Record, changed: dict[str, tuple[Any, Any]]) -> None:
        if json_:
            out.line(out_json(record, changed))
        else:
            out.line(_text(record, changed, spec.until))

    with app_ctx.client() as client:
        result = run_watch(client, onboarding, spec, on_reading)
    label = f"Onboarding {result.record.get('display_id', onboarding)}"
    if not result.verdict.passed:
        from pivotal_cli.errors import WatchFailedError

        failed = result.verdict.failed
        raise WatchFailedError(
            f"{label} met the fail condition {failed.text if failed else ''}.",
            details={"display_id": result.record.get("display_id")},
        )
    out.success(f"{label}: {' and '.join(c.text for c in spec.until)}.")


def _conditions(flag: str, texts: list[str]) -> list[Condition]:
    from pivotal_cli.domain.watch import parse_condition
    from pivotal_cli.errors import UsageError

    if flag == "--until" and not texts:
        raise UsageError("Name what to wait for: --until phase=launch (repeat for more).")
    try:
        return [parse_condition(text) for text in texts]
    except UsageError as exc:
        raise UsageError(f"{flag} {exc.message}") from None


def _duration(flag: str, text: str, parse: Any) -> float:
    from pivotal_cli.errors import UsageError

    try:
        return float(parse(text))
    except UsageError as exc:
        raise UsageError(f"{flag}: {exc.message}") from None


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def out_json(record: Record, changed: dict[str, tuple[Any, Any]]) -> str:
    """One JSON line: when, which onboarding, what changed (from/to), and the record."""
    import json

    return json.dumps(
        {
            "at": _now(),
            "display_id": record.get("display_id"),
            "phase": record.get("phase"),
            "state": record.get("state"),
            "changes": {name: {"from": old, "to": new} for name, (old, new) in changed.items()},
            "record": record,
        },
        ensure_ascii=False,
    )


def _text(record: Record, changed: dict[str, tuple[Any, Any]], until: Sequence[Condition]) -> str:
    head = f"{_now()}  onboarding {record.get('display_id')}"
    if not changed:  # the first reading
        wanted = " and ".join(c.text for c in until)
        return f"{head}  phase {record.get('phase')}, state {record.get('state')}; until {wanted}"
    what = ", ".join(
        f"{name} {_shown(old)} → {_shown(new)}" for name, (old, new) in changed.items()
    )
    return f"{head}  {what}"


def _shown(value: Any) -> str:
    # Text from the workspace: shown, never obeyed by the terminal.
    text = "null" if value is None else printable(str(value))
    return text if len(text) <= SHOWN_VALUE else text[: SHOWN_VALUE - 1] + "…"
