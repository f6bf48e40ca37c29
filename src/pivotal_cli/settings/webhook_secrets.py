"""Webhook signing secrets (`whsec_…`): in the OS keyring, one per workspace.

Kept apart from API keys: their own keyring service (`pivotal-cli-webhooks`) with the
workspace slug as the user name, so logging out never removes a signing secret and a
secret is never mistaken for a key. Calls are time-boxed like the key store's, and
fail with the same `CredentialsError` reasons (`no_keyring`, `keyring_timeout`, …).

Which secret a command uses (a flag, PIVOTAL_WEBHOOK_SECRET, then this store) is
decided by `resolve_secret`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pivotal_cli.errors import CredentialsError
from pivotal_cli.settings.credentials import KEYRING_TIMEOUT, _backend, _time_boxed

SERVICE = "pivotal-cli-webhooks"
ENV_VAR = "PIVOTAL_WEBHOOK_SECRET"
# The name secrets are stored under when no workspace is known (no login, no -w).
NO_WORKSPACE = "_default"


class WebhookSecrets:
    """Reads, writes and removes the signing secret of a workspace."""

    def __init__(self, *, timeout: float = KEYRING_TIMEOUT) -> None:
        self.timeout = timeout

    def get(self, workspace: str) -> str | None:
        return _time_boxed(
            lambda: _backend().get_password(SERVICE, workspace),
            "reading a webhook secret",
            self.timeout,
        )

    def set(self, workspace: str, secret: str) -> None:
        _time_boxed(
            lambda: _backend().set_password(SERVICE, workspace, secret),
            "storing a webhook secret",
            self.timeout,
        )

    def delete(self, workspace: str) -> bool:
        """Remove the secret; False when none was stored."""

        def remove() -> bool:
            import keyring.errors

            backend = _backend()
            if backend.get_password(SERVICE, workspace) is None:
                return False
            with contextlib.suppress(keyring.errors.PasswordDeleteError):
                backend.delete_password(SERVICE, workspace)
            return True

        return _time_boxed(remove, "removing a webhook secret", self.timeout)


@dataclass(frozen=True)
class FoundSecret:
    """A secret and where it came from: `flag`, `env` or `keyring`."""

    secret: str
    source: str


def resolve_secret(
    flag: str | None,
    environ: Mapping[str, str],
    workspace: str,
    store: Callable[[], WebhookSecrets],
    *,
    keyring_required: bool = False,
) -> FoundSecret | None:
    """The flag's secret, else PIVOTAL_WEBHOOK_SECRET, else the workspace's stored one.

    The keyring is only opened when neither of the first two gives one. A keyring
    that cannot be read counts as "no secret" unless `keyring_required`, when the
    `CredentialsError` is raised (and a missing secret raises `webhook_secret_missing`).
    """
    if flag and flag.strip():
        return FoundSecret(flag.strip(), "flag")
    from_env = environ.get(ENV_VAR, "").strip()
    if from_env and not keyring_required:
        return FoundSecret(from_env, "env")
    try:
        stored = store().get(workspace)
    except CredentialsError:
        if keyring_required:
            raise
        stored = None
    if stored:
        return FoundSecret(stored, "keyring")
    if keyring_required:
        raise CredentialsError(
            f"No webhook signing secret is stored for workspace '{workspace}'.",
            reason="webhook_secret_missing",
            details={"workspace": workspace},
        )
    return None
