"""Naming customers at the floor: the index when fresh, else the cheaper of per-id and a walk.

`CustomerNames` against a fake API (an httpx MockTransport serving a list of customers,
newest first, in pages, and each by id) that records every request, so each test
proves what was sent. Also the request count behind `--cost`.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pivotal_cli.client.customer_names import FRESH_FOR, CustomerNames
from pivotal_cli.client.http import Client
from pivotal_cli.client.request_count import RequestCount, path_template

BASE = "https://my.pivotal.app/api/v1"
KEY = "pivotal_test_FAKEfakeFAKEfake0000000000000000"


class FakeAPI:
    """`customers` customers (cus_0 newest); `remaining` sets X-RateLimit-Remaining."""

    def __init__(self, customers: int, remaining: int | None = None, limit: int = 60) -> None:
        self.customers = [{"id": f"cus_{n}", "name": f"Customer {n}"} for n in range(customers)]
        self.remaining = remaining
        self.limit = limit
        self.sent: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/v1")
        self.sent.append(path + (f"?{request.url.query.decode()}" if request.url.query else ""))
        headers = {}
        if self.remaining is not None:
            self.remaining -= 1
            headers = {
                "X-RateLimit-Limit": str(self.limit),
                "X-RateLimit-Remaining": str(self.remaining),
                "X-RateLimit-Reset": "9999999999",
            }
        if path == "/customers":
            start = int(request.url.params.get("cursor") or 0)
            size = int(request.url.params["limit"])
            page = self.customers[start : start + size]
            more = start + size < len(self.customers)
            body: dict[str, Any] = {
                "object": "list",
                "data": [{"object": "customer", **c} for c in page],
                "has_more": more,
                "next_cursor": str(start + size) if more else None,
            }
            return httpx.Response(200, json=body, headers=headers)
        wanted = path.removeprefix("/customers/")
        for customer in self.customers:
            if customer["id"] == wanted:
                return httpx.Response(200, json={"object": "customer", **customer}, headers=headers)
        error = {"error": {"type": "not_found", "code": "customer_not_found", "message": "No."}}
        return httpx.Response(404, json=error, headers=headers)

    def client(self) -> Client:
        return Client(BASE, KEY, transport=httpx.MockTransport(self), sleep=lambda s: None)


def ids(*numbers: int) -> list[str]:
    return [f"cus_{n}" for n in numbers]


def test_a_few_missing_ids_are_looked_up_one_by_one() -> None:
    api = FakeAPI(500)
    names = CustomerNames(api.client())
    # 500 customers seen: a walk would cost 5 pages, 3 lookups cost 3.
    names.prefetch(ids(10, 250, 499), customers_seen=500)
    assert api.sent == ["/customers/cus_10", "/customers/cus_250", "/customers/cus_499"]
    assert names("cus_250") == "Customer 250"
    assert len(api.sent) == 3  # asked once


def test_many_missing_ids_are_named_by_one_walk_that_stops_when_all_are_found() -> None:
    api = FakeAPI(1_000)
    names = CustomerNames(api.client())
    names.prefetch(ids(*range(0, 250)), customers_seen=1_000)
    assert api.sent == [
        "/customers?limit=100",
        "/customers?limit=100&cursor=100",
        "/customers?limit=100&cursor=200",
    ]
    assert names("cus_249") == "Customer 249"
    assert names("cus_5") == "Customer 5"


def test_an_id_a_whole_walk_did_not_meet_is_unnamed_without_a_lookup() -> None:
    api = FakeAPI(50)
    names = CustomerNames(api.client())
    names.prefetch([*ids(*range(0, 20)), "cus_gone"])
    assert api.sent == ["/customers?limit=100"]  # the whole list: cus_gone is not in it
    assert names("cus_gone") is None and names("cus_3") == "Customer 3"
    assert len(api.sent) == 1


def test_a_later_look_names_a_customer_made_after_a_whole_walk() -> None:
    api = FakeAPI(30)
    names = CustomerNames(api.client())
    names.prefetch(ids(*range(0, 10)))
    assert api.sent == ["/customers?limit=100"]
    api.customers.insert(0, {"id": "cus_new", "name": "Newest"})
    names.prefetch([*ids(*range(0, 10)), "cus_new"])  # the next dash refresh
    assert names("cus_new") == "Newest"
    assert api.sent[1:] == ["/customers/cus_new"]  # one lookup: no dearer than a page


def test_a_low_estimate_switches_to_lookups_once_the_missing_are_few() -> None:
    api = FakeAPI(1_000)
    names = CustomerNames(api.client())
    # Nothing says how many customers there are: one page is the estimate.
    names.prefetch(ids(*range(0, 99), 998))
    assert api.sent == ["/customers?limit=100", "/customers/cus_998"]
    assert names("cus_998") == "Customer 998"


def test_a_fresh_index_answers_without_a_request_and_a_stale_one_does_not() -> None:
    api = FakeAPI(50)
    fresh = CustomerNames(api.client(), index={"cus_1": "Indexed"}, index_age=FRESH_FOR - 1)
    fresh.prefetch(ids(1))
    assert fresh("cus_1") == "Indexed" and api.sent == []
    stale = CustomerNames(api.client(), index={"cus_1": "Indexed"}, index_age=FRESH_FOR + 1)
    stale.prefetch(ids(1))
    assert stale("cus_1") == "Customer 1" and api.sent == ["/customers/cus_1"]


def test_a_stale_index_still_sizes_the_walk() -> None:
    api = FakeAPI(400)
    index = {f"cus_{n}": "old" for n in range(400)}
    names = CustomerNames(api.client(), index=index, index_age=FRESH_FOR * 10)
    names.prefetch(ids(*range(0, 30)))  # 30 lookups against a 4-page walk: walk
    assert api.sent == ["/customers?limit=100"]
    names2 = CustomerNames(api.client(), index=index, index_age=FRESH_FOR * 10)
    api.sent.clear()
    names2.prefetch(ids(300, 301, 302))  # 3 lookups against 4 pages: lookups
    assert api.sent == ["/customers/cus_300", "/customers/cus_301", "/customers/cus_302"]


def test_a_walk_refreshes_the_index_with_what_it_saw() -> None:
    api = FakeAPI(120)
    remembered: list[list[dict[str, Any]]] = []
    names = CustomerNames(api.client(), remember=remembered.append)
    names.prefetch(ids(*range(0, 10)))
    assert [len(batch) for batch in remembered] == [100]
    assert remembered[0][0]["id"] == "cus_0"


def test_names_never_spend_the_last_tenth_of_the_budget() -> None:
    api = FakeAPI(300, remaining=9, limit=60)
    client = api.client()
    client.get("/customers?limit=1")  # the bucket is now known: 8 of 60 left
    names = CustomerNames(client)
    names.prefetch(ids(1, 2, 3, 4), customers_seen=1_000)
    # Two lookups bring it to 6, a tenth of 60, and the rest stay ids.
    assert api.sent[1:] == ["/customers/cus_1", "/customers/cus_2"]
    assert names("cus_1") == "Customer 1" and names("cus_4") is None
    assert len(api.sent) == 3  # a draw asks again: no request
    api.remaining = 60  # the window reset, as the next answer says
    client.get("/customers?limit=1")
    names.prefetch(ids(4))
    assert api.sent[-1] == "/customers/cus_4" and names("cus_4") == "Customer 4"


def test_the_worst_cost_is_the_cheaper_way() -> None:
    api = FakeAPI(0)
    names = CustomerNames(api.client())
    assert names.worst_cost([]) == 0
    assert names.worst_cost(ids(1, 2)) == 1  # at least a page; 2 lookups cost more
    names.prefetch([], customers_seen=1_000)
    assert names.worst_cost(ids(1, 2)) == 2
    assert names.worst_cost(ids(*range(50))) == 10


def test_rows_passing_through_tee_are_named_together() -> None:
    api = FakeAPI(1_000)
    names = CustomerNames(api.client())
    rows = [{"customer_id": f"cus_{n}"} for n in range(5)]
    assert list(names.tee(rows)) == rows
    assert names("cus_0") == "Customer 0"  # the first draw names the chunk
    assert api.sent == ["/customers?limit=100"]
    assert [names(f"cus_{n}") for n in range(5)] == [f"Customer {n}" for n in range(5)]
    assert len(api.sent) == 1


@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("/customers", "/customers"),
        ("/customers?limit=100&cursor=abc", "/customers"),
        ("/customers/cus_1", "/customers/{id}"),
        ("/customers/cus_1/contacts/42", "/customers/{id}/contacts/{id}"),
        ("/onboardings/7/transitions", "/onboardings/{id}/transitions"),
        ("/me", "/me"),
    ],
)
def test_paths_are_counted_with_ids_folded(path: str, template: str) -> None:
    assert path_template(path) == template


def test_the_count_line() -> None:
    count = RequestCount()
    assert count.summary() == "0 requests"
    count.add("get", "/customers/cus_1")
    assert count.summary() == "1 request (1 GET /customers/{id})"
    for page in ("/onboardings?limit=100", "/onboardings?limit=100&cursor=x"):
        count.add("GET", page)
    assert count.total == 3
    assert count.summary() == "3 requests (2 GET /onboardings, 1 GET /customers/{id})"


def test_the_client_counts_every_attempt_retries_included() -> None:
    answers = iter([httpx.Response(503), httpx.Response(200, json={"ok": True})])
    client = Client(
        BASE, KEY, transport=httpx.MockTransport(lambda r: next(answers)), sleep=lambda s: None
    )
    client.get("/health")
    assert client.requests.summary() == "2 requests (2 GET /health)"
