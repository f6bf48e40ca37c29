"""`pivotal webhooks …`: receive, verify, sign, trigger and replay webhook deliveries locally.

No account and no server needed: `listen` is a local receiver (and forwarder to your
app), `trigger` builds and signs a realistic event of any documented type, `verify`
and `sign` check and make the `svix-*` headers, `replay` resends what `listen`
recorded, re-signed with a fresh timestamp. Signing secrets come from `--secret`,
then PIVOTAL_WEBHOOK_SECRET, then the keyring entry of the current workspace
(`webhooks secret set`). A full secret is printed only when asked (`--reveal`,
`--print-secret`).

Only typer and the error types load at import; the receiver, httpx and the domain
load inside the command that needs them.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.options import group
from pivotal_cli.errors import (
    CancelledError,
    CredentialsError,
    NetworkError,
    PivotalError,
    UnknownRecordError,
    UsageError,
)

if TYPE_CHECKING:
    from pivotal_cli.cli.context import AppContext
    from pivotal_cli.client.webhook_forward import Sent
    from pivotal_cli.settings.webhook_secrets import FoundSecret

app = group("Receive, verify, sign, trigger and replay webhook deliveries locally.")
secret_app = group("Store, show or clear the webhook signing secret of the workspace.")
app.add_typer(secret_app, name="secret")

DEFAULT_PORT = 8787
DEFAULT_RECEIVER = f"http://127.0.0.1:{DEFAULT_PORT}/"
USER_AGENT = "pivotal-webhooks"
# Verdicts a final line break the signer never sent can cause (an editor adds one).
_TRIMMABLE = ("no_match", "reserialized_body")

SecretOpt = Annotated[
    str | None,
    typer.Option(
        "--secret",
        metavar="whsec_…",
        help="Signing secret [default: PIVOTAL_WEBHOOK_SECRET, else the workspace's stored one].",
        show_default=False,
    ),
]
BodyOpt = Annotated[
    str | None,
    typer.Option("--body", metavar="FILE|-", help="The raw body, from a file or - for stdin."),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]


# -- shared helpers -----------------------------------------------------------------


def _app_ctx(ctx: typer.Context) -> AppContext:
    app_ctx: AppContext = ctx.obj
    return app_ctx


def _workspace(app_ctx: AppContext) -> str:
    """The workspace whose secret and delivery log a command uses."""
    from pivotal_cli.settings.webhook_secrets import NO_WORKSPACE

    settings = app_ctx.settings
    if settings.workspace:
        return settings.workspace
    if settings.sandbox:
        from pivotal_cli.sandbox.adapters.embedded import WORKSPACE

        return WORKSPACE
    try:
        slug, _ = app_ctx.config.resolve(None, settings.mode)
    except PivotalError:  # an unreadable config: secrets still work under the default
        slug = None
    return slug or NO_WORKSPACE


@contextmanager
def _keyring_errors() -> Iterator[None]:
    """A keyring that cannot be used: say how to pass the secret without one."""
    try:
        yield
    except CredentialsError as error:
        if error.reason not in ("no_keyring", "keyring_failed", "keyring_timeout"):
            raise
        raise CredentialsError(error.message, reason="webhook_no_keyring") from None


def _find_secret(
    app_ctx: AppContext, flag: str | None, *, keyring_required: bool = False
) -> FoundSecret | None:
    from pivotal_cli.settings.webhook_secrets import WebhookSecrets, resolve_secret

    with _keyring_errors():
        found = resolve_secret(
            flag,
            os.environ,
            _workspace(app_ctx),
            WebhookSecrets,
            keyring_required=keyring_required,
        )
    if found is not None:
        _check_secret(found.secret)
    return found


def _need_secret(app_ctx: AppContext, flag: str | None, what: str) -> str:
    found = _find_secret(app_ctx, flag)
    if found is None:
        raise UsageError(
            f"No webhook signing secret to {what} with.", reason="webhook_secret_needed"
        )
    return found.secret


def _check_secret(secret: str) -> None:
    from pivotal_cli.domain.webhook_signing import SecretFormatError, secret_key

    try:
        secret_key(secret)
    except SecretFormatError as error:
        raise UsageError(f"Bad webhook secret: {error}.", reason="webhook_secret_bad") from None


def _source_label(found: FoundSecret, workspace: str) -> str:
    return {
        "flag": "--secret",
        "env": "PIVOTAL_WEBHOOK_SECRET",
        "keyring": f"the keyring, workspace {workspace}",
    }.get(found.source, found.source)


def _check_url(url: str, flag: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{flag} {url!r} is not an http:// or https:// URL with a host.")
    return url.strip()


def _read_body(source: str | None) -> bytes:
    """The exact bytes of --body FILE or - (stdin)."""
    if source is None:
        raise UsageError("No body: pass --body FILE, or --body - to read it from stdin.")
    if source == "-":
        stream = getattr(sys.stdin, "buffer", None)
        return stream.read() if stream is not None else sys.stdin.read().encode()
    try:
        return Path(source).expanduser().read_bytes()
    except OSError as error:
        raise UsageError(f"Cannot read {source}: {error.strerror or error}.") from None


def _check_patterns(values: list[str] | None) -> list[str]:
    from pivotal_cli.domain.webhook_events import unknown_pattern

    patterns = [p.strip() for value in values or () for p in value.split(",") if p.strip()]
    for pattern in patterns:
        problem = unknown_pattern(pattern)
        if problem:
            raise UsageError(f"--events {pattern!r} matches no event type: {problem}.")
    return patterns


def _sent_line(sent: Sent) -> str:
    if sent.status is not None:
        return f"{sent.status} in {sent.latency_ms:.0f} ms"
    return f"no answer: {sent.error}"


def _snippet(body: bytes) -> str:
    text = " ".join(body.decode("utf-8", "replace").split())
    return text[:200]


# -- listen -------------------------------------------------------------------------


@app.command("listen")
@handle_errors
def listen(
    ctx: typer.Context,
    port: Annotated[
        int, typer.Option("--port", help="Port to listen on; 0 picks a free one.")
    ] = DEFAULT_PORT,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
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

    app_ctx = _app_ctx(ctx)
    out = app_ctx.output
    if fmt not in ("text", "json"):
        raise UsageError(f"--format {fmt!r}: use text or json.")
    if not 0 <= port <= 65535:
        raise UsageError(f"--port {port}: use 0-65535.")
    if forward_to:
        forward_to = _check_url(forward_to, "--forward-to")
    patterns = _check_patterns(events)
    if secret and secret_from_keyring:
        raise UsageError("Pass --secret or --secret-from-keyring, not both.")
    workspace = _workspace(app_ctx)
    found = _find_secret(app_ctx, secret, keyring_required=secret_from_keyring)
    if print_secret:
        if found is None:
            raise PivotalError(
                "No webhook signing secret is set.", reason="no_webhook_secret_stored"
            )
        out.line(found.secret)
        return

    from pivotal_cli.cli.webhook_listener import Listener
    from pivotal_cli.cli.webhook_log import Recorder, log_path
    from pivotal_cli.client.webhook_receiver import Receiver
    from pivotal_cli.domain.webhook_signing import mask_secret

    poster = None
    if forward_to:
        from pivotal_cli.client.webhook_forward import Poster

        poster = Poster()
    recorder = Recorder(log_path(workspace))
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
    if found:
        where = _source_label(found, workspace)
        out.info(f"Verifying signatures with {mask_secret(found.secret)} (from {where}).")
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
        _serve_until_stopped(receiver)
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


def _serve_until_stopped(receiver: Any) -> None:
    """Serve in a thread until Ctrl-C or SIGTERM; both are a clean stop (exit 0)."""
    import signal
    import threading

    stop = threading.Event()
    worker = threading.Thread(target=receiver.serve_forever, name="webhooks-listen", daemon=True)
    worker.start()
    previous: dict[signal.Signals, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, lambda *_: stop.set())
    try:
        while not stop.wait(0.2):
            if not worker.is_alive():
                break
    except KeyboardInterrupt:
        pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        receiver.shutdown()
        worker.join(2)


# -- trigger ------------------------------------------------------------------------


@app.command("trigger")
@handle_errors
def trigger(
    ctx: typer.Context,
    event_type: Annotated[
        str, typer.Argument(metavar="TYPE", help="An event type, e.g. customer.created.")
    ],
    forward_to: Annotated[
        str,
        typer.Option("--forward-to", metavar="URL", help="Where to POST the event."),
    ] = DEFAULT_RECEIVER,
    overrides: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="PATH=VALUE",
            help="Set a field, e.g. data.object.phase=launch (or phase=launch); values are "
            "typed: numbers, true, null, JSON.",
        ),
    ] = None,
    secret: SecretOpt = None,
    print_only: Annotated[
        bool, typer.Option("--print", help="Print the signed request; send nothing.")
    ] = False,
) -> None:
    """Build a realistic test event of TYPE, sign it and POST it (to a running `listen`).

    Without a configured secret it is signed with a throwaway one (shown masked). The
    event has livemode false and fake but well-formed ids.
    """
    import json
    import random
    from datetime import datetime, timezone

    from pivotal_cli.domain.webhook_events import EVENT_TYPES
    from pivotal_cli.domain.webhook_fakes import OverrideError, apply_override, fake_event
    from pivotal_cli.domain.webhook_signing import (
        mask_secret,
        new_message_id,
        new_secret,
        sign_headers,
    )

    app_ctx = _app_ctx(ctx)
    out = app_ctx.output
    if event_type not in EVENT_TYPES:
        raise UsageError(
            f"Unknown event type {event_type!r}. The types are: {', '.join(EVENT_TYPES)}.",
            reason="unknown_event_type",
        )
    url = _check_url(forward_to, "--forward-to")
    event = fake_event(event_type, random.Random(), datetime.now(timezone.utc))
    for assignment in overrides or ():
        try:
            apply_override(event, assignment)
        except OverrideError as error:
            raise UsageError(f"--set {error}.") from None
    found = _find_secret(app_ctx, secret)
    if found is None:
        signing = new_secret()
        out.info(
            f"Signed with a throwaway secret {mask_secret(signing)} (none is configured): "
            "a receiver that verifies will answer 401."
        )
    else:
        signing = found.secret
    body = json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    signed = sign_headers(signing, body, msg_id=new_message_id(), timestamp=int(time.time()))
    headers = [("content-type", "application/json"), ("user-agent", USER_AGENT), *signed.items()]
    if print_only:
        _print_request(out, url, headers, body)
        return
    from pivotal_cli.client.webhook_forward import Poster

    poster = Poster()
    try:
        sent = poster.post(url, body, headers)
    finally:
        poster.close()
    _report_sent(out, f"{event_type} {event['id']}", sent, url, default=url == DEFAULT_RECEIVER)


def _print_request(out: Any, url: str, headers: list[tuple[str, str]], body: bytes) -> None:
    """The request as HTTP/1.1 text: what `webhooks verify --request FILE` reads."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    out.line(f"POST {target} HTTP/1.1")
    out.line(f"host: {parts.netloc}")
    for name, value in headers:
        out.line(f"{name}: {value}")
    out.line(f"content-length: {len(body)}")
    out.line("")
    out.line(body.decode("utf-8"))


