"""`pivotal sandbox webhooks …`: the sandbox's webhook endpoints, deliveries and replays.

These commands work on the sandbox database directly (like `sandbox events`), in the
workspace `-w/--workspace` names (acme by default). Only stdlib, typer and the error
types load at import time; the sandbox loads inside each command. A secret is printed
in full only when it is created or rotated, or with `show --show-secret`.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.commands.sandbox_db import DbOpt, JsonFlag, opened, output_of
from pivotal_cli.cli.options import group
from pivotal_cli.errors import UnknownRecordError, UsageError

if TYPE_CHECKING:
    from pivotal_cli.render.columns import Column
    from pivotal_cli.render.output import Output
    from pivotal_cli.sandbox.engine.core import Sandbox
    from pivotal_cli.sandbox.webhooks.worker import Sent

STATUSES = ("pending", "succeeded", "failed")
# A replay or `deliver` waits at most this long for the endpoints, in all.
SEND_BUDGET = 60.0

app = group("Manage the sandbox's webhook endpoints, see deliveries, replay them.")

EndpointArg = Annotated[str, typer.Argument(metavar="ID", help="The endpoint's id (ep_…).")]


def _workspace(ctx: typer.Context) -> str:
    from pivotal_cli.settings.target import sandbox_workspace

    return sandbox_workspace(ctx.obj.settings)


@contextmanager
def _sandbox(db: Path | None) -> Iterator["Sandbox"]:
    """The sandbox at `db`, its webhook errors turned into the CLI's."""
    from pivotal_cli.sandbox.webhooks.endpoints import EndpointError, UnknownRecord

    with opened(db) as sandbox:
        try:
            yield sandbox
        except UnknownRecord as error:
            raise UnknownRecordError(f"{error}.") from None
        except EndpointError as error:
            raise UsageError(f"{error}.") from None


def _now_us(sandbox: "Sandbox") -> int:
    # The sandbox's clock (`sandbox clock`), so a rotation's overlap and a replay's
    # schedule count from the sandbox's time, as its deliveries do.
    from pivotal_cli.sandbox.data.timeutil import to_us

    return to_us(sandbox.clock())


def _endpoint_columns() -> list["Column"]:
    from pivotal_cli.render.webhooks import endpoint_columns

    return endpoint_columns()


def _delivery_columns() -> list["Column"]:
    from pivotal_cli.render.webhooks import delivery_columns

    return delivery_columns()


def _shown(endpoint: dict[str, Any]) -> dict[str, Any]:
    """An endpoint with the two derived columns the table shows."""
    return {
        **endpoint,
        "mode": "test" if endpoint["test_mode"] else "live",
        "state": "disabled" if endpoint["disabled"] else "enabled",
    }


def _print_secret(output: "Output", endpoint: dict[str, Any], verb: str) -> None:
    output.success(f"{verb} webhook endpoint {endpoint['id']} for {endpoint['url']}")
    output.line(f"id\t{endpoint['id']}")
    output.line(f"secret\t{endpoint['secret']}")
    output.info("The secret is shown once, now: store it where the receiver can read it.")


@app.command("add")
@handle_errors
def add(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="Where to POST the events (http:// or https://).")],
    events: Annotated[
        list[str] | None,
        typer.Option(
            "--events",
            "-e",
            metavar="PATTERN",
            help="Event types to send (repeatable): *, a group like customer.*, or a type"
            " [default: *].",
            show_default=False,
        ),
    ] = None,
    test_mode: Annotated[
        bool,
        typer.Option("--test-mode", help="Receive the events of test keys instead of live keys."),
    ] = False,
    allow_remote: Annotated[
        bool,
        typer.Option(
            "--allow-remote",
            help="Allow a URL off this machine: every record the sandbox writes is sent there.",
        ),
    ] = False,
    db: DbOpt = None,
    json_: JsonFlag = False,
) -> None:
    """Add an endpoint; prints its id and its signing secret (shown once)."""
    from pivotal_cli.domain.urls import RemoteRefused, UnsafeValue, check_url
    from pivotal_cli.sandbox.webhooks import endpoints

    try:
        checked = check_url(url, "the endpoint URL", allow_remote=allow_remote)
    except RemoteRefused as refused:
        raise UsageError(
            f"{refused}. Every record the sandbox writes would be POSTed there;"
            " pass --allow-remote to send them anyway."
        ) from None
    except UnsafeValue as error:
        raise UsageError(f"{error}.") from None
    output = output_of(ctx)
    with _sandbox(db) as sandbox:
        created = endpoints.add(
            sandbox.store,
            _workspace(ctx),
            checked.url,
            events=events or (),
            test_mode=test_mode,
            allow_remote=allow_remote,
            now_us=_now_us(sandbox),
        )
    if not checked.loopback:
        output.warn(
            f"Every record this sandbox writes will be POSTed to {checked.url} ({checked.where})."
        )
    if json_:
        output.json(created)
        return
    _print_secret(output, created, "Added")


