"""Keyset pagination: exact walks under one frozen instant, cursors, limits, edge pages."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from sandbox_helpers import CUSTOMER, US_INSTANT, FrozenClock, assert_list, invalid

from pivotal_cli.sandbox.engine.core import Sandbox


def create_many(sandbox: Sandbox, count: int) -> list[str]:
    """Creates `count` customers through the store, fast; returns ids newest first."""
    from pivotal_cli.sandbox.data.ids import CuidFactory
    from pivotal_cli.sandbox.data.timeutil import to_us
    from pivotal_cli.sandbox.resources import customers

    ids = CuidFactory()
    now = to_us(sandbox.clock())
    with sandbox.store.write() as tx:
        workspace = tx.execute("SELECT id FROM workspaces WHERE slug = 'acme'").fetchone()[0]
        rows = [
            customers.insert(tx, workspace, {"name": f"C{n}"}, ids=ids, created_us=now)
            for n in range(count)
        ]
    return [row["id"] for row in reversed(rows)]


def walk(api: httpx.Client, path: str, **params: str | int) -> list[dict[str, object]]:
    seen: list[dict[str, object]] = []
    cursor = None
    while True:
        query = dict(params, **({"cursor": cursor} if cursor else {}))
        page = api.get(path, params=query).json()
        if path == "/customers":
            assert_list(page, CUSTOMER)
        seen.extend(page["data"])
        if not page["has_more"]:
            assert page["next_cursor"] is None
            return seen
        assert US_INSTANT.fullmatch(page["next_cursor"])
        cursor = page["next_cursor"]


def test_250_rows_in_one_instant_walk_exactly_once(sandbox: Sandbox, api: httpx.Client) -> None:
    expected = create_many(sandbox, 250)
    seen = walk(api, "/customers", limit=7)
    assert [c["id"] for c in seen] == expected
    # Objects show milliseconds: all 250 share one shown instant.
    assert {c["created_at"] for c in seen} == {"2026-05-26T17:21:09.412Z"}


def test_created_at_is_unique_per_workspace_and_table(sandbox: Sandbox, api: httpx.Client) -> None:
    create_many(sandbox, 5)
    with sandbox.store.read() as tx:
        stamps = [r[0] for r in tx.execute("SELECT created_us FROM customers ORDER BY created_us")]
    assert stamps == list(range(stamps[0], stamps[0] + 5))


def test_same_instant_walk_through_the_api(api: httpx.Client, clock: FrozenClock) -> None:
    created = [api.post("/customers", json={"name": f"C{n}"}).json()["id"] for n in range(12)]
    assert [c["id"] for c in walk(api, "/customers", limit=5)] == created[::-1]


def test_a_millisecond_cursor_means_strictly_older(
    sandbox: Sandbox, api: httpx.Client, clock: FrozenClock
) -> None:
    old = api.post("/customers", json={"name": "Old"}).json()
    clock.advance(0.0005)  # 17:21:09.412845: same shown millisecond
    api.post("/customers", json={"name": "Same ms"})
    page = api.get("/customers", params={"cursor": "2026-05-26T17:21:09.412Z"}).json()
    assert page["data"] == []
    page = api.get("/customers", params={"cursor": "2026-05-26T17:21:09.412500Z"}).json()
    assert [c["id"] for c in page["data"]] == [old["id"]]
    page = api.get("/customers", params={"cursor": "2026-05-26T19:21:09.413+02:00"}).json()
    assert len(page["data"]) == 2


def test_empty_page(api: httpx.Client) -> None:
    assert api.get("/customers").json() == {
        "object": "list",
        "data": [],
        "has_more": False,
        "next_cursor": None,
    }


def test_last_page_of_exactly_limit_rows(sandbox: Sandbox, api: httpx.Client) -> None:
    create_many(sandbox, 10)
    first = api.get("/customers", params={"limit": 5}).json()
    assert first["has_more"] is True
    last = api.get("/customers", params={"limit": 5, "cursor": first["next_cursor"]}).json()
    assert (len(last["data"]), last["has_more"], last["next_cursor"]) == (5, False, None)
    whole = api.get("/customers", params={"limit": 10}).json()
    assert (len(whole["data"]), whole["has_more"]) == (10, False)


def test_default_and_maximum_limit(sandbox: Sandbox, api: httpx.Client) -> None:
    create_many(sandbox, 120)
    assert len(api.get("/customers").json()["data"]) == 25
    assert len(api.get("/customers", params={"limit": "100"}).json()["data"]) == 100


@pytest.mark.parametrize(
    ("limit", "code", "message"),
    [
        ("0", "too_small", "Number must be greater than or equal to 1"),
        ("-3", "too_small", "Number must be greater than or equal to 1"),
        ("101", "too_big", "Number must be less than or equal to 100"),
        ("abc", "invalid_type", "Expected number, received nan"),
        ("", "invalid_type", "Expected number, received nan"),
        ("2.5", "invalid_type", "Expected integer, received float"),
    ],
)
@pytest.mark.parametrize("path", ["/customers", "/onboardings"])
def test_bad_limit(api: httpx.Client, path: str, limit: str, code: str, message: str) -> None:
    invalid(api.get(path, params={"limit": limit}), code, "limit", message)


@pytest.mark.parametrize("cursor", ["garbage", "2026-13-01T00:00:00Z", "1748275869", "2026-05-20"])
@pytest.mark.parametrize("path", ["/customers", "/onboardings"])
def test_bad_cursor(api: httpx.Client, path: str, cursor: str) -> None:
    invalid(
        api.get(path, params={"cursor": cursor}), "invalid_string", "cursor", "Invalid datetime"
    )


def test_onboardings_paginate_the_same_way(
    api: httpx.Client, make_sandbox: Callable[..., Sandbox]
) -> None:
    customer = api.post("/customers", json={"name": "A"}).json()
    made = [
        api.post("/onboardings", json={"customer_id": customer["id"]}).json()["id"]
        for _ in range(9)
    ]
    seen = walk(api, "/onboardings", limit=4)
    assert [o["id"] for o in seen] == made[::-1]


def test_list_queries_use_the_keyset_index(sandbox: Sandbox, api: httpx.Client) -> None:
    statements: list[str] = []
    sandbox.store._conn.set_trace_callback(statements.append)
    try:
        api.get("/customers", params={"limit": 3, "cursor": "2026-05-26T00:00:00Z"})
    finally:
        sandbox.store._conn.set_trace_callback(None)
    query = next(s for s in statements if s.startswith("SELECT * FROM customers"))
    assert "OFFSET" not in query.upper()
    with sandbox.store.read() as tx:
        plan = " ".join(str(tuple(row)) for row in tx.execute("EXPLAIN QUERY PLAN " + query))
    assert "customers_visible" in plan