def _report_sent(out: Any, what: str, sent: Sent, url: str, *, default: bool = False) -> None:
    if sent.status is None:
        raise NetworkError(
            f"Nothing answered at {url}: {sent.error}.",
            reason="receiver_unreachable",
            details={"default": default},
        )
    out.line(f"{what} → {_sent_line(sent)}")
    if not sent.ok:
        snippet = _snippet(sent.body)
        raise PivotalError(
            f"The receiver answered {sent.status}" + (f": {snippet}" if snippet else ".")
        )


# -- replay and log -----------------------------------------------------------------


@app.command("replay")
@handle_errors
def replay(
    ctx: typer.Context,
    ids: Annotated[
        list[str] | None,
        typer.Argument(metavar="[ID]...", help="Event ids (evt_…) or delivery ids (msg_…)."),
    ] = None,
    last: Annotated[
        int | None,
        typer.Option("--last", metavar="N", min=1, help="The N most recent deliveries."),
    ] = None,
    forward_to: Annotated[
        str, typer.Option("--forward-to", metavar="URL", help="Where to resend them.")
    ] = "",
    secret: SecretOpt = None,
) -> None:
    """Resend recorded deliveries, re-signed with a fresh timestamp (same svix-id and body)."""
    from pivotal_cli.cli.webhook_log import log_path, read
    from pivotal_cli.client.webhook_forward import Poster, forwarded_headers
    from pivotal_cli.domain.webhook_signing import new_message_id, sign_headers, signing_headers

    app_ctx = _app_ctx(ctx)
    out = app_ctx.output
    if not forward_to:
        raise UsageError("Pass --forward-to URL: where to resend the deliveries.")
    url = _check_url(forward_to, "--forward-to")
    if not ids and last is None:
        raise UsageError("Name the deliveries to resend (evt_… or msg_… ids), or pass --last N.")
    signing = _need_secret(app_ctx, secret, "re-sign the deliveries")
    workspace = _workspace(app_ctx)
    recorded = read(log_path(workspace))
    chosen = []
    for wanted in ids or ():
        match = [r for r in recorded if wanted in (r.msg_id, r.event_id)]
        if not match:
            raise UnknownRecordError(
                f"No recorded delivery has the id {wanted} (workspace {workspace}).",
                reason="delivery_not_recorded",
            )
        chosen.append(match[-1])
    if last is not None:
        chosen.extend(recorded[-last:])
    if not chosen:
        raise UnknownRecordError(
            f"No deliveries are recorded for workspace {workspace}.",
            reason="delivery_not_recorded",
        )
    poster = Poster()
    failed: list[Sent] = []
    try:
        for record in chosen:
            headers = dict(record.headers)
            msg_id, _, _ = signing_headers(headers)
            prefix = "webhook-" if any(n.lower() == "webhook-id" for n in headers) else "svix-"
            fresh = sign_headers(
                signing, record.body, msg_id=msg_id or new_message_id(), timestamp=int(time.time())
            )
            fresh = {name.replace("svix-", prefix, 1): value for name, value in fresh.items()}
            kept = [
                (n, v)
                for n, v in forwarded_headers(record.headers)
                if n.lower() not in {name.lower() for name in fresh}
            ]
            sent = poster.post(url, record.body, [*kept, *fresh.items()])
            what = f"{fresh[prefix + 'id']} {record.event_id or '?'} {record.type or '?'}"
            out.line(f"{what} → {_sent_line(sent)}")
            if not sent.ok:
                failed.append(sent)
    finally:
        poster.close()
    if failed:
        total = len(chosen)
        if all(sent.status is None for sent in failed):
            raise NetworkError(
                f"{len(failed)} of {total} deliveries got no answer from {url}.",
                reason="receiver_unreachable",
            )
        raise PivotalError(f"{len(failed)} of {total} deliveries were not accepted by {url}.")


