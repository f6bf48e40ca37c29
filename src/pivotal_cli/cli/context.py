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
import time
from collections.abc import Callable, Iterable
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

# Re-exported: commands and tests import these from here.
from pivotal_cli.settings.target import (
    DEFAULT_BASE_URL,
    Settings,
    Target,
    base_url_for,
    local_workspace,
    resolve_target,
)

if TYPE_CHECKING:
    from pathlib import Path

    from pivotal_cli.client.http import Client
    from pivotal_cli.client.request_count import RequestCount
    from pivotal_cli.client.retry import RetryPolicy
    from pivotal_cli.render.output import Output
    from pivotal_cli.render.pager import Pager
    from pivotal_cli.settings.config import Config
    from pivotal_cli.settings.credentials import KeyStore
    from pivotal_cli.settings.id_index import Collector

    # Builds the HTTP client `client_for` hands out: `Client` itself unless injected. A
    # caller (a test) may inject its own, e.g. `functools.partial(Client, sleep=…)`, to
    # swap the client's clock or sleep while keeping the CLI's logging and notices; it
    # takes `Client`'s own arguments.
    ClientFactory = Callable[..., Client]


__all__ = [
    "DEFAULT_BASE_URL",
    "AppContext",
    "Injected",
    "Settings",
    "Target",
    "parse_mode",
    "terminal_output",
]

# Without --timeout, each call (its retries and waits included) gets this long: a
# server that accepts the connection and never answers is given up on within it,
# while a long paginated export, many calls, is not cut short.
DEFAULT_CALL_TIMEOUT = 60.0


class Injected(NamedTuple):
    """What a caller may pass as `obj` to the root command for the root callback to keep.

    `CliRunner().invoke(app, args, obj=Injected(client_factory=…))`: the root callback
    builds its `AppContext` with these instead of the defaults.
    """

    client_factory: ClientFactory | None = None
    # Builds the key store from the config directory: `KeyStore` unless injected.
    keystore_factory: Callable[[Path], KeyStore] | None = None


