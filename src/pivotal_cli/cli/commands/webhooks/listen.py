"""`pivotal webhooks listen`: receive deliveries on a local port, verify, forward, record.

The receiver, the per-delivery work and the log are `pivotal_cli.webhooks`; this
module checks the options, says what the session does, and words the failures.
"""

from __future__ import annotations

from typing import Annotated

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.commands.webhooks.common import (
    DEFAULT_PORT,
    SecretOpt,
    app_ctx,
    check_url,
    find_secret,
    source_label,
    workspace,
)
from pivotal_cli.errors import PivotalError, UsageError


def _check_patterns(values: list[str] | None) -> list[str]:
    from pivotal_cli.domain.webhook_events import unknown_pattern

    patterns = [p.strip() for value in values or () for p in value.split(",") if p.strip()]
    for pattern in patterns:
        problem = unknown_pattern(pattern)
        if problem:
            raise UsageError(f"--events {pattern!r} matches no event type: {problem}.")
    return patterns


def _check_host(host: str, allow_remote: bool, forwarding: bool) -> None:
    """Loopback only, unless --allow-remote: like `sandbox serve`, say what opens up."""
    from pivotal_cli.domain.hosts import describe_remote, is_loopback

    if is_loopback(host) or allow_remote:
        return
    reach = " and have them forwarded to your app" if forwarding else ""
    raise UsageError(
        f"refusing to listen on {host} ({describe_remote(host)}): other machines could send"
        f" deliveries to it{reach}. Pass --allow-remote if you mean it."
    )


PortOpt = Annotated[int, typer.Option("--port", help="Port to listen on; 0 picks a free one.")]


@handle_errors
def listen(
    ctx: typer.Context,
    port: PortOpt = DEFAULT_PORT,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    allow_remote: Annotated[
        bool,
        typer.Option(
            "--allow-remote",
            help="Allow a --host other machines can reach: they could send it deliveries.",
        ),
    ] = False,
    forward_to: Annotated[
        str | None,
        typer.Option(
            "--forward-to",
            metavar="URL",
            help="Forward each delivery (raw body, original headers) to your app; the "
            "sender gets the app's status.",
        ),
    ] = None,
    events: Annotated[
        list[str] | None,
        typer.Option(
            "--events",
            metavar="PATTERN",
            help="Only forward these types (*, customer.*, an exact type; repeat or "
            "comma-separate). Others are acknowledged, not forwarded.",
        ),
    ] = None,
    secret: SecretOpt = None,
    secret_from_keyring: Annotated[
        bool,
        typer.Option(
            "--secret-from-keyring",
            help="Use the workspace's stored secret, and fail if there is none.",
        ),
    ] = False,
    fmt: Annotated[
        str, typer.Option("--format", metavar="text|json", help="One line per event, or JSON.")
    ] = "text",
    print_secret: Annotated[
        bool,
        typer.Option("--print-secret", help="Print the full signing secret in use and exit."),
    ] = False,
) -> None:
    """Receive deliveries on a local port: verify, print one line each, forward, record.

    A bad signature is answered 401 when a secret is known (and not forwarded). With
    --forward-to the sender gets the app's status: 502 when the app is down, 504 when
    it does not answer within 10 s. Every delivery is recorded for `webhooks log` and
    `webhooks replay`. Ctrl-C stops it.
    """
    from pivotal_cli.cli.hints import webhook_listen_ready

    context = app_ctx(ctx)
    out = context.output
    if fmt not in ("text", "json"):
        raise UsageError(f"--format {fmt!r}: use text or json.")
    if not 0 <= port <= 65535:
        raise UsageError(f"--port {port}: use 0-65535.")
    _check_host(host, allow_remote, bool(forward_to))
    if forward_to:
        forward_to = check_url(forward_to, "--forward-to")
    patterns = _check_patterns(events)
    if secret and secret_from_keyring:
        raise UsageError("Pass --secret or --secret-from-keyring, not both.")
    where = workspace(context)
    found = find_secret(context, secret, keyring_required=secret_from_keyring)
    if print_secret:
        if found is None:
            raise PivotalError(
                "No webhook signing secret is set.", reason="no_webhook_secret_stored"
            )
        out.line(found.secret)
        return

    from pivotal_cli.domain.hosts import is_loopback
    from pivotal_cli.domain.webhook_signing import mask_secret
    from pivotal_cli.webhooks.listener import Listener
    from pivotal_cli.webhooks.log import Recorder, log_path
    from pivotal_cli.webhooks.receiver import Receiver, serve_until_stopped

    poster = None
    if forward_to:
        from pivotal_cli.webhooks.forward import Poster

        poster = Poster()
    recorder = Recorder(log_path(where))
    listener = Listener(
        output=out,
        secrets=[found.secret] if found else None,
        forward_to=forward_to,
        poster=poster,
        patterns=patterns,
        json_lines=fmt == "json",
        recorder=recorder,
    )
    try:
        receiver = Receiver(host, port, listener.on_delivery)
    except OSError as error:
        raise PivotalError(
            f"Cannot listen on {host}:{port}: {error.strerror or error}.",
            reason="port_in_use" if _in_use(error) else None,
            details={"port": port},
        ) from None
    shown = receiver.url.replace("0.0.0.0", "127.0.0.1").replace("[::]", "[::1]")
    out.info(f"Listening on {receiver.url} (POST to any path).")
    if not is_loopback(host):
        out.warn(f"{host} is reachable from other machines: anyone who can reach it can POST here.")
    if found:
        source = source_label(found, where)
        out.info(f"Verifying signatures with {mask_secret(found.secret)} (from {source}).")
    else:
        out.info(
            "No signing secret: deliveries are not verified (unchecked). Pass --secret, "
            "set PIVOTAL_WEBHOOK_SECRET, or run `pivotal webhooks secret set`."
        )
    if forward_to:
        out.info(f"Forwarding to {forward_to}; the sender gets the app's status.")
    if patterns:
        out.info(f"Forwarding only {', '.join(patterns)}; other events are acknowledged only.")
    out.info(f"Recording deliveries in {recorder.path} (the last 1000).")
    out.info(webhook_listen_ready(shown))
    try:
        serve_until_stopped(receiver)
    finally:
        if poster is not None:
            poster.close()
    if recorder.failed:
        out.warn(f"Could not record deliveries: {recorder.failed}.")
    count = listener.received
    out.info(f"Stopped after {count} deliver{'y' if count == 1 else 'ies'}.")


def _in_use(error: OSError) -> bool:
    import errno

    return error.errno in (errno.EADDRINUSE, errno.EACCES)
