"""The sandbox against the API schema: what it validates, stores and returns follows it.

These catch drift between `domain/spec.py` and the sandbox: every object field is
rendered in schema order, every request field is accepted and round-trips, every field
has a column; a field added to the schema (simulated by patching `spec.SCHEMAS`) is
validated, stored and returned with no sandbox edit, by fresh and by older databases.
Databases written by the first storage layout (SCHEMA_VERSION 1) still open and read.
"""

from __future__ import annotations

import copy
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sandbox_helpers import invalid

from pivotal_cli.domain import schema, spec
from pivotal_cli.sandbox.data.store import (
    SCHEMA_VERSION,
    SYSTEM_FIELDS,
    TABLE_RESOURCES,
    Store,
    get_meta,
)
from pivotal_cli.sandbox.engine.core import Sandbox

Connect = Callable[[Sandbox, "str | None"], httpx.Client]
PATHS = {"customer": "/customers", "contact": "/contacts", "onboarding": "/onboardings"}


def sample(field: schema.Field, *, customer_id: str) -> Any:
    """A valid value for a request field, unlike its default so a round-trip shows."""
    if field.name == "customer_id":
        return customer_id
    if field.enum:
        # The last value: never a default, and for phase and state the pair
        # ("completed", "waiting") that also agrees with waiting_on_customer=true.
        return field.enum[-1]
    if field.is_email:
        return "ada@example.com"
    if field.is_datetime:
        return "2026-07-15T08:30:00.000Z"
    if field.type == "integer":
        return (field.minimum or 0) + 7
    if field.type == "boolean":
        return field.name == "waiting_on_customer" or not field.default
    if field.type == "object":
        return {"source": "test", "nested": {"n": [1, 2]}}
    if field.type == "array":
        return ["billing", "executive"]
    return f"{field.name}-value"


def body_for(resource: str, operation: schema.Operation, customer_id: str) -> dict[str, Any]:
    return {
        field.name: sample(field, customer_id=customer_id)
        for field in schema.fields(resource, operation)
    }


def create_all(api: httpx.Client) -> dict[str, dict[str, Any]]:
    customer = api.post("/customers", json={"name": "Aurora"}).json()
    contact = api.post(
        f"/customers/{customer['id']}/contacts", json={"name": "Ada", "email": "a@b.co"}
    ).json()
    onboarding = api.post("/onboardings", json={"customer_id": customer["id"]}).json()
    return {"customer": customer, "contact": contact, "onboarding": onboarding}


@pytest.mark.parametrize("resource", schema.RESOURCES)
def test_rendered_objects_have_the_schema_fields_in_order(api: httpx.Client, resource: str) -> None:
    created = create_all(api)[resource]
    assert tuple(created) == schema.field_names(resource, "object")
    fetched = api.get(f"{PATHS[resource]}/{created['id']}").json()
    assert tuple(fetched) == schema.field_names(resource, "object")


@pytest.mark.parametrize("resource", schema.RESOURCES)
@pytest.mark.parametrize("operation", ["create", "update"])
def test_every_request_field_is_accepted_and_round_trips(
    api: httpx.Client, resource: str, operation: schema.Operation
) -> None:
    parents = create_all(api)
    customer_id = parents["customer"]["id"]
    body = body_for(resource, operation, customer_id)
    if operation == "create":
        path = {
            "customer": "/customers",
            "contact": f"/customers/{customer_id}/contacts",
            "onboarding": "/onboardings",
        }[resource]
        if resource == "customer":
            body["slug"], body["domain"] = "other-slug", "other.example.com"
        response = api.post(path, json=body)
        assert response.status_code == 201, response.text
    else:
        response = api.patch(f"{PATHS[resource]}/{parents[resource]['id']}", json=body)
        assert response.status_code == 200, response.text
    returned = response.json()
    fetched = api.get(f"{PATHS[resource]}/{returned['id']}").json()
    assert fetched == returned
    for name, sent in body.items():
        assert returned[name] == sent, name


@pytest.mark.parametrize("table", sorted(TABLE_RESOURCES))
def test_storage_has_a_column_for_every_field(sandbox: Sandbox, table: str) -> None:
    resource = TABLE_RESOURCES[table]
    with sandbox.store.read() as tx:
        columns = {row[1] for row in tx.execute(f"PRAGMA table_info({table})")}
    stored = set(schema.field_names(resource, "object")) - SYSTEM_FIELDS
    assert stored <= columns, stored - columns
    # Every request field is an object field too, so the columns cover them as well.
    for operation in ("create", "update"):
        assert set(schema.field_names(resource, operation)) <= set(
            schema.field_names(resource, "object")
        )


