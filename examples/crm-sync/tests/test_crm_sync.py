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


@pytest.mark.pivotal_sandbox(
    seed="accounts.yaml", faults="POST /customers 500=1,max=2; GET /customers 429=1,max=1"
)
def test_the_request_log_shows_each_retry_reusing_its_idempotency_key(pivotal_sandbox):
    sync(pivotal_sandbox.client(), CRM, sleep=lambda s: None)
    creates = pivotal_sandbox.requests(method="POST", path="/customers")
    assert [entry["status"] for entry in creates] == [500, 500, 201]
    assert len({entry["idempotency_key"] for entry in creates}) == 1  # one key, reused
    assert [entry["status"] for entry in pivotal_sandbox.requests(status=429)] == [429]
    # No key is ever kept in full, whatever the log is asked for.
    everything = str(pivotal_sandbox.requests(bodies=True))
    assert pivotal_sandbox.live_key not in everything


@pytest.mark.pivotal_sandbox(seed="empty")
def test_a_failing_receiver_is_retried_on_the_documented_schedule(pivotal_sandbox):
    endpoint = pivotal_sandbox.webhook_endpoint(events=("customer.created",))
    endpoint.status = 500  # the receiver is down
    sync(pivotal_sandbox.client(), CRM[:1], sleep=lambda s: None)
    endpoint.wait_for(1)  # the first attempt is immediate
    started = pivotal_sandbox.now()
    # Past the 24 h of the schedule. (The first attempt may still be finishing: a
    # move reports every attempt made meanwhile, so only the retries are counted.)
    fired = [a for a in pivotal_sandbox.advance("1d1h") if a["attempt"] > 1]
    assert [attempt["attempt"] for attempt in fired] == [2, 3, 4, 5, 6, 7, 8]
    assert [attempt["status_code"] for attempt in fired] == [500] * 7
    assert fired[-1]["delivery_status"] == "failed"
    times = [attempt["at"] for attempt in fired]
    assert times == sorted(times)  # in order, each at its own sandbox instant
    deliveries = endpoint.wait_for(8)
    assert len({d.headers["svix-id"] for d in deliveries}) == 1  # one event, retried
    assert (pivotal_sandbox.now() - started).total_seconds() >= 25 * 3600
    assert pivotal_sandbox.advance("1d") == []  # the schedule is over: nothing more


@pytest.mark.pivotal_sandbox(seed="empty")
def test_an_idempotency_key_replays_within_24_hours_and_not_after(pivotal_sandbox):
    client = pivotal_sandbox.client()
    body = {"name": "Aurora Goods", "slug": "aurora-goods"}
    headers = {"Idempotency-Key": "crm-aurora-goods"}
    first = client.post("/customers", json=body, headers=headers)
    pivotal_sandbox.advance("23h")
    replay = client.post("/customers", json=body, headers=headers)
    assert replay.json()["id"] == first.json()["id"]
    pivotal_sandbox.advance("2h")
    late = client.post("/customers", json=body, headers=headers)
    assert late.status_code == 409  # a new request: the slug is taken now
    assert [entry["replayed"] for entry in pivotal_sandbox.requests(method="POST")] == [
        False,
        True,
        False,
    ]
