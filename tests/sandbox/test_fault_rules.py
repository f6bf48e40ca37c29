"""Fault rules per route: `METHOD PATTERN items` separated by `;`, first match wins."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from sandbox_helpers import assert_error

from pivotal_cli.sandbox.engine.core import Sandbox
from pivotal_cli.sandbox.engine.faults import FaultInjector, FaultRules, FaultSpecError

Connect = Callable[[Sandbox, "str | None"], httpx.Client]


def test_rules_parse_in_order_with_the_global_items() -> None:
    rules = FaultRules.parse(
        "seed=7,500=0.1; POST /customers 500=0.2; * /onboardings/* latency=300ms;"
        " GET /api/v1/customers/** 404=1,max=3"
    )
    assert rules.plan.seed == 7 and rules.plan.error_500 == 0.1
    assert [(r.method, r.pattern) for r in rules.routes] == [
        ("POST", ("customers",)),
        ("*", ("onboardings", "*")),
        ("GET", ("customers", "**")),
    ]
    assert rules.routes[1].plan.latency_probability == 1.0
    assert rules.routes[1].plan.latency_seconds == 0.3
    assert rules.routes[2].plan.others == (("404", 1.0),)


@pytest.mark.parametrize(
    ("method", "path", "pattern", "matched"),
    [
        ("POST", "/api/v1/customers", "POST /customers", True),
        ("POST", "/api/v1/customers/", "POST /customers", True),
        ("GET", "/api/v1/customers", "POST /customers", False),
        ("PATCH", "/api/v1/onboardings/12", "* /onboardings/*", True),
        ("GET", "/api/v1/onboardings", "* /onboardings/*", False),
        ("GET", "/api/v1/customers/4/contacts", "GET /customers/*", False),
        ("GET", "/api/v1/customers/4/contacts?limit=2", "GET /customers/**", True),
        ("DELETE", "/api/v1/me", "* *", True),
    ],
)
def test_patterns(method: str, path: str, pattern: str, matched: bool) -> None:
    (rule,) = FaultRules.parse(pattern + " 500=1").routes
    assert rule.matches(method, path) is matched


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("POST /customers 500=2", "fault rule 'POST /customers 500=2': 500=2"),
        ("GET /customers 418=1", "fault rule 'GET /customers 418=1'"),
        ("GET /customers seed=3", "seed= goes with the global faults"),
        ("500=0.1; 429=0.1", "global faults are given twice"),
        ("* /x 500=0.6,404=0.6", "more than 1"),
    ],
)
def test_a_bad_rule_is_named(spec: str, words: str) -> None:
    with pytest.raises(FaultSpecError, match=words.replace("*", r"\*")):
        FaultRules.parse(spec)


def test_first_matching_rule_decides_and_others_fall_to_the_global_items() -> None:
    injector = FaultInjector(FaultRules.parse("429=1; POST /customers 500=1; POST /** drop=1"))
    assert injector.decide("POST", "/api/v1/customers").outcome == "500"
    assert injector.decide("POST", "/api/v1/contacts").outcome == "drop"
    assert injector.decide("GET", "/api/v1/customers").outcome == "429"


def test_same_seed_same_route_faults() -> None:
    spec = "seed=3; POST /customers 500=0.5; GET /** 404=0.3,latency=0.5:1ms"
    one, two = FaultInjector(FaultRules.parse(spec)), FaultInjector(FaultRules.parse(spec))
    calls = [("POST", "/api/v1/customers"), ("GET", "/api/v1/customers/1")] * 50
    drawn = [one.decide(m, p) for m, p in calls]
    assert drawn == [two.decide(m, p) for m, p in calls]
    assert {d.outcome for d in drawn} == {None, "500", "404"}


def test_a_rule_max_bounds_that_rule_only(
    make_sandbox: Callable[..., Sandbox], connect: Connect
) -> None:
    sandbox = make_sandbox(faults="GET /customers/* 404=1,max=3; GET /me 500=1")
    api = connect(sandbox, sandbox.key("acme", "live"))
    display_id = api.post("/customers", json={"name": "Kept"}).json()["display_id"]
    codes = [api.get(f"/customers/{display_id}").status_code for _ in range(5)]
    assert codes == [404, 404, 404, 200, 200]
    assert_error(api.get("/me"), 500, "internal_error", "internal_error")
    assert api.get("/customers").status_code == 200  # no rule matches the list


def test_injected_404_names_the_resource(
    make_sandbox: Callable[..., Sandbox], connect: Connect
) -> None:
    sandbox = make_sandbox(faults="* /onboardings/* 404=1")
    api = connect(sandbox, sandbox.key("acme", "live"))
    assert_error(api.patch("/onboardings/1", json={}), 404, "not_found", "onboarding_not_found")


def test_a_429_storm_carries_the_real_headers_once(
    make_sandbox: Callable[..., Sandbox], connect: Connect
) -> None:
    sandbox = make_sandbox(faults="POST /customers 429=1,max=2,retry_after=5", rate_limit=60)
    api = connect(sandbox, sandbox.key("acme", "live"))
    for _ in range(2):
        response = api.post("/customers", json={"name": "Storm"})
        assert_error(response, 429, "rate_limit_error", "rate_limited")
        assert response.json()["error"]["message"] == "Rate limit exceeded. Retry after 5 seconds."
        assert response.headers.get_list("Retry-After") == ["5"]
        assert response.headers.get_list("X-RateLimit-Remaining") == ["0"]
        assert response.headers.get_list("X-RateLimit-Limit") == ["60"]
        reset = int(response.headers["X-RateLimit-Reset"])
        assert reset == int(sandbox.clock().timestamp()) + 5
    assert api.post("/customers", json={"name": "After"}).status_code == 201


def test_inflight_answers_posts_with_a_key_only(
    make_sandbox: Callable[..., Sandbox], connect: Connect
) -> None:
    sandbox = make_sandbox(faults="POST /customers inflight=1,max=1")
    api = connect(sandbox, sandbox.key("acme", "live"))
    assert api.post("/customers", json={"name": "No key"}).status_code == 201
    keyed = {"Idempotency-Key": "k-1"}
    busy = api.post("/customers", json={"name": "Keyed"}, headers=keyed)
    assert_error(busy, 409, "conflict", "idempotency_key_in_flight")
    # The refusal freed the key: the retry a client makes goes through, once.
    created = api.post("/customers", json={"name": "Keyed"}, headers=keyed)
    assert created.status_code == 201
    replay = api.post("/customers", json={"name": "Keyed"}, headers=keyed)
    assert replay.headers["Idempotent-Replay"] == "true"
