"""Zero-setup sandbox for `pivotal --sandbox`: a persistent store and an in-process transport.

`connect()` opens (creating, seeding and keying on first use) the sandbox in the data
directory and returns what an HTTP client needs: a base URL, the `acme` key of the
requested mode, and an httpx transport that calls the sandbox directly. Nothing goes
over a network. The directory is `$PIVOTAL_SANDBOX_DIR`, else the user data dir's
`pivotal/sandbox`; it is created owner-only (0700). Two processes starting at once are
safe: first-run setup happens in one SQLite write transaction.

Webhooks: there is no server thread here, so a process that queues deliveries (or
finds due ones left by an earlier process) sends them at exit, after its answer is
printed (`webhooks.exit_pass`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import httpx

from pivotal_cli.sandbox.adapters.transport import SandboxTransport
from pivotal_cli.sandbox.data.paths import DB_NAME
from pivotal_cli.sandbox.engine.core import Sandbox
from pivotal_cli.sandbox.engine.faults import FaultRules, FaultSpecError
from pivotal_cli.sandbox.engine.ratelimit import RatePolicy
from pivotal_cli.sandbox.webhooks import exit_pass
from pivotal_cli.settings.paths import private_dir, sandbox_dir

BASE_URL = "http://localhost/api/v1"
WORKSPACE = "acme"


@dataclass(frozen=True)
class Embedded:
    """What the CLI's HTTP client needs to talk to the local sandbox."""

    base_url: str
    api_key: str
    transport: httpx.BaseTransport


def connect(mode: str = "live", data_dir: Path | None = None) -> Embedded:
    """The embedded sandbox, with the `acme` key of `mode` (`live` or `test`).

    Rate limits are the documented ones (60/min live, 30/min test) unless
    `$PIVOTAL_SANDBOX_RATE_LIMIT` says `off` or a number; `$PIVOTAL_SANDBOX_FAULTS`
    takes the fault rules `sandbox serve --faults` does.
    """
    if mode not in ("live", "test"):
        raise ValueError(f"mode must be 'live' or 'test', not {mode!r}")
    try:
        policy = RatePolicy.parse(os.environ.get("PIVOTAL_SANDBOX_RATE_LIMIT") or None)
    except ValueError as error:
        raise ValueError(f"PIVOTAL_SANDBOX_RATE_LIMIT: {error}") from None
    faults = os.environ.get("PIVOTAL_SANDBOX_FAULTS") or None
    try:
        rules = FaultRules.parse(faults) if faults else None
    except FaultSpecError as error:
        from pivotal_cli.errors import UsageError

        raise UsageError(f"PIVOTAL_SANDBOX_FAULTS: {error}.") from None
    directory = private_dir(data_dir if data_dir is not None else sandbox_dir())
    db = directory / DB_NAME
    sandbox = Sandbox.open(db, seed="demo", rate_limit=policy, faults=rules)
    try:
        api_key = sandbox.key(WORKSPACE, mode)
        # Deliveries left pending by an earlier process go out at this one's exit, and
        # so do those this process's writes queue.
        if sandbox.webhooks.next_due_us() is not None:
            exit_pass.arrange(db)
        sandbox.webhooks.listeners.append(lambda: exit_pass.arrange(db))
    except BaseException:
        sandbox.close()
        raise
    return Embedded(BASE_URL, api_key, SandboxTransport(sandbox, owns_sandbox=True))