@app.command("log")
@handle_errors
def log(
    ctx: typer.Context,
    limit: Annotated[
        int, typer.Option("--limit", "-L", metavar="N", min=1, help="The N most recent.")
    ] = 20,
    as_json: JsonFlag = False,
) -> None:
    """List the deliveries `listen` recorded, oldest first (with --json: bodies and headers)."""
    from pivotal_cli.cli.webhook_log import log_path, read

    app_ctx = _app_ctx(ctx)
    out = app_ctx.output
    workspace = _workspace(app_ctx)
    records = read(log_path(workspace))[-limit:]
    if as_json:
        out.json([record.to_json() for record in records])
        return
    if not records:
        out.info(
            f"No deliveries recorded for workspace {workspace}: "
            "run `pivotal webhooks listen` and send some."
        )
        return
    for record in records:
        out.line(
            "  ".join(
                [
                    record.received_at,
                    record.msg_id or "?",
                    record.event_id or "?",
                    record.type or "?",
                    record.verdict,
                    str(record.status),
                ]
            )
        )


# -- verify and sign ------------------------------------------------------------------


def _parse_header(text: str) -> tuple[str, str]:
    name, colon, value = text.partition(":")
    if not colon or not name.strip():
        raise UsageError(f"--header {text!r} is not 'Name: value'.")
    return name.strip(), value.strip()


