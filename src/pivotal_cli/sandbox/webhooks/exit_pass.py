"""The embedded sandbox's delivery pass at process exit.

`pivotal --sandbox …` is one process per command with no server thread to send
webhooks. So once a process has queued deliveries, or found due ones left by an earlier
process, it arranges one pass at exit: after the command's answer is printed (stdout is
flushed, then pointed at /dev/null, so a pipe's reader sees the end of the answer at
once), it sends what is due now, within `EXIT_BUDGET` seconds in all. A retry that is
not due yet stays pending for the next process that opens the sandbox, or for
`pivotal sandbox webhooks deliver`.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import sys
import threading
from pathlib import Path

from pivotal_cli.sandbox.data.store import Store
from pivotal_cli.sandbox.data.timeutil import to_us
from pivotal_cli.sandbox.webhooks.schedule import time_scale_from
from pivotal_cli.sandbox.webhooks.worker import Dispatcher, Sent

EXIT_BUDGET = 10.0

logger = logging.getLogger("pivotal_cli.sandbox.webhooks")

_registered: set[str] = set()
_lock = threading.Lock()


def arrange(db: Path) -> None:
    """Runs `deliver_due(db)` when this process exits (once per database)."""
    key = str(db)
    with _lock:
        if key in _registered:
            return
        _registered.add(key)
    atexit.register(_at_exit, db)


def deliver_due(db: Path, budget: float = EXIT_BUDGET) -> list[Sent]:
    """Sends every delivery of the database at `db` that is due now, within `budget`."""
    store = Store(db)
    try:
        dispatcher = Dispatcher(store, time_scale=time_scale_from(os.environ))
        try:
            due = dispatcher.next_due_us()
            if due is None or due > to_us(dispatcher.clock()):
                return []
            _release_stdout()
            return dispatcher.run_due(budget)
        finally:
            dispatcher.stop()
    finally:
        store.close()


def _at_exit(db: Path) -> None:
    try:
        deliver_due(db)
    except Exception:  # a delivery problem must never turn a command into a failure
        logger.debug("sandbox webhooks: exit pass failed", exc_info=True)


def _release_stdout() -> None:
    """Flushes the answer and lets go of stdout, so nothing waits for this pass."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()
    if sys.stdout is not sys.__stdout__:
        return  # stdout is not the process's (a test harness captures it): leave it
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
