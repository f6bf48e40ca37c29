"""The demo seed: deterministic, and covering every status, phase and state."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sandbox_helpers import CONTACT, CUSTOMER, ONBOARDING, assert_shape

from pivotal_cli.sandbox.engine.core import Sandbox
from pivotal_cli.sandbox.resources.customers import STATUSES
from pivotal_cli.sandbox.resources.onboardings import PHASES, STATES

Connect = Callable[[Sandbox, "str | None"], httpx.Client]


def everything(api: httpx.Client, path: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": 100}
    while True:
        page = api.get(path, params=params).json()
        rows += page["data"]
        if not page["has_more"]:
            return rows
        params["cursor"] = page["next_cursor"]


@pytest.fixture
def demo(make_sandbox: Callable[..., Sandbox]) -> Sandbox:
    return make_sandbox(seed="demo")


@pytest.fixture
def demo_api(demo: Sandbox, connect: Connect) -> httpx.Client:
    return connect(demo, demo.key("acme", "live"))


def test_customers_cover_every_status(demo_api: httpx.Client) -> None:
    customers = everything(demo_api, "/customers")
    assert len(customers) >= 30
    for customer in customers:
        assert_shape(customer, CUSTOMER)
    assert {c["status"] for c in customers} == set(STATUSES)
    assert any(c["metadata"] for c in customers) and any(not c["metadata"] for c in customers)
    assert any(c["hubspot_company_id"] for c in customers)
    assert any(c["mrr"] is None for c in customers) and any(c["mrr"] for c in customers)
    months = {c["created_at"][:7] for c in customers}
    assert len(months) >= 4  # spread over past months


def test_every_visible_customer_with_contacts_has_exactly_one_primary(
    demo_api: httpx.Client,
) -> None:
    for customer in everything(demo_api, "/customers"):
        contacts = demo_api.get(f"/customers/{customer['id']}/contacts").json()["data"]
        assert contacts, customer["name"]
        for contact in contacts:
            assert_shape(contact, CONTACT)
        assert sum(c["is_primary"] for c in contacts) == 1
        assert contacts[0]["is_primary"]


def test_onboardings_cover_every_phase_and_state(demo_api: httpx.Client) -> None:
    onboardings = everything(demo_api, "/onboardings")
    for onboarding in onboardings:
        assert_shape(onboarding, ONBOARDING)
        assert (onboarding["state"] == "waiting") == onboarding["waiting_on_customer"]
        assert (onboarding["waiting_on_customer_since"] is not None) == onboarding[
            "waiting_on_customer"
        ]
        assert (onboarding["phase"] == "completed") == (onboarding["completed_at"] is not None)
        assert onboarding["target_launch_date"] is not None
    assert {o["phase"] for o in onboardings} == set(PHASES)
    assert {o["state"] for o in onboardings} == set(STATES)


def test_some_rows_of_each_kind_are_soft_deleted(demo: Sandbox) -> None:
    with demo.store.read() as tx:
        for table in ("customers", "contacts", "onboardings"):
            deleted = tx.execute(f"SELECT COUNT(*) FROM {table} WHERE deleted_us IS NOT NULL")
            assert deleted.fetchone()[0] >= 2, table


def test_globex_has_its_own(demo: Sandbox, connect: Connect) -> None:
    globex = connect(demo, demo.key("globex", "live"))
    theirs = everything(globex, "/customers")
    assert 3 <= len(theirs) <= 10
    acme = {c["id"] for c in everything(connect(demo, demo.key("acme", "live")), "/customers")}
    assert not acme & {c["id"] for c in theirs}
    assert everything(globex, "/onboardings")


def test_the_seed_is_deterministic(make_sandbox: Callable[..., Sandbox], connect: Connect) -> None:
    bodies = []
    for _ in range(2):
        sandbox = make_sandbox(seed="demo")
        api = connect(sandbox, sandbox.key("acme", "live"))
        bodies.append(
            (
                everything(api, "/customers"),
                everything(api, "/onboardings"),
                api.get("/customers/3/contacts").json(),
            )
        )
    assert bodies[0] == bodies[1]


def test_phase_history_is_seeded(demo: Sandbox) -> None:
    with demo.store.read() as tx:
        counts = Counter(row[0] for row in tx.execute("SELECT to_phase FROM phase_transitions"))
    assert counts["before_getting_started"] >= 20
    assert counts["completed"] >= 1
