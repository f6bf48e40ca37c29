"""Authentication, key storage, /me, and workspace isolation."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

import httpx
import pytest
from sandbox_helpers import assert_error

from pivotal_cli.sandbox.data.keys import generate_key, parse_key
from pivotal_cli.sandbox.engine import auth
from pivotal_cli.sandbox.engine.core import Sandbox

Connect = Callable[[Sandbox, "str | None"], httpx.Client]


def test_key_formats() -> None:
    live, test = generate_key("live"), generate_key("test")
    assert re.fullmatch(r"pivotal_[A-Za-z0-9]{32}", live)
    assert re.fullmatch(r"pivotal_test_[A-Za-z0-9]{32}", test)
    assert parse_key(live) == ("live", live[:12])
    assert parse_key(test) == ("test", test[:17])
    assert parse_key("pivotal_short") is None


def test_missing_key(anonymous: httpx.Client) -> None:
    response = anonymous.get("/me")
    assert_error(response, 401, "authentication_error", "missing_api_key")
    assert "x-ratelimit-limit" not in response.headers


def test_empty_header_counts_as_missing(anonymous: httpx.Client) -> None:
    response = anonymous.get("/me", headers={"Authorization": ""})
    assert_error(response, 401, "authentication_error", "missing_api_key")


@pytest.mark.parametrize(
    "header",
    [
        "{key}",  # no Bearer
        "Bearer: {key}",  # extra colon
        "Token {key}",
        "Bearer {key} extra",
        "Bearer pivotal_tooshort",
        "Bearer sk_live_abcdefabcdefabcdefabcdefabcdefab",
        "Bearer pivotal_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  # well-formed, unknown
    ],
)
def test_malformed_or_unknown_key(sandbox: Sandbox, anonymous: httpx.Client, header: str) -> None:
    value = header.format(key=sandbox.key("acme", "live"))
    response = anonymous.get("/me", headers={"Authorization": value})
    assert_error(response, 401, "authentication_error", "invalid_api_key")


def test_lowercase_bearer_is_accepted(sandbox: Sandbox, anonymous: httpx.Client) -> None:
    key = sandbox.key("acme", "live")
    assert anonymous.get("/me", headers={"Authorization": f"bearer {key}"}).status_code == 200


def test_revoked_key(sandbox: Sandbox, connect: Connect) -> None:
    client = connect(sandbox, sandbox.key("acme", "test", revoked=True))
    assert_error(client.get("/me"), 401, "authentication_error", "api_key_revoked")


def test_revocation_applies_at_once_despite_the_cache(sandbox: Sandbox, api: httpx.Client) -> None:
    assert api.get("/me").status_code == 200
    with sandbox.store.write() as tx:
        tx.execute("UPDATE api_keys SET revoked_us = 1 WHERE name = 'sandbox-live'")
    assert_error(api.get("/me"), 401, "authentication_error", "api_key_revoked")


def test_keys_are_stored_only_as_pbkdf2_hashes(sandbox: Sandbox) -> None:
    with sandbox.store.read() as tx:
        rows = {row["name"]: row for row in tx.execute("SELECT * FROM api_keys")}
        dump = "\n".join(tx.iterdump())
    for entry in sandbox.keys:
        assert entry.key not in dump
        row = rows[entry.name]
        expected = hashlib.pbkdf2_hmac(
            "sha256", entry.key.encode(), bytes.fromhex(row["salt"]), row["iterations"]
        )
        assert row["digest"] == expected.hex()
        assert row["prefix"] == parse_key(entry.key)[1]  # type: ignore[index]


def test_pbkdf2_runs_once_per_key(api: httpx.Client, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = auth.verify_key
    monkeypatch.setattr(
        auth, "verify_key", lambda key, stored: calls.append(key) or real(key, stored)
    )
    for _ in range(5):
        assert api.get("/me").status_code == 200
    assert len(calls) == 1


def test_me_live(sandbox: Sandbox, api: httpx.Client) -> None:
    key = sandbox.key("acme", "live")
    body = api.get("/me").json()
    assert body == {
        "object": "me",
        "api_key": {
            "id": body["api_key"]["id"],
            "name": "sandbox-live",
            "prefix": key[:12],
            "scopes": ["*"],
            "rate_limit_tier": "default",
        },
        "organization": {
            "id": body["organization"]["id"],
            "slug": "acme",
            "name": "Acme Outfitters Co.",
        },
        "mode": "live",
        # The Quickstart's flat shape, the same values again (docs/api-choices.md item 1).
        "key_name": "sandbox-live",
        "key_prefix": key[:12],
        "org_id": body["organization"]["id"],
        "org_slug": "acme",
    }


def test_me_test_mode(sandbox: Sandbox, test_api: httpx.Client) -> None:
    body = test_api.get("/me").json()
    assert body["mode"] == "test"
    assert body["api_key"]["prefix"] == sandbox.key("acme", "test")[:17]
    assert body["api_key"]["prefix"].startswith("pivotal_test_")
    assert body["api_key"]["rate_limit_tier"] == "test"
    assert body["api_key"]["name"] == "sandbox-test"
    assert (body["key_name"], body["key_prefix"]) == ("sandbox-test", body["api_key"]["prefix"])
    assert (body["org_id"], body["org_slug"]) == (body["organization"]["id"], "acme")


def test_workspaces_never_see_each_other(api: httpx.Client, globex_api: httpx.Client) -> None:
    mine = api.post("/customers", json={"name": "Aurora", "slug": "aurora"}).json()
    theirs = globex_api.post("/customers", json={"name": "Aurora", "slug": "aurora"}).json()
    assert mine["display_id"] == theirs["display_id"] == 1  # sequences are per workspace
    assert mine["id"] != theirs["id"]
    assert_error(globex_api.get(f"/customers/{mine['id']}"), 404, "not_found", "customer_not_found")
    assert_error(
        globex_api.delete(f"/customers/{mine['id']}"), 404, "not_found", "customer_not_found"
    )
    contact = api.post(f"/customers/{mine['id']}/contacts", json={"name": "M", "email": "m@a.io"})
    assert_error(
        globex_api.get(f"/contacts/{contact.json()['id']}"), 404, "not_found", "contact_not_found"
    )
    onboarding = api.post("/onboardings", json={"customer_id": mine["id"]}).json()
    assert_error(
        globex_api.get(f"/onboardings/{onboarding['id']}"), 404, "not_found", "onboarding_not_found"
    )
    assert_error(
        globex_api.post("/onboardings", json={"customer_id": mine["id"]}),
        404, "not_found", "customer_not_found",
    )  # fmt: skip
    assert [c["id"] for c in globex_api.get("/customers").json()["data"]] == [theirs["id"]]
    assert globex_api.get("/onboardings").json()["data"] == []


def test_live_and_test_keys_share_the_workspace(api: httpx.Client, test_api: httpx.Client) -> None:
    created = test_api.post("/customers", json={"name": "From test"}).json()
    assert api.get(f"/customers/{created['id']}").status_code == 200
