"""`pivotal webhooks verify`: check a delivery's signature and say precisely what failed.

The headers come from a raw request file, `--header`s or the `--id`, `--timestamp` and
`--signature` flags; the check is `domain.webhook_signing.verify_saved`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.commands.webhooks.common import (
    BodyOpt,
    SecretOpt,
    app_ctx,
    need_secret,
    read_body,
)
from pivotal_cli.errors import PivotalError, UsageError


def _parse_header(text: str) -> tuple[str, str]:
    name, colon, value = text.partition(":")
    if not colon or not name.strip():
        raise UsageError(f"--header {text!r} is not 'Name: value'.")
    return name.strip(), value.strip()


def _request(raw: bytes) -> tuple[list[tuple[str, str]], bytes]:
    """The headers and body of a raw request file, its faults worded for the user."""
    from pivotal_cli.webhooks.request import RequestFormatError, parse_request

    try:
        return parse_request(raw)
    except RequestFormatError as error:
        if error.line is not None:
            raise UsageError(f"--header {error.line!r} is not 'Name: value'.") from None
        raise UsageError("The request file has no blank line between headers and body.") from None


SignatureOpt = Annotated[
    str | None,
    typer.Option("--signature", metavar="'v1,…'", help="The svix-signature header."),
]
RequestOpt = Annotated[
    str | None,
    typer.Option(
        "--request",
        metavar="FILE|-",
        help="A raw HTTP request: headers, a blank line, the body.",
    ),
]


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
    signature: SignatureOpt = None,
    body: BodyOpt = None,
    request: RequestOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the verdict as JSON.")] = False,
) -> None:
    """Check a delivery's signature: exit 0 and "valid", or exit 1 and the precise reason.

    Exit 2 for bad input (no body, an unreadable file, a secret that is not whsec_…).
    """
    import time

    from pivotal_cli.domain.webhook_signing import verify_saved
    from pivotal_cli.webhooks.listener import verdict_json

    context = app_ctx(ctx)
    out = context.output
    headers: list[tuple[str, str]] = []
    raw_body: bytes | None = None
    if request is not None:
        headers, raw_body = _request(read_body(request, "--request"))
    headers += [_parse_header(text) for text in header or ()]
    for name, value in (("id", msg_id), ("timestamp", timestamp), ("signature", signature)):
        if value is not None:
            headers = [(n, v) for n, v in headers if n.lower() != f"svix-{name}"]
            headers.append((f"svix-{name}", value))
    if body is not None:
        raw_body = read_body(body)
    if raw_body is None:
        raise UsageError("No body: pass --body FILE (or - for stdin), or --request FILE.")
    key = need_secret(context, secret, "verify")
    # Later headers win, as --id/--header given after --request should.
    merged = {name.lower(): value for name, value in headers}
    verdict = verify_saved([key], merged, raw_body, now=time.time())
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
