"""Customers: shapes, defaults, uniqueness, partial updates, soft deletes, filters."""

from __future__ import annotations

import httpx
import pytest
from sandbox_helpers import (
    CUSTOMER,
    DELETED,
    FrozenClock,
    assert_error,
    assert_list,
    assert_shape,
    invalid,
)

from pivotal_cli.sandbox.engine.core import Sandbox

FULL = {
    "name": "Aurora Outfitters",
    "slug": "aurora",
    "domain": "aurora.com",
    "status": "active",
    "plan": "growth",
    "mrr": 129900,
    "monthly_orders": 4200,
    "hubspot_company_id": "hs-1",
    "hubspot_deal_id": "deal-1",
    "stripe_customer_id": "cus_123",
    "intercom_company_id": "ic-1",
    "slack_channel_id": "C012345",
    "metadata": {"hubspot_owner_id": "1432", "nested": {"list": [1, 2.5, None, True]}},
}


def test_create_minimal_has_every_field(api: httpx.Client) -> None:
    response = api.post("/customers", json={"name": "Aurora"})
    assert response.status_code == 201
    body = response.json()
    assert_shape(body, CUSTOMER)
    assert body == {
        **{name: None for name in CUSTOMER},
        "object": "customer",
        "id": body["id"],
        "display_id": 1,
        "name": "Aurora",
        "status": "onboarding",
        "metadata": {},
        "created_at": "2026-05-26T17:21:09.412Z",
        "updated_at": "2026-05-26T17:21:09.412Z",
    }


def test_every_field_round_trips(api: httpx.Client) -> None:
    created = api.post("/customers", json=FULL).json()
    assert {name: created[name] for name in FULL} == FULL
    for ref in (created["id"], str(created["display_id"])):
        assert api.get(f"/customers/{ref}").json() == created
    listed = api.get("/customers").json()
    assert_list(listed, CUSTOMER)
    assert listed["data"] == [created]


def test_display_ids_count_up(api: httpx.Client) -> None:
    ids = [api.post("/customers", json={"name": f"C{n}"}).json()["display_id"] for n in range(3)]
    assert ids == [1, 2, 3]


@pytest.mark.parametrize("ref", ["999", "aurora", "cl9bn00of0000g7l8gcq8c4xk", "9" * 40])
def test_unknown_customer(api: httpx.Client, ref: str) -> None:
    assert_error(api.get(f"/customers/{ref}"), 404, "not_found", "customer_not_found")
    assert_error(api.patch(f"/customers/{ref}", json={}), 404, "not_found", "customer_not_found")
    assert_error(api.delete(f"/customers/{ref}"), 404, "not_found", "customer_not_found")


def test_patch_is_partial_and_moves_updated_at(api: httpx.Client, clock: FrozenClock) -> None:
    created = api.post("/customers", json=FULL).json()
    clock.advance(2.5)
    response = api.patch(f"/customers/{created['display_id']}", json={"status": "at_risk"})
    assert response.status_code == 200
    updated = response.json()
    assert updated == {**created, "status": "at_risk", "updated_at": "2026-05-26T17:21:11.912Z"}


def test_empty_patch_changes_only_updated_at(api: httpx.Client, clock: FrozenClock) -> None:
    created = api.post("/customers", json=FULL).json()
    clock.advance(1)
    updated = api.patch(f"/customers/{created['id']}", json={}).json()
    assert updated == {**created, "updated_at": "2026-05-26T17:21:10.412Z"}


def test_patch_replaces_metadata_whole(api: httpx.Client) -> None:
    created = api.post("/customers", json=FULL).json()
    updated = api.patch(f"/customers/{created['id']}", json={"metadata": {"test": True}}).json()
    assert updated["metadata"] == {"test": True}


def test_unknown_fields_are_ignored(api: httpx.Client) -> None:
    body = api.post("/customers", json={"name": "A", "health_score": 7, "owner": "x"}).json()
    assert "health_score" not in body and "owner" not in body


