"""API keys: stored in the OS keyring, one per (workspace, mode).

Keyring calls are time-boxed: a locked or hung Secret Service must not freeze the
CLI. Where no keyring backend exists (headless Linux, containers, CI) the user is told
the two ways out: `PIVOTAL_API_KEY`, or `auth login --insecure-storage`, which keeps
the key in a 0600 file inside a 0700 directory.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pivotal_cli.errors import CredentialsError
from pivotal_cli.settings.paths import private_dir, write_private

SERVICE = "pivotal-cli"
KEYRING_TIMEOUT = 8.0
T = TypeVar("T")


def account(workspace: str, mode: str) -> str:
    return f"{workspace}:{mode}"


def _time_boxed(call: Callable[[], T], what: str, timeout: float) -> T:
    """Run a keyring call in a daemon thread; give up after `timeout` seconds."""
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = call()
        except BaseException as exc:  # re-raised in the caller's thread
            result["error"] = exc

    worker = threading.Thread(target=target, daemon=True, name="keyring")
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise CredentialsError(
            f"The system keyring did not answer within {timeout:g} s while {what}.",
            reason="keyring_timeout",
        )
    if "error" in result:
        error = result["error"]
        if isinstance(error, CredentialsError):
            raise error
        raise CredentialsError(
            f"The system keyring failed while {what}: {error}.", reason="keyring_failed"
        ) from None
    value: T = result["value"]
    return value


def _backend() -> Any:
    import keyring

    backend = keyring.get_keyring()
    module = type(backend).__module__
    if module.startswith(("keyring.backends.fail", "keyring.backends.null")):
        raise CredentialsError(
            "No system keyring is available on this machine.", reason="no_keyring"
        )
    return backend


def ensure_keyring(timeout: float = KEYRING_TIMEOUT) -> None:
    """Fail now, with the remedies, if there is no keyring to store a secret in: before
    the user pastes one for nothing."""
    _time_boxed(_backend, "opening the keyring", timeout)


class PrivateFile:
    """The `--insecure-storage` fallback: a JSON map of names to secrets in a 0600 file
    inside a 0700 directory, for machines without a keyring."""

    def __init__(self, file: Path) -> None:
        self.file = file

    def read(self) -> dict[str, str]:
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise CredentialsError(
                f"Cannot read {self.file}: {exc}.", reason="credentials_file_unreadable"
            ) from None
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def write(self, data: dict[str, str]) -> None:
        # The directory is tightened even when it exists: this file holds secrets.
        private_dir(self.file.parent, tighten=True)
        write_private(self.file, json.dumps(data, indent=2))

    def put(self, name: str, secret: str) -> None:
        data = self.read()
        data[name] = secret
        self.write(data)

    def remove(self, name: str) -> bool:
        """Drop `name`; False when it was not there."""
        data = self.read()
        if data.pop(name, None) is None:
            return False
        self.write(data)
        return True


class KeyStore:
    """Reads and writes keys, in the keyring or (when asked) in a private file."""

    def __init__(self, directory: Path, *, timeout: float = KEYRING_TIMEOUT) -> None:
        self.file = directory / "credentials.json"
        self._private = PrivateFile(self.file)
        self.timeout = timeout

    def ensure_usable(self) -> None:
        """Fail now, with the remedies, if there is no keyring to store a key in."""
        ensure_keyring(self.timeout)

    def backend_name(self, timeout: float | None = None) -> str:
        """The keyring backend's name (`SecretService Keyring`, …), time-boxed.

        Raises the same CredentialsErrors as `ensure_usable` (`no_keyring`,
        `keyring_timeout`, `keyring_failed`).
        """

        def name() -> str:
            backend = _backend()
            return str(getattr(backend, "name", None) or type(backend).__name__)

        return _time_boxed(name, "opening the keyring", timeout or self.timeout)

    def get(self, workspace: str, mode: str, storage: str = "keyring") -> str | None:
        name = account(workspace, mode)
        if storage == "file":
            return self._private.read().get(name)
        return _time_boxed(
            lambda: _backend().get_password(SERVICE, name), "reading a key", self.timeout
        )

    def set(self, workspace: str, mode: str, key: str, *, insecure: bool = False) -> str:
        """Store a key; returns where it went ("keyring" or "file")."""
        name = account(workspace, mode)
        if insecure:
            self._private.put(name, key)
            return "file"
        _time_boxed(
            lambda: _backend().set_password(SERVICE, name, key), "storing a key", self.timeout
        )
        return "keyring"

    def delete(self, workspace: str, mode: str, storage: str = "keyring") -> None:
        name = account(workspace, mode)
        if storage == "file":
            self._private.remove(name)
            return

        def remove() -> None:
            import keyring.errors

            # Already gone is fine: logging out twice must not fail.
            with contextlib.suppress(keyring.errors.PasswordDeleteError):
                _backend().delete_password(SERVICE, name)

        _time_boxed(remove, "removing a key", self.timeout)
