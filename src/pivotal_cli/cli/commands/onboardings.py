"""`pivotal onboardings`: onboardings, their phase workflow and their state."""

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.choices import Phase, PhaseOpt, StateOpt, value_of
from pivotal_cli.cli.commands.watch import watch
from pivotal_cli.cli.flows import Paging, confirm_launch, paged
from pivotal_cli.cli.jq_flags import jq_flags
from pivotal_cli.cli.options import JsonOpt, YesOpt, group
from pivotal_cli.cli.resource_commands import Resource, register
from pivotal_cli.domain.workflow import LAUNCH_PHASE

if TYPE_CHECKING:
    from pivotal_cli.cli.context import AppContext
    from pivotal_cli.client.http import Client
    from pivotal_cli.domain.records import Record
    from pivotal_cli.render.columns import Column

app = group("List and change onboardings; move them through phases.")

OnboardingId = Annotated[
    str, typer.Argument(help="Onboarding display_id or cuid.", show_default=False)
]
CustomerFilterOpt = Annotated[
    str | None,
    typer.Option("--customer", metavar="CUSTOMER", help="Only this customer's (id or slug)."),
]


def _rows(
    client: Any, paging: Paging, *, customer: str | None, state: object, phase: object
) -> tuple[Iterable[dict[str, Any]], Any]:
    from pivotal_cli.client import onboardings

    filters = {"customer": customer, "state": value_of(state), "phase": value_of(phase)}
    if customer and not (state or phase or paging.cursor or paging.limit):
        # One customer's onboardings have their own, unpaginated endpoint; paging
        # flags need the list endpoint's customer_id filter instead.
        return onboardings.list_for_customer(client, customer), None
    return paged(
        paging,
        walk=lambda at: onboardings.iter_all(
            client,
            customer=filters["customer"],
            state=filters["state"],
            phase=filters["phase"],
            cursor=at,
        ),
        page=lambda n, at: onboardings.list_page(client, **filters, limit=n, cursor=at),
    )


def _customer_names(
    app_ctx: "AppContext", client: "Client", columns: "list[Column]", rows: "Iterable[Record]"
) -> "tuple[list[Column], Iterable[Record]]":
    """Columns that show each customer's name on a terminal; the rows they watch.

    Names come from the id index when fresh, else a chunk's customers are named
    together by the cheaper of per-id lookups and a walk (`client/customer_names.py`).
    """
    from pivotal_cli.cli.names import customer_names
    from pivotal_cli.render.views import with_customer_names

    names = customer_names(app_ctx, client)
    return with_customer_names(columns, names), names.tee(rows)


ONBOARDING = Resource(
    "onboarding",
    OnboardingId,
    help={
        "list": "List onboardings, newest first, filtered by customer, state and phase.",
        "get": "Show one onboarding.",
        "create": "Open an onboarding. Defaults: phase before_getting_started, state active.",
        "update": "Change some fields of an onboarding. To move phases, prefer `advance`.",
        "delete": "Soft-delete an onboarding (hidden from reads, kept for audit). Asks first.",
        "open": "Open the onboarding's page in the Pivotal app (or print its URL).",
    },
    created=lambda o: f"Created onboarding {o.get('display_id')} in {o.get('phase')}.",
    updated=lambda o: f"Updated onboarding {o.get('display_id')}.",
    describe=lambda o: f"onboarding {o['display_id']} ({o.get('phase')})",
    rows=_rows,
    list_filters=(
        ("customer", CustomerFilterOpt, None),
        ("state", StateOpt, None),
        ("phase", PhaseOpt, None),
    ),
    paginated=True,
    opens=True,
    launch=True,
    humanise=_customer_names,
)
commands = register(app, ONBOARDING, "list", "get", "create", "update", "delete")


@app.command("advance")
@handle_errors
@jq_flags
def advance(
    ctx: typer.Context,
    onboarding: OnboardingId,
    to: Annotated[
        Phase | None, typer.Option("--to", help="Walk every phase up to this one.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the steps; change nothing.")
    ] = False,
    yes: YesOpt = False,
    json_: JsonOpt = False,
) -> None:
    """Move to the next phase, or with --to through every phase in between (one PATCH each)."""
    from pivotal_cli.domain.workflow import plan_advance

    _move(
        ctx,
        onboarding,
        lambda current, label: plan_advance(
            str(current["phase"]), value_of(to), label, display_id=current["display_id"]
        ),
        yes=yes,
        json_=json_,
        dry_run=dry_run,
    )


