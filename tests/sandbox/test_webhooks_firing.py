"""Which webhook events each API write fires, their envelopes, and who gets a delivery.

In-process and on a frozen clock: nothing is sent here (the worker never runs); the
tests read the stored events and the pending deliveries the writes queued.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sandbox_helpers import FrozenClock

from pivotal_cli.sandbox.data.timeutil import format_ms, to_us
from pivotal_cli.sandbox.engine.core import Sandbox
from pivotal_cli.sandbox.webhooks import endpoints

# The form `webhooks trigger`'s events have too (domain.webhook_fakes.prefixed_id).
EVENT_ID = re.compile(r"evt_2[0-9A-Za-z]{23}")
MSG_ID = re.compile(r"msg_[A-Za-z0-9_-]{27}")


@pytest.fixture
def add_endpoint(sandbox: Sandbox, clock: FrozenClock) -> Callable[..., str]:
    def add(url: str = "http://127.0.0.1:9/hook", workspace: str = "acme", **options: Any) -> str:
        created = endpoints.add(sandbox.store, workspace, url, now_us=to_us(clock()), **options)
        return str(created["id"])

    return add


def events(sandbox: Sandbox) -> list[dict[str, Any]]:
    """Every stored event's envelope, oldest first."""
    with sandbox.store.read() as tx:
        rows = tx.execute("SELECT body FROM webhook_events ORDER BY rowid").fetchall()
    return [json.loads(row["body"]) for row in rows]


def deliveries(sandbox: Sandbox) -> list[tuple[str, str, str]]:
    """(event type, endpoint id, status) of every delivery, oldest first."""
    with sandbox.store.read() as tx:
        rows = tx.execute(
            "SELECT e.type, d.endpoint_id, d.status FROM webhook_deliveries d"
            " JOIN webhook_events e ON e.id = d.event_id ORDER BY d.rowid"
        ).fetchall()
    return [(row["type"], row["endpoint_id"], row["status"]) for row in rows]


def test_a_create_fires_one_event_with_the_documented_envelope(
    sandbox: Sandbox, api: httpx.Client, add_endpoint: Callable[..., str], clock: FrozenClock
) -> None:
    endpoint = add_endpoint()
    response = api.post("/customers", json={"name": "Aurora", "slug": "aurora"})
    assert response.status_code == 201
    [event] = events(sandbox)
    assert EVENT_ID.fullmatch(event["id"])
    assert event == {
        "id": event["id"],
        "type": "customer.created",
        "created_at": format_ms(to_us(clock())),
        "org_id": api.get("/me").json()["organization"]["id"],
        "livemode": True,
        "api_version": "v1",
        "data": {"object": response.json()},
    }
    assert deliveries(sandbox) == [("customer.created", endpoint, "pending")]
    with sandbox.store.read() as tx:
        [row] = tx.execute("SELECT id, next_attempt_us FROM webhook_deliveries").fetchall()
    assert MSG_ID.fullmatch(row["id"]) and row["id"] != event["id"]
    assert row["next_attempt_us"] == to_us(clock())  # attempt 1 is due at once


def test_the_stored_body_is_the_compact_envelope_exactly(
    sandbox: Sandbox, api: httpx.Client
) -> None:
    api.post("/customers", json={"name": "Zoë & Co"})
    with sandbox.store.read() as tx:
        [row] = tx.execute("SELECT body FROM webhook_events").fetchall()
    body = row["body"]
    assert body == json.dumps(json.loads(body), ensure_ascii=False, separators=(",", ":"))
    assert "Zoë" in body