@app.command("list")
@handle_errors
def list_(ctx: typer.Context, db: DbOpt = None, json_: JsonFlag = False) -> None:
    """List the workspace's endpoints (secrets masked)."""
    from pivotal_cli.render.formats import Format
    from pivotal_cli.sandbox.webhooks import endpoints

    with _sandbox(db) as sandbox:
        found = endpoints.list_endpoints(sandbox.store, _workspace(ctx), _now_us(sandbox))
    output = output_of(ctx)
    if json_:
        output.json(found)
        return
    output.rows(
        [_shown(e) for e in found],
        _endpoint_columns(),
        Format.table,
        empty_message="No webhook endpoints.",
    )


@app.command("show")
@handle_errors
def show(
    ctx: typer.Context,
    endpoint_id: EndpointArg,
    show_secret: Annotated[
        bool, typer.Option("--show-secret", help="Print the signing secret in full.")
    ] = False,
    db: DbOpt = None,
    json_: JsonFlag = False,
) -> None:
    """Show one endpoint (its secret masked unless --show-secret)."""
    from pivotal_cli.sandbox.webhooks import endpoints

    with _sandbox(db) as sandbox:
        found = endpoints.show(
            sandbox.store, _workspace(ctx), endpoint_id, _now_us(sandbox), show_secret=show_secret
        )
    output = output_of(ctx)
    if json_:
        output.json(found)
        return
    from pivotal_cli.render.columns import Column
    from pivotal_cli.render.views import moment

    fields = [
        *_endpoint_columns(),
        Column(
            "previous_secret_expires_at",
            "OLD SECRET UNTIL",
            human=moment("previous_secret_expires_at"),
        ),
    ]
    output.record(_shown(found), fields)


@app.command("remove")
@handle_errors
def remove(
    ctx: typer.Context, endpoint_id: EndpointArg, db: DbOpt = None, json_: JsonFlag = False
) -> None:
    """Remove an endpoint: nothing more is sent to it (its deliveries stay listed)."""
    from pivotal_cli.sandbox.webhooks import endpoints

    with _sandbox(db) as sandbox:
        removed = endpoints.remove(sandbox.store, _workspace(ctx), endpoint_id, _now_us(sandbox))
    output = output_of(ctx)
    if json_:
        output.json({"object": "deleted", "id": removed["id"], "deleted": True})
        return
    output.success(f"Removed webhook endpoint {removed['id']} ({removed['url']})")


@app.command("rotate-secret")
@handle_errors
def rotate_secret(
    ctx: typer.Context, endpoint_id: EndpointArg, db: DbOpt = None, json_: JsonFlag = False
) -> None:
    """Give an endpoint a new secret; the old one also signs for 24 hours."""
    from pivotal_cli.sandbox.webhooks import endpoints

    with _sandbox(db) as sandbox:
        rotated = endpoints.rotate_secret(
            sandbox.store, _workspace(ctx), endpoint_id, _now_us(sandbox)
        )
    output = output_of(ctx)
    if json_:
        output.json(rotated)
        return
    _print_secret(output, rotated, "Rotated the secret of")
    output.info(
        f"Until {rotated['previous_secret_expires_at']} the old secret signs too: each"
        " delivery carries two signatures, one per secret."
    )


