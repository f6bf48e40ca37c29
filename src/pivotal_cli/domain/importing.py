"""Rows of an import file turned into request bodies, typed from the schema: no I/O.

An input row is a mapping of column to value: text from a CSV cell, or any JSON value
from a JSONL or JSON record. `ColumnMap` decides once per file what each column feeds
(a schema field, a `metadata` key, the owning customer, or nothing), and `plan_row`
types one row's values from the schema and reports every bad value as a `Problem`
with its row number and column, so a bad row is never a crash.

What an upsert changes is `changes`: the fields whose wanted value differs from the
record's. Each row's `Idempotency-Key` is `idempotency_key`: deterministic from the
job, the row's key and its body, so a retry or a resume can never create twice.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from pivotal_cli.domain import schema
from pivotal_cli.domain.bodies import BodyError
from pivotal_cli.domain.import_cells import body_fields, json_text, typed_row, typed_value
from pivotal_cli.domain.records import JSONValue, Record

# The command words and the schema's resource names.
RESOURCES = {"customers": "customer", "contacts": "contact", "onboardings": "onboarding"}
# The columns that name a contact's or an onboarding's customer, strongest first:
# a slug survives a move to another workspace, ids do not (shared file conventions).
CUSTOMER_COLUMNS = ("customer_slug", "customer", "customer_id")
CUSTOMER_KEYS = ("id", "display_id", "slug")
# Columns a result file adds to the input's: read back (a failures file re-imported),
# they are ignored.
RESULT_COLUMNS = (
    "id",
    "display_id",
    "action",
    "http_status",
    "error_type",
    "error_code",
    "error_field",
    "error_message",
)
METADATA = "metadata"
# Where the API renders a record's id; kept out of bodies but usable as a key.
ID = "id"
# An idempotency key lives 24 hours on the server; a row first sent longer ago than
# this (a margin for clock differences) is looked up before it is sent again.
KEY_LIFETIME_SECONDS = 23 * 3600


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one row: where, which field, and what."""

    row: int
    column: str
    code: str
    message: str
    field: str | None = None
    # How people find the row in its file: a CSV's row 1 is line 2 (the header is
    # line 1), a JSON lines row is its line, a JSON array's row is its item.
    unit: str = "line"
    offset: int = 0

    def line(self) -> str:
        where = self.place(self.row) + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"

    def place(self, row: int) -> str:
        return f"{self.unit} {row + self.offset}"


def placed(problem: Problem, fmt: str) -> Problem:
    """`problem` worded for a file of format `fmt` (see `Problem.unit`)."""
    if fmt == "csv":
        return replace(problem, offset=1)
    if fmt == "json":
        return replace(problem, unit="item")
    return problem


@dataclass(frozen=True)
class CustomerRef:
    """How a row names its customer: `kind` is id, display_id, slug or metadata.FIELD."""

    kind: str
    value: str
    column: str


@dataclass
class RowPlan:
    """What one row asks for: the create body, what only an update can set, its key."""

    number: int
    create: Record = field(default_factory=dict)
    # Fields the create schema lacks but the update schema has (an onboarding's
    # completed_at): sent with a PATCH after the create.
    after_create: Record = field(default_factory=dict)
    # Every field the row sets that an update accepts: what an upsert compares.
    wanted: Record = field(default_factory=dict)
    customer: CustomerRef | None = None
    key: str | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Target:
    """What a column feeds: a schema field, a metadata key, the customer, or nothing."""

    kind: str  # "field", "metadata", "metadata_object", "customer", "key_only", "ignored"
    name: str = ""


class ColumnMap:
    """Which column feeds which field of `resource`, decided once for a file's columns.

    Columns match create/update fields by name; `metadata.KEY` columns go into
    `metadata`; `renames` (column -> field, from the user) cover other names. Read-only
    fields of the object (id, display_id, created_at, …) and result-file columns are
    ignored, not errors; any other unknown column is listed in `unknown`.
    """

    def __init__(
        self, resource: str, columns: Iterable[str], renames: Mapping[str, str] | None = None
    ) -> None:
        self.resource = resource
        self.renames = dict(renames or {})
        create = schema.field_names(resource, "create")
        update = schema.field_names(resource, "update")
        self.writable = set(create) | set(update)
        self.has_metadata = METADATA in self.writable
        self.readable = set(schema.field_names(resource, "object"))
        self.targets: dict[str, Target] = {}
        self.unknown: list[str] = []
        for column in columns:
            self.add(column)

    def add(self, column: str) -> Target:
        """The target of `column`, worked out once (JSON records bring new keys late)."""
        known = self.targets.get(column)
        if known is not None:
            return known
        name = self.renames.get(column, column)
        target = self._target(name)
        if target.kind == "ignored" and name not in self.readable and name not in RESULT_COLUMNS:
            self.unknown.append(column)
        self.targets[column] = target
        return target

    def _target(self, name: str) -> Target:
        if name.startswith(METADATA + ".") and self.has_metadata and len(name) > len(METADATA) + 1:
            return Target("metadata", name[len(METADATA) + 1 :])
        if name == METADATA and self.has_metadata:
            return Target("metadata_object", METADATA)
        if self.resource != "customer" and name in CUSTOMER_COLUMNS:
            return Target("customer", name)
        if name in self.writable:
            return Target("field", name)
        if name == ID:
            return Target("key_only", ID)
        return Target("ignored", name)


