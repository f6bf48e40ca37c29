"""`pivotal webhooks secret set|show|clear`: the workspace's signing secret in the keyring.

Without a keyring, `set --insecure-storage` keeps it in a 0600 file, as `auth login
--insecure-storage` does a key; `set` checks for the keyring before asking for the paste.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from pivotal_cli.cli.boundary import handle_errors
from pivotal_cli.cli.commands.webhooks.common import (
    app_ctx,
    check_secret,
    keyring_errors,
    source_label,
    workspace,
)
from pivotal_cli.cli.options import group
from pivotal_cli.errors import CancelledError, PivotalError, UsageError

app = group("Store, show or clear the webhook signing secret of the workspace.")


StdinOpt = Annotated[bool, typer.Option("--stdin", help="Read the secret from standard input.")]


InsecureOpt = Annotated[
    bool,
    typer.Option(
        "--insecure-storage",
        help="Keep the secret in a 0600 file instead of the OS keyring (for machines without one).",
    ),
]


@app.command("set")
@handle_errors
def secret_set(
    ctx: typer.Context,
    stdin: StdinOpt = False,
    insecure_storage: InsecureOpt = False,
) -> None:
    """Store the workspace's signing secret in the keyring (asked for with hidden input)."""
    from pivotal_cli.domain.webhook_signing import mask_secret
    from pivotal_cli.settings.webhook_secrets import WebhookSecrets

    context = app_ctx(ctx)
    out = context.output
    secrets = WebhookSecrets()
    if not insecure_storage:
        with keyring_errors():
            secrets.ensure_usable()  # before the user pastes a secret for nothing
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
        raise CancelledError(
            "No terminal to ask for the secret on.", reason="no_terminal_for_secret"
        )
    if not value:
        raise UsageError("No secret was given.")
    if not value.startswith("whsec_") or any(c.isspace() for c in value):
        raise UsageError(
            "That does not look like a webhook signing secret (they start with whsec_).",
            reason="webhook_secret_bad",
        )
    check_secret(value)
    where = workspace(context)
    with keyring_errors():
        storage = secrets.set(where, value, insecure=insecure_storage)
    place = f" in {secrets.file.file} (readable only by you)" if storage == "file" else ""
    out.success(f"Stored {mask_secret(value)} as the webhook secret of workspace {where}{place}.")


@app.command("show")
@handle_errors
def secret_show(
    ctx: typer.Context,
    reveal: Annotated[bool, typer.Option("--reveal", help="Print the whole secret.")] = False,
) -> None:
    """Print the signing secret commands use (masked unless --reveal) and where it is from."""
    from pivotal_cli.domain.webhook_signing import mask_secret
    from pivotal_cli.settings.webhook_secrets import WebhookSecrets, resolve_secret

    context = app_ctx(ctx)
    out = context.output
    where = workspace(context)
    with keyring_errors():
        found = resolve_secret(None, os.environ, where, WebhookSecrets)
    if found is None:
        raise PivotalError(
            f"No webhook signing secret for workspace {where}.",
            reason="no_webhook_secret_stored",
        )
    out.line(found.secret if reveal else mask_secret(found.secret))
    out.info(f"From {source_label(found, where)}.")


@app.command("clear")
@handle_errors
def secret_clear(ctx: typer.Context) -> None:
    """Remove the workspace's signing secret from the keyring."""
    from pivotal_cli.settings.webhook_secrets import WebhookSecrets

    context = app_ctx(ctx)
    out = context.output
    where = workspace(context)
    with keyring_errors():
        removed = WebhookSecrets().delete(where)
    if removed:
        out.success(f"Removed the webhook secret of workspace {where}.")
    else:
        out.info(f"No webhook secret was stored for workspace {where}.")
