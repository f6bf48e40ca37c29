"""What already exists in the workspace for one job's rows, read once and indexed.

One walk of the customers (or onboardings) list indexes what exists by every key the
rows use, never a GET per row; contacts are read per customer named. Every page is let
go by the job's pacer, so reads spend the same budget as writes, and counted in
`reads`.

Rows first sent more than the idempotency key's lifetime ago (the server may have
forgotten the key) are looked up before being sent again (`find_expired`): a customer
by slug, else by name among those created since the row was sent; a contact by email
under its customer; an onboarding of its customer created since then that no other
row of the job claims.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from pivotal_cli.client import bulk, onboardings
from pivotal_cli.client.bulk import Pacer
from pivotal_cli.client.http import Client
from pivotal_cli.client.pagination import MAX_PAGE
from pivotal_cli.domain import importing
from pivotal_cli.domain.importing import CustomerRef, record_key
from pivotal_cli.domain.records import Record
from pivotal_cli.errors import APIError, NotFoundError
from pivotal_cli.jobs import journal as jr
from pivotal_cli.jobs.journal import Journal, JournalRow
from pivotal_cli.jobs.plan import JobSpec

# Lookups of expired rows accept records created this long before the row was first
# sent: the server's clock and ours may differ.
CLOCK_MARGIN = 300.0
RECORD = "record:"


class Lookups:
    """The indexes of one job: customers by key, and the records an upsert matches."""

    def __init__(
        self,
        journal: Journal,
        client: Client,
        spec: JobSpec,
        pacer: Pacer,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.journal = journal
        self.client = client
        self.spec = spec
        self.resource = spec.resource
        self.pacer = pacer
        self.clock = clock
        self.reads = 0
        self.customers: dict[str, str] | None = None  # "kind:value" -> id
        self.existing: dict[str, Record] = {}
        self.claimed: set[str] = set()

    def prepare(self) -> None:
        """The reads, once: customers by every key rows use, and the upsert index."""
        rows = list(self._open_refs())
        needs_customers = any(
            ref is not None and ref[0] not in ("id", "display_id") for ref in rows
        ) or (self.resource == "customer" and self._expired_rows())
        if needs_customers or (self.resource == "customer" and self.spec.mode == "upsert"):
            self.index_customers()
        if self.spec.mode == "upsert":
            self._index_existing()
        elif self._expired_rows():
            self.claimed = self.journal.claimed_ids()

    def _open_refs(self) -> Iterable[list[str] | None]:
        for row in self.journal.open_rows():
            yield row.plan.get("customer")

    def _expired_rows(self) -> bool:
        now = self.clock()
        return any(
            importing.key_expired(row.first_sent_at, now)
            for row in self.journal.open_rows((jr.SENDING, jr.PATCHING, jr.RETRY))
        )

    def _walk(self, records: Iterable[Record]) -> Iterable[Record]:
        """`records` (a list walk), each page's request let go by the pacer."""
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

    def index_customers(self) -> None:
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
        self.customers = index
        if self.resource == "customer":
            self.existing = {RECORD + cid: record for cid, record in everyone.items()}

    def _metadata_keys(self) -> set[str]:
        keys = {
            ref[0][len("metadata.") :]
            for ref in self._open_refs()
            if ref is not None and ref[0].startswith("metadata.")
        }
        if self.spec.key and self.spec.key.startswith("metadata.") and self.resource == "customer":
            keys.add(self.spec.key[len("metadata.") :])
        return keys

    def _customer_records(self) -> list[Record]:
        return [record for name, record in self.existing.items() if name.startswith(RECORD)]

    def _index_existing(self) -> None:
        key = self.spec.key or "id"
        records: Iterable[Record]
        if self.resource == "customer":
            records = self._customer_records()
        elif self.resource == "onboarding":
            records = self._walk(bulk.all_onboardings(self.client))
        else:
            records = []
            for cid in sorted({cid for cid in self._row_customer_ids() if cid}):
                self.pacer.acquire()
                records.extend(bulk.contacts_for(self.client, cid))
                self.reads += 1
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
        self.existing = index

    def _row_customer_ids(self) -> Iterable[str | None]:
        for ref in self._open_refs():
            if ref is not None:
                try:
                    yield self.customer_id(CustomerRef(*ref))
                except APIError:
                    yield None

    def customer_id(self, ref: CustomerRef) -> str:
        """The customer's id for a row's reference; ids pass as they are."""
        if ref.kind in ("id", "display_id") and self.customers is None:
            return ref.value
        found = (self.customers or {}).get(f"{ref.kind}:{ref.value}")
        if found is None and ref.kind in ("id", "display_id"):
            return ref.value  # the API decides: a 404 fails the row
        if found is None:
            raise NotFoundError(
                f"No customer has the {ref.kind} '{ref.value}'.",
                status=404,
                type="not_found",
                code="customer_not_found",
                field=ref.column,
            )
        return found

    def row_customer_id(self, plan: dict[str, Any]) -> str | None:
        ref = plan.get("customer")
        return self.customer_id(CustomerRef(*ref)) if ref is not None else None

    def existing_for(self, plan: dict[str, Any], customer_id: str | None) -> Record | None:
        """The record an upsert row matches, if any."""
        key = plan.get("key")
        if self.spec.mode != "upsert" or key is None:
            return None
        if self.spec.key == "customer":
            return self.existing.get(f"id:{customer_id}")
        scope = f"{customer_id}:" if self.resource == "contact" else ""
        return self.existing.get(scope + str(key))

    def find_expired(self, row: JournalRow, customer_id: str | None) -> Record | None:
        """The record an expired row may already have made (see the module docstring)."""
        body = row.plan.get("create") or {}
        since = (row.first_sent_at or 0) - CLOCK_MARGIN
        if self.resource == "customer":
            if body.get("slug") and self.customers is not None:
                cid = self.customers.get(f"slug:{body['slug']}")
                return self.existing.get(RECORD + cid) if cid else None
            return self._match(
                self._customer_records(), since, lambda r: r.get("name") == body.get("name")
            )
        if customer_id is None:
            return None
        self.reads += 1
        self.pacer.acquire()
        if self.resource == "contact":
            email = str(body.get("email", "")).lower()
            found = bulk.contacts_for(self.client, customer_id)
            return next((r for r in found if str(r.get("email", "")).lower() == email), None)
        return self._match(
            onboardings.list_for_customer(self.client, customer_id), since, lambda r: True
        )

    def _match(
        self, records: Iterable[Record], since: float, fits: Callable[[Record], bool]
    ) -> Record | None:
        for record in records:
            if str(record.get("id")) in self.claimed or not fits(record):
                continue
            if _epoch(record.get("created_at")) >= since:
                return record
        return None

    def slug_taken(self, plan: dict[str, Any]) -> bool:
        """Whether a customer create would meet a slug the workspace already has."""
        slug = (plan.get("create") or {}).get("slug")
        if self.resource != "customer" or self.spec.mode != "create" or not slug:
            return False
        return f"slug:{slug}" in (self.customers or {})

    def planned_reads(self) -> str:
        """What a preview will read, in words, with the numbers known before reading
        (the API has no count endpoint: list walks are one request per 100 records)."""
        refs = {tuple(ref) for ref in self._open_refs() if ref is not None}
        by_lookup = any(kind not in ("id", "display_id") for kind, *_ in refs)
        parts = []
        if self.resource == "customer" or by_lookup:
            parts.append("1 request per 100 customers in the workspace")
        if self.spec.mode == "upsert" and self.resource == "onboarding":
            parts.append("1 per 100 onboardings")
        if self.spec.mode == "upsert" and self.resource == "contact":
            parts.append(f"up to {len(refs)} for the contacts of the customers named")
        return ", ".join(parts) if parts else "nothing"


def _epoch(value: object) -> float:
    if not isinstance(value, str):
        return 0.0
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0
