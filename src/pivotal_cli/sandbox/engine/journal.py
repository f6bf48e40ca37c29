"""Recording each answered request in the request log, cheaply.

A GET runs in a read transaction, and one write transaction (with its fsync) per GET
would cost more than the GET itself, so entries are buffered and written in batches:
by a short timer (`FLUSH_SECONDS`) after the first entry of a batch, at once for a
large burst, and at `close()`. Another process reading the log
(`sandbox logs --follow`) sees an entry within that moment.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import weakref

from pivotal_cli.sandbox.data import requestlog
from pivotal_cli.sandbox.data.store import Store

logger = logging.getLogger("pivotal_cli.sandbox")

FLUSH_SECONDS = 0.2
# A burst larger than this is written at once rather than waiting for the timer.
MAX_PENDING = 500

# Every live journal of this process, so a reader can flush those writing its database.
_JOURNALS: weakref.WeakSet[Journal] = weakref.WeakSet()


def flush_journals(store: Store) -> None:
    """Writes what this process's journals on `store`'s database still buffer."""
    for journal in list(_JOURNALS):
        theirs = journal.store
        if theirs is store or (store.is_file and theirs.is_file and theirs.path == store.path):
            journal.flush()


class Journal:
    """Buffers one sandbox's request-log entries and writes them in batches."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._pending: list[requestlog.Entry] = []
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        _JOURNALS.add(self)

    def add(self, entry: requestlog.Entry) -> None:
        with self._lock:
            self._pending.append(entry)
            full = len(self._pending) >= MAX_PENDING
            if not full and self._timer is None:
                self._timer = threading.Timer(FLUSH_SECONDS, self.flush)
                self._timer.daemon = True
                self._timer.start()
        if full:
            self.flush()

    def take(self) -> list[requestlog.Entry]:
        """The pending entries, now owned by the caller (who writes them)."""
        with self._lock:
            taken, self._pending = self._pending, []
            return taken

    def flush(self) -> None:
        with self._lock:
            self._timer = None
        entries = self.take()
        if not entries:
            return
        try:
            with self.store.write() as tx:
                requestlog.insert(tx, entries)
        except sqlite3.Error:
            # The log must never break the API (a closed store at shutdown, a locked
            # file past the busy timeout): the entries are lost, the answers were not.
            logger.warning("sandbox: could not write %d request-log entries", len(entries))

    def close(self) -> None:
        with self._lock:
            timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
        self.flush()