def parse_request(raw: bytes) -> tuple[list[tuple[str, str]], bytes]:
    """Headers and body of a raw HTTP request (an optional request line, headers, a
    blank line, the body; Content-Length, when present, says how much of it)."""
    import re

    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep or b"\n\n" in head:
        head, sep, body = raw.partition(b"\n\n")
    if not sep:
        raise UsageError("The request file has no blank line between headers and body.")
    lines = head.decode("utf-8", "replace").replace("\r\n", "\n").split("\n")
    if lines and re.match(r"^[A-Z]+ \S+ HTTP/\d", lines[0]):
        lines = lines[1:]
    headers = [_parse_header(line) for line in lines if line.strip()]
    length = next((v for n, v in headers if n.lower() == "content-length"), None)
    if length is not None and length.isdigit() and int(length) <= len(body):
        body = body[: int(length)]
    return headers, body


@app.command("verify")
@handle_errors
def verify_cmd(
    ctx: typer.Context,
    secret: SecretOpt = None,
    header: Annotated[
        list[str] | None,
        typer.Option("--header", "-H", metavar="'NAME: VALUE'", help="A delivery header."),
    ] = None,
    msg_id: Annotated[
        str | None, typer.Option("--id", metavar="msg_…", help="The svix-id header.")
    ] = None,
    timestamp: Annotated[
        str | None,
        typer.Option("--timestamp", metavar="SECONDS", help="The svix-timestamp header."),
    ] = None,
    signature: Annotated[
        str | None,
        typer.Option("--signature", metavar="'v1,…'", help="The svix-signature header."),
    ] = None,
    body: BodyOpt = None,
    request: Annotated[
        str | None,
        typer.Option(
            "--request",
            metavar="FILE|-",
            help="A raw HTTP request: headers, a blank line, the body.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the verdict as JSON.")] = False,
) -> None:
    """Check a delivery's signature: exit 0 and "valid", or exit 1 and the precise reason.

    Exit 2 for bad input (no body, an unreadable file, a secret that is not whsec_…).
    """
    from pivotal_cli.cli.webhook_listener import verdict_json
    from pivotal_cli.domain.webhook_signing import Verdict, verify

    app_ctx = _app_ctx(ctx)
    out = app_ctx.output
    headers: list[tuple[str, str]] = []
    raw_body: bytes | None = None
    if request is not None:
        headers, raw_body = parse_request(_read_body(request))
    headers += [_parse_header(text) for text in header or ()]
    for name, value in (("id", msg_id), ("timestamp", timestamp), ("signature", signature)):
        if value is not None:
            headers = [(n, v) for n, v in headers if n.lower() != f"svix-{name}"]
            headers.append((f"svix-{name}", value))
    if body is not None:
        raw_body = _read_body(body)
    if raw_body is None:
        raise UsageError("No body: pass --body FILE (or - for stdin), or --request FILE.")
    key = _need_secret(app_ctx, secret, "verify")
    now = time.time()
    # Later headers win, as --id/--header given after --request should.
    merged = {name.lower(): value for name, value in headers}
    verdict: Verdict = verify([key], merged, raw_body, now=now)
    if not verdict.ok and verdict.reason in _TRIMMABLE and raw_body.endswith(b"\n"):
        trimmed = raw_body[:-2] if raw_body.endswith(b"\r\n") else raw_body[:-1]
        if verify([key], merged, trimmed, now=now).ok:
            verdict = Verdict(
                False,
                "trailing_newline",
                "the body has a final line break that was not signed",
                verdict.msg_id,
                verdict.timestamp,
                verdict.age_seconds,
            )
    if as_json:
        out.json(
            {
                **verdict_json(verdict),
                "msg_id": verdict.msg_id,
                "timestamp": verdict.timestamp,
                "age_seconds": verdict.age_seconds,
            }
        )
        if not verdict.ok:
            raise typer.Exit(1)
        return
    if not verdict.ok:
        raise PivotalError(
            f"Invalid ({verdict.reason}): {verdict.message}.",
            reason="signature_invalid",
            details={"reason": verdict.reason},
        )
    age = f", {verdict.age_seconds} s old" if verdict.age_seconds is not None else ""
    out.line("valid")
    out.info(f"Signature valid for {verdict.msg_id}{age}.")


