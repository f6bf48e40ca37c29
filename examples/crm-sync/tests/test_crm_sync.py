"""The CRM sync against the Pivotal sandbox, with nothing but the `pivotal_sandbox` fixture."""

from __future__ import annotations

import pytest
from crm_sync.receiver import Inbox, verify
from crm_sync.sync import sync

CRM = [
    {"slug": "aurora-goods", "name": "Aurora Goods", "plan": "growth", "mrr": 120000},
    {"slug": "borealis", "name": "Borealis Supply", "plan": "growth", "mrr": 45000},
    {"slug": "cirrus", "name": "Cirrus Labs", "plan": "starter", "mrr": 9900},
]


def slugs(client):
    return sorted(c["slug"] for c in client.get("/customers", params={"limit": 100}).json()["data"])


@pytest.mark.pivotal_sandbox(seed="accounts.yaml")
def test_sync_creates_updates_and_leaves_alone(pivotal_sandbox):
    client = pivotal_sandbox.client()
    report = sync(client, CRM, sleep=lambda s: None)
    assert (report.created, report.updated, report.unchanged) == (
        ["cirrus"],
        ["borealis"],
        ["aurora-goods"],
    )
    assert slugs(client) == ["aurora-goods", "borealis", "cirrus"]
    borealis = client.get("/customers", params={"slug": "borealis"}).json()["data"][0]
    assert (borealis["plan"], borealis["mrr"]) == ("growth", 45000)
    # A second run has nothing to do.
    again = sync(client, CRM, sleep=lambda s: None)
    assert again.unchanged == ["aurora-goods", "borealis", "cirrus"]


@pytest.mark.pivotal_sandbox(
    seed="accounts.yaml",
    faults="POST /customers 500=1,max=2; GET /customers 429=1,max=1,retry_after=2",
)
def test_sync_recovers_from_per_route_faults(pivotal_sandbox):
    waits = []
    report = sync(pivotal_sandbox.client(), CRM, sleep=waits.append)
    assert report.created == ["cirrus"] and report.retries == 3
    assert waits[0] == 2  # the 429's Retry-After was honoured
    assert slugs(pivotal_sandbox.client()).count("cirrus") == 1


@pytest.mark.pivotal_sandbox(seed="accounts.yaml", faults="POST /customers drop=1,max=1")
def test_a_lost_answer_does_not_create_twice(pivotal_sandbox):
    report = sync(pivotal_sandbox.client(), CRM, sleep=lambda s: None)
    assert report.created == ["cirrus"] and report.retries == 1
    assert slugs(pivotal_sandbox.client()).count("cirrus") == 1


@pytest.mark.pivotal_sandbox(seed="empty")
def test_the_receiver_gets_signed_customer_events(pivotal_sandbox):
    endpoint = pivotal_sandbox.webhook_endpoint(events=("customer.*",))
    sync(pivotal_sandbox.client(), CRM[:1], sleep=lambda s: None)
    (delivery,) = endpoint.wait_for(1)
    inbox = Inbox(endpoint.secret)
    assert inbox.handle(delivery.headers, delivery.body) == 204
    assert [c["slug"] for c in inbox.customers.values()] == ["aurora-goods"]
    assert inbox.handle(delivery.headers, delivery.body) == 204  # a retry, deduplicated
    assert Inbox("whsec_" + "A" * 32).handle(delivery.headers, delivery.body) == 400
    assert verify(endpoint.secret, delivery.headers, delivery.body)["type"] == "customer.created"
