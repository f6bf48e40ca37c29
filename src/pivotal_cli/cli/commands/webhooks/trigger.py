"""`pivotal webhooks trigger`: build a realistic test event, sign it and POST it.

The event and its signed request are `pivotal_cli.webhooks.outgoing`'s; this module
checks the options, picks the secret and words the outcome.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.commands.webhooks.common import (
    DEFAULT_RECEIVER,
    SecretOpt,
    app_ctx,
    check_url,
    find_secret,
    sent_line,
)
from pivotal_cli.errors import NetworkError, PivotalError, UsageError

if TYPE_CHECKING:
    from pivotal_cli.render.output import Output
    from pivotal_cli.webhooks.forward import Sent


ForwardToOpt = Annotated[
    str,
    typer.Option("--forward-to", metavar="URL", help="Where to POST the event."),
]
OverridesOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="PATH=VALUE",
        help="Set a field, e.g. data.object.phase=launch (or phase=launch); values are "
        "typed: numbers, true, null, JSON.",
    ),
]


EventTypeArg = Annotated[
    str, typer.Argument(metavar="TYPE", help="An event type, e.g. customer.created.")
]


@handle_errors
def trigger(
    ctx: typer.Context,
    event_type: EventTypeArg,
    forward_to: ForwardToOpt = DEFAULT_RECEIVER,
    overrides: OverridesOpt = None,
    secret: SecretOpt = None,
    print_only: Annotated[
        bool, typer.Option("--print", help="Print the signed request; send nothing.")
    ] = False,
) -> None:
    """Build a realistic test event of TYPE, sign it and POST it (to a running `listen`).

    Without a configured secret it is signed with a throwaway one (shown masked). The
    event has livemode false and fake but well-formed ids.
    """
    import time

    from pivotal_cli.domain.webhook_events import EVENT_TYPES
    from pivotal_cli.domain.webhook_fakes import OverrideError
    from pivotal_cli.domain.webhook_signing import mask_secret, new_secret
    from pivotal_cli.webhooks.outgoing import sample_event, signed_event

    context = app_ctx(ctx)
    out = context.output
    if event_type not in EVENT_TYPES:
        raise UsageError(
            f"Unknown event type {event_type!r}. The types are: {', '.join(EVENT_TYPES)}.",
            reason="unknown_event_type",
        )
    url = check_url(forward_to, "--forward-to")
    try:
        event = sample_event(event_type, overrides or ())
    except OverrideError as error:
        raise UsageError(f"--set {error}.") from None
    found = find_secret(context, secret)
    if found is None:
        signing = new_secret()
        out.info(
            f"Signed with a throwaway secret {mask_secret(signing)} (none is configured): "
            "a receiver that verifies will answer 401."
        )
    else:
        signing = found.secret
    headers, body = signed_event(event, signing, time.time())
    if print_only:
        from pivotal_cli.webhooks.request import format_request

        for line in format_request(url, headers, body):
            out.line(line)
        return
    from pivotal_cli.webhooks.forward import Poster

    poster = Poster()
    try:
        sent = poster.post(url, body, headers)
    finally:
        poster.close()
    _report_sent(out, f"{event_type} {event['id']}", sent, url, default=url == DEFAULT_RECEIVER)


def _report_sent(out: Output, what: str, sent: Sent, url: str, *, default: bool = False) -> None:
    if sent.status is None:
        raise NetworkError(
            f"Nothing answered at {url}: {sent.error}.",
            reason="receiver_unreachable",
            details={"default": default},
        )
    out.line(f"{what} → {sent_line(sent)}")
    if not sent.ok:
        snippet = " ".join(sent.body.decode("utf-8", "replace").split())[:200]
        raise PivotalError(
            f"The receiver answered {sent.status}" + (f": {snippet}" if snippet else ".")
        )