def test_updates_carry_previous_attributes_and_status_events(
    sandbox: Sandbox, api: httpx.Client, add_endpoint: Callable[..., str]
) -> None:
    add_endpoint()
    created = api.post("/customers", json={"name": "Aurora", "status": "active"}).json()
    updated = api.patch(f"/customers/{created['id']}", json={"status": "at_risk", "mrr": 900})
    fired = events(sandbox)[1:]
    assert [e["type"] for e in fired] == ["customer.updated", "customer.at_risk"]
    assert fired[0]["data"] == {
        "object": updated.json(),
        "previous_attributes": {"status": "active", "mrr": None},
    }
    assert fired[1]["data"]["previous_attributes"] == {"status": "active"}
    # An update that changes nothing but updated_at fires nothing.
    api.patch(f"/customers/{created['id']}", json={"mrr": 900})
    assert len(events(sandbox)) == 3


def test_onboarding_phase_and_state_changes(sandbox: Sandbox, api: httpx.Client) -> None:
    customer = api.post("/customers", json={"name": "Aurora"}).json()
    onboarding = api.post("/onboardings", json={"customer_id": customer["id"]}).json()
    moved = api.patch(f"/onboardings/{onboarding['id']}", json={"phase": "launch"}).json()
    risky = api.patch(f"/onboardings/{onboarding['id']}", json={"state": "at_risk"}).json()
    back = api.patch(f"/onboardings/{onboarding['id']}", json={"state": "active"}).json()
    fired = [(e["type"], e["data"].get("previous_attributes")) for e in events(sandbox)]
    assert fired == [
        ("customer.created", None),
        ("onboarding.created", None),
        ("onboarding.phase_changed", {"phase": "before_getting_started"}),
        ("onboarding.launched", {"phase": "before_getting_started"}),
        ("onboarding.state_changed", {"state": "active"}),
        ("onboarding.at_risk", {"state": "active"}),
        ("onboarding.state_changed", {"state": "at_risk"}),
        ("onboarding.back_on_track", {"state": "at_risk"}),
    ]
    objects = [e["data"]["object"] for e in events(sandbox)[2:]]
    assert objects == [moved, moved, risky, risky, back, back]


def test_contacts_and_deletes(sandbox: Sandbox, api: httpx.Client) -> None:
    customer = api.post("/customers", json={"name": "Aurora"}).json()
    contact = api.post(
        f"/customers/{customer['id']}/contacts", json={"name": "M", "email": "m@a.io"}
    ).json()
    api.patch(f"/contacts/{contact['id']}", json={"title": "CEO"})  # no contact.updated type
    api.delete(f"/contacts/{contact['id']}")
    assert api.delete(f"/customers/{customer['id']}").status_code == 200
    assert api.delete(f"/customers/{customer['id']}").status_code == 200  # again: no event
    fired = events(sandbox)
    assert [e["type"] for e in fired] == [
        "customer.created",
        "contact.created",
        "customer.archived",
    ]
    assert fired[1]["data"]["object"] == contact
    archived = fired[2]["data"]["object"]
    assert archived["id"] == customer["id"] and archived["object"] == "customer"


def test_test_keys_fire_test_events_to_test_endpoints_only(
    sandbox: Sandbox,
    api: httpx.Client,
    test_api: httpx.Client,
    add_endpoint: Callable[..., str],
) -> None:
    live = add_endpoint()
    test = add_endpoint(test_mode=True)
    add_endpoint(workspace="globex")
    test_api.post("/customers", json={"name": "From a test key"})
    api.post("/customers", json={"name": "From a live key"})
    fired = events(sandbox)
    assert [e["livemode"] for e in fired] == [False, True]
    assert deliveries(sandbox) == [
        ("customer.created", test, "pending"),
        ("customer.created", live, "pending"),
    ]


def test_patterns_filter_what_an_endpoint_gets(
    sandbox: Sandbox, api: httpx.Client, add_endpoint: Callable[..., str]
) -> None:
    customers_only = add_endpoint(events=["customer.*"])
    launches = add_endpoint(events=["onboarding.launched"])
    customer = api.post("/customers", json={"name": "Aurora"}).json()
    onboarding = api.post("/onboardings", json={"customer_id": customer["id"]}).json()
    api.patch(f"/onboardings/{onboarding['id']}", json={"phase": "launch"})
    assert deliveries(sandbox) == [
        ("customer.created", customers_only, "pending"),
        ("onboarding.launched", launches, "pending"),
    ]


