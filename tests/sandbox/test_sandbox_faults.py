"""Fault injection: the spec grammar, seeded and bounded draws, and each fault's effect."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from sandbox_helpers import assert_error

from pivotal_cli.sandbox.engine.core import Sandbox
from pivotal_cli.sandbox.engine.faults import FaultInjector, FaultPlan, FaultSpecError

Connect = Callable[[Sandbox, "str | None"], httpx.Client]


def test_the_documented_example_parses() -> None:
    plan = FaultPlan.parse("500=0.05,429=0.02,latency=0.1:250ms,drop=0.02,seed=7,max=100")
    assert plan == FaultPlan(
        error_500=0.05,
        error_429=0.02,
        drop=0.02,
        latency_probability=0.1,
        latency_seconds=0.25,
        seed=7,
        max_faults=100,
    )
    assert FaultPlan.parse(" latency = 1:1.5s ").latency_seconds == 1.5
    assert FaultPlan.parse("") == FaultPlan()


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("503=0.1", "expected NAME=VALUE"),
        ("500", "expected NAME=VALUE"),
        ("500=2", "between 0 and 1"),
        ("500=often", "between 0 and 1"),
        ("latency=soon", "DURATION"),
        ("503=0.1;", "expected NAME=VALUE"),
        ("latency=0.1:soon", "DURATION"),
        ("latency=3:1s", "between 0 and 1"),
        ("seed=x", "whole number"),
        ("max=-1", "whole number"),
        ("500=0.6,drop=0.6", "more than 1"),
        ("500=0.1,500=0.2", "given twice"),
    ],
)
def test_bad_specs_say_what_is_wrong(spec: str, message: str) -> None:
    with pytest.raises(FaultSpecError, match=message):
        FaultPlan.parse(spec)


def test_same_seed_same_faults() -> None:
    plan = FaultPlan.parse("500=0.3,429=0.3,drop=0.2,latency=0.5:10ms,seed=42")
    one, two = FaultInjector(plan), FaultInjector(plan)
    drawn = [one.decide() for _ in range(200)]
    assert drawn == [two.decide() for _ in range(200)]
    assert {d.outcome for d in drawn} == {None, "500", "429", "drop"}
    other = FaultInjector(FaultPlan.parse("500=0.3,429=0.3,drop=0.2,latency=0.5:10ms,seed=43"))
    assert [other.decide() for _ in range(200)] != drawn


def test_rates_roughly_match() -> None:
    injector = FaultInjector(FaultPlan.parse("500=0.25,drop=0.25,seed=1"))
    outcomes = [injector.decide().outcome for _ in range(4000)]
    assert 800 < outcomes.count("500") < 1200
    assert 800 < outcomes.count("drop") < 1200


def test_max_bounds_every_kind_of_fault() -> None:
    injector = FaultInjector(FaultPlan.parse("500=1,latency=1:5ms,max=3"))
    decisions = [injector.decide() for _ in range(10)]
    injected = sum(bool(d.latency) + bool(d.outcome) for d in decisions)
    assert injected == 3 == injector.injected
    assert decisions[-1].outcome is None and decisions[-1].latency == 0


def test_injected_500_writes_nothing(
    make_sandbox: Callable[..., Sandbox], connect: Connect
) -> None:
    sandbox = make_sandbox(faults="500=1,max=1")
    api = connect(sandbox, sandbox.key("acme", "live"))
    assert_error(
        api.post("/customers", json={"name": "A"}), 500, "internal_error", "internal_error"
    )
    assert api.get("/customers").json()["data"] == []


def test_injected_429_has_retry_after(
    make_sandbox: Callable[..., Sandbox], connect: Connect
) -> None:
    sandbox = make_sandbox(faults="429=1,max=1", rate_limit="default")
    api = connect(sandbox, sandbox.key("acme", "live"))
    response = api.get("/me")
    assert_error(response, 429, "rate_limit_error", "rate_limited")
    assert response.headers["retry-after"] == "1"
    assert "x-ratelimit-limit" in response.headers
    assert api.get("/me").status_code == 200


def test_latency_uses_the_injected_sleep(
    make_sandbox: Callable[..., Sandbox], connect: Connect, sleeps: list[float]
) -> None:
    sandbox = make_sandbox(faults="latency=1:250ms,max=2")
    api = connect(sandbox, sandbox.key("acme", "live"))
    for _ in range(3):
        assert api.get("/me").status_code == 200
    assert sleeps == [0.25, 0.25]


def test_drop_commits_then_hangs_up(make_sandbox: Callable[..., Sandbox], connect: Connect) -> None:
    sandbox = make_sandbox(faults="drop=1,max=1")
    api = connect(sandbox, sandbox.key("acme", "live"))
    with pytest.raises(httpx.RemoteProtocolError):
        api.post("/customers", json={"name": "Committed"})
    assert [c["name"] for c in api.get("/customers").json()["data"]] == ["Committed"]


def test_faults_spare_health(make_sandbox: Callable[..., Sandbox], connect: Connect) -> None:
    sandbox = make_sandbox(faults="500=1")
    assert connect(sandbox, None).get("/health").status_code == 200