def parse_renames(pairs: Iterable[str]) -> dict[str, str]:
    """`COLUMN=FIELD` pairs as a dict; ValueError names a pair without `=`."""
    renames = {}
    for pair in pairs:
        column, sep, target = pair.partition("=")
        if not sep or not column.strip() or not target.strip():
            raise ValueError(f"'{pair}' is not COLUMN=FIELD")
        renames[column.strip()] = target.strip()
    return renames


def rename_problem(resource: str, target: str) -> str | None:
    """Why a column cannot be read as `target` for `resource`, or None when it can."""
    if ColumnMap(resource, [])._target(target).kind != "ignored":
        return None
    fields = sorted(
        set(schema.field_names(resource, "create")) | set(schema.field_names(resource, "update"))
    )
    extra = "metadata.KEY" if METADATA in fields else ""
    if resource != "customer":
        extra = ", ".join(filter(None, [*CUSTOMER_COLUMNS, extra]))
    choices = ", ".join(filter(None, [*(f for f in fields if f != "customer_id"), extra]))
    return f"'{target}' is not something a {resource} column can fill; use one of: {choices}"


def key_problem(resource: str, key: str) -> str | None:
    """Why `key` cannot match records of `resource`, or None when it can."""
    if key == ID:
        return None
    if key.startswith(METADATA + "."):
        if METADATA in schema.field_names(resource, "object"):
            return None
        return f"{resource}s have no metadata"
    if resource == "onboarding" and key == "customer":
        return None
    if key in schema.field_names(resource, "object"):
        return None
    return f"'{key}' is not a field of a {resource}"


def customer_ref_problem(key: str) -> str | None:
    if key in CUSTOMER_KEYS or (key.startswith(METADATA + ".") and len(key) > 9):
        return None
    return f"'{key}' is not id, display_id, slug or metadata.FIELD"


# -- one row ------------------------------------------------------------------------


def plan_row(
    columns: ColumnMap,
    number: int,
    row: Mapping[str, Any],
    *,
    from_text: bool,
    key: str | None = None,
    customer_key: str | None = None,
) -> RowPlan:
    """The bodies `row` asks for, typed from the schema, with every problem found.

    `from_text`: the values are CSV cells (typed from the schema; an empty cell is
    "not given"), else JSON values (checked as they are; null is "not given").
    `key` is the upsert key (a field, `metadata.FIELD`, `id`), `customer_key` how a
    `customer` column is matched.
    """
    resource = columns.resource
    plan = RowPlan(number)
    values: Record = {}
    metadata: dict[str, JSONValue] = {}
    has_metadata = False
    refs: dict[str, str] = {}
    raw_id: str | None = None
    given: set[str] = set()
    typed = typed_row(resource, _field_cells(columns, row, from_text), from_text)
    for column, raw in row.items():
        target = columns.add(column)
        if raw is None or (from_text and raw == ""):
            continue
        given.add(target.name)
        if target.kind == "field" and typed is not None:
            values[target.name] = typed[target.name]
        elif target.kind == "field":
            try:
                values[target.name] = typed_value(resource, target.name, raw, from_text)
            except BodyError as exc:
                plan.problems.append(_problem(number, column, exc))
        elif target.kind == "metadata":
            has_metadata = True
            metadata[target.name] = raw
        elif target.kind == "metadata_object":
            value = json_text(raw) if from_text and isinstance(raw, str) else raw
            if not isinstance(value, dict):
                plan.problems.append(
                    Problem(number, column, "invalid_type", "expected a JSON object", METADATA)
                )
            else:
                has_metadata = True
                metadata = {**value, **metadata}
        elif target.kind == "customer":
            refs[target.name] = str(raw).strip()
        elif target.kind == "key_only":
            raw_id = str(raw).strip()
    if has_metadata:
        values[METADATA] = metadata
    if resource != "customer":
        plan.customer = _customer_ref(refs, customer_key)
        if plan.customer is None:
            plan.problems.append(
                Problem(
                    number,
                    "",
                    "missing_customer",
                    "names no customer (a customer_slug, customer or customer_id column)",
                    "customer_id",
                )
            )
        values.pop("customer_id", None)
    create_fields, update_fields, required = body_fields(resource)
    plan.create = {k: v for k, v in values.items() if k in create_fields}
    plan.after_create = {
        k: v for k, v in values.items() if k in update_fields and k not in create_fields
    }
    plan.wanted = {k: v for k, v in values.items() if k in update_fields}
    for name in required:
        if name not in given:
            plan.problems.append(Problem(number, name, "required", f"{name} is required", name))
    if key is not None:
        plan.key = _key_value(key, values, raw_id, plan.customer)
        if plan.key is None:
            plan.problems.append(
                Problem(number, key, "missing_key", f"has no value for the key {key}", key)
            )
    return plan


