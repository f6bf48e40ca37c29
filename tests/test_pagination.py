"""`api.pagination.iter_items`: the one cursor walker, against pytest-httpx.

It follows `next_cursor` until `has_more` is false (trusting the flag, not the page
size), passes `limit` on every page, treats a list without `has_more` as one page
(the contacts shape, docs/api-choices.md item 7), and stops when a server hands back a cursor
it already gave, instead of looping forever.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pytest_httpx import HTTPXMock

from pivotal_cli.client.http import Client
from pivotal_cli.client.pagination import MAX_PAGE, iter_items
from pivotal_cli.errors import ServerError

API = "https://my.pivotal.app/api/v1"
KEY = "pivotal_test_FAKEfakeFAKEfake0000000000000000"
TLS = ssl.create_default_context()


@pytest.fixture
def client() -> Iterator[Client]:
    with Client(
        API, KEY, transport=httpx.HTTPTransport(verify=TLS), sleep=lambda _: None
    ) as client:
        yield client


def page(ids: list[int], next_cursor: str | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "object": "list",
        "data": [{"object": "customer", "display_id": i} for i in ids],
        "has_more": next_cursor is not None,
        "next_cursor": next_cursor,
    }
    body.update(extra)
    return body


def params(mock: HTTPXMock) -> list[dict[str, str]]:
    return [dict(r.url.params) for r in mock.get_requests()]


def test_walks_every_page_following_next_cursor(httpx_mock: HTTPXMock, client: Client) -> None:
    httpx_mock.add_response(json=page([5, 4], "2026-05-20T14:08:11.000Z"))
    httpx_mock.add_response(json=page([3, 2], "2026-05-19T22:41:03.000Z"))
    httpx_mock.add_response(json=page([1]))

    items = list(iter_items(client, "/customers", {"status": "active"}, page_size=2))

    assert [i["display_id"] for i in items] == [5, 4, 3, 2, 1]
    assert params(httpx_mock) == [
        {"status": "active", "limit": "2"},
        {"status": "active", "limit": "2", "cursor": "2026-05-20T14:08:11.000Z"},
        {"status": "active", "limit": "2", "cursor": "2026-05-19T22:41:03.000Z"},
    ]
    assert {r.url.path for r in httpx_mock.get_requests()} == {"/api/v1/customers"}


def test_default_page_size_is_the_maximum(httpx_mock: HTTPXMock, client: Client) -> None:
    httpx_mock.add_response(json=page([1]))

    list(iter_items(client, "/onboardings"))

    assert params(httpx_mock) == [{"limit": str(MAX_PAGE)}]
    assert MAX_PAGE == 100


def test_a_starting_cursor_is_sent_on_the_first_page(httpx_mock: HTTPXMock, client: Client) -> None:
    httpx_mock.add_response(json=page([1]))

    list(iter_items(client, "/customers", cursor="2026-01-01T00:00:00.000Z"))

    assert params(httpx_mock)[0]["cursor"] == "2026-01-01T00:00:00.000Z"


def test_is_lazy_one_page_at_a_time(httpx_mock: HTTPXMock, client: Client) -> None:
    httpx_mock.add_response(json=page([2], "c1"))

    items = iter_items(client, "/customers")
    assert next(items)["display_id"] == 2

    assert len(httpx_mock.get_requests()) == 1  # the second page was not fetched yet


def test_a_full_last_page_with_has_more_false_ends_the_walk(
    httpx_mock: HTTPXMock, client: Client
) -> None:
    # Trust the flag, not the count: a page of exactly `limit` items can be the last.
    httpx_mock.add_response(json=page([2, 1]) | {"next_cursor": "2026-01-01T00:00:00.000Z"})

    assert len(list(iter_items(client, "/customers", page_size=2))) == 2
    assert len(httpx_mock.get_requests()) == 1


def test_a_list_without_has_more_is_one_page(httpx_mock: HTTPXMock, client: Client) -> None:
    # ContactList is only {object, data}.
    httpx_mock.add_response(json={"object": "list", "data": [{"id": "a"}, {"id": "b"}]})

    items = list(iter_items(client, "/customers/42/contacts"))

    assert [i["id"] for i in items] == ["a", "b"]
    assert len(httpx_mock.get_requests()) == 1


def test_has_more_without_a_cursor_stops(httpx_mock: HTTPXMock, client: Client) -> None:
    httpx_mock.add_response(json={"object": "list", "data": [{"id": "a"}], "has_more": True})

    assert len(list(iter_items(client, "/customers"))) == 1
    assert len(httpx_mock.get_requests()) == 1


def test_a_server_repeating_the_same_cursor_does_not_loop_forever(
    httpx_mock: HTTPXMock, client: Client
) -> None:
    httpx_mock.add_response(json=page([1], "stuck"), is_reusable=True)

    items = list(iter_items(client, "/customers"))

    requests = httpx_mock.get_requests()
    assert len(requests) == 2
    assert len(items) == 2
    assert params(httpx_mock)[1]["cursor"] == "stuck"


def test_a_cursor_cycle_longer_than_one_page_also_ends(
    httpx_mock: HTTPXMock, client: Client
) -> None:
    httpx_mock.add_response(json=page([3], "a"))
    httpx_mock.add_response(json=page([2], "b"))
    httpx_mock.add_response(json=page([1], "a"))

    assert len(list(iter_items(client, "/customers"))) == 3
    assert len(httpx_mock.get_requests()) == 3


def test_an_empty_list_yields_nothing(httpx_mock: HTTPXMock, client: Client) -> None:
    httpx_mock.add_response(
        json={"object": "list", "data": [], "has_more": False, "next_cursor": None}
    )

    assert list(iter_items(client, "/customers")) == []
    assert len(httpx_mock.get_requests()) == 1


@pytest.mark.parametrize(
    "body", [{"object": "customer", "id": "x"}, [], {"data": None}], ids=["object", "array", "null"]
)
def test_an_answer_that_is_not_a_list_is_a_readable_error(
    httpx_mock: HTTPXMock, client: Client, body: Any
) -> None:
    httpx_mock.add_response(json=body)

    with pytest.raises(ServerError, match="GET /customers did not return a list"):
        list(iter_items(client, "/customers"))
