"""`pivotal sandbox …`: serve, reset and inspect the local sandbox of the Pivotal API.

Only stdlib, typer and the error types are imported here at module level: the sandbox
(sqlite3, httpx, uvicorn) loads inside the command that needs it, so `pivotal --help`
never pays for it. Failures are `PivotalError`s, reported by the one error boundary
(`@handle_errors`) as one line on stderr and the documented exit code; data and
messages go through the invocation's one `Output`.
"""

import json
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.commands.sandbox_db import DbOpt, JsonFlag, opened, output_of
from pivotal_cli.cli.options import group
from pivotal_cli.errors import PivotalError, UnknownRecordError, UsageError

if TYPE_CHECKING:
    from pivotal_cli.render.output import Output
    from pivotal_cli.sandbox.engine.core import Sandbox

SEEDS = ("demo", "empty")

app = group("Run and inspect the local sandbox: a stateful implementation of the API.")

SeedOpt = Annotated[str, typer.Option("--seed", help="Data for a new store: demo or empty.")]


@app.callback()
def _context(ctx: typer.Context) -> None:
    # Under `pivotal` the root callback has built the context already; this group can
    # also run on its own (`app()`), and then it builds the same one itself.
    from pivotal_cli.cli.context import AppContext, Settings

    if not isinstance(ctx.obj, AppContext):
        ctx.obj = AppContext(Settings())


def _check_seed(seed: str) -> None:
    if seed not in SEEDS:
        raise UsageError(f"unknown seed '{seed}': use demo or empty.")


@app.command("serve")
@handle_errors
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help="Port to listen on; 0 picks a free one.")
    ] = 8787,
    db: DbOpt = None,
    seed: SeedOpt = "demo",
    rate_limit: Annotated[
        str | None,
        typer.Option(
            "--rate-limit",
            help="Requests per minute per key, or off [default: 60 live, 30 test].",
            show_default=False,
        ),
    ] = None,
    faults: Annotated[
        str | None,
        typer.Option(
            "--faults",
            help="Fault injection: global items and route rules separated by ';', e.g."
            " 'seed=7,500=0.05; POST /customers 500=0.2; GET /customers/* 404=1,max=3'.",
        ),
    ] = None,
    allow_remote: Annotated[
        bool, typer.Option("--allow-remote", help="Allow listening on a non-loopback address.")
    ] = False,
) -> None:
    """Serve the sandbox over HTTP until Ctrl-C (prints its URL and keys)."""
    from pivotal_cli.domain.hosts import is_loopback
    from pivotal_cli.sandbox.adapters.server import base_url, bind_socket, make_server
    from pivotal_cli.sandbox.engine.faults import FaultRules, FaultSpecError
    from pivotal_cli.sandbox.engine.ratelimit import RatePolicy

    output = output_of(ctx)
    _check_seed(seed)
    if not 0 <= port <= 65535:
        raise UsageError(f"invalid port {port}: use 0-65535.")
    if not is_loopback(host) and not allow_remote:
        raise UsageError(
            f"refusing to listen on {host}, which is not a loopback address: the sandbox keys"
            " are printed in clear. Pass --allow-remote if you mean it."
        )
    try:
        policy = RatePolicy.parse(rate_limit)
        plan = FaultRules.parse(faults) if faults else None
    except (ValueError, FaultSpecError) as error:
        raise UsageError(f"{error}.") from None
    with opened(db, seed, rate_limit=policy, faults=plan) as sandbox:
        try:
            sock = bind_socket(host, port)
        except OSError as error:
            raise PivotalError(
                f"Cannot listen on {host}:{port}: {error.strerror or error}. Pick another "
                f"with --port (0 picks a free one), or stop what listens on {port}."
            ) from None
        try:
            server = make_server(sandbox, sock)
            _print_banner(output, sandbox, base_url(sock), policy, faults)
            # Webhook deliveries go out from a thread of their own while serving.
            sandbox.webhooks.start()
            with _quiet_signals():
                server.run(sockets=[sock])
        finally:
            sandbox.webhooks.stop()
            sock.close()
    output.info("Sandbox stopped.")


def _print_banner(
    output: "Output", sandbox: "Sandbox", url: str, policy: Any, faults: str | None
) -> None:
    # Plain lines on stdout: scripts read the URL from the first one and the keys below.
    echo = output.line
    echo(f"Pivotal sandbox listening on {url}")
    echo(f"Database: {sandbox.store.path}")
    echo("Workspaces:")
    for slug, name in sandbox.workspaces():
        echo(f"  {slug:<8} {name}")
    echo("Keys (sandbox keys: they open this local sandbox and nothing else):")
    for key in sandbox.keys:
        revoked = "  (revoked)" if key.revoked else ""
        echo(f"  {key.workspace:<8} {key.name:<14} {key.mode:<5} {key.key}{revoked}")
    if policy.live is None:
        echo("Rate limits: off")
    else:
        echo(f"Rate limits: {policy.live}/min live keys, {policy.test}/min test keys")
    echo(f"Faults: {faults or 'off'}")
    echo("Press Ctrl-C to stop.")