@pytest.mark.parametrize("field", ["mrr", "monthly_orders"])
def test_a_negative_count_is_too_small(api: httpx.Client, field: str) -> None:
    message = "Number must be greater than or equal to 0"
    invalid(api.post("/customers", json={"name": "A", field: -1}), "too_small", field, message)
    created = api.post("/customers", json={"name": "A", field: 0}).json()
    assert created[field] == 0
    invalid(api.patch(f"/customers/{created['id']}", json={field: -5}), "too_small", field)


@pytest.fixture
def added_field(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The schema with an optional string `industry` on Customer, as a regeneration adds it."""
    schemas = copy.deepcopy(spec.SCHEMAS)
    schemas["Customer"]["properties"]["industry"] = {"type": ["string", "null"]}
    schemas["Customer"]["required"].append("industry")
    for name in ("CustomerCreate", "CustomerUpdate"):
        schemas[name]["properties"]["industry"] = {"type": "string", "minLength": 1}
    monkeypatch.setattr(spec, "SCHEMAS", schemas)
    schema.fields.cache_clear()
    yield "industry"
    schema.fields.cache_clear()  # the unpatched schema again for later tests


def test_an_added_optional_field_needs_no_sandbox_edit(
    added_field: str, make_sandbox: Callable[..., Sandbox], connect: Connect
) -> None:
    sandbox = make_sandbox(seed="demo")
    api = connect(sandbox, sandbox.key("acme", "live"))
    seeded = api.get("/customers").json()["data"]
    assert seeded and all(added_field in c and c[added_field] is None for c in seeded)

    created = api.post("/customers", json={"name": "Aurora", added_field: "retail"})
    assert created.status_code == 201, created.text
    assert tuple(created.json()) == schema.field_names("customer", "object")
    assert created.json()[added_field] == "retail"
    path = f"/customers/{created.json()['id']}"
    assert api.get(path).json()[added_field] == "retail"
    assert api.patch(path, json={added_field: "food"}).json()[added_field] == "food"
    invalid(api.patch(path, json={added_field: ""}), "too_small", added_field)
    invalid(api.patch(path, json={added_field: 3}), "invalid_type", added_field)


def test_an_older_database_gains_an_added_field(
    tmp_path: Path,
    make_sandbox: Callable[..., Sandbox],
    connect: Connect,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = tmp_path / "sandbox.db"
    before = make_sandbox(db=db)
    old = connect(before, before.key("acme", "live")).post("/customers", json={"name": "Old"})
    before.close()

    schemas = copy.deepcopy(spec.SCHEMAS)
    schemas["Customer"]["properties"]["tier"] = {"type": ["integer", "null"]}
    schemas["CustomerCreate"]["properties"]["tier"] = {"type": "integer", "minimum": 1}
    monkeypatch.setattr(spec, "SCHEMAS", schemas)
    schema.fields.cache_clear()
    try:
        after = make_sandbox(db=db)
        api = connect(after, after.key("acme", "live"))
        assert api.get(f"/customers/{old.json()['id']}").json() == {**old.json(), "tier": None}
        assert api.post("/customers", json={"name": "New", "tier": 2}).json()["tier"] == 2
        with after.store.read() as tx:
            assert "tier" in {row[1] for row in tx.execute("PRAGMA table_info(customers)")}
    finally:
        schema.fields.cache_clear()


# The resource tables exactly as SCHEMA_VERSION 1 created them; frozen, not derived.
_VERSION_1_TABLES = """
CREATE TABLE customers (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  display_id INTEGER NOT NULL,
  name TEXT NOT NULL, slug TEXT, domain TEXT, status TEXT NOT NULL,
  plan TEXT, mrr INTEGER, monthly_orders INTEGER,
  hubspot_company_id TEXT, hubspot_deal_id TEXT, stripe_customer_id TEXT,
  intercom_company_id TEXT, slack_channel_id TEXT,
  metadata TEXT NOT NULL DEFAULT '{}',
  created_us INTEGER NOT NULL, updated_us INTEGER NOT NULL, deleted_us INTEGER,
  UNIQUE (workspace_id, display_id), UNIQUE (workspace_id, created_us)
);
CREATE TABLE contacts (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  display_id INTEGER NOT NULL,
  customer_id TEXT NOT NULL REFERENCES customers(id),
  name TEXT NOT NULL, email TEXT NOT NULL, title TEXT,
  is_primary INTEGER NOT NULL DEFAULT 0, labels TEXT NOT NULL DEFAULT '[]',
  created_us INTEGER NOT NULL, updated_us INTEGER NOT NULL, deleted_us INTEGER,
  UNIQUE (workspace_id, display_id), UNIQUE (workspace_id, created_us)
);
CREATE TABLE onboardings (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  display_id INTEGER NOT NULL,
  customer_id TEXT NOT NULL REFERENCES customers(id),
  template_id TEXT, phase TEXT NOT NULL, state TEXT NOT NULL,
  started_us INTEGER NOT NULL, completed_us INTEGER, target_launch_us INTEGER,
  csm_id TEXT, se_id TEXT, designer_id TEXT, product_ops_id TEXT, notes TEXT,
  waiting_on_customer INTEGER NOT NULL DEFAULT 0, waiting_since_us INTEGER,
  wizard_completed_us INTEGER,
  reminder_email INTEGER NOT NULL DEFAULT 1, reminder_slack INTEGER NOT NULL DEFAULT 1,
  reminder_frequency_days INTEGER NOT NULL DEFAULT 1,
  created_us INTEGER NOT NULL, updated_us INTEGER NOT NULL, deleted_us INTEGER,
  UNIQUE (workspace_id, display_id), UNIQUE (workspace_id, created_us)
);
"""
_US = 1_780_000_000_000_000  # 2026-05-28T20:26:40Z


def _downgrade_to_version_1(db: Path) -> None:
    """Rebuilds the resource tables as version 1 had them, with one row of each."""
    conn = sqlite3.connect(db)
    with conn:
        for table in ("onboardings", "contacts", "customers"):
            conn.execute(f"DROP TABLE {table}")
        conn.execute("DELETE FROM meta WHERE name = 'schema_version'")
        conn.executescript(_VERSION_1_TABLES)
        (workspace,) = conn.execute("SELECT id FROM workspaces WHERE slug = 'acme'").fetchone()
        conn.execute(
            "INSERT INTO customers (id, workspace_id, display_id, name, slug, status, mrr,"
            " monthly_orders, metadata, created_us, updated_us)"
            " VALUES ('c1', ?, 1, 'Aurora', 'aurora', 'active', 9900, 120, '{\"a\": 1}', ?, ?)",
            (workspace, _US, _US),
        )
        conn.execute(
            "INSERT INTO contacts (id, workspace_id, display_id, customer_id, name, email,"
            " is_primary, labels, created_us, updated_us)"
            " VALUES ('k1', ?, 1, 'c1', 'Ada', 'ada@aurora.com', 1, '[\"billing\"]', ?, ?)",
            (workspace, _US, _US),
        )
        conn.execute(
            "INSERT INTO onboardings (id, workspace_id, display_id, customer_id, phase, state,"
            " started_us, completed_us, target_launch_us, waiting_on_customer,"
            " waiting_since_us, wizard_completed_us, reminder_frequency_days,"
            " created_us, updated_us)"
            " VALUES ('o1', ?, 1, 'c1', 'launch', 'waiting', ?, NULL, ?, 1, ?, ?, 7, ?, ?)",
            (workspace, _US, _US + 86_400_000_000, _US + 1_000, _US + 2_000, _US, _US),
        )
    conn.close()


def test_a_version_1_database_opens_and_keeps_its_rows(
    tmp_path: Path, make_sandbox: Callable[..., Sandbox], connect: Connect
) -> None:
    db = tmp_path / "sandbox.db"
    make_sandbox(db=db).close()
    _downgrade_to_version_1(db)

    sandbox = make_sandbox(db=db)
    api = connect(sandbox, sandbox.key("acme", "live"))
    customer = api.get("/customers/1").json()
    assert (customer["name"], customer["mrr"], customer["metadata"]) == ("Aurora", 9900, {"a": 1})
    assert customer["created_at"] == "2026-05-28T20:26:40.000Z"
    contact = api.get("/contacts/1").json()
    assert (contact["is_primary"], contact["labels"]) == (True, ["billing"])
    onboarding = api.get("/onboardings/1").json()
    assert tuple(onboarding) == schema.field_names("onboarding", "object")
    assert onboarding["started_at"] == "2026-05-28T20:26:40.000Z"
    assert onboarding["completed_at"] is None
    assert onboarding["target_launch_date"] == "2026-05-29T20:26:40.000Z"
    assert onboarding["waiting_on_customer"] is True
    assert onboarding["waiting_on_customer_since"] == "2026-05-28T20:26:40.001Z"
    assert onboarding["wizard_completed_at"] == "2026-05-28T20:26:40.002Z"
    assert onboarding["reminder_frequency_days"] == 7

    # The migrated rows obey the rules like any other.
    moved = api.patch("/onboardings/1", json={"state": "active", "phase": "completed"}).json()
    assert moved["waiting_on_customer_since"] is None and moved["completed_at"] is not None
    with sandbox.store.read() as tx:
        assert get_meta(tx, "schema_version") == SCHEMA_VERSION
        columns = {row[1] for row in tx.execute("PRAGMA table_info(onboardings)")}
    assert "started_at" in columns and "started_us" not in columns


def test_a_store_opens_a_current_database_without_writing(tmp_path: Path) -> None:
    Store(tmp_path / "sandbox.db").close()
    again = Store(tmp_path / "sandbox.db")
    with again.read() as tx:
        # Opening only reads: no migration, so no write lock taken on every command.
        assert tx.total_changes == 0
        assert get_meta(tx, "schema_version") == SCHEMA_VERSION
    again.close()
