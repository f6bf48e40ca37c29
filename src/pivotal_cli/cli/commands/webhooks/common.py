"""What the `webhooks` commands share: their options, the secret they sign or verify with,
and reading a body or a URL from the command line.

Signing secrets come from `--secret`, then PIVOTAL_WEBHOOK_SECRET, then the keyring
entry of the workspace (`settings.webhook_secrets.resolve_secret`); the workspace is
`settings.target.local_workspace`, or the `_default` entry when none is known.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from pivotal_cli.errors import CredentialsError, UsageError

if TYPE_CHECKING:
    from pathlib import Path

    from pivotal_cli.cli.context import AppContext
    from pivotal_cli.render.output import Output
    from pivotal_cli.settings.webhook_secrets import FoundSecret
    from pivotal_cli.webhooks.forward import Sent
    from pivotal_cli.webhooks.log import Log

DEFAULT_PORT = 8787
DEFAULT_RECEIVER = f"http://127.0.0.1:{DEFAULT_PORT}/"

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


def app_ctx(ctx: typer.Context) -> AppContext:
    found: AppContext = ctx.obj
    return found


def workspace(context: AppContext) -> str:
    """The workspace whose secret and delivery log a command uses."""
    from pivotal_cli.settings.webhook_secrets import NO_WORKSPACE

    return context.local_workspace() or NO_WORKSPACE


@contextmanager
def keyring_errors() -> Iterator[None]:
    """A keyring that cannot be used: say how to pass the secret without one."""
    try:
        yield
    except CredentialsError as error:
        if error.reason not in ("no_keyring", "keyring_failed", "keyring_timeout"):
            raise
        raise CredentialsError(error.message, reason="webhook_no_keyring") from None


def find_secret(
    context: AppContext, flag: str | None, *, keyring_required: bool = False
) -> FoundSecret | None:
    from pivotal_cli.settings.webhook_secrets import WebhookSecrets, resolve_secret

    with keyring_errors():
        found = resolve_secret(
            flag,
            os.environ,
            workspace(context),
            WebhookSecrets,
            keyring_required=keyring_required,
        )
    if found is not None:
        check_secret(found.secret)
    return found


def need_secret(context: AppContext, flag: str | None, what: str) -> str:
    found = find_secret(context, flag)
    if found is None:
        raise UsageError(
            f"No webhook signing secret to {what} with.", reason="webhook_secret_needed"
        )
    return found.secret


def check_secret(secret: str) -> None:
    from pivotal_cli.domain.webhook_signing import SecretFormatError, secret_key

    try:
        secret_key(secret)
    except SecretFormatError as error:
        raise UsageError(f"Bad webhook secret: {error}.", reason="webhook_secret_bad") from None


def source_label(found: FoundSecret, workspace: str) -> str:
    return {
        "flag": "--secret",
        "env": "PIVOTAL_WEBHOOK_SECRET",
        "keyring": f"the keyring, workspace {workspace}",
        "file": f"the 0600 file of webhook secrets, workspace {workspace}",
    }.get(found.source, found.source)


def check_url(url: str, flag: str) -> str:
    """A URL to send a delivery to (your app: here or elsewhere), well formed."""
    from pivotal_cli.domain.urls import UnsafeValue
    from pivotal_cli.domain.urls import check_url as check_safe_url

    try:
        return check_safe_url(url, flag, allow_remote=True).url
    except UnsafeValue as error:
        raise UsageError(f"{error}.") from None


def read_body(source: str | None, flag: str = "--body") -> bytes:
    """The exact bytes of --body (or `flag`) FILE or - (stdin), within the input limit."""
    from pivotal_cli.cli.input_source import read_bytes

    if source is None:
        raise UsageError("No body: pass --body FILE, or --body - to read it from stdin.")
    return read_bytes(source, flag)


def sent_line(sent: Sent) -> str:
    if sent.status is not None:
        return f"{sent.status} in {sent.latency_ms:.0f} ms"
    return f"no answer: {sent.error}"


def warn_damaged(out: Output, log: Log, path: Path) -> None:
    """One line when a delivery log had lines that are no delivery (they are skipped)."""
    if log.damaged:
        lines = "line" if log.damaged == 1 else "lines"
        out.warn(
            f"Skipped {log.damaged:,} damaged {lines} in {path}; the rest is shown."
            " Remove the file to start a fresh log."
        )
