"""`pivotal customers …` end to end, against a fresh embedded sandbox per test.

Lists (order, filters, one page, a page from a cursor, every page exactly once), the
three ways to name a customer, creates from flags and from `--data` (inline, @file,
stdin; flags win), partial updates, the delete confirmation rules and soft delete, and
the app link printed by `open --print`. Records a test depends on are created in the
test; only `test_every_status_filter_returns_only_that_status` leans on the demo data
covering every status, which is part of the sandbox's documented seed.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

STATUSES = ("active", "onboarding", "at_risk", "churned", "low_touch")


# -- list ---------------------------------------------------------------------------


def test_list_is_newest_first(sandbox_json, make_customer) -> None:
    made = [make_customer(f"Newest {i}", "--slug", f"newest-{i}") for i in range(3)]

    first_page = sandbox_json("customers", "list", "--limit", "3")
    assert [row["id"] for row in first_page] == [c["id"] for c in reversed(made)]

    stamps = [row["created_at"] for row in sandbox_json("customers", "list", "--all")]
    assert stamps == sorted(stamps, reverse=True)


@pytest.mark.parametrize("status", STATUSES)
def test_every_status_filter_returns_only_that_status(sandbox_json, status) -> None:
    rows = sandbox_json("customers", "list", "--status", status, "--all")
    assert rows, f"the demo data has {status} customers"
    assert {row["status"] for row in rows} == {status}


def test_status_filter_finds_a_new_customer(sandbox_json, make_customer) -> None:
    churned = make_customer("Gone Soon", "--slug", "gone-soon", "--status", "churned")
    assert churned["id"] in {
        r["id"] for r in sandbox_json("customers", "list", "--status", "churned", "--all")
    }
    assert churned["id"] not in {
        r["id"] for r in sandbox_json("customers", "list", "--status", "active", "--all")
    }


def test_slug_filter_returns_exactly_that_customer(sandbox_json, make_customer) -> None:
    make_customer("Decoy", "--slug", "needle-decoy")
    needle = make_customer("Needle", "--slug", "needle")
    assert sandbox_json("customers", "list", "--slug", "needle") == [needle]


def test_limit_caps_one_page(sandbox_cli, sandbox_json) -> None:
    assert len(sandbox_json("customers", "list", "--limit", "4")) == 4
    piped = sandbox_cli("customers", "list", "--limit", "2")
    assert piped.exit_code == 0
    assert len(piped.stdout.splitlines()) == 2


def test_cursor_from_the_more_pages_hint_gives_the_next_page(
    sandbox_cli, sandbox_json, terminal
) -> None:
    first = sandbox_cli("customers", "list", "--limit", "3", "--json", env=terminal)
    assert first.exit_code == 0, first.stderr
    match = re.search(r"--cursor (\S+) for the next page", first.stderr)
    assert match, first.stderr

    second = sandbox_json("customers", "list", "--limit", "3", "--cursor", match.group(1))
    six = sandbox_json("customers", "list", "--limit", "6")
    assert json.loads(first.stdout) == six[:3]
    assert second == six[3:]


def test_all_walks_every_page_once(
    sandbox_cli, sandbox_json, parse, requests_sent, small_pages
) -> None:
    everything = sandbox_json("customers", "list", "--limit", "100")
    assert 5 < len(everything) < 100, "the demo data fits one page of 100 but not of 5"

    small_pages(5)
    walked = sandbox_cli("--verbose", "customers", "list", "--all", "--json")
    rows = parse(walked)
    assert rows == everything
    assert len({row["id"] for row in rows}) == len(rows)

    pages = requests_sent(walked.stderr)
    assert len(pages) == math.ceil(len(everything) / 5)
    assert all(method == "GET" and "limit=5" in path for method, path in pages)
    assert all("cursor=" in path for _, path in pages[1:])


def test_all_resumes_from_a_cursor(sandbox_cli, sandbox_json, terminal, small_pages) -> None:
    """`--all --cursor C` walks the pages after C, not the whole list again."""
    first = sandbox_cli("customers", "list", "--limit", "4", env=terminal)
    cursor = re.search(r"--cursor (\S+) for the next page", first.stderr).group(1)

    small_pages(5)
    rest = sandbox_json("customers", "list", "--all", "--cursor", cursor)
    assert rest == sandbox_json("customers", "list", "--limit", "100")[4:]


# -- get ------------------------------------------------------------------------------


def test_get_by_display_id_cuid_and_slug(sandbox_cli, sandbox_json, make_customer) -> None:
    made = make_customer("Three Names", "--slug", "three-names", "--plan", "plus")
    for ref in (str(made["display_id"]), made["id"], "three-names"):
        assert sandbox_json("customers", "get", ref) == made

    piped = sandbox_cli("customers", "get", "three-names")
    assert piped.exit_code == 0
    assert f"display_id\t{made['display_id']}" in piped.stdout.splitlines()
    assert "slug\tthree-names" in piped.stdout.splitlines()


def test_get_unknown_slug_is_not_found_naming_it(sandbox_cli, error_line) -> None:
    line = error_line(sandbox_cli("customers", "get", "no-such-customer"), 5)
    assert "'no-such-customer'" in line


# -- create ---------------------------------------------------------------------------


def test_create_with_every_flag_round_trips(sandbox_cli, sandbox_json) -> None:
    result = sandbox_cli(
        "customers", "create",
        "--name", "Every Flag Co",
        "--slug", "every-flag",
        "--domain", "everyflag.example",
        "--status", "active",
        "--plan", "enterprise",
        "--mrr", "250000",
        "--monthly-orders", "1200",
        "--hubspot-company-id", "hs-co-1",
        "--hubspot-deal-id", "hs-deal-1",
        "--stripe-customer-id", "cus_EVERY",
        "--intercom-company-id", "ic-1",
        "--slack-channel-id", "C0EVERY",
        "--metadata", "tier=3",
        "--metadata", "vip=true",
        "--metadata", "region=emea",
        "--metadata", 'tags=["a","b"]',
        "--metadata", 'nested={"k":{"n":1.5}}',
        "--metadata", "note=null",
        "--metadata", "zip=02134",
        "--json",
    )  # fmt: skip
    created = json.loads(result.stdout)
    assert result.exit_code == 0
    assert result.stderr == f"Created customer {created['display_id']} (Every Flag Co).\n"
    expected = {
        "object": "customer",
        "name": "Every Flag Co",
        "slug": "every-flag",
        "domain": "everyflag.example",
        "status": "active",
        "plan": "enterprise",
        "mrr": 250000,
        "monthly_orders": 1200,
        "hubspot_company_id": "hs-co-1",
        "hubspot_deal_id": "hs-deal-1",
        "stripe_customer_id": "cus_EVERY",
        "intercom_company_id": "ic-1",
        "slack_channel_id": "C0EVERY",
        "metadata": {
            "tier": 3,
            "vip": True,
            "region": "emea",
            "tags": ["a", "b"],
            "nested": {"k": {"n": 1.5}},
            "note": None,
            "zip": "02134",  # not valid JSON (leading zero): kept as a string
        },
    }
    assert {key: created[key] for key in expected} == expected
    assert created["created_at"] == created["updated_at"]
    assert sandbox_json("customers", "get", "every-flag") == created


def test_create_defaults_status_to_onboarding(make_customer) -> None:
    made = make_customer("Bare Minimum")
    assert (made["status"], made["slug"], made["metadata"]) == ("onboarding", None, {})


BODY = {
    "name": "From Data",
    "slug": "from-data",
    "plan": "growth",
    "mrr": 9900,
    "metadata": {"source": "import", "rank": 2},
}


@pytest.mark.parametrize("source", ["inline", "file", "stdin"])
def test_create_from_data(sandbox_json, tmp_path: Path, source: str) -> None:
    text = json.dumps(BODY)
    if source == "inline":
        created = sandbox_json("customers", "create", "--data", text)
    elif source == "file":
        (tmp_path / "body.json").write_text(text)
        created = sandbox_json("customers", "create", "--data", f"@{tmp_path / 'body.json'}")
    else:
        created = sandbox_json("customers", "create", "--data", "-", input=text)
    assert {key: created[key] for key in BODY} == BODY
    assert sandbox_json("customers", "get", "from-data") == created


def test_explicit_flags_win_over_data(sandbox_json) -> None:
    body = {"name": "Data Name", "slug": "data-slug", "status": "churned", "plan": "starter"}
    created = sandbox_json(
        "customers", "create",
        "--data", json.dumps(body),
        "--name", "Flag Name",
        "--status", "active",
        "--metadata", "from=flag",
    )  # fmt: skip
    assert created["name"] == "Flag Name"
    assert created["status"] == "active"
    assert created["slug"] == "data-slug"  # not given as a flag: --data's value stays
    assert created["plan"] == "starter"
    assert created["metadata"] == {"from": "flag"}


@pytest.mark.parametrize(
    ("flags", "actor", "mode"),
    [((), "sandbox-live", "live"), (("--test",), "sandbox-test", "test")],
)
def test_sandbox_modes_use_their_own_key(cli, parse, sandbox_json, flags, actor, mode) -> None:
    """`--sandbox --test` writes with the test key, into the same workspace."""
    made = parse(cli("--sandbox", *flags, "customers", "create", "--name", "Moded", "--json"))
    [event] = parse(cli("sandbox", "events", "--customer", str(made["display_id"]), "--json"))
    assert (event["kind"], event["actor"], event["mode"]) == ("customer.created", actor, mode)
    assert sandbox_json("customers", "get", made["id"]) == made  # the live key sees it too


# -- update ---------------------------------------------------------------------------


def test_update_is_partial(sandbox_cli, sandbox_json, make_customer) -> None:
    before = make_customer(
        "Partial Co", "--slug", "partial", "--domain", "partial.example", "--plan", "plus",
        "--mrr", "1000", "--stripe-customer-id", "cus_P", "--metadata", "keep=1",
    )  # fmt: skip

    result = sandbox_cli("customers", "update", "partial", "--plan", "enterprise", "--json")
    after = json.loads(result.stdout)
    assert result.exit_code == 0
    assert result.stderr == f"Updated customer {before['display_id']} (Partial Co).\n"

    changed = {k for k in before if before[k] != after[k]}
    assert changed == {"plan", "updated_at"}
    assert after["plan"] == "enterprise"
    assert after["updated_at"] > before["updated_at"]
    assert after["created_at"] == before["created_at"]
    assert sandbox_json("customers", "get", str(before["display_id"])) == after


def test_update_by_display_id_can_change_the_slug(sandbox_json, sandbox_cli, make_customer) -> None:
    made = make_customer("Renamed", "--slug", "old-slug")
    updated = sandbox_json("customers", "update", str(made["display_id"]), "--slug", "new-slug")
    assert updated["slug"] == "new-slug"
    assert sandbox_json("customers", "get", "new-slug")["id"] == made["id"]
    assert sandbox_cli("customers", "get", "old-slug").exit_code == 5


def test_update_with_nothing_to_change_sends_nothing(
    sandbox_cli, make_customer, error_line, requests_sent
) -> None:
    made = make_customer("Untouched")
    result = sandbox_cli("--verbose", "customers", "update", str(made["display_id"]))
    assert "Nothing to change." in error_line(result, 2)
    assert requests_sent(result.stderr) == []


# -- delete ---------------------------------------------------------------------------


def test_delete_without_terminal_or_yes_refuses(
    sandbox_cli, sandbox_json, make_customer, requests_sent
) -> None:
    made = make_customer("Keep Me", "--slug", "keep-me")
    result = sandbox_cli("--verbose", "customers", "delete", "keep-me")
    assert result.exit_code == 3
    assert result.stdout == ""
    assert "Refusing to continue without confirmation" in result.stderr
    assert "--yes" in result.stderr
    assert [m for m, _ in requests_sent(result.stderr)] == ["GET"]
    assert sandbox_json("customers", "get", "keep-me") == made


@pytest.mark.parametrize(("answer", "exit_code"), [("n\n", 3), ("\n", 3), ("y\n", 0)])
def test_delete_asks_on_a_terminal(sandbox_cli, make_customer, terminal, answer, exit_code) -> None:
    made = make_customer("Ask First", "--slug", "ask-first")
    result = sandbox_cli("customers", "delete", "ask-first", input=answer, env=terminal)
    assert result.exit_code == exit_code, result.stderr
    assert f"Delete customer {made['display_id']} 'Ask First'" in result.stderr
    assert "from acme (LIVE, sandbox)? [y/N]" in result.stderr
    still_there = sandbox_cli("customers", "get", "ask-first").exit_code == 0
    assert still_there is (exit_code != 0)
    if exit_code:
        assert "Cancelled; nothing was changed." in result.stderr


def test_get_ignores_spaces_around_an_id(sandbox_json, make_customer) -> None:
    made = make_customer("Padded", "--slug", "padded")
    assert sandbox_json("customers", "get", f" {made['display_id']} ") == made
    assert sandbox_json("customers", "get", " padded") == made


def test_delete_names_the_workspace_of_an_environment_key(server, server_cli, terminal) -> None:
    # PIVOTAL_API_KEY does not say whose it is: the question asks /me first.
    result = server_cli(server.test_key)("customers", "delete", "1", input="n\n", env=terminal)

    assert result.exit_code == 3
    assert "from acme (test)? [y/N]" in result.stderr


def test_delete_with_yes_soft_deletes(sandbox_cli, sandbox_json, make_customer, error_line) -> None:
    made = make_customer("Doomed", "--slug", "doomed")
    did = made["display_id"]

    result = sandbox_cli("customers", "delete", str(did), "--yes")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert f"Deleted customer {did} 'Doomed'" in result.stderr
    assert "soft delete" in result.stderr

    for ref in (str(did), made["id"]):
        assert f"'{ref}'" in error_line(sandbox_cli("customers", "get", ref), 5)
    assert "'doomed'" in error_line(sandbox_cli("customers", "get", "doomed"), 5)
    assert made["id"] not in {r["id"] for r in sandbox_json("customers", "list", "--all")}
    # The slug is free again: a soft-deleted customer no longer holds it.
    assert (
        sandbox_json("customers", "create", "--name", "Reborn", "--slug", "doomed")["id"]
        != made["id"]
    )


def test_delete_json_prints_the_deleted_object(sandbox_json, make_customer) -> None:
    made = make_customer("Json Delete")
    deleted = sandbox_json("customers", "delete", made["id"], "--yes")
    assert deleted == {
        "object": "deleted",
        "id": made["id"],
        "display_id": made["display_id"],
        "deleted": True,
    }


# -- open -----------------------------------------------------------------------------


def test_open_print_prints_the_app_link(sandbox_cli, make_customer) -> None:
    made = make_customer("Linked Co", "--slug", "linked-co")
    did = made["display_id"]
    for ref in ("linked-co", str(did), made["id"]):
        result = sandbox_cli("customers", "open", ref, "--print")
        assert result.exit_code == 0
        assert result.stdout == f"http://localhost/customers/{did}-linked-co\n"
        assert result.stderr == ""

    bare = make_customer("No Slug Co")
    result = sandbox_cli("customers", "open", str(bare["display_id"]), "--print")
    assert result.stdout == f"http://localhost/customers/{bare['display_id']}\n"


# -- -L is a number of records --------------------------------------------------------


def test_limit_beyond_a_page_fetches_pages_of_100(
    sandbox_cli, sandbox_json, make_customer, parse, requests_sent
) -> None:
    have = len(sandbox_json("customers", "list", "--all"))
    for n in range(max(0, 160 - have)):
        make_customer(f"Bulk {n}")

    result = sandbox_cli("--verbose", "customers", "list", "-L", "150", "--json")
    rows = parse(result)
    assert len(rows) == 150
    assert len({row["id"] for row in rows}) == 150
    assert rows == sandbox_json("customers", "list", "--all")[:150]
    pages = requests_sent(result.stderr)
    assert [("limit=100" in p, "limit=50" in p) for _, p in pages] == [(True, False), (False, True)]


def test_limit_3_is_one_request_for_3(sandbox_cli, parse, requests_sent) -> None:
    result = sandbox_cli("--verbose", "customers", "list", "-L", "3", "--json")
    assert len(parse(result)) == 3
    pages = requests_sent(result.stderr)
    assert len(pages) == 1 and "limit=3" in pages[0][1]


def test_limit_and_all_together_all_wins(sandbox_json) -> None:
    assert sandbox_json("customers", "list", "--all", "-L", "2") == sandbox_json(
        "customers", "list", "--all"
    )


def test_limit_across_small_pages_gives_the_hint_after_the_last_row(
    sandbox_cli, sandbox_json, terminal, small_pages
) -> None:
    everything = sandbox_json("customers", "list", "--all")
    small_pages(2)
    first = sandbox_cli("customers", "list", "-L", "5", "--json", env=terminal)
    assert json.loads(first.stdout) == everything[:5]
    cursor = re.search(r"--cursor (\S+) for the next page", first.stderr).group(1)
    assert sandbox_json("customers", "list", "-L", "3", "--cursor", cursor) == everything[5:8]
