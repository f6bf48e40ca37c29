"""Contacts: lowercase unique emails, the single primary, ordering, soft deletes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sandbox_helpers import CONTACT, DELETED, FrozenClock, assert_error, assert_shape, invalid

from pivotal_cli.sandbox.engine.core import Sandbox
from pivotal_cli.sandbox.resources.timeline import list_events


@pytest.fixture
def customer(api: httpx.Client) -> dict[str, Any]:
    return api.post("/customers", json={"name": "Aurora", "slug": "aurora"}).json()  # type: ignore[no-any-return]


def add(api: httpx.Client, customer: dict[str, Any], **body: Any) -> httpx.Response:
    body.setdefault("name", "Mira Chen")
    body.setdefault("email", f"{body['name'].split()[0].lower()}@aurora.com")
    return api.post(f"/customers/{customer['display_id']}/contacts", json=body)


def test_create_shape_and_lowercased_email(api: httpx.Client, customer: dict[str, Any]) -> None:
    response = add(api, customer, email="Mira@Aurora.COM", title="Head of Ops", labels=["billing"])
    assert response.status_code == 201
    body = response.json()
    assert_shape(body, CONTACT)
    assert body == {
        "object": "contact",
        "id": body["id"],
        "display_id": 1,
        "customer_id": customer["id"],
        "name": "Mira Chen",
        "email": "mira@aurora.com",
        "title": "Head of Ops",
        "is_primary": True,
        "labels": ["billing"],
        "created_at": "2026-05-26T17:21:09.412Z",
        "updated_at": "2026-05-26T17:21:09.412Z",
    }
    for ref in (body["id"], "1"):
        assert api.get(f"/contacts/{ref}").json() == body


def test_defaults(api: httpx.Client, customer: dict[str, Any]) -> None:
    body = add(api, customer).json()
    assert (body["title"], body["labels"]) == (None, [])


def test_customer_by_cuid_or_display_id(api: httpx.Client, customer: dict[str, Any]) -> None:
    by_cuid = api.post(
        f"/customers/{customer['id']}/contacts", json={"name": "A", "email": "a@x.io"}
    )
    assert by_cuid.status_code == 201
    assert_error(
        api.post("/customers/999/contacts", json={"name": "A", "email": "a@x.io"}),
        404, "not_found", "customer_not_found",
    )  # fmt: skip


def test_email_taken_per_customer(api: httpx.Client, customer: dict[str, Any]) -> None:
    add(api, customer, email="mira@aurora.com")
    assert_error(
        add(api, customer, email="MIRA@aurora.com"), 409, "conflict", "email_taken", "email"
    )
    other = api.post("/customers", json={"name": "Other"}).json()
    assert add(api, other, email="mira@aurora.com").status_code == 201


def test_email_free_again_after_delete(api: httpx.Client, customer: dict[str, Any]) -> None:
    first = add(api, customer, email="mira@aurora.com").json()
    api.delete(f"/contacts/{first['id']}")
    assert add(api, customer, email="mira@aurora.com").status_code == 201


def test_patch_email_uniqueness(api: httpx.Client, customer: dict[str, Any]) -> None:
    add(api, customer, name="Mira A", email="mira@aurora.com")
    jonah = add(api, customer, name="Jonah B", email="jonah@aurora.com").json()
    response = api.patch(f"/contacts/{jonah['id']}", json={"email": "Mira@aurora.com"})
    assert_error(response, 409, "conflict", "email_taken", "email")
    same = api.patch(f"/contacts/{jonah['id']}", json={"email": "JONAH@aurora.com"})
    assert same.json()["email"] == "jonah@aurora.com"


def test_first_contact_becomes_primary(api: httpx.Client, customer: dict[str, Any]) -> None:
    first = add(api, customer, name="Mira A").json()
    second = add(api, customer, name="Jonah B").json()
    assert (first["is_primary"], second["is_primary"]) == (True, False)


def test_explicit_false_is_respected(api: httpx.Client, customer: dict[str, Any]) -> None:
    assert add(api, customer, is_primary=False).json()["is_primary"] is False
    assert add(api, customer, name="Jonah B").json()["is_primary"] is True


def primaries(api: httpx.Client, customer: dict[str, Any]) -> list[str]:
    listed = api.get(f"/customers/{customer['id']}/contacts").json()["data"]
    return [c["name"] for c in listed if c["is_primary"]]


def test_only_one_primary(api: httpx.Client, customer: dict[str, Any], clock: FrozenClock) -> None:
    mira = add(api, customer, name="Mira A").json()
    clock.advance(1)
    jonah = add(api, customer, name="Jonah B", is_primary=True).json()
    assert primaries(api, customer) == ["Jonah B"]
    demoted = api.get(f"/contacts/{mira['id']}").json()
    assert demoted["updated_at"] == "2026-05-26T17:21:10.412Z"
    api.patch(f"/contacts/{mira['id']}", json={"is_primary": True})
    assert primaries(api, customer) == ["Mira A"]
    api.patch(f"/contacts/{mira['id']}", json={"is_primary": False})
    assert primaries(api, customer) == []
    api.delete(f"/contacts/{jonah['id']}")
    assert primaries(api, customer) == []


def test_list_primary_first_then_newest(
    api: httpx.Client, customer: dict[str, Any], clock: FrozenClock
) -> None:
    for name in ("Ana A", "Ben B", "Cleo C", "Dev D"):
        add(api, customer, name=name)
        clock.advance(1)
    api.patch("/contacts/2", json={"is_primary": True})
    body = api.get(f"/customers/{customer['id']}/contacts").json()
    assert set(body) == {"object", "data", "has_more", "next_cursor"}
    assert (body["object"], body["has_more"], body["next_cursor"]) == ("list", False, None)
    assert [c["name"] for c in body["data"]] == ["Ben B", "Dev D", "Cleo C", "Ana A"]
    for item in body["data"]:
        assert_shape(item, CONTACT)


def test_delete_twice_and_patch_after(api: httpx.Client, customer: dict[str, Any]) -> None:
    contact = add(api, customer).json()
    first = api.delete(f"/contacts/{contact['display_id']}")
    assert_shape(first.json(), DELETED)
    second = api.delete(f"/contacts/{contact['id']}")
    assert (second.status_code, second.content) == (200, first.content)
    assert_error(api.get(f"/contacts/{contact['id']}"), 404, "not_found", "contact_not_found")
    assert_error(
        api.patch(f"/contacts/{contact['id']}", json={"name": "X"}),
        404,
        "not_found",
        "contact_not_found",
    )
    assert api.get(f"/customers/{customer['id']}/contacts").json()["data"] == []


@pytest.mark.parametrize(
    ("body", "code", "field", "message"),
    [
        ({"name": "M"}, "invalid_type", "email", "Required"),
        ({"email": "m@a.io"}, "invalid_type", "name", "Required"),
        ({"name": "M", "email": "not-an-email"}, "invalid_string", "email", "Invalid email"),
        ({"name": "M", "email": "m@a"}, "invalid_string", "email", "Invalid email"),
        ({"name": "M", "email": "m" * 65 + "@a.io"}, "invalid_string", "email", "Invalid email"),
        ({"name": "M", "email": "m.@a.io"}, "invalid_string", "email", "Invalid email"),
        ({"name": "M", "email": "\u017fm@a.io"}, "invalid_string", "email", "Invalid email"),
        ({"name": "M", "email": "m@a.io", "labels": ["a", "b", 3]}, "invalid_type", "labels.2",
         "Expected string, received number"),
        ({"name": "M", "email": "m@a.io", "labels": "a"}, "invalid_type", "labels",
         "Expected array, received string"),
        ({"name": "M", "email": "m@a.io", "is_primary": "yes"}, "invalid_type", "is_primary",
         "Expected boolean, received string"),
        ({"name": "M", "email": "m@a.io", "title": None}, "invalid_type", "title",
         "Expected string, received null"),
    ],
)  # fmt: skip
def test_validation(
    api: httpx.Client,
    customer: dict[str, Any],
    body: dict[str, Any],
    code: str,
    field: str,
    message: str,
) -> None:
    response = api.post(f"/customers/{customer['id']}/contacts", json=body)
    invalid(response, code, field, message)


def test_patch_is_partial(api: httpx.Client, customer: dict[str, Any], clock: FrozenClock) -> None:
    contact = add(api, customer, title="CTO", labels=["technical"]).json()
    clock.advance(1)
    updated = api.patch(
        f"/contacts/{contact['id']}", json={"labels": ["billing", "executive"]}
    ).json()
    assert updated == {
        **contact,
        "labels": ["billing", "executive"],
        "updated_at": "2026-05-26T17:21:10.412Z",
    }


# -- contacts of a deleted customer: reachable by id, in no list ---------------------------


def test_deleted_customers_contact_get_patch_delete(
    api: httpx.Client, globex_api: httpx.Client, customer: dict[str, Any], clock: FrozenClock
) -> None:
    contact = add(api, customer).json()
    api.delete(f"/customers/{customer['id']}")
    clock.advance(1)
    for ref in (contact["id"], str(contact["display_id"])):
        assert api.get(f"/contacts/{ref}").json() == contact
        # Still never visible to another workspace.
        assert_error(globex_api.get(f"/contacts/{ref}"), 404, "not_found", "contact_not_found")
    patched = api.patch(f"/contacts/{contact['display_id']}", json={"title": "CFO"})
    assert patched.status_code == 200, patched.text
    assert patched.json() == {**contact, "title": "CFO", "updated_at": "2026-05-26T17:21:10.412Z"}
    first = api.delete(f"/contacts/{contact['id']}")
    assert first.status_code == 200
    assert first.json() == {
        "object": "deleted",
        "id": contact["id"],
        "display_id": contact["display_id"],
        "deleted": True,
    }
    second = api.delete(f"/contacts/{contact['display_id']}")
    assert (second.status_code, second.content) == (200, first.content)
    # Now deleted itself: gone like any deleted contact.
    assert_error(api.get(f"/contacts/{contact['id']}"), 404, "not_found", "contact_not_found")
    assert_error(
        api.patch(f"/contacts/{contact['id']}", json={}), 404, "not_found", "contact_not_found"
    )


def test_deleted_customers_contacts_keep_the_per_customer_rules(
    api: httpx.Client, customer: dict[str, Any], sandbox: Sandbox
) -> None:
    """One primary and unique emails still hold among a deleted customer's contacts."""
    mira = add(api, customer, name="Mira A").json()
    jonah = add(api, customer, name="Jonah B").json()
    assert (mira["is_primary"], jonah["is_primary"]) == (True, False)
    api.delete(f"/customers/{customer['id']}")
    promoted = api.patch(f"/contacts/{jonah['id']}", json={"is_primary": True})
    assert promoted.json()["is_primary"] is True
    assert api.get(f"/contacts/{mira['id']}").json()["is_primary"] is False
    assert_error(
        api.patch(f"/contacts/{jonah['id']}", json={"email": "mira@aurora.com"}),
        409, "conflict", "email_taken", "email",
    )  # fmt: skip
    # The customer's list stays a 404, and a new contact cannot be added under it.
    assert_error(
        api.get(f"/customers/{customer['id']}/contacts"), 404, "not_found", "customer_not_found"
    )
    assert_error(add(api, customer, name="Late C"), 404, "not_found", "customer_not_found")
    events = list_events(sandbox.store, workspace="acme", customer=customer["id"])
    assert [e["kind"] for e in events][-2:] == ["customer.deleted", "contact.updated"]