@app.command("sign")
@handle_errors
def sign(
    ctx: typer.Context,
    secret: SecretOpt = None,
    body: BodyOpt = "-",
    msg_id: Annotated[
        str | None,
        typer.Option("--id", metavar="msg_…", help="The svix-id [default: a new one]."),
    ] = None,
    timestamp: Annotated[
        int | None,
        typer.Option("--timestamp", metavar="SECONDS", help="Unix seconds [default: now]."),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format", metavar="headers|curl|json", help="Header lines, a curl command, or JSON."
        ),
    ] = "headers",
    url: Annotated[
        str, typer.Option("--url", metavar="URL", help="Where the curl command posts.")
    ] = DEFAULT_RECEIVER,
) -> None:
    """Sign a body: print the svix-id, svix-timestamp and svix-signature headers."""
    import shlex

    from pivotal_cli.domain.webhook_signing import new_message_id, sign_headers

    app_ctx = _app_ctx(ctx)
    out = app_ctx.output
    if fmt not in ("headers", "curl", "json"):
        raise UsageError(f"--format {fmt!r}: use headers, curl or json.")
    if body == "-" and sys.stdin.isatty():
        raise UsageError("No body: pass --body FILE, or pipe the body in.")
    key = _need_secret(app_ctx, secret, "sign")
    raw = _read_body(body)
    headers = sign_headers(
        key,
        raw,
        msg_id=msg_id or new_message_id(),
        timestamp=int(time.time()) if timestamp is None else timestamp,
    )
    if fmt == "json":
        out.json(headers)
    elif fmt == "headers":
        for name, value in headers.items():
            out.line(f"{name}: {value}")
    else:
        target = _check_url(url, "--url")
        parts = ["curl", "-sS", "-X", "POST", shlex.quote(target)]
        parts += ["-H", shlex.quote("content-type: application/json")]
        parts += [arg for n, v in headers.items() for arg in ("-H", shlex.quote(f"{n}: {v}"))]
        if body and body != "-":
            parts += ["--data-binary", shlex.quote(f"@{body}")]
        else:
            try:
                parts += ["--data-binary", shlex.quote(raw.decode("utf-8"))]
            except UnicodeDecodeError:
                raise UsageError("The body is not UTF-8 text: pass it with --body FILE.") from None
        out.line(" ".join(parts))


