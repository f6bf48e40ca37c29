"""Which workspace, key, mode and base URL a command uses: the one place that decides it.

Where a key comes from, in order (documented once, in the README):
  1. the sandbox setting (`--sandbox` / PIVOTAL_SANDBOX=1): the embedded sandbox's own key;
  2. PIVOTAL_API_KEY;
  3. the stored key for the chosen workspace / mode;
  4. the stored key for the default workspace (or the only one stored).

The base URL: the explicit setting (flag or PIVOTAL_BASE_URL), then the workspace's
own, then production.

The workspace of a command that reads no key (a webhook secret, the delivery log) is
`local_workspace`; the sandbox's own commands default to its workspace
(`sandbox_workspace`). The id index files ids under the workspace of the target the
records came from.

Failures are `CredentialsError`s carrying a `reason` and `details` (workspace, mode,
storage); what the user should do next is worded by the command line.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pivotal_cli.domain.api_keys import mode_of_key
from pivotal_cli.errors import CredentialsError, PivotalError

if TYPE_CHECKING:
    from pivotal_cli.settings.config import Config
    from pivotal_cli.settings.credentials import KeyStore

DEFAULT_BASE_URL = "https://my.pivotal.app/api/v1"

# The `reason`s of the CredentialsErrors raised here.
KEY_MISSING_FROM_STORE = "key_missing_from_store"
UNKNOWN_WORKSPACE = "unknown_workspace"
NO_KEY_FOR_MODE = "no_key_for_mode"
AMBIGUOUS_MODE = "ambiguous_mode"
AMBIGUOUS_WORKSPACE = "ambiguous_workspace"
NOT_LOGGED_IN = "not_logged_in"


@dataclass
class Settings:
    """The global options, as given on the command line or in the environment."""

    workspace: str | None = None
    mode: str | None = None
    base_url: str | None = None
    sandbox: bool = False
    verbose: bool = False
    cost: bool = False  # one line on stderr at the end: how many requests were sent
    debug: bool = False
    no_color: bool = False
    # Never page long tables, whatever the environment and config say.
    no_pager: bool = False
    # Seconds the whole command may take (retries and waits included); None: each
    # call gets the client's default limit instead.
    timeout: float | None = None


@dataclass
class Target:
    """Where a command's requests go and with which key."""

    base_url: str
    api_key: str | None
    workspace: str | None
    mode: str | None
    source: str  # "sandbox", "PIVOTAL_API_KEY", "keyring", "file" or "none"
    transport: Any = None

    @property
    def label(self) -> str:
        """`acme (LIVE)`, `acme (test, sandbox)`; the key's source when the workspace is unknown."""
        where = self.workspace or "the workspace of PIVOTAL_API_KEY"
        mode = "LIVE" if self.mode == "live" else (self.mode or "unknown mode")
        return f"{where} ({mode}{', sandbox' if self.source == 'sandbox' else ''})"


def base_url_for(settings: Settings, config: Config | None, workspace: str | None) -> str:
    """The explicit base URL, then the workspace's own, then production."""
    if settings.base_url:
        return settings.base_url
    stored = config.workspaces.get(workspace) if config is not None and workspace else None
    return (stored.base_url if stored else None) or DEFAULT_BASE_URL


def sandbox_workspace(settings: Settings) -> str:
    """The sandbox workspace a command works in: `-w`, else the one `--sandbox` uses."""
    if settings.workspace:
        return settings.workspace
    # Lazy: the sandbox loads only for a command about it.
    from pivotal_cli.sandbox.adapters.embedded import WORKSPACE

    return WORKSPACE


def local_workspace(settings: Settings, config: Callable[[], Config]) -> str | None:
    """The workspace of a command that reads no key: `-w`; with `--sandbox` the
    sandbox's; else the config's choice (its default, or the only one stored).

    Unlike `resolve_target`, PIVOTAL_API_KEY does not hide the config's default here,
    since no key is read to say whose workspace it is. An unreadable config counts as
    no choice: such a command still works with what it is given. None: none is known.
    """
    if settings.workspace or settings.sandbox:
        return sandbox_workspace(settings)
    try:
        slug, _ = config().resolve(None, settings.mode)
    except PivotalError:
        return None
    return slug


def resolve_target(
    settings: Settings,
    config: Callable[[], Config],
    keystore: Callable[[], KeyStore],
    *,
    require_key: bool = True,
    environ: Mapping[str, str] | None = None,
) -> Target:
    """Resolve the key and base URL in the documented order.

    `config` and `keystore` are called only when needed, so the sandbox and
    PIVOTAL_API_KEY never read the config file or open the keyring. With
    `require_key=False` (a call that sends no key, such as /health) a stored key is
    not read: a locked or missing keyring must not stop such a command.
    """
    if settings.sandbox:
        # Lazy: the embedded sandbox (sqlite, the engine) loads only for --sandbox.
        from pivotal_cli.sandbox.adapters.embedded import WORKSPACE, connect

        sandbox = connect(settings.mode or "live")
        return Target(
            sandbox.base_url,
            sandbox.api_key,
            WORKSPACE,
            mode_of_key(sandbox.api_key),
            "sandbox",
            sandbox.transport,
        )
    env = os.environ if environ is None else environ
    env_key = env.get("PIVOTAL_API_KEY", "").strip()
    if env_key:
        workspace = settings.workspace
        needs_config = not settings.base_url and workspace
        return Target(
            base_url_for(settings, config() if needs_config else None, workspace),
            env_key,
            workspace,
            mode_of_key(env_key),
            "PIVOTAL_API_KEY",
        )
    cfg = config()
    slug, mode = cfg.resolve(settings.workspace, settings.mode)
    stored = cfg.workspaces.get(slug) if slug else None
    record = stored.keys.get(mode) if stored and mode else None
    if not require_key:
        return Target(base_url_for(settings, cfg, slug), None, slug, mode, "none")
    if record is None or slug is None or mode is None:
        raise not_logged_in(cfg, slug, mode)
    key = keystore().get(slug, mode, record.storage)
    if not key:
        raise CredentialsError(
            f"The stored {mode} key for workspace '{slug}' is missing from the "
            f"{'keyring' if record.storage == 'keyring' else 'credentials file'}.",
            reason=KEY_MISSING_FROM_STORE,
            details={"workspace": slug, "mode": mode, "storage": record.storage},
        )
    return Target(base_url_for(settings, cfg, slug), key, slug, mode, record.storage)


def not_logged_in(config: Config, slug: str | None, mode: str | None) -> CredentialsError:
    """Why no stored key fits the chosen workspace and mode."""
    details = {"workspace": slug, "mode": mode}
    if slug and slug not in config.workspaces:
        return CredentialsError(
            f"No key is stored for workspace '{slug}'.",
            reason=UNKNOWN_WORKSPACE,
            details=details,
        )
    if slug and mode:
        return CredentialsError(
            f"No {mode} key is stored for workspace '{slug}'.",
            reason=NO_KEY_FOR_MODE,
            details=details,
        )
    if slug:
        return CredentialsError(
            f"Workspace '{slug}' has both a live and a test key and no default mode.",
            reason=AMBIGUOUS_MODE,
            details=details,
        )
    if config.workspaces:
        return CredentialsError(
            "Several workspaces are stored and none is the default.",
            reason=AMBIGUOUS_WORKSPACE,
            details={**details, "workspaces": sorted(config.workspaces)},
        )
    return CredentialsError("Not logged in.", reason=NOT_LOGGED_IN, details=details)
