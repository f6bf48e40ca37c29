"""Running an import job: look up what exists, then send the open rows, journaled.

`Runner.run` reads the job's open rows from its journal (a fresh job's pending rows,
or what a killed or stopped run left), and for each: resolves its customer, decides
create / update / unchanged (upsert), journals it as `sending` BEFORE the request,
sends it with its deterministic idempotency key from one of `concurrency` sender threads,
paced to the key's limit, and journals the outcome (held back, to be committed with the
next row's mark, and flushed before `run` returns or raises). What exists is read once,
up front (`jobs/lookups.py`), as is what a row sent too long ago may already have made.

The job stops early, leaving every row resumable (`jobs/stops.py`), when the key is
refused (401/403), or after `max_server_errors` rows in a row failed on a server or
network error, or when `stop()` is called (Ctrl-C): in-flight requests finish and are
journaled first.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from pivotal_cli.client import bulk
from pivotal_cli.client.bulk import Pacer
from pivotal_cli.client.http import Client
from pivotal_cli.domain import importing
from pivotal_cli.domain.importing import CustomerRef, changes
from pivotal_cli.domain.records import Record
from pivotal_cli.errors import (
    APIError,
    AuthenticationError,
    LocalFileError,
    NetworkError,
    PermissionDeniedError,
    PivotalError,
    RateLimitError,
    ServerError,
)
from pivotal_cli.jobs import journal as jr
from pivotal_cli.jobs.journal import Journal, JournalRow, Outcome
from pivotal_cli.jobs.lookups import Lookups
from pivotal_cli.jobs.plan import JobSpec
from pivotal_cli.jobs.stops import MAX_SERVER_ERRORS, Fatal, Interrupted, JobStopped


@dataclass
class Tally:
    """Outcomes of this run, shared by the sender threads."""

    counts: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Rows this run tallied as "retry": tried again, they count once, as what they end as.
    retried: set[int] = field(default_factory=set)

    def add(self, name: str, row: int | None = None) -> None:
        with self.lock:
            if row is not None and row in self.retried:
                self.retried.discard(row)
                self.counts["retry"] -= 1
                if not self.counts["retry"]:
                    del self.counts["retry"]
            if name == "retry" and row is not None:
                self.retried.add(row)
            self.counts[name] += 1

    def snapshot(self) -> dict[str, int]:
        with self.lock:
            return dict(self.counts)


@dataclass
class Preview:
    """What a run would do (a remote dry run): counts by action, and reads spent."""

    actions: Counter[str] = field(default_factory=Counter)
    reads: int = 0


class Runner:
    """Sends one job's open rows; see the module docstring."""

    def __init__(
        self,
        journal: Journal,
        client: Client,
        *,
        concurrency: int = 4,
        pacer: Pacer | None = None,
        clock: Callable[[], float] = time.time,
        max_server_errors: int = MAX_SERVER_ERRORS,
        on_row: Callable[[], None] | None = None,
        on_created: Callable[[JournalRow, Record, bool], None] | None = None,
    ) -> None:
        self.journal = journal
        self.client = client
        self.spec = JobSpec.from_meta(journal.meta())
        self.resource = self.spec.resource
        self.concurrency = max(1, concurrency)
        self.pacer = pacer or Pacer(None)
        self.clock = clock
        self.max_server_errors = max_server_errors
        self.on_row = on_row or (lambda: None)
        # Each create's answer (row, record, whether the API replayed an earlier one).
        self.on_created = on_created or (lambda row, record, replayed: None)
        self.tally = Tally()
        self.lookups = Lookups(journal, client, self.spec, self.pacer, clock)
        self._stop = threading.Event()
        self._fatal: Fatal | None = None
        self._server_errors = 0
        self._errors_lock = threading.Lock()

    @property
    def reads(self) -> int:
        return self.lookups.reads

    # -- the pool ---------------------------------------------------------------------

    def stop(self) -> None:
        self._stop.set()

    def run(self, passes: int = 3) -> dict[str, int]:
        """Send every open row; the tally of this run. Raises JobStopped when cut short.

        Rows that failed on a server or network error get up to `passes - 1` more
        tries at the end (the client has already retried each call a few times).
        """
        self.lookups.prepare()
        try:
            for _ in range(passes):
                self._pass()
                if self._stop.is_set() or not self.journal.counts().get(jr.RETRY):
                    break
        finally:
            # Outcomes held back (`finish_later`) are committed however the run ends; one
            # that cannot be leaves as the journal's LocalFileError, its row still open.
            self.journal.flush()
        if self._fatal is not None:
            raise JobStopped(
                self._fatal.error.message,
                cause=self._fatal.error,
                job_id=self.spec.job_id,
                reason=self._fatal.reason,
            )
        if self._stop.is_set():
            raise self._interrupted("Stopped")
        return self.tally.snapshot()

    def _interrupted(self, how: str) -> Interrupted:
        return Interrupted(
            f"{how}: the rows in flight finished and were journaled.",
            cause=None,
            job_id=self.spec.job_id,
            reason="import_interrupted",
        )

    def _pass(self) -> None:
        """One pass over the open rows: `concurrency` sender threads take them in turn.

        Each thread takes the next row from one shared reader of the journal: no
        future per row, and the main thread sleeps in `join` instead of waking for every
        answer, which keeps a large job's CPU close to the requests' own.
        """
        rows = self.journal.open_rows()
        taking = threading.Lock()
        crashed: list[BaseException] = []

        def take() -> JournalRow | None:
            with taking:
                if self._stop.is_set() or crashed:
                    return None
                return next(rows, None)

        def send() -> None:
            try:
                while (row := take()) is not None:
                    self._process(row)
            except BaseException as bug:  # a bug in a sender thread surfaces below
                with taking:
                    crashed.append(bug)

        senders = [
            threading.Thread(target=send, name=f"import-{n}", daemon=True)
            for n in range(self.concurrency)
        ]
        for sender in senders:
            sender.start()
        try:
            for sender in senders:
                while sender.is_alive():
                    sender.join(0.2)
        except KeyboardInterrupt:
            # Ctrl-C: nothing new is started; what is in flight finishes and is
            # journaled before the job stops.
            self._stop.set()
            for sender in senders:
                sender.join()
            raise self._interrupted("Interrupted") from None
        if crashed:
            raise crashed[0]

    def _process(self, row: JournalRow) -> None:
        if self._stop.is_set():
            return
        try:
            self._send_row(row)
        except Fatal as fatal:
            with self._errors_lock:
                if self._fatal is None:
                    self._fatal = fatal
            self._stop.set()
        except LocalFileError:
            # The journal cannot be written (a full or read-only disk): start no row more.
            self._stop.set()
            raise
        finally:
            self.on_row()

    # -- one row ----------------------------------------------------------------------

    def _send_row(self, row: JournalRow) -> None:
        plan = row.plan
        customer_id: str | None = None
        try:
            customer_id = self.lookups.row_customer_id(plan)
            if row.status == jr.PATCHING and row.record_id and self.spec.mode != "upsert":
                self._after_create(row, None, row.record_id, row.display_id)
                return
            existing = self.lookups.existing_for(plan, customer_id)
            if (
                existing is None
                and self.spec.mode != "upsert"
                and row.status != jr.PENDING
                and importing.key_expired(row.first_sent_at, self.clock())
            ):
                existing = self.lookups.find_expired(row, customer_id)
                if existing is not None:
                    self._finish_existing(row, existing)
                    return
            if existing is not None:
                self._update(row, existing)
            else:
                self._create(row, customer_id)
        except (Fatal, LocalFileError):
            # A journal that cannot be written is no fault of the row's: the job stops.
            raise
        except APIError as error:
            self._api_error(row, error)
        except NetworkError as error:
            self._transient(row, error, None)
        except PivotalError as error:
            self._fail(
                row, Outcome("failed", error_type="invalid_row", error_message=error.message)
            )

    def _create(self, row: JournalRow, customer_id: str | None) -> None:
        plan = row.plan
        idem = row_idempotency_key(self.spec.key_scope or self.spec.job_id, row)
        if not self.pacer.acquire(self._stop):
            return
        self.journal.mark_sending(row.n, idem, self.clock())
        answer = bulk.create(self.client, self.resource, plan["create"], customer_id, idem)
        record = answer.record()
        self._ok()
        self.on_created(row, record, answer.replayed)
        self._after_create(row, record, str(record["id"]), _int(record.get("display_id")))

    def _after_create(
        self,
        row: JournalRow,
        record: Record | None,
        record_id: str,
        display_id: int | None,
        action: str = "created",
    ) -> None:
        """Fields only an update accepts, PATCHed after the create when they differ."""
        after = row.plan.get("after_create") or {}
        if not after:
            patch: Record = {}
        elif record is not None:
            patch = changes(self.resource, after, record)
        else:
            patch = dict(after)
        if patch:
            self.journal.mark_patching(row.n, record_id, display_id, self.clock())
            if not self.pacer.acquire(self._stop):
                return
            bulk.update(self.client, self.resource, record_id, patch)
            self._ok()
        self._done(row, action, record_id, display_id, 201 if action == "created" else None)

    def _update(self, row: JournalRow, existing: Record) -> None:
        patch = changes(self.resource, row.plan.get("wanted") or {}, existing)
        record_id = str(existing["id"])
        display_id = _int(existing.get("display_id"))
        if not patch:
            self._done(row, "unchanged", record_id, display_id, None)
            return
        if not self.pacer.acquire(self._stop):
            return
        self.journal.mark_patching(row.n, record_id, display_id, self.clock())
        bulk.update(self.client, self.resource, record_id, patch)
        self._ok()
        self._done(row, "updated", record_id, display_id, 200)

    def _finish_existing(self, row: JournalRow, record: Record) -> None:
        self.lookups.claimed.add(str(record["id"]))
        self._after_create(
            row, record, str(record["id"]), _int(record.get("display_id")), "existing"
        )

    # -- outcomes ---------------------------------------------------------------------

    def _ok(self) -> None:
        with self._errors_lock:
            self._server_errors = 0

    def _done(
        self,
        row: JournalRow,
        action: str,
        record_id: str,
        display_id: int | None,
        status: int | None,
    ) -> None:
        self.journal.finish_later(row.n, jr.DONE, Outcome(action, record_id, display_id, status))
        self.tally.add(action, row.n)

    def _fail(self, row: JournalRow, outcome: Outcome) -> None:
        self.journal.finish_later(row.n, jr.FAILED, outcome)
        self.tally.add("failed", row.n)

    def _api_error(self, row: JournalRow, error: APIError) -> None:
        if isinstance(error, (AuthenticationError, PermissionDeniedError)):
            raise Fatal(error, "import_key_refused")
        if isinstance(error, (ServerError, RateLimitError)) or error.status >= 500:
            self._transient(row, error, error.status)
            return
        self._ok()
        self._fail(
            row,
            Outcome(
                "failed",
                http_status=error.status,
                error_type=error.type or type(error).__name__,
                error_code=error.code,
                error_field=error.field,
                error_message=error.message,
            ),
        )

    def _transient(self, row: JournalRow, error: PivotalError, status: int | None) -> None:
        """A server or network failure after the client's retries: resumable, counted."""
        self.journal.finish_later(
            row.n,
            jr.RETRY,
            Outcome(
                "failed",
                http_status=status,
                error_type=getattr(error, "type", None) or type(error).__name__,
                error_code=getattr(error, "code", None),
                error_message=error.message,
            ),
        )
        self.tally.add("retry", row.n)
        with self._errors_lock:
            self._server_errors += 1
            many = self._server_errors >= self.max_server_errors
        if many:
            raise Fatal(error, "import_server_errors")

    # -- dry run against the workspace --------------------------------------------------

    def planned_reads(self) -> str:
        """What `preview` will read, in words (see Lookups.planned_reads)."""
        return self.lookups.planned_reads()

    def preview(self) -> Preview:
        """What `run` would do, by reading only: counts of create / update / unchanged,
        and `conflict` for a create whose customer slug is already taken."""
        lookups = self.lookups
        lookups.prepare()
        if self.resource == "customer" and self.spec.mode == "create" and lookups.customers is None:
            lookups.index_customers()
        result = Preview()
        for row in self.journal.open_rows():
            plan = row.plan
            try:
                cid = lookups.row_customer_id(plan)
            except APIError:
                result.actions["failed"] += 1
                continue
            existing = lookups.existing_for(plan, cid)
            if existing is None and lookups.slug_taken(plan):
                result.actions["conflict"] += 1
            elif existing is None:
                result.actions["created"] += 1
            elif changes(self.resource, plan.get("wanted") or {}, existing):
                result.actions["updated"] += 1
            else:
                result.actions["unchanged"] += 1
        result.reads = lookups.reads
        return result


def row_idempotency_key(scope: str, row: JournalRow) -> str:
    """The row's create key: from the job (its key scope), the row's key (else its
    number) and body."""
    plan = row.plan
    ref = CustomerRef(*plan["customer"]) if plan.get("customer") else None
    hashed = importing.body_hash(plan["create"], ref)
    return importing.idempotency_key(scope, row.row_key or str(row.n), hashed)


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
