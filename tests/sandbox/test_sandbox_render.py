"""Lists and records render byte for byte as the per-field schema walk did.

`records.renderer` renders from a column plan built once per resource, and instants
are formatted from a per-second cache; the renderer they replaced is kept here as the
oracle. Every list page and record of the demo seed (plus rows with the odd values:
non-ASCII text, stored NULLs that fall back, JSON columns with content) must come back
with exactly the bytes the oracle's page would have had.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from conftest import client_for
from pivotal_cli.domain import schema
from pivotal_cli.sandbox.data.store import fallback
from pivotal_cli.sandbox.data.timeutil import format_ms, format_us
from pivotal_cli.sandbox.engine.core import Sandbox
from pivotal_cli.sandbox.engine.protocol import encode_json
from pivotal_cli.sandbox.resources import records

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_SOURCES = {"created_at": "created_us", "updated_at": "updated_us"}


def old_instant(us: int, digits: int) -> str:
    """The instant formatting the cached one replaced."""
    m = _EPOCH + timedelta(microseconds=us)
    fraction = f"{m.microsecond:06d}"[:digits]
    return (
        f"{m.year:04d}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:{m.second:02d}"
        f".{fraction}Z"
    )


def old_render(resource: str, row: sqlite3.Row) -> dict[str, Any]:
    """The renderer the column plan replaced: the schema walked for every row."""
    rendered: dict[str, Any] = {}
    for field in schema.fields(resource, "object"):
        if field.name == "object":
            rendered["object"] = field.enum[0]
            continue
        value = row[_SOURCES.get(field.name, field.name)]
        if value is None:
            rendered[field.name] = fallback(resource, field)
        elif field.is_datetime:
            rendered[field.name] = old_instant(value, 3)
        elif field.type == "boolean":
            rendered[field.name] = bool(value)
        elif field.type in ("object", "array"):
            rendered[field.name] = json.loads(value)
        else:
            rendered[field.name] = value
    return rendered


def stored(sandbox: Sandbox, resource: str, row_id: str) -> sqlite3.Row:
    with sandbox.store.read() as tx:
        table = records.TABLES[resource]
        return tx.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,)).fetchone()


def oracle_page(sandbox: Sandbox, resource: str, page: dict[str, Any]) -> bytes:
    rows = [stored(sandbox, resource, item["id"]) for item in page["data"]]
    cursor = old_instant(rows[-1]["created_us"], 6) if page["has_more"] else None
    return encode_json(
        {
            "object": "list",
            "data": [old_render(resource, row) for row in rows],
            "has_more": page["has_more"],
            "next_cursor": cursor,
        }
    )


def walk(api: httpx.Client, path: str, check: Callable[[dict[str, Any], bytes], None]) -> int:
    """Every page of `path` at a small limit, each checked; returns the rows seen."""
    seen, cursor = 0, None
    while True:
        params = {"limit": 7, **({"cursor": cursor} if cursor else {})}
        response = api.get(path, params=params)
        assert response.status_code == 200
        page = response.json()
        check(page, response.content)
        seen += len(page["data"])
        if not page["has_more"]:
            return seen
        cursor = page["next_cursor"]


@pytest.fixture
def demo(make_sandbox: Callable[..., Sandbox]) -> Sandbox:
    sandbox = make_sandbox(seed="demo")
    api = client_for(sandbox, sandbox.key("acme", "live"))
    created = api.post(
        "/customers",
        json={
            # Text fields refuse control characters but tab, CR and LF; metadata keeps any.
            "name": "Zoë's Café \u2028 «naïve» \t\r\n",
            "slug": "zoe-cafe",
            "metadata": {
                "ключ": "значение\u0007",
                "n": 1.5,
                "nested": {"list": [1, None, True]},
            },
        },
    )
    assert created.status_code == 201, created.text
    contact = api.post(
        f"/customers/{created.json()['id']}/contacts",
        json={"name": "Ana Ñúñez", "email": "ana@example.com", "labels": ["β", "tab\there"]},
    )
    assert contact.status_code == 201, contact.text
    # A row written before its column existed holds NULL where the API shows `{}`.
    with sandbox.store.write() as tx:
        tx.execute("UPDATE customers SET metadata = NULL WHERE slug != 'zoe-cafe'")
    return sandbox


@pytest.mark.parametrize(
    ("resource", "path"), [("customer", "/customers"), ("onboarding", "/onboardings")]
)
def test_list_pages_are_the_old_bytes(demo: Sandbox, resource: str, path: str) -> None:
    api = client_for(demo, demo.key("acme", "live"))

    def check(page: dict[str, Any], body: bytes) -> None:
        assert body == oracle_page(demo, resource, page)

    assert walk(api, path, check) > 7


def test_records_and_child_lists_are_the_old_bytes(demo: Sandbox) -> None:
    api = client_for(demo, demo.key("acme", "live"))
    customers = api.get("/customers", params={"limit": 100}).json()["data"]
    checked = 0
    for customer in customers:
        one = api.get(f"/customers/{customer['id']}")
        assert one.content == encode_json(
            old_render("customer", stored(demo, "customer", customer["id"]))
        )
        for resource, child in (("contact", "contacts"), ("onboarding", "onboardings")):
            listed = api.get(f"/customers/{customer['id']}/{child}")
            assert listed.status_code == 200
            page = listed.json()
            if page["data"]:
                assert listed.content == oracle_page(demo, resource, page)
                checked += 1
    assert checked > 3


@pytest.mark.parametrize(
    "us",
    [0, 1, 999, 1_000, 1_001, -1, -1_000_001, 1_780_000_000_123_456, 253_402_300_799_999_999],
)
def test_instants_format_as_before(us: int) -> None:
    assert format_ms(us) == old_instant(us, 3)
    assert format_us(us) == old_instant(us, 6)


def test_the_first_instant_formats_as_before() -> None:
    year_one = -62_135_596_800_000_000
    assert format_ms(year_one) == old_instant(year_one, 3) == "0001-01-01T00:00:00.000Z"