@app.command("back")
@handle_errors
@jq_flags
def back(
    ctx: typer.Context, onboarding: OnboardingId, yes: YesOpt = False, json_: JsonOpt = False
) -> None:
    """Move one phase back."""
    from pivotal_cli.domain.workflow import plan_back

    _move(
        ctx,
        onboarding,
        lambda current, label: [
            plan_back(str(current["phase"]), label, display_id=current["display_id"])
        ],
        yes=yes,
        json_=json_,
    )


def _move(
    ctx: typer.Context,
    onboarding: str,
    plan: Callable[["Record", str], list[str]],
    *,
    yes: bool,
    json_: bool,
    dry_run: bool = False,
) -> None:
    """Read the onboarding, plan its phases (`plan(current, label)`), walk them, report."""
    from pivotal_cli.client import onboardings

    app_ctx = ctx.obj
    target = app_ctx.target()
    with app_ctx.client(target=target) as client:
        current = onboardings.get(client, onboarding)
        label = f"Onboarding {current['display_id']}"
        steps = plan(current, label)
        if dry_run:
            _print_plan(app_ctx, label, current, steps, as_json=json_)
            return
        if LAUNCH_PHASE in steps:
            confirm_launch(app_ctx, target, label.lower(), yes)
        else:
            app_ctx.mark_target(target)
        final = _walk(app_ctx, client, current, steps, quiet_stdout=json_)
    _say_where(app_ctx, final)
    if json_:
        app_ctx.output.json(final)


def _say_where(app_ctx: "AppContext", final: "Record") -> None:
    """After a walk, one line on where the onboarding now is: a message, so on stderr."""
    app_ctx.output.success(
        f"Onboarding {final.get('display_id')} is now in {final.get('phase')} "
        f"(state {final.get('state')})."
    )


def _print_plan(
    app_ctx: "AppContext", label: str, current: "Record", steps: list[str], *, as_json: bool
) -> None:
    """What `advance --dry-run` would do; with --json, one object describing the plan."""
    out = app_ctx.output
    previous = str(current["phase"])
    if as_json:
        out.json(
            {
                "id": current["id"],
                "display_id": current["display_id"],
                "from": previous,
                "steps": [{"phase": phase} for phase in steps],
                "dry_run": True,
            }
        )
        return
    out.info(
        f"{label}: {len(steps)} PATCH{'es' if len(steps) > 1 else ''} would be sent (dry run):"
    )
    for phase in steps:
        out.line(f"{previous} → {phase}")
        previous = phase


def _walk(
    app_ctx: "AppContext",
    client: "Client",
    current: "Record",
    steps: list[str],
    *,
    quiet_stdout: bool,
) -> "Record":
    """One PATCH per phase, printing each transition as it lands.

    With --json, stdout holds only the final object, so transitions go to stderr.
    """
    from pivotal_cli.client import onboardings

    out = app_ctx.output
    previous, final = str(current["phase"]), current
    for phase in steps:
        final = onboardings.update(client, str(current["id"]), {"phase": phase}).record()
        line = f"{previous} → {final.get('phase', phase)}"
        out.info(line) if quiet_stdout else out.line(line)
        previous = str(final.get("phase", phase))
    return final


def _state_command(name: str, summary: str) -> None:
    """Register a state shortcut (`pause`, `resume`, `at-risk`, `wait`)."""

    @app.command(name, help=summary)
    @handle_errors
    @jq_flags
    def command(ctx: typer.Context, onboarding: OnboardingId, json_: JsonOpt = False) -> None:
        from pivotal_cli.client import onboardings
        from pivotal_cli.domain.workflow import STATE_SHORTCUTS, already_in_state

        app_ctx = ctx.obj
        out = app_ctx.output
        target = app_ctx.target()
        with app_ctx.client(target=target) as client:
            # Read first: sending the PATCH anyway would report a change ("is now
            # paused") that did not happen.
            current = onboardings.get(client, onboarding)
            label = f"Onboarding {current['display_id']}"
            if already_in_state(current, name):
                out.success(f"{label} is already {current.get('state')}.")
                if json_:
                    out.json(current)
                return
            app_ctx.mark_target(target)
            result = onboardings.update(client, str(current["id"]), STATE_SHORTCUTS[name])
        record = result.record()
        # The one line every record change prints (as advance and back do); the
        # record itself only with --json.
        _say_where(app_ctx, record)
        if json_:
            out.json(record)


_state_command("pause", "Set state paused (the phase stays).")
_state_command("resume", "Set state active again, clearing waiting_on_customer.")
_state_command("at-risk", "Set state at_risk (the phase stays).")
_state_command("wait", "Set state waiting with waiting_on_customer, which pauses the SLA clock.")


app.command("watch")(watch)
register(app, ONBOARDING, "open")


# Aliases as gh has them; hidden, so help and completion list each command once.
app.command("ls", hidden=True)(commands["list"])
app.command("view", hidden=True)(commands["get"])
