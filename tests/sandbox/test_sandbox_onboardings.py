"""Onboardings: defaults, the waiting invariant, completed_at, dates, filters, audit trail."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sandbox_helpers import (
    DELETED,
    ONBOARDING,
    FrozenClock,
    assert_error,
    assert_list,
    assert_shape,
    invalid,
)

from pivotal_cli.sandbox.engine.core import Sandbox
from pivotal_cli.sandbox.resources.timeline import list_events, list_transitions

NOW = "2026-05-26T17:21:09.412Z"
LATER = "2026-05-26T17:21:10.412Z"


@pytest.fixture
def customer(api: httpx.Client) -> dict[str, Any]:
    return api.post("/customers", json={"name": "Aurora"}).json()  # type: ignore[no-any-return]


@pytest.fixture
def onboarding(api: httpx.Client, customer: dict[str, Any]) -> dict[str, Any]:
    return api.post("/onboardings", json={"customer_id": customer["id"]}).json()  # type: ignore[no-any-return]


def patch(api: httpx.Client, onboarding: dict[str, Any], **body: Any) -> dict[str, Any]:
    response = api.patch(f"/onboardings/{onboarding['id']}", json=body)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_create_defaults_and_shape(api: httpx.Client, customer: dict[str, Any]) -> None:
    response = api.post("/onboardings", json={"customer_id": str(customer["display_id"])})
    assert response.status_code == 201
    body = response.json()
    assert_shape(body, ONBOARDING)
    assert body == {
        **{name: None for name in ONBOARDING},
        "object": "onboarding",
        "id": body["id"],
        "display_id": 1,
        "customer_id": customer["id"],
        "phase": "before_getting_started",
        "state": "active",
        "started_at": NOW,
        "waiting_on_customer": False,
        "reminder_email": True,
        "reminder_slack": True,
        "reminder_frequency_days": 1,
        "created_at": NOW,
        "updated_at": NOW,
    }
    for ref in (body["id"], "1"):
        assert api.get(f"/onboardings/{ref}").json() == body


def test_create_with_every_field(api: httpx.Client, customer: dict[str, Any]) -> None:
    body = {
        "customer_id": customer["id"],
        "template_id": "tpl_1",
        "phase": "review",
        "state": "at_risk",
        "target_launch_date": "2026-07-15T00:00:00Z",
        "csm_id": "usr_1",
        "se_id": None,
        "designer_id": "usr_2",
        "product_ops_id": "usr_3",
        "notes": "Kickoff booked.",
        "reminder_email": False,
        "reminder_slack": False,
        "reminder_frequency_days": 7,
    }
    created = api.post("/onboardings", json=body).json()
    expected = {**body, "customer_id": customer["id"]}
    expected["target_launch_date"] = "2026-07-15T00:00:00.000Z"
    assert {name: created[name] for name in body} == expected


def test_create_needs_a_known_customer(api: httpx.Client) -> None:
    invalid(api.post("/onboardings", json={}), "invalid_type", "customer_id", "Required")
    invalid(
        api.post("/onboardings", json={"customer_id": 245}),
        "invalid_type", "customer_id", "Expected string, received number",
    )  # fmt: skip
    assert_error(
        api.post("/onboardings", json={"customer_id": "245"}),
        404,
        "not_found",
        "customer_not_found",
    )


def test_create_waiting_and_completed(api: httpx.Client, customer: dict[str, Any]) -> None:
    waiting = api.post(
        "/onboardings", json={"customer_id": customer["id"], "state": "waiting"}
    ).json()
    assert (waiting["waiting_on_customer"], waiting["waiting_on_customer_since"]) == (True, NOW)
    done = api.post(
        "/onboardings", json={"customer_id": customer["id"], "phase": "completed"}
    ).json()
    assert done["completed_at"] == NOW


def test_state_waiting_sets_the_flag(
    api: httpx.Client, onboarding: dict[str, Any], clock: FrozenClock
) -> None:
    clock.advance(1)
    body = patch(api, onboarding, state="waiting")
    assert (body["state"], body["waiting_on_customer"]) == ("waiting", True)
    assert body["waiting_on_customer_since"] == LATER
    clock.advance(5)
    again = patch(api, onboarding, state="waiting")  # already waiting: the clock keeps running
    assert again["waiting_on_customer_since"] == LATER
    cleared = patch(api, onboarding, state="at_risk")
    assert (cleared["waiting_on_customer"], cleared["waiting_on_customer_since"]) == (False, None)


def test_flag_alone_moves_the_state(api: httpx.Client, onboarding: dict[str, Any]) -> None:
    assert patch(api, onboarding, waiting_on_customer=True)["state"] == "waiting"
    body = patch(api, onboarding, waiting_on_customer=False)
    assert (body["state"], body["waiting_on_customer"]) == ("active", False)
    patch(api, onboarding, state="paused")
    assert patch(api, onboarding, waiting_on_customer=False)["state"] == "paused"


def test_consistent_pair_is_accepted(api: httpx.Client, onboarding: dict[str, Any]) -> None:
    assert patch(api, onboarding, state="waiting", waiting_on_customer=True)["state"] == "waiting"
    assert patch(api, onboarding, state="active", waiting_on_customer=False)["state"] == "active"


@pytest.mark.parametrize(
    "body",
    [
        {"state": "waiting", "waiting_on_customer": False},
        {"state": "paused", "waiting_on_customer": True},
    ],
)
def test_contradicting_pair_is_refused(
    api: httpx.Client, onboarding: dict[str, Any], body: dict[str, Any]
) -> None:
    response = api.patch(f"/onboardings/{onboarding['id']}", json=body)
    invalid(response, "invalid_field", "waiting_on_customer")
    assert api.get(f"/onboardings/{onboarding['id']}").json() == onboarding


def test_completed_at_follows_the_phase(
    api: httpx.Client, onboarding: dict[str, Any], clock: FrozenClock
) -> None:
    clock.advance(1)
    assert patch(api, onboarding, phase="completed")["completed_at"] == LATER
    assert patch(api, onboarding, phase="launch")["completed_at"] is None
    explicit = patch(api, onboarding, phase="completed", completed_at="2026-05-01")
    assert explicit["completed_at"] == "2026-05-01T00:00:00.000Z"
    assert patch(api, onboarding, notes="x")["completed_at"] == "2026-05-01T00:00:00.000Z"


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("2026-07-15", "2026-07-15T00:00:00.000Z"),
        ("2026-07-15T00:00:00Z", "2026-07-15T00:00:00.000Z"),
        ("2026-07-15T09:30:00.123456+02:00", "2026-07-15T07:30:00.123Z"),
        ("2026-07-15T09:30", "2026-07-15T09:30:00.000Z"),
        ("0307-10-02T04:13:07Z", "0307-10-02T04:13:07.000Z"),
    ],
)
def test_dates_are_normalised(
    api: httpx.Client, customer: dict[str, Any], given: str, stored: str
) -> None:
    body = {"customer_id": customer["id"], "target_launch_date": given}
    assert api.post("/onboardings", json=body).json()["target_launch_date"] == stored


@pytest.mark.parametrize("bad", ["2026-02-30", "next week", "2026-07-15T25:00:00Z", ""])
def test_bad_dates(api: httpx.Client, customer: dict[str, Any], bad: str) -> None:
    body = {"customer_id": customer["id"], "target_launch_date": bad}
    invalid(
        api.post("/onboardings", json=body),
        "invalid_string",
        "target_launch_date",
        "Invalid datetime",
    )


def test_nullable_on_update(api: httpx.Client, customer: dict[str, Any]) -> None:
    created = api.post(
        "/onboardings",
        json={"customer_id": customer["id"], "target_launch_date": "2026-07-15", "notes": "n"},
    ).json()
    body = patch(api, created, target_launch_date=None, notes=None, template_id=None)
    assert (body["target_launch_date"], body["notes"], body["template_id"]) == (None, None, None)
    invalid(
        api.post("/onboardings", json={"customer_id": customer["id"], "notes": None}),
        "invalid_type", "notes", "Expected string, received null",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"phase": "kickoff"}, "invalid_enum_value", "phase"),
        ({"state": "blocked"}, "invalid_enum_value", "state"),
        ({"reminder_frequency_days": 0}, "too_small", "reminder_frequency_days"),
        ({"reminder_frequency_days": 1.5}, "invalid_type", "reminder_frequency_days"),
        ({"waiting_on_customer": "yes"}, "invalid_type", "waiting_on_customer"),
        ({"completed_at": "soon"}, "invalid_string", "completed_at"),
    ],
)
def test_update_validation(
    api: httpx.Client, onboarding: dict[str, Any], body: dict[str, Any], code: str, field: str
) -> None:
    invalid(api.patch(f"/onboardings/{onboarding['id']}", json=body), code, field)


def test_phase_changes_are_audited(
    api: httpx.Client, test_api: httpx.Client, sandbox: Sandbox, onboarding: dict[str, Any]
) -> None:
    patch(api, onboarding, phase="program_design")
    patch(test_api, onboarding, phase="review", state="at_risk")
    patch(api, onboarding, phase="review")  # no change: no transition
    transitions = list_transitions(sandbox.store, workspace="acme", onboarding=onboarding["id"])
    assert [(t["from"], t["to"], t["actor"]) for t in transitions] == [
        (None, "before_getting_started", "sandbox-live"),
        ("before_getting_started", "program_design", "sandbox-live"),
        ("program_design", "review", "sandbox-test"),
    ]
    events = list_events(sandbox.store, workspace="acme", customer=onboarding["customer_id"])
    changed = [e for e in events if e["kind"] == "onboarding.phase_changed"]
    assert [(e["data"], e["actor"], e["mode"]) for e in changed] == [
        ({"from": "before_getting_started", "to": "program_design"}, "sandbox-live", "live"),
        ({"from": "program_design", "to": "review"}, "sandbox-test", "test"),
    ]
    kinds = [e["kind"] for e in events]
    assert kinds[:2] == ["customer.created", "onboarding.created"]
    assert "onboarding.state_changed" in kinds


def test_list_filters(api: httpx.Client, customer: dict[str, Any]) -> None:
    other = api.post("/customers", json={"name": "Other"}).json()
    a = api.post("/onboardings", json={"customer_id": customer["id"], "phase": "launch"}).json()
    b = api.post("/onboardings", json={"customer_id": other["id"], "state": "waiting"}).json()
    c = api.post("/onboardings", json={"customer_id": customer["id"], "state": "paused"}).json()

    def ids(**params: str) -> list[int]:
        body = api.get("/onboardings", params=params).json()
        assert_list(body, ONBOARDING)
        return [o["display_id"] for o in body["data"]]

    assert ids() == [c["display_id"], b["display_id"], a["display_id"]]
    assert ids(customer_id=customer["id"]) == [c["display_id"], a["display_id"]]
    assert ids(customer_id=str(other["display_id"])) == [b["display_id"]]
    assert ids(customer_id="999") == []
    assert ids(state="waiting") == [b["display_id"]]
    assert ids(phase="launch") == [a["display_id"]]
    assert ids(phase="launch", state="paused") == []
    invalid(api.get("/onboardings", params={"state": "blocked"}), "invalid_enum_value", "state")
    invalid(api.get("/onboardings", params={"phase": "kickoff"}), "invalid_enum_value", "phase")


def test_customer_onboardings(
    api: httpx.Client, customer: dict[str, Any], clock: FrozenClock
) -> None:
    first = api.post("/onboardings", json={"customer_id": customer["id"]}).json()
    clock.advance(1)
    second = api.post("/onboardings", json={"customer_id": customer["id"]}).json()
    body = api.get(f"/customers/{customer['display_id']}/onboardings").json()
    assert_list(body, ONBOARDING)
    assert (body["has_more"], body["next_cursor"]) == (False, None)
    assert [o["id"] for o in body["data"]] == [second["id"], first["id"]]
    assert_error(api.get("/customers/999/onboardings"), 404, "not_found", "customer_not_found")


def test_delete(api: httpx.Client, onboarding: dict[str, Any]) -> None:
    first = api.delete(f"/onboardings/{onboarding['id']}")
    assert_shape(first.json(), DELETED)
    assert first.json()["deleted"] is True
    second = api.delete(f"/onboardings/{onboarding['display_id']}")
    assert (second.status_code, second.content) == (200, first.content)
    assert_error(
        api.get(f"/onboardings/{onboarding['id']}"), 404, "not_found", "onboarding_not_found"
    )
    assert_error(
        api.patch(f"/onboardings/{onboarding['id']}", json={"phase": "launch"}),
        404, "not_found", "onboarding_not_found",
    )  # fmt: skip
    assert api.get("/onboardings").json()["data"] == []


# -- onboardings of a deleted customer: reachable by id, in no list ------------------------


def test_deleted_customers_onboarding_get_patch_delete(
    api: httpx.Client,
    globex_api: httpx.Client,
    customer: dict[str, Any],
    onboarding: dict[str, Any],
    clock: FrozenClock,
) -> None:
    api.delete(f"/customers/{customer['id']}")
    clock.advance(1)
    for ref in (onboarding["id"], str(onboarding["display_id"])):
        assert api.get(f"/onboardings/{ref}").json() == onboarding
        assert_error(
            globex_api.get(f"/onboardings/{ref}"), 404, "not_found", "onboarding_not_found"
        )
    patched = patch(api, onboarding, phase="completed", state="waiting")
    assert patched == {
        **onboarding,
        "phase": "completed",
        "state": "waiting",
        "waiting_on_customer": True,
        "waiting_on_customer_since": LATER,
        "completed_at": LATER,
        "updated_at": LATER,
    }
    first = api.delete(f"/onboardings/{onboarding['display_id']}")
    assert first.status_code == 200
    assert_shape(first.json(), DELETED)
    second = api.delete(f"/onboardings/{onboarding['id']}")
    assert (second.status_code, second.content) == (200, first.content)
    assert_error(
        api.get(f"/onboardings/{onboarding['id']}"), 404, "not_found", "onboarding_not_found"
    )


def test_deleted_customers_onboarding_keeps_its_audit_trail(
    api: httpx.Client, sandbox: Sandbox, customer: dict[str, Any], onboarding: dict[str, Any]
) -> None:
    """Changes after the customer's delete are audited on it; `sandbox events` shows them."""
    api.delete(f"/customers/{customer['id']}")
    patch(api, onboarding, phase="program_design", state="paused")
    api.delete(f"/onboardings/{onboarding['id']}")
    for ref in (customer["id"], str(customer["display_id"])):
        events = list_events(sandbox.store, workspace="acme", customer=ref)
        assert [e["kind"] for e in events] == [
            "customer.created",
            "onboarding.created",
            "customer.deleted",
            "onboarding.updated",
            "onboarding.state_changed",
            "onboarding.phase_changed",
            "onboarding.deleted",
        ]
        assert {e["customer_display_id"] for e in events} == {customer["display_id"]}
    transitions = list_transitions(sandbox.store, workspace="acme", onboarding=onboarding["id"])
    assert [(t["from"], t["to"]) for t in transitions] == [
        (None, "before_getting_started"),
        ("before_getting_started", "program_design"),
    ]


