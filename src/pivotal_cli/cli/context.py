"""The lazy per-invocation context stored in `ctx.obj` by the root callback.

It holds the global settings and builds, only when a command asks, the output
object, the config, the key lookup and the HTTP client. `--help`, `--version` and
completion therefore never touch the keyring, the network, httpx or pydantic.

Where a key comes from, in order (documented once, in the README):
  1. `--sandbox` / PIVOTAL_SANDBOX=1: the embedded sandbox's own key;
  2. PIVOTAL_API_KEY;
  3. the stored key for `--workspace` / `--live|--test`;
  4. the stored key for the default set by `pivotal auth use` (or the only one stored).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from pivotal_cli.domain.api_keys import mode_of_key
from pivotal_cli.errors import CredentialsError

if TYPE_CHECKING:
    from pivotal_cli.client.http import Client
    from pivotal_cli.render.output import Output
    from pivotal_cli.settings.config import Config
    from pivotal_cli.settings.credentials import KeyStore

DEFAULT_BASE_URL = "https://my.pivotal.app/api/v1"


@dataclass
class Settings:
    """The global options, as given on the command line or in the environment."""

    workspace: str | None = None
    mode: str | None = None
    base_url: str | None = None
    sandbox: bool = False
    verbose: bool = False
    debug: bool = False
    no_color: bool = False


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


class AppContext:
    def __init__(self, settings: Settings, output: Output | None = None) -> None:
        self.settings = settings
        self._output = output

    @property
    def output(self) -> Output:
        if self._output is None:
            from pivotal_cli.render.output import Output

            self._output = Output(no_color=self.settings.no_color)
        return self._output

    @cached_property
    def config(self) -> Config:
        from pivotal_cli.settings.config import Config

        return Config.load()

    @cached_property
    def keystore(self) -> KeyStore:
        from pivotal_cli.settings.config import config_dir
        from pivotal_cli.settings.credentials import KeyStore

        return KeyStore(config_dir())

    def base_url_for(self, workspace: str | None) -> str:
        """`--base-url` (or PIVOTAL_BASE_URL), then the workspace's own, then production."""
        if self.settings.base_url:
            return self.settings.base_url
        stored = self.config.workspaces.get(workspace) if workspace else None
        return (stored.base_url if stored else None) or DEFAULT_BASE_URL

    def target(self, *, require_key: bool = True) -> Target:
        """Resolve the key and base URL in the documented order.

        With `require_key=False` (a call that sends no key, such as /health) a stored
        key is not read: a locked or missing keyring must not stop such a command.
        """
        if self.settings.sandbox:
            from pivotal_cli.sandbox.adapters.embedded import WORKSPACE, connect

            sandbox = connect(self.settings.mode or "live")
            return Target(
                sandbox.base_url,
                sandbox.api_key,
                WORKSPACE,
                mode_of_key(sandbox.api_key),
                "sandbox",
                sandbox.transport,
            )
        env_key = os.environ.get("PIVOTAL_API_KEY", "").strip()
        if env_key:
            return Target(
                self.base_url_for(self.settings.workspace),
                env_key,
                self.settings.workspace,
                mode_of_key(env_key),
                "PIVOTAL_API_KEY",
            )
        slug, mode = self.config.resolve(self.settings.workspace, self.settings.mode)
        stored = self.config.workspaces.get(slug) if slug else None
        record = stored.keys.get(mode) if stored and mode else None
        if not require_key:
            return Target(self.base_url_for(slug), None, slug, mode, "none")
        if record is None or slug is None or mode is None:
            raise self._not_logged_in(slug, mode)
        key = self.keystore.get(slug, mode, record.storage)
        if not key:
            raise CredentialsError(
                f"The stored {mode} key for workspace '{slug}' is missing from the "
                f"{'keyring' if record.storage == 'keyring' else 'credentials file'}.",
                hint=f"Run `pivotal auth login` again for '{slug}'.",
            )
        return Target(self.base_url_for(slug), key, slug, mode, record.storage)

    def _not_logged_in(self, slug: str | None, mode: str | None) -> CredentialsError:
        if slug and slug not in self.config.workspaces:
            return CredentialsError(
                f"No key is stored for workspace '{slug}'.",
                hint="Run `pivotal auth login`, or `pivotal auth status` to see what is stored.",
            )
        if slug and mode:
            return CredentialsError(
                f"No {mode} key is stored for workspace '{slug}'.",
                hint=f"Run `pivotal auth login` with a {mode} key, or pick the other mode.",
            )
        if slug:
            return CredentialsError(
                f"Workspace '{slug}' has both a live and a test key and no default mode.",
                hint=f"Pass --live or --test, or run `pivotal auth use {slug} --test`.",
            )
        if self.config.workspaces:
            return CredentialsError(
                "Several workspaces are stored and none is the default.",
                hint="Pass --workspace, or run `pivotal auth use WORKSPACE`.",
            )
        return CredentialsError(
            "Not logged in.",
            hint="Run `pivotal auth login`, set PIVOTAL_API_KEY, "
            "or try the local sandbox with `pivotal --sandbox …`.",
        )

    def client(self, *, require_key: bool = True, target: Target | None = None) -> Client:

        target = target or self.target(require_key=require_key)
        return self.client_for(target.base_url, target.api_key, transport=target.transport)

    def client_for(self, base_url: str, api_key: str | None, *, transport: Any = None) -> Client:
        from pivotal_cli.client.http import Client

        verbose = self.settings.verbose or os.environ.get("PIVOTAL_DEBUG", "") not in ("", "0")
        out = self.output
        return Client(
            base_url,
            api_key,
            transport=transport,
            log=(lambda line: print(line, file=out.stderr, flush=True)) if verbose else None,
            notify=out.warn,
        )

    def mark_target(self, target: Target) -> None:
        """Say visibly, before a change, that it is about to hit live data."""
        if target.mode == "live" and target.source != "sandbox":
            self.output.warn(f"Live mode: {target.label}. Changes are real and fire integrations.")


def parse_mode(live: bool | None) -> str | None:
    if live is None:
        return None
    return "live" if live else "test"
