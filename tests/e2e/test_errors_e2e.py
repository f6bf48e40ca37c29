"""Errors end to end: the exit code, the one line on stderr, and what was (not) sent.

404s for every resource, 409 conflicts with their hints, 400s from the server naming
the field, local validation that fails before any request (proved with `--verbose`,
which logs every request), 401s for revoked and unknown keys without ever printing the
key, workspace isolation, and 429s: ridden out when `Retry-After` allows (a fake clock
shared by the server and the client's sleep, so nothing really waits), paced away on a
long walk, exit 7 when the retries run out. Last, the sandbox's fault injection: a
create whose answer is lost is retried without a duplicate, 500s are retried, then
reported with exit 8, as is a server that cannot be reached.
"""

from __future__ import annotations

import json

import httpx
import pytest

from pivotal_cli.domain.api_keys import key_prefix
from pivotal_cli.sandbox.adapters.testing import running_server

UNKNOWN_CUID = "c" + "0" * 24

# -- 404 ------------------------------------------------------------------------------

NOT_FOUND = [
    (("customers", "get", "{ref}"), "customer_not_found"),
    (("customers", "update", "{ref}", "--plan", "plus"), "customer_not_found"),
    (("customers", "delete", "{ref}", "--yes"), "customer_not_found"),
    (("customers", "open", "{ref}", "--print"), "customer_not_found"),
    (("contacts", "list", "{ref}"), "customer_not_found"),
    (("contacts", "get", "{ref}"), "contact_not_found"),
    (("contacts", "update", "{ref}", "--title", "CTO"), "contact_not_found"),
    (("contacts", "delete", "{ref}", "--yes"), "contact_not_found"),
    (("onboardings", "get", "{ref}"), "onboarding_not_found"),
    (("onboardings", "update", "{ref}", "--notes", "x"), "onboarding_not_found"),
    (("onboardings", "delete", "{ref}", "--yes"), "onboarding_not_found"),
    (("onboardings", "advance", "{ref}"), "onboarding_not_found"),
    (("onboardings", "back", "{ref}"), "onboarding_not_found"),
    (("onboardings", "pause", "{ref}"), "onboarding_not_found"),
]


@pytest.mark.parametrize("ref", ["99999", UNKNOWN_CUID])
@pytest.mark.parametrize(
    ("command", "code"), NOT_FOUND, ids=lambda v: "-".join(v[:2]) if isinstance(v, tuple) else v
)
def test_unknown_ids_are_not_found(sandbox_cli, error_line, command, code, ref) -> None:
    args = [part.format(ref=ref) for part in command]
    line = error_line(sandbox_cli(*args), 5)
    assert f"'{ref}'" in line
    assert f"({code}, HTTP 404)" in line
    assert len(line) < 300


# -- 409 ------------------------------------------------------------------------------


def test_slug_taken_on_create_and_update(sandbox_cli, make_customer, error_line) -> None:
    make_customer("First Holder", "--slug", "taken-slug")
    other = make_customer("Second", "--slug", "free-slug")
    for args in (
        ("customers", "create", "--name", "Copycat", "--slug", "taken-slug"),
        ("customers", "update", str(other["display_id"]), "--slug", "taken-slug"),
    ):
        line = error_line(sandbox_cli(*args), 6)
        assert "'taken-slug'" in line
        assert "(slug_taken, HTTP 409)" in line
        assert "Pick another --slug" in line


def test_domain_taken(sandbox_cli, make_customer, error_line) -> None:
    make_customer("Domain Owner", "--domain", "owned.example")
    line = error_line(
        sandbox_cli("customers", "create", "--name", "Squatter", "--domain", "OWNED.example"), 6
    )
    assert "shopify_domain_taken" in line
    assert "--domain" in line


def test_email_taken(sandbox_cli, make_customer, error_line) -> None:
    make_customer("Mail Co", "--slug", "mail-co")
    add = ("contacts", "add", "mail-co", "--name", "Someone", "--email", "dup@mail.example")
    assert sandbox_cli(*add).exit_code == 0
    line = error_line(sandbox_cli(*add), 6)
    assert "(email_taken, HTTP 409)" in line
    assert "update it instead" in line


def test_idempotency_key_replays_then_conflicts(sandbox_cli, parse, error_line) -> None:
    first = sandbox_cli(
        "customers", "create", "--name", "Once", "--idempotency-key", "fixed-key-1", "--json"
    )
    again = sandbox_cli(
        "customers", "create", "--name", "Once", "--idempotency-key", "fixed-key-1", "--json"
    )
    assert parse(again) == parse(first)
    assert "Replayed" in again.stderr

    other_body = sandbox_cli(
        "customers", "create", "--name", "Twice", "--idempotency-key", "fixed-key-1"
    )
    assert "idempotency_key_reused" in error_line(other_body, 6)