def test_deleted_customers_onboardings_leave_every_list(
    api: httpx.Client, customer: dict[str, Any], clock: FrozenClock
) -> None:
    other = api.post("/customers", json={"name": "Other"}).json()
    kept = api.post("/onboardings", json={"customer_id": other["id"], "phase": "launch"}).json()
    clock.advance(1)
    for body in ({"phase": "launch"}, {"state": "paused"}, {}):
        api.post("/onboardings", json={"customer_id": customer["id"], **body})
        clock.advance(1)
    api.delete(f"/customers/{customer['id']}")

    def ids(**params: str) -> list[int]:
        body = api.get("/onboardings", params=params).json()
        assert_list(body, ONBOARDING)
        return [o["display_id"] for o in body["data"]]

    assert ids() == [kept["display_id"]]
    assert ids(limit="1") == [kept["display_id"]]
    assert ids(phase="launch") == [kept["display_id"]]
    assert ids(state="paused") == []
    assert ids(state="active", phase="before_getting_started") == []
    for ref in (customer["id"], str(customer["display_id"])):
        assert ids(customer_id=ref) == []
        assert ids(customer_id=ref, state="paused") == []
        assert_error(
            api.get(f"/customers/{ref}/onboardings"), 404, "not_found", "customer_not_found"
        )
        assert_error(
            api.post("/onboardings", json={"customer_id": ref}),
            404, "not_found", "customer_not_found",
        )  # fmt: skip
