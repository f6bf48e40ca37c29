"""The lazy per-invocation context stored in `ctx.obj` by the root callback.

It holds the global settings and builds, only when a command asks, the output
object, the config, the key lookup and the HTTP client. `--help`, `--version` and
completion therefore never touch the keyring, the network, httpx or pydantic.

Which key and base URL a command uses is decided in `settings/target.py` (in order:
`--sandbox`; PIVOTAL_API_KEY; the stored key for `--workspace` / `--live|--test`; the
default set by `pivotal auth use`); `target()` here is a thin call to it.
"""

from __future__ import annotations

import os
from functools import cached_property
from typing import TYPE_CHECKING, Any

# Re-exported: commands and tests import these from here.
from pivotal_cli.settings.target import (
    DEFAULT_BASE_URL,
    Settings,
    Target,
    base_url_for,
    resolve_target,
)

if TYPE_CHECKING:
    from pivotal_cli.client.http import Client
    from pivotal_cli.render.output import Output
    from pivotal_cli.settings.config import Config
    from pivotal_cli.settings.credentials import KeyStore

__all__ = ["DEFAULT_BASE_URL", "AppContext", "Settings", "Target", "parse_mode"]


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
        # The config file is read only when the answer can come from it.
        needs_config = workspace and not self.settings.base_url
        return base_url_for(self.settings, self.config if needs_config else None, workspace)

    def target(self, *, require_key: bool = True) -> Target:
        """The key and base URL for this command (see `settings.target.resolve_target`)."""
        return resolve_target(
            self.settings,
            lambda: self.config,
            lambda: self.keystore,
            require_key=require_key,
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