@contextmanager
def _quiet_signals() -> Iterator[None]:
    """Makes Ctrl-C and SIGTERM a clean stop with exit 0.

    uvicorn catches both while it runs, shuts down gracefully, then re-raises the signal
    under the handler it found installed: ignoring it here turns that into a plain return.
    """
    handled = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, lambda *_: None) for sig in handled}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@app.command("reset")
@handle_errors
def reset(
    ctx: typer.Context,
    seed: SeedOpt = "demo",
    db: DbOpt = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete every record and re-seed (workspaces and keys stay)."""
    from pivotal_cli.sandbox.data.timeutil import to_us
    from pivotal_cli.sandbox.fixtures.provision import reset as reset_store

    output = output_of(ctx)
    _check_seed(seed)
    with opened(db) as sandbox:
        what = "demo data" if seed == "demo" else "nothing (empty)"
        # Without a terminal to ask on and without --yes this refuses (exit 3).
        output.confirm(
            f"Delete every record in {sandbox.store.path} and re-seed with {what}?",
            assume_yes=yes,
        )
        reset_store(sandbox.store, seed=seed, now_us=to_us(sandbox.clock()))
        output.success(f"Sandbox reset with {seed} data: {sandbox.store.path}")


@app.command("keys")
@handle_errors
def keys(ctx: typer.Context, db: DbOpt = None, json_: JsonFlag = False) -> None:
    """Print the sandbox keys (creating the sandbox on first use)."""
    with opened(db) as sandbox:
        entries = [
            {
                "workspace": key.workspace,
                "name": key.name,
                "mode": key.mode,
                "revoked": key.revoked,
                "key": key.key,
            }
            for key in sandbox.keys
        ]
    output = output_of(ctx)
    if json_:
        output.json(entries)
        return
    output.info("Sandbox keys: they open the local sandbox and nothing else.")
    # Scenario files add workspaces with longer slugs and key names than the demo's.
    ws_width = max([8, *(len(str(e["workspace"])) for e in entries)])
    name_width = max([14, *(len(str(e["name"])) for e in entries)])
    for entry in entries:
        revoked = "  (revoked)" if entry["revoked"] else ""
        label = f"{entry['workspace']:<{ws_width}} {entry['name']:<{name_width}} {entry['mode']:<5}"
        output.line(f"{label} {entry['key']}{revoked}")


@app.command("events")
@handle_errors
def events(
    ctx: typer.Context,
    customer: Annotated[
        str | None, typer.Option("--customer", help="Only this customer (display_id or id).")
    ] = None,
    onboarding: Annotated[
        str | None, typer.Option("--onboarding", help="Only this onboarding (display_id or id).")
    ] = None,
    workspace: Annotated[str, typer.Option("--workspace", help="Workspace slug.")] = "acme",
    transitions: Annotated[
        bool, typer.Option("--transitions", help="Show phase-transition rows instead.")
    ] = False,
    limit: Annotated[
        int | None, typer.Option("--limit", help="Only the most recent N.", show_default=False)
    ] = None,
    db: DbOpt = None,
    json_: JsonFlag = False,
) -> None:
    """Show the audit trail, oldest first (timeline events or phase transitions)."""
    from pivotal_cli.sandbox.resources.timeline import (
        TimelineLookupError,
        list_events,
        list_transitions,
    )

    output = output_of(ctx)
    if limit is not None and limit < 1:
        raise UsageError("--limit must be at least 1.")
    reader = list_transitions if transitions else list_events
    with opened(db) as sandbox:
        try:
            rows = reader(
                sandbox.store,
                workspace=workspace,
                customer=customer,
                onboarding=onboarding,
                limit=limit,
            )
        except TimelineLookupError as error:
            raise UnknownRecordError(f"{error}.") from None
    if json_:
        output.json(rows)
        return
    for row in rows:
        output.line(_transition_line(row) if transitions else _event_line(row))


def _event_line(row: dict[str, Any]) -> str:
    where = f"customer {row['customer_display_id']}"
    if row["onboarding_display_id"] is not None:
        where += f" onboarding {row['onboarding_display_id']}"
    data = json.dumps(row["data"], separators=(",", ":")) if row["data"] else ""
    return f"{row['at']}  {row['kind']:<26} {row['actor']:<14} {where}  {data}".rstrip()


def _transition_line(row: dict[str, Any]) -> str:
    return (
        f"{row['at']}  onboarding {row['onboarding_display_id']}:"
        f" {row['from'] or '(new)'} -> {row['to']}  by {row['actor']}"
    )


def _add_webhooks() -> None:
    # A module of its own (its commands are many); added here so `sandbox webhooks …`
    # is wired whenever the sandbox group is.
    from pivotal_cli.cli.commands.sandbox_webhooks import app as webhooks_app

    app.add_typer(webhooks_app, name="webhooks")
    from pivotal_cli.cli.commands.sandbox_clock import app as clock_app

    app.add_typer(clock_app, name="clock")
    from pivotal_cli.cli.commands.sandbox_logs import app as logs_app

    app.add_typer(logs_app, name="logs")
    from pivotal_cli.cli.commands.sandbox_snapshot import app as snapshot_app

    app.add_typer(snapshot_app, name="snapshot")
    from pivotal_cli.cli.commands.sandbox_seed import seed as seed_command

    app.command("seed")(seed_command)


_add_webhooks()
