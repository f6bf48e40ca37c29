"""`pivotal webhooks sign`: print the signing headers for a body (or a curl command)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.commands.webhooks.common import (
    DEFAULT_RECEIVER,
    BodyOpt,
    SecretOpt,
    app_ctx,
    check_url,
    need_secret,
    read_body,
)
from pivotal_cli.errors import UsageError


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
    import time

    from pivotal_cli.domain.webhook_signing import new_message_id, sign_headers

    context = app_ctx(ctx)
    out = context.output
    if fmt not in ("headers", "curl", "json"):
        raise UsageError(f"--format {fmt!r}: use headers, curl or json.")
    if body == "-" and sys.stdin.isatty():
        raise UsageError("No body: pass --body FILE, or pipe the body in.")
    key = need_secret(context, secret, "sign")
    raw = read_body(body)
    headers = sign_headers(
        key,
        raw,
        msg_id=_header_safe(msg_id, "--id") if msg_id else new_message_id(),
        timestamp=int(time.time()) if timestamp is None else timestamp,
    )
    if fmt == "json":
        out.json(headers)
    elif fmt == "headers":
        for name, value in headers.items():
            out.line(f"{name}: {value}")
    else:
        target = check_url(url, "--url")
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


def _header_safe(value: str, flag: str) -> str:
    """`value` for a header line: a CR, LF or other control character would start a
    header of its own in what `sign` prints."""
    from pivotal_cli.domain.urls import UnsafeValue, check_header_value

    try:
        return check_header_value(value, flag)
    except UnsafeValue as error:
        raise UsageError(f"{error}.") from None