# -- 400 from the server --------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("customers", "create", "--name", "Empty Slug", "--slug", ""), "slug"),
        (("customers", "create", "--name", "Empty Domain", "--domain", ""), "domain"),
        (("customers", "update", "1", "--name", ""), "name"),
        (("customers", "create", "--name", "Huge", "--mrr", str(2**53)), "mrr"),
        (("contacts", "add", "1", "--name", "Long", "--email", "x" * 65 + "@example.com"), "email"),
    ],
    ids=["empty-slug", "empty-domain", "empty-name", "mrr-too-big", "email-local-part"],
)
def test_server_validation_errors_name_the_field(
    sandbox_cli, error_line, requests_sent, args, field
) -> None:
    result = sandbox_cli("--verbose", *args)
    line = error_line(result, 2)
    assert field in line.removeprefix("Error: ").lower()
    assert "HTTP 400" in line
    assert requests_sent(result.stderr), "this one is the server's call"


def test_contradicting_waiting_flags_are_refused_by_the_server(
    sandbox_cli, make_customer, make_onboarding, error_line
) -> None:
    make_customer("Waiting Co", "--slug", "waiting-co")
    made = make_onboarding("waiting-co")
    result = sandbox_cli(
        "onboardings", "update", made["id"], "--state", "active", "--waiting-on-customer"
    )
    line = error_line(result, 2)
    assert "waiting_on_customer" in line
    assert "(invalid_field, HTTP 400)" in line


@pytest.mark.parametrize("cursor", ["garbage", "2026-05-30"])
def test_a_bad_cursor_is_refused_naming_it(sandbox_cli, error_line, cursor) -> None:
    line = error_line(sandbox_cli("customers", "list", "--cursor", cursor), 2)
    assert "(field: cursor)" in line
    assert "HTTP 400" in line


# -- local validation: nothing is sent -------------------------------------------------


LOCAL = [
    (("customers", "create", "--name", "X", "--status", "bogus"), "'--status'"),
    (("customers", "create", "--name", "X", "--mrr", "-1"), "'--mrr'"),
    (("customers", "create", "--name", "X", "--monthly-orders", "many"), "'--monthly-orders'"),
    (("customers", "create", "--data", "{bad"), "--data: the argument is not valid JSON"),
    (("customers", "create", "--data", "@/no/such/file.json"), "--data: cannot read"),
    (("customers", "create", "--data", "[1, 2]"), "must hold a JSON object, not list"),
    (("customers", "create", "--data", '{"name": "X", "status": 5}'), "--status"),
    (("customers", "create", "--data", '{"name": "X", "status": "gone"}'), "--status"),
    (("customers", "create", "--data", '{"name": "X", "mrr": "lots"}'), "--mrr"),
    (("customers", "create", "--data", '{"name": "X", "mrr": -5}'), "--mrr"),
    (("customers", "create", "--data", '{"name": "X", "metadata": [1]}'), "--metadata"),
    (("customers", "create", "--name", "X", "--metadata", "novalue"), "--metadata: 'novalue'"),
    (("customers", "create", "--slug", "nameless"), "--name is required"),
    (("customers", "update", "1"), "Nothing to change."),
    (("customers", "list", "--limit", "0"), "'--limit'"),
    (("customers", "list", "--json", "--csv"), "Pick one of --json, --jsonl and --csv."),
    (("customers", "list", "--columns", ","), "--columns: name at least one column."),
    (("contacts", "list", "1", "--jsonl", "--csv"), "Pick one of --json, --jsonl and --csv."),
    (("onboardings", "list", "--json", "--jsonl"), "Pick one of --json, --jsonl and --csv."),
    (("contacts", "get", "../me"), "'../me' is not a valid contact id"),
    (("onboardings", "pause", "1/../2"), "'1/../2' is not a valid onboarding id"),
    (("contacts", "add", "1", "--name", "X", "--email", "x"), "'--email'"),
    (("contacts", "add", "1", "--data", '{"name": "X", "email": "y", "labels": "z"}'), "--email"),
    (
        ("contacts", "add", "1", "--data", '{"name": "X", "email": "y@z.io", "labels": [1]}'),
        "--label",
    ),
    (("onboardings", "list", "--state", "bogus"), "'--state'"),
    (("onboardings", "list", "--phase", "bogus"), "'--phase'"),
    (("onboardings", "create", "--customer", "1", "--reminder-every", "0"), "'--reminder-every'"),
    (("onboardings", "create", "--customer", "1", "--target-launch", "soon"), "'--target-launch'"),
    (("onboardings", "update", "1", "--data", '{"phase": "done"}'), "--phase: unknown phase"),
    (("onboardings", "advance", "1", "--to", "the_moon"), "'--to'"),
]