def test_disabled_and_removed_endpoints_get_nothing(
    sandbox: Sandbox, api: httpx.Client, add_endpoint: Callable[..., str], clock: FrozenClock
) -> None:
    disabled = add_endpoint()
    removed = add_endpoint()
    with sandbox.store.write() as tx:
        tx.execute("UPDATE webhook_endpoints SET disabled = 1 WHERE id = ?", (disabled,))
    endpoints.remove(sandbox.store, "acme", removed, to_us(clock()))
    api.post("/customers", json={"name": "Aurora"})
    assert len(events(sandbox)) == 1
    assert deliveries(sandbox) == []


def test_an_idempotent_replay_fires_nothing(
    sandbox: Sandbox, api: httpx.Client, add_endpoint: Callable[..., str]
) -> None:
    add_endpoint()
    headers = {"Idempotency-Key": "create-aurora"}
    first = api.post("/customers", json={"name": "Aurora"}, headers=headers)
    again = api.post("/customers", json={"name": "Aurora"}, headers=headers)
    assert again.headers["Idempotent-Replay"] == "true" and again.content == first.content
    assert len(events(sandbox)) == 1
    assert len(deliveries(sandbox)) == 1


def test_a_failed_write_fires_nothing(
    sandbox: Sandbox, api: httpx.Client, add_endpoint: Callable[..., str]
) -> None:
    add_endpoint()
    api.post("/customers", json={"name": "Aurora", "slug": "aurora"})
    assert api.post("/customers", json={"name": "Again", "slug": "aurora"}).status_code == 409
    assert api.post("/customers", json={"name": 5}).status_code == 400
    assert api.patch("/customers/9999", json={"name": "X"}).status_code == 404
    assert [e["type"] for e in events(sandbox)] == ["customer.created"]


def test_reads_fire_nothing_and_the_worker_is_not_woken(
    sandbox: Sandbox, api: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    woken: list[bool] = []
    monkeypatch.setattr(sandbox.webhooks, "wake", lambda: woken.append(True))
    api.get("/customers")
    assert woken == [] and events(sandbox) == []
    api.post("/customers", json={"name": "No endpoint yet"})
    assert woken == []  # an event, but no delivery: nothing to send
    endpoints.add(sandbox.store, "acme", "http://127.0.0.1:9/", now_us=0)
    api.post("/customers", json={"name": "Now one"})
    assert woken == [True]


def test_an_endpoint_off_this_machine_needs_allow_remote(
    make_sandbox: Callable[..., Sandbox],
) -> None:
    sandbox = make_sandbox()
    with pytest.raises(endpoints.EndpointError, match="leaves this machine"):
        endpoints.add(sandbox.store, "acme", "http://169.254.169.254/", now_us=0)
    with pytest.raises(endpoints.EndpointError, match="port outside"):
        endpoints.add(sandbox.store, "acme", "http://127.0.0.1:70000/", now_us=0, allow_remote=True)
    added = endpoints.add(sandbox.store, "acme", "http://10.0.0.7/", now_us=0, allow_remote=True)
    assert added["url"] == "http://10.0.0.7/"
    assert [e["url"] for e in endpoints.list_endpoints(sandbox.store, "acme", 0)] == [added["url"]]


def test_sandbox_event_ids_have_the_form_of_trigger_s() -> None:
    import random

    from pivotal_cli.domain.webhook_fakes import prefixed_id
    from pivotal_cli.sandbox.webhooks.outbox import new_event_id

    triggered = prefixed_id("evt", random.Random(7))
    fired = {new_event_id() for _ in range(50)}
    assert EVENT_ID.fullmatch(triggered)
    assert all(EVENT_ID.fullmatch(event_id) for event_id in fired)
    assert len(fired) == 50