def _problem(number: int, column: str, exc: BodyError) -> Problem:
    # The column already names the field; a path into it (labels.2) says more.
    message = exc.problem if exc.path == exc.field else f"{exc.path}: {exc.problem}"
    return Problem(number, column, exc.code, message, exc.field)


def _field_cells(
    columns: ColumnMap, row: Mapping[str, Any], from_text: bool
) -> dict[str, Any] | None:
    """The row's field cells by field; None if two columns name one field (then each
    cell is checked on its own, and reported in its column)."""
    cells: dict[str, Any] = {}
    for column, raw in row.items():
        target = columns.add(column)
        if target.kind != "field" or raw is None or (from_text and raw == ""):
            continue
        if target.name in cells:
            return None
        cells[target.name] = raw
    return cells


def _customer_ref(refs: Mapping[str, str], customer_key: str | None) -> CustomerRef | None:
    if refs.get("customer_slug"):
        return CustomerRef("slug", refs["customer_slug"], "customer_slug")
    if refs.get("customer"):
        value = refs["customer"]
        return CustomerRef(customer_key or _guess_kind(value), value, "customer")
    if refs.get("customer_id"):
        value = refs["customer_id"]
        return CustomerRef(_guess_kind(value), value, "customer_id")
    return None


def _guess_kind(value: str) -> str:
    if value.isdigit():
        return "display_id"
    if re.fullmatch(r"c[a-z0-9]{19,31}", value):
        return "id"
    return "slug"


def _key_value(
    key: str, values: Mapping[str, JSONValue], raw_id: str | None, customer: CustomerRef | None
) -> str | None:
    if key == ID:
        return raw_id or None
    if key == "customer":
        return f"{customer.kind}:{customer.value}" if customer else None
    return record_key(key, values)


def record_key(key: str, record: Mapping[str, JSONValue]) -> str | None:
    """The value of the upsert `key` in an API record, as `plan_row` writes a row's."""
    if key.startswith(METADATA + "."):
        meta = record.get(METADATA)
        found = meta.get(key[len(METADATA) + 1 :]) if isinstance(meta, dict) else None
    else:
        found = record.get(key)
    if found is None or found == "":
        return None
    return found.lower() if key == "email" and isinstance(found, str) else str(found)


# -- comparing with what exists --------------------------------------------------------


def changes(
    resource: str, wanted: Mapping[str, JSONValue], record: Mapping[str, JSONValue]
) -> Record:
    """The fields of `wanted` whose value differs from `record`'s: what a PATCH sends.

    Dates compare as instants, emails without case; `metadata` is merged into the
    record's (a PATCH replaces it whole, so keys the file does not name are kept).
    """
    patch: Record = {}
    for name, value in wanted.items():
        current = record.get(name)
        if name == METADATA and isinstance(value, dict):
            merged = {**current, **value} if isinstance(current, dict) else dict(value)
            if merged != current:
                patch[name] = merged
            continue
        if not same_value(resource, name, value, current):
            patch[name] = value
    return patch


def same_value(resource: str, name: str, wanted: JSONValue, current: JSONValue) -> bool:
    spec = schema.field(resource, name, "object")
    if spec is not None and spec.is_datetime and isinstance(wanted, str):
        return isinstance(current, str) and _instant(wanted) == _instant(current)
    if spec is not None and spec.is_email and isinstance(wanted, str):
        return isinstance(current, str) and wanted.lower() == current.lower()
    return wanted == current


def _instant(text: str) -> datetime | str:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text


# -- idempotency ---------------------------------------------------------------------


def body_hash(body: Mapping[str, JSONValue], customer: CustomerRef | None = None) -> str:
    """A hash of the canonical JSON of a row's create body and its customer."""
    canonical = json.dumps(
        {"body": body, "customer": [customer.kind, customer.value] if customer else None},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotency_key(job_id: str, row_key: str, hashed_body: str) -> str:
    """The row's `Idempotency-Key`: the same job, row and body always give the same key."""
    digest = hashlib.sha256(f"{job_id}\n{row_key}\n{hashed_body}".encode()).hexdigest()
    return f"pivotal-import-{digest[:40]}"


def key_expired(first_sent_at: float | None, now: float) -> bool:
    """Whether the server may have forgotten the idempotency key of a row sent then."""
    return first_sent_at is not None and now - first_sent_at > KEY_LIFETIME_SECONDS


def minutes_for(requests: int, per_minute: int | None, left: int | None = None) -> float | None:
    """About how long `requests` take at `per_minute` (None: the limit is unknown).

    The limit is a rolling minute: the `left` requests the window still allows go at
    once, and each further `per_minute` of them waits for one more minute. Without
    `left`, the requests are spread evenly over the minutes they need.
    """
    if not per_minute:
        return None
    if left is None:
        return requests / per_minute
    beyond = requests - max(0, left)
    return 0.0 if beyond <= 0 else float(-(-beyond // per_minute))
