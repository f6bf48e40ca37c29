"""The delivery worker: sends what is due, records each attempt, schedules the next.

`Dispatcher.run_due(budget)` sends every delivery due now (a bounded pass: the
embedded sandbox runs one before its process exits, `pivotal sandbox webhooks deliver`
runs one on demand). A pass serves endpoints concurrently, each one's deliveries in
order, and skips an endpoint for the rest of the pass once an attempt to it times out:
a receiver that hangs costs a pass one timeout, not one per delivery queued for it,
and never holds up the others. What a pass leaves due stays pending for the next.

`start()` runs the same passes in a background thread for a server's life: it sleeps
until the next delivery is due, at most `POLL_SECONDS` (to see deliveries queued by
other processes sharing the file), and `wake()` after a write that queued deliveries
sends them at once. API answers never wait for a delivery, and a
delivery's failure never reaches the API. With no pending delivery the worker never
reads the clock, so a stepping clock's instants stay those of the requests alone.

A delivery is claimed with a short lease in the store before it is sent, so two
processes sharing the database never make the same attempt twice.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx

from pivotal_cli.sandbox.data.clockstate import store_clock
from pivotal_cli.sandbox.data.store import Store
from pivotal_cli.sandbox.data.timeutil import Clock, to_us, utc_now
from pivotal_cli.sandbox.webhooks import endpoints
from pivotal_cli.sandbox.webhooks.schedule import (
    ATTEMPT_TIMEOUT,
    DISABLE_AFTER_FAILURES,
    next_attempt_us,
)
from pivotal_cli.sandbox.webhooks.sender import Attempt, delivery_headers, post

logger = logging.getLogger("pivotal_cli.sandbox.webhooks")

POLL_SECONDS = 1.0
LEASE_US = 60 * 1_000_000
_BATCH = 50
# Endpoints served at once in a pass (each endpoint's own deliveries go one at a time).
MAX_PARALLEL_ENDPOINTS = 8


@dataclass(frozen=True)
class Sent:
    """One attempt made by a pass: which delivery, which attempt, what came of it."""

    delivery_id: str
    number: int
    attempt: Attempt
    status: str  # the delivery's status after it: pending, succeeded or failed


class Dispatcher:
    """Sends one store's due deliveries."""

    def __init__(
        self,
        store: Store,
        *,
        clock: Clock = utc_now,
        time_scale: float = 1.0,
        timeout: float = ATTEMPT_TIMEOUT,
        client_factory: Callable[[], httpx.Client] | None = None,
    ) -> None:
        self.store = store
        # The sandbox clock (`sandbox clock`): retries come due by sandbox time.
        self.clock = store_clock(store, clock)
        self.time_scale = time_scale
        self.timeout = timeout
        self._client_factory = client_factory or _default_client
        self._client: httpx.Client | None = None
        self._wakeup = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._pass_lock = threading.Lock()
        # Called on every `wake()`: the embedded sandbox arranges its exit pass here.
        self.listeners: list[Callable[[], None]] = []
        # The endpoints the last pass stopped sending to because an attempt timed out.
        self.stalled: set[str] = set()

    # -- the background thread ------------------------------------------------------

    def start(self) -> None:
        """Runs passes in a daemon thread until `stop()`."""
        if self._thread is not None:
            return
        self._stopping.clear()
        self._thread = threading.Thread(
            target=self._loop, name="pivotal-sandbox-webhooks", daemon=True
        )
        self._thread.start()

    def wake(self) -> None:
        """Asks the thread (if any) for a pass now: a write just queued deliveries."""
        self._wakeup.set()
        for listener in self.listeners:
            listener()

    def stop(self, timeout: float = 15.0) -> None:
        """Stops the thread after its current attempt, and closes the HTTP client."""
        thread, self._thread = self._thread, None
        if thread is not None:
            self._stopping.set()
            self._wakeup.set()
            thread.join(timeout)
        if self._client is not None:
            self._client.close()
            self._client = None

    def _loop(self) -> None:
        while not self._stopping.is_set():
            wait = POLL_SECONDS
            try:
                self.run_due(stop=self._stopping)
                due = self.next_due_us()
                if due is not None:
                    wait = min(POLL_SECONDS, max(0.0, (due - self._now_us()) / 1e6))
            except Exception:  # never let the thread die: log and try again later
                logger.exception("sandbox webhooks: delivery pass failed")
            self._wakeup.wait(wait)
            self._wakeup.clear()

    # -- passes -----------------------------------------------------------------------

    def next_due_us(self) -> int | None:
        """When the earliest pending delivery is due (no clock read)."""
        with self.store.read() as tx:
            row = tx.execute(
                "SELECT MIN(next_attempt_us) AS due FROM webhook_deliveries"
                " WHERE status = 'pending'"
            ).fetchone()
        return None if row["due"] is None else int(row["due"])

    def run_due(
        self,
        budget: float | None = None,
        *,
        only: Collection[str] | None = None,
        stop: threading.Event | None = None,
    ) -> list[Sent]:
        """Sends every delivery due now (or only those in `only`), within `budget` seconds.

        "Now" is when the pass starts: a retry that falls due during the pass (a 5 s retry
        on a fast time scale) waits for the next one, as it would on a real schedule.
        """
        deadline = None if budget is None else time.monotonic() + budget
        sent: list[Sent] = []
        due_by_us: int | None = None
        with self._pass_lock:
            self.stalled = set()
            while stop is None or not stop.is_set():
                if self.next_due_us() is None:
                    break
                if due_by_us is None:
                    due_by_us = self._now_us()
                claimed = self._claim(only, due_by_us)
                if not claimed:
                    break
                queues: dict[str, list[str]] = {}
                for delivery_id, endpoint_id in claimed:
                    queues.setdefault(endpoint_id, []).append(delivery_id)
                workers = min(MAX_PARALLEL_ENDPOINTS, len(queues))
                with ThreadPoolExecutor(workers, thread_name_prefix="pivotal-delivery") as pool:
                    for results in pool.map(
                        lambda item: self._send_queue(item[0], item[1], deadline, stop),
                        queues.items(),
                    ):
                        sent.extend(results)
                if deadline is not None and time.monotonic() >= deadline:
                    break
        return sent

    def _send_queue(
        self,
        endpoint_id: str,
        delivery_ids: list[str],
        deadline: float | None,
        stop: threading.Event | None,
    ) -> list[Sent]:
        """One endpoint's claimed deliveries, in order, until one times out."""
        sent: list[Sent] = []
        for delivery_id in delivery_ids:
            left = None if deadline is None else deadline - time.monotonic()
            out_of_time = left is not None and left <= 0
            if out_of_time or endpoint_id in self.stalled or (stop is not None and stop.is_set()):
                self._release(delivery_id)
                continue
            timeout = self.timeout if left is None else min(self.timeout, left)
            result = self._attempt(delivery_id, timeout)
            if result is not None:
                sent.append(result)
                if result.attempt.timed_out:
                    self.stalled.add(endpoint_id)
        return sent

    def due_count(self, only: Collection[str] | None = None) -> int:
        """How many pending deliveries are due now (those a pass left for later)."""
        now_us = self._now_us()
        with self.store.read() as tx:
            rows = tx.execute(
                "SELECT id FROM webhook_deliveries WHERE status = 'pending'"
                " AND next_attempt_us <= ?",
                (now_us,),
            ).fetchall()
        return sum(1 for row in rows if only is None or row["id"] in only)

    def _now_us(self) -> int:
        return to_us(self.clock())

    def _claim(self, only: Collection[str] | None, due_by_us: int) -> list[tuple[str, str]]:
        """Leases the next deliveries due by then (not a stalled endpoint's): (id, endpoint)."""
        now_us = max(due_by_us, self._now_us())
        stalled = sorted(self.stalled)
        with self.store.write() as tx:
            rows = tx.execute(
                "SELECT id, endpoint_id FROM webhook_deliveries WHERE status = 'pending'"
                " AND next_attempt_us <= ? AND (lease_until_us IS NULL OR lease_until_us < ?)"
                f" AND endpoint_id NOT IN ({','.join('?' * len(stalled))})"
                " ORDER BY next_attempt_us, created_us LIMIT ?",
                (due_by_us, now_us, *stalled, _BATCH if only is None else 10_000),
            ).fetchall()
            claimed = [
                (row["id"], row["endpoint_id"]) for row in rows if only is None or row["id"] in only
            ]
            for delivery_id, _endpoint in claimed:
                tx.execute(
                    "UPDATE webhook_deliveries SET lease_until_us = ? WHERE id = ?",
                    (now_us + LEASE_US, delivery_id),
                )
        return claimed

    def _release(self, delivery_id: str) -> None:
        with self.store.write() as tx:
            tx.execute(
                "UPDATE webhook_deliveries SET lease_until_us = NULL WHERE id = ?", (delivery_id,)
            )

    def _attempt(self, delivery_id: str, timeout: float) -> Sent | None:
        now_us = self._now_us()
        with self.store.read() as tx:
            row = tx.execute(
                "SELECT d.*, e.body, p.url, p.secret, p.previous_secret, p.previous_expires_us,"
                " p.deleted_us AS endpoint_deleted_us FROM webhook_deliveries d"
                " JOIN webhook_events e ON e.id = d.event_id"
                " JOIN webhook_endpoints p ON p.id = d.endpoint_id WHERE d.id = ?",
                (delivery_id,),
            ).fetchone()
        if row is None or row["status"] != "pending":
            return None
        if row["endpoint_deleted_us"] is not None:
            attempt = Attempt(None, "endpoint removed", 0, None)
            real_s = self.clock.real_us(now_us) // 1_000_000
            return self._record(row, attempt, now_us, real_s, final=True)
        body = row["body"].encode("utf-8")
        # Signed with the real time, not the sandbox's: receivers refuse a timestamp more
        # than five minutes from their own clock, and a moved sandbox clock is not theirs.
        timestamp = self.clock.real_us(now_us) // 1_000_000
        headers = delivery_headers(
            endpoints.signing_secrets(row, now_us), body, msg_id=row["id"], timestamp=timestamp
        )
        attempt = post(self._http(), row["url"], body, headers, timeout)
        return self._record(row, attempt, now_us, timestamp)

    def _record(
        self,
        delivery: sqlite3.Row,
        attempt: Attempt,
        at_us: int,
        timestamp: int,
        *,
        final: bool = False,
    ) -> Sent:
        # `delivery` is the delivery's row joined with its event and endpoint.
        number = int(delivery["attempts"]) + 1
        first_us = delivery["first_attempt_us"] or at_us
        endpoint_id = delivery["endpoint_id"]
        if attempt.ok:
            status, due = "succeeded", None
        else:
            due = None if final else next_attempt_us(number, first_us, at_us, self.time_scale)
            status = "pending" if due is not None else "failed"
        with self.store.write() as tx:
            tx.execute(
                "INSERT INTO webhook_attempts (delivery_id, number, at_us, timestamp, status,"
                " error, duration_ms, response_snippet) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    delivery["id"],
                    number,
                    at_us,
                    timestamp,
                    attempt.status,
                    attempt.error,
                    attempt.duration_ms,
                    attempt.snippet,
                ),
            )
            tx.execute(
                "UPDATE webhook_deliveries SET status = ?, attempts = ?, first_attempt_us = ?,"
                " last_attempt_us = ?, next_attempt_us = ?, last_status = ?, last_error = ?,"
                " response_snippet = ?, lease_until_us = NULL, updated_us = ? WHERE id = ?",
                (
                    status,
                    number,
                    first_us,
                    at_us,
                    due,
                    attempt.status,
                    attempt.error,
                    attempt.snippet,
                    at_us,
                    delivery["id"],
                ),
            )
            if status == "succeeded":
                tx.execute(
                    "UPDATE webhook_endpoints SET consecutive_failures = 0 WHERE id = ?",
                    (endpoint_id,),
                )
            elif status == "failed":
                tx.execute(
                    "UPDATE webhook_endpoints SET consecutive_failures = consecutive_failures + 1,"
                    " disabled = CASE WHEN consecutive_failures + 1 >= ? THEN 1 ELSE disabled END"
                    " WHERE id = ?",
                    (DISABLE_AFTER_FAILURES, endpoint_id),
                )
        return Sent(str(delivery["id"]), number, attempt, status)

    def _http(self) -> httpx.Client:
        if self._client is None:
            self._client = self._client_factory()
        return self._client

    def close(self) -> None:
        self.stop()


def _default_client() -> httpx.Client:
    # No proxies from the environment: receivers are usually on this machine.
    return httpx.Client(follow_redirects=False, trust_env=False)
