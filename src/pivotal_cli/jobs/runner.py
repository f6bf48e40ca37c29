"""Running an import job: look up what exists, then send the open rows, journaled.

`Runner.run` reads the job's open rows from its journal (a fresh job's pending rows,
or what a killed or stopped run left), and for each: resolves its customer, decides
create / update / unchanged (upsert), journals it as `sending` BEFORE the request,
sends it with its deterministic idempotency key through a bounded thread pool paced to
the key's limit, and journals the outcome. Reads happen once, up front: one walk of
the customers (or onboardings) list indexes what exists by key, never a GET per row.

Rows first sent more than the idempotency key's lifetime ago (the server may have
forgotten the key) are looked up before being sent again: an upsert finds them in its
index; a plain create looks for the record the row would have made (a customer by
slug, else by name among those created since the row was sent; a contact by email
under its customer; an onboarding of its customer created since then that no other
row of the job claims).

The job stops early, leaving every row resumable, when the key is refused (401/403),
or after `max_server_errors` rows in a row failed on a server or network error, or
when `stop()` is called (Ctrl-C): in-flight requests finish and are journaled first.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pivotal_cli.client import bulk, onboardings
from pivotal_cli.client.bulk import Pacer
from pivotal_cli.client.http import Client
from pivotal_cli.client.pagination import MAX_PAGE
from pivotal_cli.domain import importing
from pivotal_cli.domain.importing import CustomerRef, changes, record_key
from pivotal_cli.domain.records import Record
from pivotal_cli.errors import (
    APIError,
    AuthenticationError,
    ExitCode,
    NetworkError,
    PermissionDeniedError,
    PivotalError,
    RateLimitError,
    ServerError,
)
from pivotal_cli.jobs import journal as jr
from pivotal_cli.jobs.journal import Journal, JournalRow, Outcome
from pivotal_cli.jobs.loader import JobSpec

# Rows that failed on a server or network error, one after another, before the job
# stops (the network or the API is down: better resumed later than failed row by row).
MAX_SERVER_ERRORS = 5
# Lookups of expired rows accept records created this long before the row was first
# sent: the server's clock and ours may differ.
CLOCK_MARGIN = 300.0


class JobStopped(PivotalError):
    """The job stopped before every row had an outcome; it can be resumed."""

    def __init__(self, message: str, *, cause: PivotalError | None, job_id: str, reason: str):
        super().__init__(message, reason=reason, details={"job": job_id})
        self.cause = cause
        self.job_id = job_id
        if cause is not None:
            self.exit_code = cause.exit_code


class Interrupted(JobStopped):
    """Ctrl-C: in-flight rows finished and were journaled."""

    exit_code = ExitCode.INTERRUPTED


@dataclass
class Tally:
    """Outcomes of this run, shared by the sender threads."""

    counts: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str) -> None:
        with self.lock:
            self.counts[name] += 1

    def snapshot(self) -> dict[str, int]:
        with self.lock:
            return dict(self.counts)


class _Fatal(Exception):
    """Raised inside a sender thread: the job must stop (the row stays resumable)."""

    def __init__(self, error: PivotalError, reason: str) -> None:
        self.error = error
        self.reason = reason


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
        self.tally = Tally()
        self.reads = 0
        self._stop = threading.Event()
        self._fatal: _Fatal | None = None
        self._server_errors = 0
        self._errors_lock = threading.Lock()
        self._customers: dict[str, str] | None = None  # "kind:value" -> id
        self._existing: dict[str, Record] = {}
        self._children: dict[str, list[Record]] = {}  # customer id -> its records
        self._claimed: set[str] = set()

    # -- what exists ------------------------------------------------------------------

    def prepare(self) -> None:
        """The reads, once: customers by every key rows use, and the upsert index."""
        rows = list(self._open_plans())
        needs_customers = any(
            ref is not None and ref[0] not in ("id", "display_id") for ref in rows
        ) or (self.resource == "customer" and self._expired_rows())
        if needs_customers or (self.resource == "customer" and self.spec.mode == "upsert"):
            self._index_customers()
        if self.spec.mode == "upsert":
            self._index_existing()
        elif self._expired_rows():
            self._claimed = self.journal.claimed_ids()

    def _open_plans(self) -> Iterable[list[str] | None]:
        for row in self.journal.open_rows():
            yield row.plan.get("customer")

    def _expired_rows(self) -> bool:
        now = self.clock()
        return any(
            importing.key_expired(row.first_sent_at, now)
            for row in self.journal.open_rows((jr.SENDING, jr.PATCHING, jr.RETRY))
        )

    def _walk(self, records: Iterable[Record]) -> Iterable[Record]:
        """`records` (a list walk), each page's request let go by the pacer: reads spend
        the same budget as writes."""
        iterator = iter(records)
        count = 0
        while True:
            if count % MAX_PAGE == 0:
                self.pacer.acquire()  # the next record may need the next page
            record = next(iterator, None)
            if record is None:
                break
            count += 1
            yield record
        self.reads += max(1, -(-count // MAX_PAGE))

    def _index_customers(self) -> None:
        index: dict[str, str] = {}
        everyone: dict[str, Record] = {}
        wanted_meta = self._metadata_keys()
        for customer in self._walk(bulk.all_customers(self.client)):
            cid = str(customer.get("id"))
            everyone[cid] = customer
            index[f"id:{cid}"] = cid
            index[f"display_id:{customer.get('display_id')}"] = cid
            if customer.get("slug"):
                index[f"slug:{customer['slug']}"] = cid
            for name in wanted_meta:
                found = record_key(f"metadata.{name}", customer)
                if found is not None:
                    index[f"metadata.{name}:{found}"] = cid
        self._customers = index
        if self.resource == "customer":
            self._existing = {f"record:{cid}": record for cid, record in everyone.items()}

    def _metadata_keys(self) -> set[str]:
        keys = {
            ref[0][len("metadata.") :]
            for ref in self._open_plans()
            if ref is not None and ref[0].startswith("metadata.")
        }
        if self.spec.key and self.spec.key.startswith("metadata.") and self.resource == "customer":
            keys.add(self.spec.key[len("metadata.") :])
        return keys

    def _index_existing(self) -> None:
        key = self.spec.key or "id"
        records: Iterable[Record]
        if self.resource == "customer":
            records = [r for name, r in self._existing.items() if name.startswith("record:")]
        elif self.resource == "onboarding":
            records = self._walk(bulk.all_onboardings(self.client))
        else:
            ids = sorted({cid for cid in self._row_customer_ids() if cid})
            records = []
            for cid in ids:
                self.pacer.acquire()
                found = bulk.contacts_for(self.client, cid)
                self.reads += 1
                self._children[cid] = found
                records.extend(found)
        index: dict[str, Record] = {}
        for record in records:
            value: str | None = (
                f"id:{record.get('customer_id')}" if key == "customer" else record_key(key, record)
            )
            if value is None:
                continue
            scope = f"{record.get('customer_id')}:" if self.resource == "contact" else ""
            # Lists are newest first: the first record with a key wins.
            index.setdefault(scope + value, record)
        self._existing = index

    def _row_customer_ids(self) -> Iterable[str | None]:
        for ref in self._open_plans():
            if ref is not None:
                try:
                    yield self._customer_id(CustomerRef(*ref))
                except APIError:
                    yield None

    def _customer_id(self, ref: CustomerRef) -> str:
        """The customer's id for a row's reference; ids pass as they are."""
        if ref.kind in ("id", "display_id") and self._customers is None:
            return ref.value
        index = self._customers or {}
        found = index.get(f"{ref.kind}:{ref.value}")
        if found is None and ref.kind in ("id", "display_id"):
            return ref.value  # the API decides: a 404 fails the row
        if found is None:
            from pivotal_cli.errors import NotFoundError

            raise NotFoundError(
                f"No customer has the {ref.kind} '{ref.value}'.",
                status=404,
                type="not_found",
                code="customer_not_found",
                field=ref.column,
            )
        return found

    def _existing_for(self, plan: dict[str, Any], customer_id: str | None) -> Record | None:
        key = plan.get("key")
        if self.spec.mode != "upsert" or key is None:
            return None
        if self.spec.key == "customer":
            return self._existing.get(f"id:{customer_id}")
        scope = f"{customer_id}:" if self.resource == "contact" else ""
        return self._existing.get(scope + str(key))

    # -- sending ----------------------------------------------------------------------

    def stop(self) -> None:
        self._stop.set()

    def run(self, passes: int = 3) -> dict[str, int]:
        """Send every open row; the tally of this run. Raises JobStopped when cut short.

        Rows that failed on a server or network error get up to `passes - 1` more
        tries at the end (the client has already retried each call a few times).
        """
        self.prepare()
        for _ in range(passes):
            self._pass()
            if self._stop.is_set() or not self.journal.counts().get(jr.RETRY):
                break
        if self._fatal is not None:
            raise JobStopped(
                self._fatal.error.message,
                cause=self._fatal.error,
                job_id=self.spec.job_id,
                reason=self._fatal.reason,
            )
        if self._stop.is_set():
            raise Interrupted(
                "Stopped: the rows in flight finished and were journaled.",
                cause=None,
                job_id=self.spec.job_id,
                reason="import_interrupted",
            )
        return self.tally.snapshot()

    def _pass(self) -> None:
        in_flight: set[Future[None]] = set()
        pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="import")
        try:
            for row in self.journal.open_rows():
                if self._stop.is_set():
                    break
                while len(in_flight) >= self.concurrency * 2:
                    done, in_flight = wait(in_flight, timeout=0.2, return_when=FIRST_COMPLETED)
                    self._collect(done)
                    if self._stop.is_set():
                        break
                if self._stop.is_set():
                    break
                in_flight.add(pool.submit(self._process, row))
            while in_flight:
                done, in_flight = wait(in_flight, timeout=0.2, return_when=FIRST_COMPLETED)
                self._collect(done)
        except KeyboardInterrupt:
            # Ctrl-C: nothing new is started; what is in flight finishes (the `finally`
            # waits for it) and is journaled.
            self._stop.set()
            raise Interrupted(
                "Interrupted: the rows in flight finished and were journaled.",
                cause=None,
                job_id=self.spec.job_id,
                reason="import_interrupted",
            ) from None
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _collect(self, done: Iterable[Future[None]]) -> None:
        for future in done:
            future.result()  # a bug in a sender thread surfaces here

    def _process(self, row: JournalRow) -> None:
        if self._stop.is_set():
            return
        try:
            self._send_row(row)
        except _Fatal as fatal:
            with self._errors_lock:
                if self._fatal is None:
                    self._fatal = fatal
            self._stop.set()
        finally:
            self.on_row()

    def _send_row(self, row: JournalRow) -> None:
        plan = row.plan
        ref = plan.get("customer")
        customer_id: str | None = None
        try:
            if ref is not None:
                customer_id = self._customer_id(CustomerRef(*ref))
            if row.status == jr.PATCHING and row.record_id and self.spec.mode != "upsert":
                self._after_create(row, None, row.record_id, row.display_id)
                return
            existing = self._existing_for(plan, customer_id)
            if (
                existing is None
                and self.spec.mode != "upsert"
                and row.status != jr.PENDING
                and importing.key_expired(row.first_sent_at, self.clock())
            ):
                existing = self._find_expired(row, customer_id)
                if existing is not None:
                    self._finish_existing(row, existing)
                    return
            if existing is not None:
                self._update(row, existing)
            else:
                self._create(row, customer_id)
        except _Fatal:
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
        idem = row_idempotency_key(self.spec.job_id, row)
        if not self.pacer.acquire(self._stop):
            return
        self.journal.mark_sending(row.n, idem, self.clock())
        record = bulk.create(self.client, self.resource, plan["create"], customer_id, idem)
        self._ok()
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
        patch = changes(self.resource, after, record) if record is not None else dict(after)
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
        self._claimed.add(str(record["id"]))
        self._after_create(
            row, record, str(record["id"]), _int(record.get("display_id")), "existing"
        )

    def _find_expired(self, row: JournalRow, customer_id: str | None) -> Record | None:
        """The record an expired row may already have made (see the module docstring)."""
        body = row.plan.get("create") or {}
        since = (row.first_sent_at or 0) - CLOCK_MARGIN
        if self.resource == "customer":
            if body.get("slug") and self._customers is not None:
                cid = self._customers.get(f"slug:{body['slug']}")
                return self._existing.get(f"record:{cid}") if cid else None
            candidates = [r for n, r in self._existing.items() if n.startswith("record:")]
            return self._match(candidates, since, lambda r: r.get("name") == body.get("name"))
        if customer_id is None:
            return None
        self.reads += 1
        self.pacer.acquire()
        if self.resource == "contact":
            email = str(body.get("email", "")).lower()
            found = bulk.contacts_for(self.client, customer_id)
            return next((r for r in found if str(r.get("email", "")).lower() == email), None)
        found = onboardings.list_for_customer(self.client, customer_id)
        return self._match(found, since, lambda r: True)

    def _match(
        self, records: Iterable[Record], since: float, fits: Callable[[Record], bool]
    ) -> Record | None:
        for record in records:
            rid = str(record.get("id"))
            if rid in self._claimed or not fits(record):
                continue
            if _epoch(record.get("created_at")) >= since:
                return record
        return None

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
        self.journal.finish(row.n, jr.DONE, Outcome(action, record_id, display_id, status))
        self.tally.add(action)

    def _fail(self, row: JournalRow, outcome: Outcome) -> None:
        self.journal.finish(row.n, jr.FAILED, outcome)
        self.tally.add("failed")

    def _api_error(self, row: JournalRow, error: APIError) -> None:
        if isinstance(error, (AuthenticationError, PermissionDeniedError)):
            raise _Fatal(error, "import_key_refused")
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
        self.journal.finish(
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
        self.tally.add("retry")
        with self._errors_lock:
            self._server_errors += 1
            many = self._server_errors >= self.max_server_errors
        if many:
            raise _Fatal(error, "import_server_errors")

    # -- dry run against the workspace --------------------------------------------------

    def planned_reads(self) -> str:
        """What `preview` will read, in words, with the numbers known before reading
        (the API has no count endpoint: list walks are one request per 100 records)."""
        refs = {tuple(ref) for ref in self._open_plans() if ref is not None}
        by_lookup = any(kind not in ("id", "display_id") for kind, *_ in refs)
        parts = []
        if self.resource == "customer" or by_lookup:
            parts.append("1 request per 100 customers in the workspace")
        if self.spec.mode == "upsert" and self.resource == "onboarding":
            parts.append("1 per 100 onboardings")
        if self.spec.mode == "upsert" and self.resource == "contact":
            parts.append(f"up to {len(refs)} for the contacts of the customers named")
        return ", ".join(parts) if parts else "nothing"

    def preview(self) -> Preview:
        """What `run` would do, by reading only: counts of create / update / unchanged,
        and `conflict` for a create whose customer slug is already taken."""
        self.prepare()
        if self.resource == "customer" and self.spec.mode == "create" and self._customers is None:
            self._index_customers()
        result = Preview()
        for row in self.journal.open_rows():
            plan = row.plan
            ref = plan.get("customer")
            try:
                cid = self._customer_id(CustomerRef(*ref)) if ref is not None else None
            except APIError:
                result.actions["failed"] += 1
                continue
            existing = self._existing_for(plan, cid)
            if existing is None and self._slug_taken(plan):
                result.actions["conflict"] += 1
            elif existing is None:
                result.actions["created"] += 1
            elif changes(self.resource, plan.get("wanted") or {}, existing):
                result.actions["updated"] += 1
            else:
                result.actions["unchanged"] += 1
        result.reads = self.reads
        return result

    def _slug_taken(self, plan: dict[str, Any]) -> bool:
        """Whether a customer create would meet a slug the workspace already has."""
        slug = (plan.get("create") or {}).get("slug")
        if self.resource != "customer" or self.spec.mode != "create" or not slug:
            return False
        return f"slug:{slug}" in (self._customers or {})


def row_idempotency_key(job_id: str, row: JournalRow) -> str:
    """The row's create key: from the job, the row's key (else its number) and body."""
    plan = row.plan
    ref = CustomerRef(*plan["customer"]) if plan.get("customer") else None
    hashed = importing.body_hash(plan["create"], ref)
    return importing.idempotency_key(job_id, row.row_key or str(row.n), hashed)


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _epoch(value: object) -> float:
    if not isinstance(value, str):
        return 0.0
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0