@pytest.mark.parametrize(
    ("args", "says"), LOCAL, ids=[" ".join(a[:3])[:40] + f"#{i}" for i, (a, _) in enumerate(LOCAL)]
)
def test_local_validation_fails_before_any_request(
    sandbox_cli, error_line, requests_sent, args, says
) -> None:
    result = sandbox_cli("--verbose", *args)
    line = error_line(result, 2)
    assert says in line
    assert requests_sent(result.stderr) == []
    # One readable line: besides it, at most click's usage preamble.
    others = [
        text
        for text in result.stderr.splitlines()
        if text.strip() and text != line and not text.startswith(("Usage: ", "Try '", "{"))
    ]
    assert others == []


# -- 401 and workspaces (real server) ----------------------------------------------------


@pytest.mark.parametrize("which", ["revoked", "unknown"])
@pytest.mark.parametrize("verbose", [(), ("--verbose",)], ids=["quiet", "verbose"])
def test_bad_keys_exit_4_without_printing_the_key(
    server, server_cli, error_line, which, verbose
) -> None:
    key = server.revoked_key if which == "revoked" else "pivotal_" + "Zz9" * 10 + "Qq"
    result = server_cli(key)(*verbose, "customers", "list")
    assert result.exit_code == 4
    assert result.stdout == ""
    assert key not in result.stderr
    line = next(text for text in result.stderr.splitlines() if text.startswith("Error: "))
    if which == "revoked":
        assert "(api_key_revoked, HTTP 401)" in line
        assert "create a new one in Admin > API Keys" in line
    else:
        assert "(invalid_api_key, HTTP 401)" in line
        assert "run `pivotal auth login`" in line
    if verbose:
        assert f"> Authorization: Bearer {key_prefix(key)}…" in result.stderr


def test_other_workspace_cannot_see_acme_records(server, server_cli, parse, error_line) -> None:
    acme = server_cli(server.live_key)
    customer = parse(acme("customers", "get", "1", "--json"))
    contact = parse(acme("contacts", "list", customer["id"], "--json"))[0]
    onboarding = parse(acme("onboardings", "list", "--limit", "1", "--json"))[0]

    globex = server_cli(server.other_workspace_key)
    for args in (
        ("customers", "get", customer["id"]),
        ("contacts", "get", contact["id"]),
        ("onboardings", "get", onboarding["id"]),
        ("customers", "update", customer["id"], "--plan", "hijacked"),
    ):
        assert f"'{args[2]}'" in error_line(globex(*args), 5)
    assert parse(acme("customers", "get", customer["id"], "--json")) == customer
    # globex has a customer 1 of its own: display_ids are per workspace.
    assert parse(globex("customers", "get", "1", "--json"))["id"] != customer["id"]


# -- 429 (real server, fake clock) --------------------------------------------------------


@pytest.fixture
def throttled(fake_clock):
    """A server allowing 2 requests a minute per key, on a clock that stands still."""
    with running_server(rate_limit=2, clock=fake_clock) as running:
        for _ in range(2):  # spend the live key's whole window
            reply = httpx.get(
                f"{running.base_url}/me", headers={"Authorization": f"Bearer {running.live_key}"}
            )
            assert reply.status_code == 200
        yield running


def test_429_is_ridden_out_honouring_retry_after(
    throttled, fake_clock, cli, client_options
) -> None:
    waited: list[float] = []

    def sleep(seconds: float) -> None:
        waited.append(seconds)
        fake_clock.advance(seconds)

    client_options.update(sleep=sleep, clock=fake_clock.timestamp)

    env = {"PIVOTAL_API_KEY": throttled.live_key, "PIVOTAL_BASE_URL": throttled.base_url}
    result = cli("--verbose", "customers", "get", "1", "--json", env=env)
    assert result.exit_code == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["display_id"] == 1
    assert "< Retry-After: 60" in result.stderr
    assert len(waited) == 1
    assert 60 <= waited[0] <= 60.5  # Retry-After, plus at most half a second of jitter
    assert "HTTP 429 rate_limited; retrying in 60." in result.stderr


