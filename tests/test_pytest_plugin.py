"""The `pivotal_sandbox` pytest plugin, used the way a project's tests use it."""

from __future__ import annotations

from pathlib import Path

import pytest

from pivotal_cli.testing.harness import PivotalSandbox

SHOP = Path(__file__).parent / "sandbox" / "scenarios" / "shop.yaml"


def test_a_running_sandbox_with_keys(pivotal_sandbox: PivotalSandbox) -> None:
    me = pivotal_sandbox.client().get("/me").json()
    assert me["mode"] == "live" and me["org_slug"] == "acme"
    test_me = pivotal_sandbox.client(pivotal_sandbox.test_key).get("/me").json()
    assert test_me["mode"] == "test"
    assert "X-RateLimit-Limit" not in pivotal_sandbox.client().get("/me").headers


@pytest.mark.parametrize("turn", [1, 2])
def test_each_test_starts_from_the_seed(pivotal_sandbox: PivotalSandbox, turn: int) -> None:
    client = pivotal_sandbox.client()
    assert client.get("/customers", params={"slug": "isolated"}).json()["data"] == []
    created = client.post("/customers", json={"name": f"Isolated {turn}", "slug": "isolated"})
    assert created.status_code == 201


@pytest.mark.pivotal_sandbox(seed="empty")
def test_empty_seed(pivotal_sandbox: PivotalSandbox) -> None:
    assert pivotal_sandbox.client().get("/customers").json()["data"] == []


@pytest.mark.pivotal_sandbox(seed="sandbox/scenarios/shop.yaml")
def test_scenario_seed(pivotal_sandbox: PivotalSandbox) -> None:
    data = pivotal_sandbox.client().get("/customers").json()["data"]
    assert [c["slug"] for c in data] == ["aurora-goods"]


@pytest.mark.pivotal_sandbox(faults="POST /customers 500=1,max=1", rate_limit=2)
def test_faults_and_rate_limit_per_test(pivotal_sandbox: PivotalSandbox) -> None:
    client = pivotal_sandbox.client()
    assert client.post("/customers", json={"name": "A"}).status_code == 500
    assert client.post("/customers", json={"name": "A"}).status_code == 201
    assert client.get("/me").status_code == 429


def test_faults_do_not_leak_into_the_next_test(pivotal_sandbox: PivotalSandbox) -> None:
    client = pivotal_sandbox.client()
    assert [client.post("/customers", json={"name": "B"}).status_code for _ in range(3)] == [
        201
    ] * 3


def test_snapshot_restore_and_seed(pivotal_sandbox: PivotalSandbox) -> None:
    client = pivotal_sandbox.client()
    pivotal_sandbox.snapshot("before")
    created = pivotal_sandbox.seed(SHOP)
    customer = created["customers"]["aurora"]
    assert client.get(f"/customers/{customer['id']}").status_code == 200
    pivotal_sandbox.restore("before")
    assert client.get(f"/customers/{customer['id']}").status_code == 404


def test_webhook_endpoint_receives_signed_deliveries(pivotal_sandbox: PivotalSandbox) -> None:
    receiver = pivotal_sandbox.webhook_endpoint(events=("customer.*",))
    pivotal_sandbox.client().post("/customers", json={"name": "Hooked"})
    (delivery,) = receiver.wait_for(1)
    assert delivery.verified and delivery.type == "customer.created"
    assert delivery.event["data"]["object"]["name"] == "Hooked"


def test_unknown_marker_arguments_are_refused(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.pivotal_sandbox(sed="empty")
        def test_typo(pivotal_sandbox):
            pass
        """
    )
    result = pytester.runpytest_inprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    assert "unknown argument(s) ['sed']" in result.stdout.str()


@pytest.mark.parametrize("turn", [1, 2])
def test_the_clock_and_the_request_log_start_afresh_each_test(
    pivotal_sandbox: PivotalSandbox, turn: int
) -> None:
    from datetime import datetime, timedelta, timezone

    assert abs(pivotal_sandbox.now() - datetime.now(timezone.utc)) < timedelta(minutes=1)
    assert pivotal_sandbox.requests() == []
    client = pivotal_sandbox.client()
    client.get("/customers", params={"limit": 1})
    pivotal_sandbox.advance("14d")
    made = client.post("/customers", json={"name": f"Later {turn}"}).json()
    created = datetime.fromisoformat(made["created_at"].replace("Z", "+00:00"))
    assert created - datetime.now(timezone.utc) > timedelta(days=13)
    assert [(r["method"], r["path"], r["status"]) for r in pivotal_sandbox.requests()] == [
        ("GET", "/api/v1/customers", 200),
        ("POST", "/api/v1/customers", 201),
    ]


def test_a_duration_the_clock_cannot_take_is_refused(pivotal_sandbox: PivotalSandbox) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        pivotal_sandbox.advance("soon")
