"""One server's workspace: its target (key and base URL), a client per call, the audit
log and the plan store, and the one place a tool call becomes a result or a tool error.

The target is resolved once, when the server starts, from the same settings, config
and keyring the commands use; the workspace never changes under a running server.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pivotal_cli.agents import audit, results
from pivotal_cli.agents.catalog import BY_NAME, Tool, listed
from pivotal_cli.agents.options import ServeOptions
from pivotal_cli.agents.plans import PlanStore
from pivotal_cli.errors import PivotalError, UsageError

if TYPE_CHECKING:
    from pivotal_cli.client.http import Client
    from pivotal_cli.settings.target import Target

# Each call's limit, retries and waits included, as a command's default.
CALL_TIMEOUT = 60.0


@dataclass
class Session:
    options: ServeOptions
    target: Target
    plans: PlanStore
    _client: Client | None = field(default=None, repr=False)

    @property
    def sandbox(self) -> bool:
        return self.target.source == "sandbox"

    @property
    def live(self) -> bool:
        return self.target.mode == "live"

    @property
    def workspace(self) -> str | None:
        return self.target.workspace

    def tools(self) -> list[Tool]:
        return listed(self.options, sandbox=self.sandbox)

    @contextmanager
    def client(self) -> Iterator[Client]:
        """The server's one client: the commands' retries, idempotency and pacing.

        Kept for the server's life, not closed per call: its rate-limit bucket must see
        every call, and the embedded sandbox's transport closes with it.
        """
        if self._client is None:
            from pivotal_cli.client.http import Client
            from pivotal_cli.client.retry import RetryPolicy

            self._client = Client(
                self.target.base_url,
                self.target.api_key,
                transport=self.target.transport,
                retry=RetryPolicy(call_timeout=CALL_TIMEOUT),
            )
        yield self._client

    def check_writable(self) -> None:
        """A write with a live key needs the server's permission to write live data."""
        if self.live and not self.options.allow_live:
            raise UsageError(self.options.live_refusal, reason="live_writes_not_allowed")

    def call(self, name: str, arguments: dict[str, Any] | None) -> results.Result:
        """Run a tool; every outcome, error or not, is one line of the audit log."""
        arguments = dict(arguments or {})
        started = time.monotonic()
        tool = {t.name: t for t in self.tools()}.get(name)
        try:
            if tool is None:
                raise UsageError(_unlisted(name), reason="unknown_tool")
            if tool.writes and not tool.read_only:
                self.check_writable()
            result = results.data(tool.run(self, arguments))
        except PivotalError as error:
            result = results.failure(error, self.target.api_key)
        audit.record(self, name, arguments, result, time.monotonic() - started)
        return result


def _unlisted(name: str) -> str:
    if name in BY_NAME:
        return f"The tool '{name}' is not offered by this server (its toolsets or permissions)."
    return f"There is no tool named '{name}'."


def start(options: ServeOptions, target: Target) -> Session:
    """The session of a server for `target` (checked tool names first)."""
    session = Session(options, target, PlanStore.default())
    session.tools()  # unknown names in --tools/--exclude-tools fail before serving
    return session
