"""Control characters in text: the sandbox answers 400 in the API's envelope.

A NUL or an escape in a name is never meant, and a SQL text column refuses NUL; tab,
line feed and carriage return are text and stay (an export imports back exactly).
The rule is the OpenAPI document's pattern on the request bodies' strings.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sandbox_helpers import invalid

MESSAGE = "String must not contain control characters"


@pytest.fixture
def customer(api: httpx.Client) -> dict[str, Any]:
    return api.post("/customers", json={"name": "Aurora", "slug": "aurora"}).json()  # type: ignore[no-any-return]


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f"])
def test_a_control_character_in_a_name_is_a_400(api: httpx.Client, char: str) -> None:
    response = api.post("/customers", json={"name": f"Ac{char}me", "slug": "acme-ctl"})
    invalid(response, "invalid_string", "name", MESSAGE)
    slugs = [c["slug"] for c in api.get("/customers", params={"limit": 100}).json()["data"]]
    assert "acme-ctl" not in slugs


def test_in_an_update_a_label_and_a_contact_too(
    api: httpx.Client, customer: dict[str, Any]
) -> None:
    invalid(
        api.patch(f"/customers/{customer['id']}", json={"plan": "pro\x00"}),
        "invalid_string",
        "plan",
        MESSAGE,
    )
    contact = {"name": "Mira", "email": "mira@aurora.com", "labels": ["ok", "b\x01"]}
    invalid(
        api.post(f"/customers/{customer['id']}/contacts", json=contact),
        "invalid_string",
        "labels.1",
        MESSAGE,
    )


def test_tabs_and_line_breaks_are_text(api: httpx.Client) -> None:
    created = api.post("/customers", json={"name": "A\tB\r\nC", "slug": "tabbed"})
    assert created.status_code == 201, created.text
    assert created.json()["name"] == "A\tB\r\nC"