class AppContext:
    def __init__(
        self,
        settings: Settings,
        output: Output | None = None,
        client_factory: ClientFactory | None = None,
        keystore_factory: Callable[[Path], KeyStore] | None = None,
    ) -> None:
        self.settings = settings
        self._output = output
        self._client_factory = client_factory
        self._keystore_factory = keystore_factory
        # --timeout counts from here: the command's start, not its first request.
        self._started = time.monotonic()
        # The target of the last client handed out: whose ids the id index files.
        self.last_target: Target | None = None
        # Every request of every client this command made (`--cost`, `--verbose`).
        self.requests: RequestCount | None = None

    @property
    def output(self) -> Output:
        if self._output is None:
            self._output = terminal_output(no_color=self.settings.no_color, pager=self._pager)
        return self._output

    def _pager(self) -> Pager | None:
        """The pager for long tables, asked for only when a table is drawn on a terminal."""
        if self.settings.no_pager:
            return None
        # The config file is read only when the environment leaves the choice to it.
        from pivotal_cli.render.pager import choose_pager

        return choose_pager(os.environ, lambda: self.config.pager)

    @cached_property
    def config(self) -> Config:
        from pivotal_cli.settings.config import Config

        return Config.load()

    @cached_property
    def keystore(self) -> KeyStore:
        from pivotal_cli.settings.credentials import KeyStore
        from pivotal_cli.settings.paths import config_dir

        return (self._keystore_factory or KeyStore)(config_dir())

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

    def local_workspace(self) -> str | None:
        """The workspace of a command that reads no key (see `settings.target`)."""
        return local_workspace(self.settings, lambda: self.config)

    def client(
        self,
        *,
        require_key: bool = True,
        target: Target | None = None,
        waiting: bool = True,
        paced_by_caller: bool = False,
    ) -> Client:
        """The command's client. `waiting=False` when the command owns the screen (a live
        view): no "Waiting for the API…" spinner is drawn over it. `paced_by_caller`
        when the command spaces its requests itself (a bulk job): the client neither
        pauses near the limit nor prints a line per retry (the job's progress counts)."""
        target = target or self.target(require_key=require_key)
        self.last_target = target
        return self.client_for(
            target.base_url,
            target.api_key,
            transport=target.transport,
            waiting=waiting,
            paced_by_caller=paced_by_caller,
        )

    def client_for(
        self,
        base_url: str,
        api_key: str | None,
        *,
        transport: Any = None,
        retry: RetryPolicy | None = None,
        budget: float | None = None,
        waiting: bool = True,
        paced_by_caller: bool = False,
    ) -> Client:
        """A client for this command: `retry` is the call site's policy (default: the
        client's), `budget` a limit in seconds of its own, within --timeout's."""
        import dataclasses

        from pivotal_cli.client.http import Client
        from pivotal_cli.client.request_count import RequestCount
        from pivotal_cli.client.retry import RetryPolicy

        policy = retry or RetryPolicy()
        if self.settings.timeout is None:
            if policy.call_timeout is None:
                policy = dataclasses.replace(policy, call_timeout=DEFAULT_CALL_TIMEOUT)
        else:
            left = self.settings.timeout - (time.monotonic() - self._started)
            budget = left if budget is None else min(budget, left)
        if self.requests is None:
            self.requests = RequestCount()
        verbose = self.settings.verbose or os.environ.get("PIVOTAL_DEBUG", "") not in ("", "0")
        out = self.output
        factory: ClientFactory = self._client_factory or Client
        return factory(
            base_url,
            api_key,
            transport=transport,
            retry=policy,
            budget=budget,
            log=(lambda line: print(line, file=out.stderr, flush=True)) if verbose else None,
            notify=None if paced_by_caller else out.warn,
            # A slow answer shows a spinner on a terminal (nothing otherwise).
            around_call=out.waiting if waiting else None,
            pacing=not paced_by_caller,
            requests=self.requests,
        )

    def report_requests(self) -> None:
        """With --cost, the command's request count on stderr, after everything else."""
        if self.settings.cost:
            line = self.requests.summary() if self.requests is not None else "0 requests"
            print(line, file=self.output.stderr, flush=True)

    def remember_ids(self, records: Iterable[Any] | Collector) -> None:
        """File the ids of records shown into the id index of the last client's workspace.

        Before any client there is no target, and so nothing to file them under.
        """
        from pivotal_cli.settings import id_index

        if self.last_target is not None:
            id_index.remember(self.last_target.workspace, records)

    def forget_id(self, record: Any) -> None:
        """Drop a deleted record from the id index of the last client's workspace."""
        from pivotal_cli.settings import id_index

        if self.last_target is not None:
            id_index.forget(self.last_target.workspace, record)

    def mark_target(self, target: Target) -> None:
        """Say visibly, before a change, that it is about to hit live data."""
        if target.mode == "live" and target.source != "sandbox":
            self.output.warn(f"Live mode: {target.label}. Changes are real and fire integrations.")


def terminal_output(
    *, no_color: bool = False, pager: Callable[[], Pager | None] | None = None
) -> Output:
    """The `Output` of a real invocation: the process's streams, and the user's switches.

    `PIVOTAL_FORCE_TTY=1` renders as on a terminal even into a pipe, `COLUMNS` as
    wide and `LINES` as tall as they say (only then: on a real terminal Rich asks the
    terminal itself); `NO_COLOR` (any value) or `TERM=dumb` turn colour off, as
    `--no-color` does. `pager` is asked, when a long table is drawn, which pager to use.
    """
    from pivotal_cli.render.output import Output

    env = os.environ
    forced = env.get("PIVOTAL_FORCE_TTY", "") not in ("", "0")
    columns = env.get("COLUMNS", "").strip()
    lines = env.get("LINES", "").strip()
    return Output(
        force_tty=forced,
        width=int(columns) if forced and columns.isdigit() else None,
        height=int(lines) if forced and lines.isdigit() else None,
        no_color=no_color or bool(env.get("NO_COLOR")) or env.get("TERM") == "dumb",
        pager=pager,
    )


def parse_mode(live: bool | None) -> str | None:
    if live is None:
        return None
    return "live" if live else "test"