@app.command("deliveries")
@handle_errors
def deliveries(
    ctx: typer.Context,
    endpoint: Annotated[
        str | None, typer.Option("--endpoint", metavar="ID", help="Only this endpoint's.")
    ] = None,
    status: Annotated[
        str | None,
        typer.Option("--status", help="Only this status: pending, succeeded or failed."),
    ] = None,
    event_type: Annotated[
        str | None,
        typer.Option(
            "--event-type", metavar="PATTERN", help="Only these events (customer.*, a type)."
        ),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-L", help="At most N, newest first.")] = 20,
    db: DbOpt = None,
    json_: JsonFlag = False,
) -> None:
    """List deliveries, newest first: status, attempts, last answer, next attempt."""
    from pivotal_cli.render.formats import Format
    from pivotal_cli.sandbox.webhooks import deliveries as log

    if status is not None and status not in STATUSES:
        raise UsageError(f"unknown status '{status}': use {', '.join(STATUSES)}.")
    if limit < 1:
        raise UsageError("--limit must be at least 1.")
    with _sandbox(db) as sandbox:
        found = log.list_deliveries(
            sandbox.store,
            _workspace(ctx),
            endpoint=endpoint,
            status=status,
            event_type=event_type,
            limit=limit,
        )
    output = output_of(ctx)
    if json_:
        output.json(found)
        return
    output.rows(found, _delivery_columns(), Format.table, empty_message="No deliveries.")


@app.command("replay")
@handle_errors
def replay(
    ctx: typer.Context,
    delivery_id: Annotated[
        str | None,
        typer.Argument(metavar="[DELIVERY_ID]", help="The delivery to send again (msg_…)."),
    ] = None,
    failed_since: Annotated[
        float | None,
        typer.Option(
            "--failed-since",
            metavar="HOURS",
            help="Instead: every delivery that got no 2xx in the last HOURS hours.",
        ),
    ] = None,
    endpoint: Annotated[
        str | None,
        typer.Option("--endpoint", metavar="ID", help="With --failed-since: only this endpoint's."),
    ] = None,
    db: DbOpt = None,
    json_: JsonFlag = False,
) -> None:
    """Send past deliveries again, same svix-id and body, with a fresh signature."""
    from pivotal_cli.sandbox.webhooks import deliveries as log

    if (delivery_id is None) == (failed_since is None):
        raise UsageError("give a DELIVERY_ID or --failed-since HOURS (one of them).")
    if failed_since is not None and not failed_since > 0:
        raise UsageError("--failed-since must be a number of hours above 0.")
    if endpoint is not None and failed_since is None:
        raise UsageError("--endpoint goes with --failed-since.")
    output = output_of(ctx)
    with _sandbox(db) as sandbox:
        workspace = _workspace(ctx)
        if delivery_id is not None:
            queued = [log.replay(sandbox.store, workspace, delivery_id, _now_us(sandbox))]
        else:
            assert failed_since is not None
            queued = log.replay_failed(
                sandbox.store, workspace, failed_since, _now_us(sandbox), endpoint=endpoint
            )
        ids = [d["id"] for d in queued]
        sent = sandbox.webhooks.run_due(SEND_BUDGET, only=ids) if ids else []
        results = log.get_many(sandbox.store, ids)
    if json_:
        output.json(results)
        return
    if not ids:
        output.info("No delivery failed in that window: nothing to replay.")
        return
    _report(output, sent, len(ids))


@app.command("deliver")
@handle_errors
def deliver(ctx: typer.Context, db: DbOpt = None, json_: JsonFlag = False) -> None:
    """Send every delivery that is due now (what a server's worker would send)."""
    with _sandbox(db) as sandbox:
        sent = sandbox.webhooks.run_due(SEND_BUDGET)
        left, stalled = sandbox.webhooks.due_count(), sorted(sandbox.webhooks.stalled)
        waiting = sandbox.webhooks.next_due_us()
    output = output_of(ctx)
    if json_:
        output.json([_sent_json(s) for s in sent])
        return
    if not sent and not left:
        output.info("Nothing is due.")
    else:
        _report(output, sent, len(sent))
    if left:
        why = f"{', '.join(stalled)} timed out" if stalled else "the pass's time ran out"
        noun = "delivery" if left == 1 else "deliveries"
        output.info(
            f"{left} due {noun} left for later ({why}); they stay pending: run"
            " `pivotal sandbox webhooks deliver` again once the receiver answers."
        )
    if waiting is not None:
        from pivotal_cli.sandbox.data.timeutil import format_ms

        output.info(f"Retries are pending; the next is due at {format_ms(waiting)}.")


def _sent_json(sent: "Sent") -> dict[str, Any]:
    return {
        "id": sent.delivery_id,
        "attempt": sent.number,
        "status_code": sent.attempt.status,
        "error": sent.attempt.error,
        "duration_ms": sent.attempt.duration_ms,
        "status": sent.status,
    }


def _report(output: "Output", sent: "list[Sent]", queued: int) -> None:
    for item in sent:
        answer = item.attempt.error or f"HTTP {item.attempt.status}"
        line = f"{item.delivery_id}  attempt {item.number}  {answer}  -> {item.status}"
        (output.success if item.attempt.ok else output.warn)(line)
    if len(sent) < queued:
        output.info(f"{queued - len(sent)} not sent yet (time ran out); they stay pending.")
