"""`pivotal status`: the workspace at a glance, from one walk of the onboardings list.

Customers are named from the id index when it is fresh, else by the cheaper of
per-id lookups and one walk of the customers list (`client/customer_names.py`).

Sections: launching this week, at risk, waiting on customer, overdue, and counts by
phase. Weeks run Monday to Sunday in UTC. `--today` (hidden; env PIVOTAL_TODAY) pins
the day so tests and reproductions see the same sections whatever the date.
"""

from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Annotated

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.jq_flags import jq_flags
from pivotal_cli.cli.options import JsonOpt, group

if TYPE_CHECKING:
    from pivotal_cli.cli.context import AppContext
    from pivotal_cli.client.http import Client
    from pivotal_cli.domain.glance import Week
    from pivotal_cli.settings.target import Target

app = group("Show the workspace at a glance: launches, risks, waits, overdue, phases.")

WeekOpt = Annotated[
    str | None,
    typer.Option(
        "--week",
        metavar="this|next|last|YYYY-MM-DD",
        help="The Monday-Sunday week (UTC) for 'Launching this week': this (default), "
        "next, last, or the week containing a date.",
        show_default=False,
    ),
]
TodayOpt = Annotated[
    str | None,
    typer.Option(
        "--today",
        metavar="YYYY-MM-DD",
        envvar="PIVOTAL_TODAY",
        hidden=True,  # for tests and reproductions: the date that counts as today
        show_default=False,
    ),
]


def resolve_days(week: str | None, today: str | None) -> tuple[date, "Week"]:
    """Today (UTC, or the pinned day) and the week `--week` names, checked."""
    from pivotal_cli.domain.glance import week_named
    from pivotal_cli.errors import UsageError

    try:
        day = date.fromisoformat(today) if today else datetime.now(timezone.utc).date()
    except ValueError:
        raise UsageError(f"--today: expected YYYY-MM-DD, got {today!r}.") from None
    try:
        return day, week_named(week, day)
    except ValueError:
        raise UsageError(
            f"--week: expected this, next, last or a date (YYYY-MM-DD), got {week!r}."
        ) from None


def days_for(
    app_ctx: "AppContext", client: "Client", week: str | None, today: str | None
) -> tuple[date, "Week"]:
    """Like `resolve_days`, with today by the sandbox's clock when the target is one.

    The sandbox's clock can be moved (`pivotal sandbox clock`); the embedded sandbox and
    a `sandbox serve` on loopback say their time in `/health`. A pinned --today wins.
    """
    target = app_ctx.last_target
    if today is None and target is not None and _is_sandbox(target):
        from pivotal_cli.client.glance import server_today

        served = server_today(client)
        if served is not None:
            return resolve_days(week, served.isoformat())
    return resolve_days(week, today)


def _is_sandbox(target: "Target") -> bool:
    from urllib.parse import urlsplit

    from pivotal_cli.domain.hosts import is_loopback

    return target.source == "sandbox" or is_loopback(urlsplit(target.base_url).hostname or "")


@app.command("status")
@handle_errors
@jq_flags
def status(
    ctx: typer.Context, week: WeekOpt = None, json_: JsonOpt = False, today: TodayOpt = None
) -> None:
    """Show onboardings launching this week, at risk, waiting on the customer, overdue,
    and how many sit in each phase."""
    from pivotal_cli.cli.names import customer_names
    from pivotal_cli.client.glance import fetch
    from pivotal_cli.domain.glance import as_json
    from pivotal_cli.render.glance import plain_lines, renderable

    out = ctx.obj.output
    with ctx.obj.client() as client:
        day, span = days_for(ctx.obj, client, week, today)
        snap = fetch(client, day, span, customer_names(ctx.obj, client))
        if json_:
            generated = datetime.now(timezone.utc).isoformat(timespec="seconds")
            out.json(as_json(snap.view, snap.name_of, generated))
        elif out.is_tty:
            out.paged(renderable(snap.view, snap.name_of, out.console))
        else:
            for line in plain_lines(snap.view, snap.name_of):
                out.line(line)