def test_slug_taken(api: httpx.Client) -> None:
    first = api.post("/customers", json={"name": "A", "slug": "aurora"}).json()
    response = api.post("/customers", json={"name": "B", "slug": "aurora"})
    assert_error(response, 409, "conflict", "slug_taken", "slug")
    other = api.post("/customers", json={"name": "B", "slug": "borealis"}).json()
    response = api.patch(f"/customers/{other['id']}", json={"slug": "aurora"})
    assert_error(response, 409, "conflict", "slug_taken", "slug")
    # Re-saving your own slug is no conflict.
    assert api.patch(f"/customers/{first['id']}", json={"slug": "aurora"}).status_code == 200


def test_domain_taken_case_insensitively(api: httpx.Client) -> None:
    api.post("/customers", json={"name": "A", "domain": "aurora.com"})
    response = api.post("/customers", json={"name": "B", "domain": "Aurora.COM"})
    assert_error(response, 409, "conflict", "shopify_domain_taken", "shopify_domain")


def test_deleting_frees_slug_and_domain(api: httpx.Client) -> None:
    first = api.post("/customers", json={"name": "A", "slug": "aurora", "domain": "a.com"}).json()
    api.delete(f"/customers/{first['id']}")
    again = api.post("/customers", json={"name": "A2", "slug": "aurora", "domain": "a.com"})
    assert again.status_code == 201
    assert again.json()["display_id"] == 2  # display ids are never reused


def test_soft_delete(api: httpx.Client, sandbox: Sandbox) -> None:
    created = api.post("/customers", json={"name": "A"}).json()
    response = api.delete(f"/customers/{created['display_id']}")
    assert response.status_code == 200
    deleted = response.json()
    assert_shape(deleted, DELETED)
    assert deleted == {"object": "deleted", "id": created["id"], "display_id": 1, "deleted": True}
    assert_error(api.get(f"/customers/{created['id']}"), 404, "not_found", "customer_not_found")
    assert_error(
        api.patch(f"/customers/{created['id']}", json={"name": "B"}),
        404, "not_found", "customer_not_found",
    )  # fmt: skip
    assert api.get("/customers").json()["data"] == []
    # A second DELETE returns the same body.
    again = api.delete(f"/customers/{created['id']}")
    assert (again.status_code, again.content) == (200, response.content)
    with sandbox.store.read() as tx:
        assert tx.execute("SELECT deleted_us FROM customers").fetchone()[0] is not None


def test_deleting_a_customer_keeps_its_children_reachable_but_unlisted(
    api: httpx.Client, sandbox: Sandbox
) -> None:
    """The guide: children "survive the delete but disappear from list views"."""
    customer = api.post("/customers", json={"name": "A"}).json()
    contact = api.post(
        f"/customers/{customer['id']}/contacts", json={"name": "M", "email": "m@a.io"}
    ).json()
    onboarding = api.post("/onboardings", json={"customer_id": customer["id"]}).json()
    api.delete(f"/customers/{customer['id']}")
    # Reachable by id, either form, unchanged by the customer's delete.
    for ref in (contact["id"], str(contact["display_id"])):
        assert api.get(f"/contacts/{ref}").json() == contact
    for ref in (onboarding["id"], str(onboarding["display_id"])):
        assert api.get(f"/onboardings/{ref}").json() == onboarding
    # Gone from every list: the customer's own sub-lists 404 as the customer does.
    assert api.get("/onboardings").json()["data"] == []
    for child in ("contacts", "onboardings"):
        assert_error(
            api.get(f"/customers/{customer['id']}/{child}"), 404, "not_found", "customer_not_found"
        )
    with sandbox.store.read() as tx:
        assert (
            tx.execute("SELECT COUNT(*) FROM contacts WHERE deleted_us IS NULL").fetchone()[0] == 1
        )
        assert (
            tx.execute("SELECT COUNT(*) FROM onboardings WHERE deleted_us IS NULL").fetchone()[0]
            == 1
        )


