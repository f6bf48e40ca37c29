"""`PivotalSandbox`: what the `pivotal_sandbox` fixture hands a test.

One sandbox server per seed runs for the whole pytest session (started on first use,
on loopback, in a thread). Right after it starts, its state is saved as an in-memory
snapshot; each test begins by loading that snapshot (a single SQLite backup step, a
few milliseconds), so tests never see each other's writes and nothing is re-seeded.
Faults and rate limits are set per test on top.

Webhook retries keep the documented schedule (5 s, 5 min, 30 min, … 24 h) in sandbox
time: a test moves through it with `advance`, never by waiting.

The class is deliberately small: one attribute per thing a test reads, one method per
thing it does. Accessors for other sandbox features belong here too, beside these.
"""

from __future__ import annotations

from contextlib import ExitStack
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

    from pivotal_cli.sandbox.adapters.testing import RunningServer
    from pivotal_cli.sandbox.data.snapshots import Snapshots
    from pivotal_cli.sandbox.engine.core import Sandbox
    from pivotal_cli.testing.receiver import WebhookReceiver

BASELINE = "__pivotal_baseline__"


class PivotalSandbox:
    """A running sandbox, reset to its seed for each test."""

    def __init__(self, server: RunningServer, snapshots: Snapshots) -> None:
        self.server = server
        self.base_url = server.base_url
        self.live_key = server.live_key
        self.test_key = server.test_key
        self.other_workspace_key = server.other_workspace_key
        self._snapshots = snapshots
        self._cleanup = ExitStack()

    @property
    def core(self) -> Sandbox:
        """The sandbox engine itself, for reaching its store directly."""
        return self.server.sandbox

    def client(self, key: str | None = None, **options: Any) -> httpx.Client:
        """An httpx client on the base URL with a key set (the live key by default)."""
        import httpx

        headers = {"Authorization": f"Bearer {key or self.live_key}", **options.pop("headers", {})}
        client = httpx.Client(base_url=self.base_url, headers=headers, **options)
        self._cleanup.callback(client.close)
        return client

    def webhook_endpoint(
        self, events: tuple[str, ...] = ("*",), *, test_mode: bool = False
    ) -> WebhookReceiver:
        """Starts a local receiver and registers it as an endpoint of `acme`."""
        from pivotal_cli.sandbox.data.timeutil import to_us
        from pivotal_cli.sandbox.webhooks import endpoints
        from pivotal_cli.testing.receiver import WebhookReceiver

        receiver = WebhookReceiver().start()
        self._cleanup.callback(receiver.stop)
        added = endpoints.add(
            self.core.store,
            "acme",
            receiver.url,
            events=events,
            test_mode=test_mode,
            now_us=to_us(self.core.clock()),
        )
        receiver.id, receiver.secret = added["id"], added["secret"]
        return receiver

    def snapshot(self, name: str) -> None:
        """Saves the current state as `name` (overwriting one of that name)."""
        self._snapshots.save(name, force=True)

    def restore(self, name: str) -> None:
        """Loads snapshot `name`; in-memory windows (rate limits) start afresh."""
        self._snapshots.load(name)
        self.core.forget_memory()

    def seed(self, *files: str | Path) -> dict[str, Any]:
        """Applies scenario files in order (one transaction); returns what they created.

        By section and local name; a new workspace's record carries its `live_key` and
        `test_key`, which this server accepts at once (`client(key)`).
        """
        from pivotal_cli.sandbox.fixtures.scenario import apply_files

        return apply_files(self.core, [Path(f) for f in files])

    def configure(self, *, faults: str | None = None, rate_limit: str | int | None = "off") -> None:
        """Sets this test's fault rules and rate limit (none and off by default)."""
        from pivotal_cli.sandbox.engine.faults import FaultInjector, FaultRules
        from pivotal_cli.sandbox.engine.ratelimit import RateLimiter, RatePolicy

        core = self.core
        core.faults = FaultInjector(FaultRules.parse(faults)) if faults else None
        core.rate_limiter = RateLimiter(RatePolicy.parse(rate_limit), core.clock)

    def now(self) -> datetime:
        """The sandbox's time (aware, UTC): real time plus what the clock was moved by."""
        from pivotal_cli.sandbox import harness

        return harness.clock_now(self.core.store)

    def advance(self, by: str | timedelta) -> list[dict[str, Any]]:
        """Moves the sandbox clock forward (`"14d"`, `"1d12h"` or a timedelta).

        Webhook retries that come due on the way are sent in order, each at its own
        sandbox instant; returns those attempts (`delivery_id`, `attempt`, `at`, `status_code`, …).
        """
        from pivotal_cli.sandbox import harness

        return harness.advance(self.core.store, _duration(by), dispatcher=self.core.webhooks)

    def set_clock(self, instant: str | datetime) -> list[dict[str, Any]]:
        """Moves the sandbox clock forward to `instant` (ISO 8601 with Z or an offset)."""
        from pivotal_cli.sandbox import harness

        when = datetime.fromisoformat(instant) if isinstance(instant, str) else instant
        return harness.set_clock(self.core.store, when, dispatcher=self.core.webhooks)

    def requests(self, **filters: Any) -> list[dict[str, Any]]:
        """What the sandbox answered this test, oldest first (keys never in full).

        Filters as `pivotal sandbox logs` takes them: `method`, `status` (`"4xx"`, 429),
        `path` (`"/customers*"`), `since`, `limit`, `bodies=True`.
        """
        from pivotal_cli.sandbox import harness

        return harness.requests(self.core.store, **filters)

    def reset(self) -> None:
        """Back to the seed's state: the start of every test.

        The baseline holds the clock at real time and an empty request log; entries
        the last test left buffered are written first so none leak into this one.
        """
        from pivotal_cli.sandbox import harness

        harness.flush(self.core.store)
        self.restore(BASELINE)
        harness.reset_clock(self.core.store)
        self.configure()

    def close(self) -> None:
        """Ends one test: closes its clients and receivers."""
        self._cleanup.close()


def _duration(by: str | timedelta) -> timedelta:
    from pivotal_cli.sandbox.data.timeutil import parse_duration

    if isinstance(by, timedelta):
        return by
    parsed = parse_duration(by)
    if parsed is None:
        raise ValueError(f"not a duration: {by!r} (use 90s, 15m, 2h, 14d, 1w or 1d12h)")
    return parsed


def start(stack: ExitStack, seed: str) -> PivotalSandbox:
    """Starts a server for `seed` (`demo` or `empty`) and saves its baseline."""
    from pivotal_cli.sandbox.adapters.testing import running_server
    from pivotal_cli.sandbox.data.snapshots import Snapshots

    server = stack.enter_context(
        running_server(seed=seed, rate_limit="off", webhook_time_scale=1.0)
    )
    snapshots = Snapshots(server.sandbox.store)
    stack.callback(snapshots.close)
    from pivotal_cli.sandbox import harness

    # The baseline holds no request log: a test sees only the requests it made.
    harness.clear_requests(server.sandbox.store)
    snapshots.save(BASELINE, force=True)
    return PivotalSandbox(server, snapshots)
