"""Webhook signing secrets (`whsec_…`): in the OS keyring, one per workspace.

Kept apart from API keys: their own keyring service (`pivotal-cli-webhooks`) with the
workspace slug as the user name, so logging out never removes a signing secret and a
secret is never mistaken for a key. Calls are time-boxed like the key store's, and
fail with the same `CredentialsError` reasons (`no_keyring`, `keyring_timeout`, …).
Where there is no keyring, `secret set --insecure-storage` keeps the secret in
`webhook-secrets.json`, a 0600 file beside the keys' own (`credentials.PrivateFile`);
a secret there is read before the keyring is opened.

Which secret a command uses (a flag, PIVOTAL_WEBHOOK_SECRET, then this store) is
decided by `resolve_secret`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pivotal_cli.errors import CredentialsError
from pivotal_cli.settings.credentials import (
    KEYRING_TIMEOUT,
    PrivateFile,
    _backend,
    _time_boxed,
    ensure_keyring,
)

if TYPE_CHECKING:
    from pathlib import Path

SERVICE = "pivotal-cli-webhooks"
ENV_VAR = "PIVOTAL_WEBHOOK_SECRET"
# The name secrets are stored under when no workspace is known (no login, no -w).
NO_WORKSPACE = "_default"


FILE_NAME = "webhook-secrets.json"


class WebhookSecrets:
    """Reads, writes and removes the signing secret of a workspace."""

    def __init__(self, directory: Path | None = None, *, timeout: float = KEYRING_TIMEOUT) -> None:
        if directory is None:
            from pivotal_cli.settings.paths import config_dir

            directory = config_dir()
        self.file = PrivateFile(directory / FILE_NAME)
        self.timeout = timeout

    def ensure_usable(self) -> None:
        """Fail now if there is no keyring to store a secret in."""
        ensure_keyring(self.timeout)

    def get(self, workspace: str) -> str | None:
        stored = self.file.read().get(workspace)
        if stored:
            return stored
        return self.from_keyring(workspace)

    def from_keyring(self, workspace: str) -> str | None:
        return _time_boxed(
            lambda: _backend().get_password(SERVICE, workspace),
            "reading a webhook secret",
            self.timeout,
        )

    def set(self, workspace: str, secret: str, *, insecure: bool = False) -> str:
        """Store the secret; where it went ("keyring" or "file"). Storing it in one
        place removes an older copy from the file, so the two never disagree."""
        if insecure:
            self.file.put(workspace, secret)
            return "file"
        _time_boxed(
            lambda: _backend().set_password(SERVICE, workspace, secret),
            "storing a webhook secret",
            self.timeout,
        )
        self.file.remove(workspace)
        return "keyring"

    def delete(self, workspace: str) -> bool:
        """Remove the secret (from the file, and the keyring); False when none was stored."""
        if self.file.remove(workspace):
            with contextlib.suppress(CredentialsError):
                self._delete_from_keyring(workspace)
            return True
        return self._delete_from_keyring(workspace)

    def _delete_from_keyring(self, workspace: str) -> bool:

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
    """A secret and where it came from: `flag`, `env`, `keyring` or `file`."""

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
    secrets = store()
    in_file = secrets.file.read().get(workspace)
    if in_file:
        return FoundSecret(in_file, "file")
    try:
        stored = secrets.from_keyring(workspace)
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