def test_a_deleted_customer_takes_no_new_children(api: httpx.Client) -> None:
    customer = api.post("/customers", json={"name": "A"}).json()
    api.delete(f"/customers/{customer['id']}")
    for ref in (customer["id"], str(customer["display_id"])):
        assert_error(
            api.post(f"/customers/{ref}/contacts", json={"name": "M", "email": "m@a.io"}),
            404, "not_found", "customer_not_found",
        )  # fmt: skip
        assert_error(
            api.post("/onboardings", json={"customer_id": ref}),
            404, "not_found", "customer_not_found",
        )  # fmt: skip


def test_filter_by_status_and_slug(api: httpx.Client) -> None:
    api.post("/customers", json={"name": "A", "slug": "a", "status": "active"})
    api.post("/customers", json={"name": "B", "slug": "b", "status": "churned"})
    api.post("/customers", json={"name": "C", "slug": "c", "status": "active"})
    active = api.get("/customers", params={"status": "active"}).json()["data"]
    assert [c["slug"] for c in active] == ["c", "a"]
    assert [
        c["name"] for c in api.get("/customers", params={"slug": "b", "limit": 1}).json()["data"]
    ] == ["B"]
    assert api.get("/customers", params={"slug": "zzz"}).json()["data"] == []


def test_bad_status_filter(api: httpx.Client) -> None:
    invalid(
        api.get("/customers", params={"status": "pending"}),
        "invalid_enum_value",
        "status",
        "Invalid enum value. Expected 'active' | 'onboarding' | 'at_risk' | 'churned'"
        " | 'low_touch', received 'pending'",
    )


@pytest.mark.parametrize(
    ("body", "code", "field", "message"),
    [
        ({}, "invalid_type", "name", "Required"),
        ({"name": 42}, "invalid_type", "name", "Expected string, received number"),
        ({"name": None}, "invalid_type", "name", "Expected string, received null"),
        ({"name": ""}, "too_small", "name", "String must contain at least 1 character(s)"),
        (
            {"name": "A", "status": "pending"},
            "invalid_enum_value",
            "status",
            "Invalid enum value. Expected 'active' | 'onboarding' | 'at_risk' | 'churned'"
            " | 'low_touch', received 'pending'",
        ),
        (
            {"name": "A", "status": 3},
            "invalid_type",
            "status",
            "Expected 'active' | 'onboarding' | 'at_risk' | 'churned' | 'low_touch',"
            " received number",
        ),
        ({"name": "A", "mrr": 1.5}, "invalid_type", "mrr", "Expected integer, received float"),
        ({"name": "A", "mrr": "100"}, "invalid_type", "mrr", "Expected number, received string"),
        ({"name": "A", "mrr": True}, "invalid_type", "mrr", "Expected number, received boolean"),
        (
            {"name": "A", "monthly_orders": 2**63},
            "too_big",
            "monthly_orders",
            "Number must be less than or equal to 9007199254740991",
        ),
        ({"name": "A", "slug": None}, "invalid_type", "slug", "Expected string, received null"),
        (
            {"name": "A", "metadata": []},
            "invalid_type",
            "metadata",
            "Expected object, received array",
        ),
        (
            {"name": "A", "metadata": "x"},
            "invalid_type",
            "metadata",
            "Expected object, received string",
        ),
    ],
)
def test_create_validation(
    api: httpx.Client, body: dict[str, object], code: str, field: str, message: str
) -> None:
    invalid(api.post("/customers", json=body), code, field, message)


def test_patch_validation(api: httpx.Client) -> None:
    created = api.post("/customers", json={"name": "A"}).json()
    invalid(api.patch(f"/customers/{created['id']}", json={"name": ""}), "too_small", "name")
    invalid(api.patch(f"/customers/{created['id']}", json={"mrr": "1"}), "invalid_type", "mrr")


def test_integral_float_counts_as_integer(api: httpx.Client) -> None:
    assert api.post("/customers", json={"name": "A", "mrr": 100.0}).json()["mrr"] == 100