# -- events -------------------------------------------------------------------------


@app.command("events")
@handle_errors
def events_cmd(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """List the documented event types, with when each fires."""
    from pivotal_cli.domain.webhook_events import EVENT_TYPES

    out = _app_ctx(ctx).output
    if as_json:
        out.json([{"type": name, "description": text} for name, text in EVENT_TYPES.items()])
        return
    width = max(len(name) for name in EVENT_TYPES)
    for name, text in EVENT_TYPES.items():
        out.line(f"{name:<{width}}  {text}")


# -- secret ---------------------------------------------------------------------------


@secret_app.command("set")
@handle_errors
def secret_set(
    ctx: typer.Context,
    stdin: Annotated[
        bool, typer.Option("--stdin", help="Read the secret from standard input.")
    ] = False,
) -> None:
    """Store the workspace's signing secret in the keyring (asked for with hidden input)."""
    from pivotal_cli.domain.webhook_signing import mask_secret
    from pivotal_cli.settings.webhook_secrets import WebhookSecrets

    app_ctx = _app_ctx(ctx)
    out = app_ctx.output
    if stdin:
        value = sys.stdin.read().strip()
    elif out.interactive:
        import getpass

        try:
            value = getpass.getpass("Paste the webhook signing secret (input is hidden): ")
        except (EOFError, KeyboardInterrupt):
            raise CancelledError("Nothing stored.") from None
        value = value.strip()
    else:
        raise UsageError("No terminal to ask for the secret on.", reason="no_terminal_for_secret")
    if not value:
        raise UsageError("No secret was given.")
    if not value.startswith("whsec_") or any(c.isspace() for c in value):
        raise UsageError(
            "That does not look like a webhook signing secret (they start with whsec_).",
            reason="webhook_secret_bad",
        )
    _check_secret(value)
    workspace = _workspace(app_ctx)
    with _keyring_errors():
        WebhookSecrets().set(workspace, value)
    out.success(f"Stored {mask_secret(value)} as the webhook secret of workspace {workspace}.")


@secret_app.command("show")
@handle_errors
def secret_show(
    ctx: typer.Context,
    reveal: Annotated[bool, typer.Option("--reveal", help="Print the whole secret.")] = False,
) -> None:
    """Print the signing secret commands use (masked unless --reveal) and where it is from."""
    from pivotal_cli.domain.webhook_signing import mask_secret
    from pivotal_cli.settings.webhook_secrets import WebhookSecrets, resolve_secret

    app_ctx = _app_ctx(ctx)
    out = app_ctx.output
    workspace = _workspace(app_ctx)
    with _keyring_errors():
        found = resolve_secret(None, os.environ, workspace, WebhookSecrets)
    if found is None:
        raise PivotalError(
            f"No webhook signing secret for workspace {workspace}.",
            reason="no_webhook_secret_stored",
        )
    out.line(found.secret if reveal else mask_secret(found.secret))
    out.info(f"From {_source_label(found, workspace)}.")


@secret_app.command("clear")
@handle_errors
def secret_clear(ctx: typer.Context) -> None:
    """Remove the workspace's signing secret from the keyring."""
    from pivotal_cli.settings.webhook_secrets import WebhookSecrets

    app_ctx = _app_ctx(ctx)
    out = app_ctx.output
    workspace = _workspace(app_ctx)
    with _keyring_errors():
        removed = WebhookSecrets().delete(workspace)
    if removed:
        out.success(f"Removed the webhook secret of workspace {workspace}.")
    else:
        out.info(f"No webhook secret was stored for workspace {workspace}.")