def test_a_long_walk_paces_itself_instead_of_hitting_429(
    fake_clock, cli, client_options, small_pages
) -> None:
    """18 pages against 10 requests a minute: X-RateLimit-Remaining sets the pace."""
    waited: list[float] = []

    def sleep(seconds: float) -> None:
        waited.append(seconds)
        fake_clock.advance(seconds)

    client_options.update(sleep=sleep, clock=fake_clock.timestamp)

    with running_server(rate_limit=10, clock=fake_clock) as server:
        env = {"PIVOTAL_API_KEY": server.live_key, "PIVOTAL_BASE_URL": server.base_url}
        small_pages(2)
        result = cli("--verbose", "customers", "list", "--all", "--json", env=env)
        expected = server.sandbox.count_customers("acme")
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)) == expected > 20
    assert "< 429" not in result.stderr
    assert waited and sum(waited) >= 60  # more than a window's worth of requests


def test_429_beyond_the_retries_exits_7(throttled, cli, slept, error_line) -> None:
    env = {"PIVOTAL_API_KEY": throttled.live_key, "PIVOTAL_BASE_URL": throttled.base_url}
    result = cli("customers", "get", "1", env=env)
    line = error_line(result, 7)
    assert "Rate limit exceeded" in line
    assert "(rate_limited, HTTP 429)" in line
    assert "Wait a moment and try again" in line
    assert len(slept) == 4  # five attempts in all
    assert all(60 <= delay <= 60.5 for delay in slept)


@pytest.mark.pivotal_sandbox(rate_limit=3)
@pytest.mark.parametrize("fmt", ["--json", "--jsonl"])
def test_a_walk_cut_short_by_429s_exits_7_and_cannot_pass_for_complete(
    cli, slept, fmt, small_pages, pivotal_sandbox
) -> None:
    """Rows stream as they come; when a later page fails, the exit code says so, and a
    `--json` array stays unterminated, so no JSON parser takes it for the whole list."""
    server = pivotal_sandbox
    env = {"PIVOTAL_API_KEY": server.live_key, "PIVOTAL_BASE_URL": server.base_url}
    small_pages(2)
    result = cli("customers", "list", "--all", fmt, env=env)
    everything = server.core.count_customers("acme")
    assert result.exit_code == 7
    # With --json/--jsonl the error is the machine contract's one JSON object.
    error = json.loads(result.stderr.splitlines()[-1])
    assert (error["code"], error["http_status"], error["exit_code"]) == ("rate_limited", 429, 7)
    assert error["retryable"] is True
    if fmt == "--json":
        assert result.stdout.startswith("[")
        with pytest.raises(json.JSONDecodeError):
            json.loads(result.stdout)
    else:
        rows = [json.loads(line) for line in result.stdout.splitlines()]
        assert 0 < len(rows) < everything


def test_unreachable_server_exits_8(cli, slept, error_line) -> None:
    env = {
        "PIVOTAL_API_KEY": "pivotal_" + "F" * 32,
        "PIVOTAL_BASE_URL": "http://127.0.0.1:9/api/v1",
    }
    line = error_line(cli("customers", "list", env=env), 8)
    # A refused connection is no blip: retried once, not four times.
    assert "Could not get an answer from 127.0.0.1:9 after 2 attempts" in line
    assert len(slept) == 1


# -- 5xx and dropped connections (real server, fault injection) --------------------------


@pytest.mark.pivotal_sandbox(faults="drop=1,max=1")
def test_a_dropped_create_is_retried_without_a_duplicate(
    cli, parse, slept, pivotal_sandbox
) -> None:
    """The POST is committed, the answer never arrives; the retry replays it."""
    server = pivotal_sandbox
    env = {"PIVOTAL_API_KEY": server.test_key, "PIVOTAL_BASE_URL": server.base_url}
    before = server.core.count_customers("acme")
    result = cli(
        "customers", "create", "--name", "Dropped Once", "--slug", "dropped", "--json", env=env
    )
    created = parse(result)
    assert server.core.count_customers("acme") == before + 1
    again = parse(cli("customers", "list", "--slug", "dropped", "--json", env=env))
    assert again == [created]
    assert len(slept) == 1
    assert "Replayed" in result.stderr


@pytest.mark.parametrize(
    ("faults", "exit_code", "retries"), [("500=1,max=2", 0, 2), ("500=1", 8, 4)]
)
def test_server_errors_are_retried_then_reported(
    cli, slept, faults, exit_code, retries, pivotal_sandbox
) -> None:
    pivotal_sandbox.configure(faults=faults)
    env = {
        "PIVOTAL_API_KEY": pivotal_sandbox.live_key,
        "PIVOTAL_BASE_URL": pivotal_sandbox.base_url,
    }
    result = cli("customers", "get", "1", env=env)
    assert result.exit_code == exit_code, result.stderr
    assert len(slept) == retries
    if exit_code:
        assert "(internal_error, HTTP 500)" in result.stderr
        assert "try again shortly" in result.stderr
    else:
        assert "display_id\t1" in result.stdout
