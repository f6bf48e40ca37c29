"""`pivotal onboardings …` end to end: creating, listing, and the phase workflow.

Most tests use the embedded sandbox. Phase moves are checked three ways: what the CLI
prints, the requests a `--verbose` run logged (one PATCH per phase), and the sandbox's
own phase-transition records (`pivotal sandbox events --transitions`), which is what the
docs' phase-duration reports are built from. The launch confirmation needs a live key
outside the embedded sandbox (which never prompts), so those tests run against a real
`running_server` and read its store directly.
"""

from __future__ import annotations

import json
import re
from itertools import pairwise

import pytest

from pivotal_cli.domain.schema import PHASES
from pivotal_cli.sandbox.resources.timeline import list_transitions

BGS = "before_getting_started"


@pytest.fixture
def customer(make_customer):
    return make_customer("Onboarded Co", "--slug", "onboarded")


@pytest.fixture
def onboarding(make_onboarding, customer):
    return make_onboarding("onboarded")


def patches(sent: list[tuple[str, str]]) -> list[str]:
    return [path for method, path in sent if method == "PATCH"]


# -- create ---------------------------------------------------------------------------


def test_create_defaults(sandbox_cli, customer) -> None:
    result = sandbox_cli("onboardings", "create", "--customer", "onboarded", "--json")
    created = json.loads(result.stdout)
    assert result.exit_code == 0
    assert result.stderr == f"Created onboarding {created['display_id']} in {BGS}.\n"
    assert {
        key: created[key]
        for key in (
            "customer_id", "phase", "state", "reminder_email", "reminder_slack",
            "reminder_frequency_days", "waiting_on_customer", "completed_at",
            "target_launch_date",
        )
    } == {
        "customer_id": customer["id"],
        "phase": BGS,
        "state": "active",
        "reminder_email": True,
        "reminder_slack": True,
        "reminder_frequency_days": 1,
        "waiting_on_customer": False,
        "completed_at": None,
        "target_launch_date": None,
    }  # fmt: skip
    assert created["started_at"]


def test_create_with_every_flag(sandbox_json, customer) -> None:
    created = sandbox_json(
        "onboardings", "create",
        "--customer", str(customer["display_id"]),
        "--phase", "review",
        "--state", "at_risk",
        "--target-launch", "2026-09-01",
        "--template", "tmpl_1",
        "--csm", "user_csm",
        "--se", "user_se",
        "--designer", "user_designer",
        "--product-ops", "user_ops",
        "--notes", "Kick-off went well.",
        "--no-reminder-email",
        "--no-reminder-slack",
        "--reminder-every", "3",
    )  # fmt: skip
    expected = {
        "customer_id": customer["id"],
        "phase": "review",
        "state": "at_risk",
        "target_launch_date": "2026-09-01T00:00:00.000Z",
        "template_id": "tmpl_1",
        "csm_id": "user_csm",
        "se_id": "user_se",
        "designer_id": "user_designer",
        "product_ops_id": "user_ops",
        "notes": "Kick-off went well.",
        "reminder_email": False,
        "reminder_slack": False,
        "reminder_frequency_days": 3,
    }
    assert {key: created[key] for key in expected} == expected
    assert sandbox_json("onboardings", "get", created["id"]) == created


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        ("2026-07-15", "2026-07-15T00:00:00.000Z"),
        ("2026-07-15T09:30:00Z", "2026-07-15T09:30:00.000Z"),
        ("2026-07-15T09:30:00+02:00", "2026-07-15T07:30:00.000Z"),
        ("2026-07-15T23:59:59.5", "2026-07-15T23:59:59.500Z"),
    ],
)
def test_target_launch_is_sent_as_iso_utc(sandbox_cli, customer, given, sent, parse) -> None:
    result = sandbox_cli(
        "--verbose", "onboardings", "create", "--customer", "onboarded",
        "--target-launch", given, "--json",
    )  # fmt: skip
    body_lines = [line for line in result.stderr.splitlines() if line.startswith("> {")]
    assert len(body_lines) == 1
    assert json.loads(body_lines[0][2:])["target_launch_date"] == sent
    assert parse(result)["target_launch_date"] == sent


@pytest.mark.parametrize("bad", ["2026-13-45", "next tuesday", "15/07/2026", "2026-02-30"])
@pytest.mark.parametrize(
    ("command", "flag"),
    [
        (("onboardings", "create", "--customer", "onboarded"), "--target-launch"),
        (("onboardings", "update", "1"), "--target-launch"),
        (("onboardings", "update", "1"), "--completed-at"),
    ],
)
def test_invalid_date_names_the_flag(
    sandbox_cli, customer, command, flag, bad, error_line, requests_sent
) -> None:
    result = sandbox_cli("--verbose", *command, flag, bad)
    line = error_line(result, 2)
    assert f"'{flag}'" in line
    assert f"'{bad}' is not a date" in line
    assert requests_sent(result.stderr) == []


def test_create_needs_a_customer_that_exists(sandbox_cli, error_line) -> None:
    assert "--customer is required" in error_line(sandbox_cli("onboardings", "create"), 2)
    missing = sandbox_cli("onboardings", "create", "--customer", "no-such-slug")
    assert "'no-such-slug'" in error_line(missing, 5)


# -- list -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flag", "value", "field"),
    [
        ("--state", "paused", "state"),
        ("--state", "waiting", "state"),
        ("--phase", "internal_qa", "phase"),
        ("--phase", "completed", "phase"),
    ],
)
def test_list_filters_by_state_and_phase(
    sandbox_json, make_onboarding, customer, flag, value, field
) -> None:
    mine = make_onboarding("onboarded", flag, value)
    rows = sandbox_json("onboardings", "list", flag, value, "--all")
    assert {row[field] for row in rows} == {value}
    assert mine["id"] in {row["id"] for row in rows}


def test_list_by_customer_alone_uses_the_customer_endpoint(
    sandbox_cli, customer, make_customer, make_onboarding, parse, requests_sent
) -> None:
    older = make_onboarding("onboarded")
    newer = make_onboarding("onboarded", "--phase", "review")
    make_customer("Other Co", "--slug", "other-co")
    make_onboarding("other-co")

    result = sandbox_cli("--verbose", "onboardings", "list", "--customer", "onboarded", "--json")
    assert [row["id"] for row in parse(result)] == [newer["id"], older["id"]]
    assert requests_sent(result.stderr) == [
        ("GET", "/customers?slug=onboarded&limit=1"),
        ("GET", f"/customers/{customer['id']}/onboardings"),
    ]

    by_display_id = sandbox_cli(
        "--verbose", "onboardings", "list", "--customer", str(customer["display_id"]), "--json"
    )
    assert parse(by_display_id) == parse(result)
    assert requests_sent(by_display_id.stderr) == [
        ("GET", f"/customers/{customer['display_id']}/onboardings")
    ]


def test_list_by_customer_with_a_filter_uses_the_list_endpoint(
    sandbox_cli, customer, make_onboarding, parse, requests_sent
) -> None:
    active = make_onboarding("onboarded")
    make_onboarding("onboarded", "--state", "paused")

    result = sandbox_cli(
        "--verbose", "onboardings", "list", "--customer", "onboarded", "--state", "active", "--json"
    )
    assert [row["id"] for row in parse(result)] == [active["id"]]
    assert requests_sent(result.stderr)[-1] == (
        "GET",
        f"/onboardings?customer_id={customer['id']}&state=active",
    )

    by_phase = sandbox_cli(
        "--verbose", "onboardings", "list", "--customer", "onboarded", "--phase", BGS, "--json"
    )
    assert len(parse(by_phase)) == 2
    assert requests_sent(by_phase.stderr)[-1] == (
        "GET",
        f"/onboardings?customer_id={customer['id']}&phase={BGS}",
    )


def test_list_all_resumes_from_a_cursor(sandbox_cli, sandbox_json, terminal, small_pages) -> None:
    first = sandbox_cli("onboardings", "list", "--limit", "5", env=terminal)
    cursor = re.search(r"--cursor (\S+) for the next page", first.stderr).group(1)
    small_pages(3)
    rest = sandbox_json("onboardings", "list", "--all", "--cursor", cursor)
    everything = sandbox_json("onboardings", "list", "--limit", "100")
    assert len(everything) > 8
    assert rest == everything[5:]


def test_list_by_customer_honours_limit(sandbox_json, customer, make_onboarding) -> None:
    """`--limit` is a promise about the number of records, with or without `--customer`."""
    for _ in range(3):
        make_onboarding("onboarded")
    assert len(sandbox_json("onboardings", "list", "--customer", "onboarded", "--limit", "2")) == 2


# -- advance and back -----------------------------------------------------------------


def test_advance_moves_one_phase_with_one_patch(
    sandbox_cli, sandbox_json, onboarding, transitions, requests_sent
) -> None:
    did = onboarding["display_id"]
    result = sandbox_cli("--verbose", "onboardings", "advance", str(did))
    assert result.exit_code == 0
    assert result.stdout == f"{BGS} → program_design\n"
    assert patches(requests_sent(result.stderr)) == [f"/onboardings/{onboarding['id']}"]
    assert transitions(did) == [(None, BGS), (BGS, "program_design")]
    assert sandbox_json("onboardings", "get", str(did))["phase"] == "program_design"


def test_advance_to_launch_walks_every_phase(
    sandbox_cli, sandbox_json, onboarding, transitions, requests_sent
) -> None:
    did = onboarding["display_id"]
    result = sandbox_cli("--verbose", "onboardings", "advance", str(did), "--to", "launch", "--yes")
    assert result.exit_code == 0, result.stderr
    walk = PHASES[: PHASES.index("launch") + 1]
    steps = list(pairwise(walk))
    assert result.stdout == "".join(f"{a} → {b}\n" for a, b in steps)
    assert len(patches(requests_sent(result.stderr))) == len(steps) == 5
    assert transitions(did) == [(None, BGS), *steps]
    assert sandbox_json("onboardings", "get", str(did))["phase"] == "launch"


def test_advance_dry_run_changes_nothing(
    sandbox_cli, sandbox_json, onboarding, transitions, requests_sent
) -> None:
    did = onboarding["display_id"]
    result = sandbox_cli(
        "--verbose", "onboardings", "advance", str(did), "--to", "launch", "--dry-run"
    )
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"{BGS} → program_design",
        "program_design → review",
        "review → program_buildout",
        "program_buildout → internal_qa",
        "internal_qa → launch",
    ]
    assert f"Onboarding {did}: 5 PATCHes would be sent (dry run):" in result.stderr
    assert [m for m, _ in requests_sent(result.stderr)] == ["GET"]
    assert transitions(did) == [(None, BGS)]
    assert sandbox_json("onboardings", "get", str(did)) == onboarding


def test_advance_dry_run_json_is_the_plan(sandbox_json, onboarding, transitions) -> None:
    did = onboarding["display_id"]
    plan = sandbox_json("onboardings", "advance", str(did), "--to", "review", "--dry-run")

    assert plan == {
        "id": onboarding["id"],
        "display_id": did,
        "from": BGS,
        "steps": [{"phase": "program_design"}, {"phase": "review"}],
        "dry_run": True,
    }
    assert transitions(did) == [(None, BGS)]


def test_advance_json_keeps_stdout_to_the_final_object(sandbox_cli, onboarding, parse) -> None:
    result = sandbox_cli("onboardings", "advance", onboarding["id"], "--to", "review", "--json")
    final = parse(result)
    assert final["phase"] == "review"
    assert final["id"] == onboarding["id"]
    assert f"{BGS} → program_design" in result.stderr
    assert "program_design → review" in result.stderr


def test_advance_to_completed_sets_completed_at(sandbox_json, onboarding, transitions) -> None:
    final = sandbox_json("onboardings", "advance", onboarding["id"], "--to", "completed", "--yes")
    assert final["phase"] == "completed"
    assert final["completed_at"]
    assert [to for _, to in transitions(onboarding["display_id"])] == list(PHASES)


def test_advancing_a_completed_onboarding_fails_clearly(
    sandbox_cli, make_onboarding, customer, error_line, requests_sent
) -> None:
    done = make_onboarding("onboarded", "--phase", "completed")
    result = sandbox_cli("--verbose", "onboardings", "advance", str(done["display_id"]))
    line = error_line(result, 2)
    assert f"Onboarding {done['display_id']} is already completed" in line
    assert "nothing to advance to" in line
    assert patches(requests_sent(result.stderr)) == []


def test_advance_to_a_phase_behind_points_to_back(
    sandbox_cli, sandbox_json, make_onboarding, customer, error_line, transitions
) -> None:
    made = make_onboarding("onboarded", "--phase", "program_buildout")
    line = error_line(sandbox_cli("onboardings", "advance", made["id"], "--to", "review"), 2)
    assert "'review' is behind the current phase 'program_buildout'" in line
    assert "pivotal onboardings back" in line
    same = sandbox_cli("onboardings", "advance", made["id"], "--to", "program_buildout")
    assert "already in phase 'program_buildout'" in error_line(same, 2)
    assert transitions(made["display_id"]) == [(None, "program_buildout")]


def test_back_moves_one_phase_back(
    sandbox_cli, sandbox_json, make_onboarding, customer, transitions, requests_sent
) -> None:
    made = make_onboarding("onboarded", "--phase", "review")
    did = made["display_id"]
    result = sandbox_cli("--verbose", "onboardings", "back", str(did))
    assert result.exit_code == 0
    assert result.stdout == "review → program_design\n"
    assert len(patches(requests_sent(result.stderr))) == 1
    assert transitions(did) == [(None, "review"), ("review", "program_design")]
    assert sandbox_json("onboardings", "get", str(did))["phase"] == "program_design"


def test_phase_hints_name_the_onboarding(
    sandbox_cli, make_onboarding, customer, error_line
) -> None:
    done = make_onboarding("onboarded", "--phase", "completed")
    line = error_line(sandbox_cli("onboardings", "advance", done["id"]), 2)
    # A completed onboarding is retracted by moving it back, not by pausing it.
    assert f"To retract a launch, run `pivotal onboardings back {done['display_id']}`." in line
    assert "pause" not in line
    made = make_onboarding("onboarded", "--phase", "program_buildout")
    behind = error_line(sandbox_cli("onboardings", "advance", made["id"], "--to", "review"), 2)
    assert f"`pivotal onboardings back {made['display_id']}`" in behind
    assert " ID" not in behind


@pytest.mark.parametrize("command", ["advance", "back"])
def test_advance_and_back_end_with_where_the_onboarding_is(
    sandbox_cli, make_onboarding, customer, parse, command
) -> None:
    made = make_onboarding("onboarded", "--phase", "program_design", "--state", "at_risk")
    did = made["display_id"]
    phase = "review" if command == "advance" else BGS
    where = f"Onboarding {did} is now in {phase} (state at_risk)."
    shown = sandbox_cli("onboardings", command, str(did))
    assert shown.exit_code == 0, shown.stderr
    assert where in shown.stderr
    assert where not in shown.stdout
    # With --json the line stays on stderr, so stdout is one JSON object.
    other = make_onboarding("onboarded", "--phase", "program_design")
    as_json = sandbox_cli("onboardings", command, str(other["display_id"]), "--json")
    assert parse(as_json)["phase"] == phase
    assert f"Onboarding {other['display_id']} is now in {phase} (state active)." in as_json.stderr


def test_back_from_the_first_phase_fails(sandbox_cli, onboarding, error_line) -> None:
    line = error_line(sandbox_cli("onboardings", "back", onboarding["id"]), 2)
    assert f"is in the first phase, '{BGS}'" in line


# -- state shortcuts --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "state", "waiting"),
    [
        ("pause", "paused", False),
        ("resume", "active", False),
        ("at-risk", "at_risk", False),
        ("wait", "waiting", True),
    ],
)
@pytest.mark.parametrize("start", ["active", "waiting"])
def test_state_shortcuts_keep_waiting_consistent(
    sandbox_cli,
    sandbox_json,
    make_onboarding,
    customer,
    requests_sent,
    command,
    state,
    waiting,
    start,
) -> None:
    made = make_onboarding("onboarded", "--phase", "review", "--state", start)
    result = sandbox_cli("--verbose", "onboardings", command, str(made["display_id"]), "--json")
    assert result.exit_code == 0
    after = json.loads(result.stdout)
    assert (after["state"], after["waiting_on_customer"], after["phase"]) == (
        state,
        waiting,
        "review",
    )
    assert bool(after["waiting_on_customer_since"]) is waiting
    sent = [json.loads(line[2:]) for line in result.stderr.splitlines() if line.startswith("> {")]
    if (made["state"], made["waiting_on_customer"]) == (state, waiting):
        # Already there: nothing is sent, and the output says so.
        assert f"Onboarding {made['display_id']} is already {state}." in result.stderr
        assert patches(requests_sent(result.stderr)) == []
        assert after == made
    else:
        assert f"Onboarding {made['display_id']} is now in review (state {state})." in result.stderr
        assert sent == [{"state": state, "waiting_on_customer": waiting}]
    assert sandbox_json("onboardings", "get", made["id"]) == after


@pytest.mark.parametrize(
    ("command", "flags", "state"),
    [
        ("pause", ("--state", "paused"), "paused"),
        ("resume", (), "active"),
        ("at-risk", ("--state", "at_risk"), "at_risk"),
        ("wait", ("--state", "waiting"), "waiting"),
    ],
)
def test_state_shortcut_already_in_that_state_sends_nothing(
    sandbox_cli, make_onboarding, customer, requests_sent, parse, command, flags, state
) -> None:
    made = make_onboarding("onboarded", *flags)
    did = made["display_id"]
    result = sandbox_cli("--verbose", "onboardings", command, str(did))
    assert result.exit_code == 0, result.stderr
    assert f"Onboarding {did} is already {state}." in result.stderr
    assert "is now" not in result.stderr
    assert [m for m, _ in requests_sent(result.stderr)] == ["GET"]
    # With --json, the current object, unchanged.
    as_json = sandbox_cli("--verbose", "onboardings", command, str(did), "--json")
    assert parse(as_json) == made
    assert patches(requests_sent(as_json.stderr)) == []


def test_wait_then_resume(sandbox_json, onboarding) -> None:
    waiting = sandbox_json("onboardings", "wait", onboarding["id"])
    assert (waiting["state"], waiting["waiting_on_customer"]) == ("waiting", True)
    resumed = sandbox_json("onboardings", "resume", onboarding["id"])
    assert (resumed["state"], resumed["waiting_on_customer"]) == ("active", False)
    assert resumed["waiting_on_customer_since"] is None


# -- delete ---------------------------------------------------------------------------


def test_delete_rules(sandbox_cli, onboarding, error_line) -> None:
    oid = onboarding["id"]
    refused = sandbox_cli("onboardings", "delete", oid)
    assert refused.exit_code == 3
    assert "Pass --yes to confirm." in refused.stderr
    assert sandbox_cli("onboardings", "get", oid).exit_code == 0

    done = sandbox_cli("onboardings", "delete", oid, "--yes")
    assert done.exit_code == 0
    assert f"Deleted onboarding {onboarding['display_id']} ({BGS})." in done.stderr
    assert "soft delete" in done.stderr
    assert f"'{oid}'" in error_line(sandbox_cli("onboardings", "get", oid), 5)


# -- entering launch with a live key (real server) -------------------------------------


def store_transitions(server, display_id: int) -> list[tuple[str | None, str]]:
    rows = list_transitions(server.sandbox.store, workspace="acme", onboarding=str(display_id))
    return [(row["from"], row["to"]) for row in rows]


# (phase to start in, the command after `onboardings`, the phase it lands in)
LAUNCHING = [
    ("internal_qa", ("advance", "{id}"), "launch"),
    ("program_buildout", ("advance", "{id}", "--to", "completed"), "completed"),
    ("completed", ("back", "{id}"), "launch"),
    ("internal_qa", ("update", "{id}", "--phase", "launch"), "launch"),
]


@pytest.mark.parametrize(("start", "command", "lands"), LAUNCHING, ids=lambda v: str(v))
def test_live_key_entering_launch_refuses_without_yes(
    server, server_cli, parse, start, command, lands
) -> None:
    live, test = server_cli(server.live_key), server_cli(server.test_key)
    made = parse(test("onboardings", "create", "--customer", "1", "--phase", start, "--json"))
    did = made["display_id"]
    args = [part.format(id=did) for part in command]

    refused = live("onboardings", *args)
    assert refused.exit_code == 3, refused.stderr
    assert refused.stdout == ""
    assert "Slack DM" in refused.stderr and "automations" in refused.stderr
    assert "Refusing to continue without confirmation" in refused.stderr
    assert parse(live("onboardings", "get", str(did), "--json")) == made
    assert store_transitions(server, did) == [(None, start)]

    done = live("onboardings", *args, "--yes")
    assert done.exit_code == 0, done.stderr
    assert "Warning: Moving onboarding" in done.stderr
    assert "Slack DM" in done.stderr and "launch-day automations" in done.stderr
    assert "Live mode" in done.stderr
    assert parse(live("onboardings", "get", str(did), "--json"))["phase"] == lands
    assert "launch" in [to for _, to in store_transitions(server, did)]


def test_live_key_creating_in_launch_refuses_without_yes(server, server_cli, parse) -> None:
    live = server_cli(server.live_key)
    before = parse(live("onboardings", "list", "--all", "--json"))
    refused = live("onboardings", "create", "--customer", "1", "--phase", "launch")
    assert refused.exit_code == 3
    assert "Slack DM" in refused.stderr
    assert parse(live("onboardings", "list", "--all", "--json")) == before

    done = live("onboardings", "create", "--customer", "1", "--phase", "launch", "--yes", "--json")
    assert parse(done)["phase"] == "launch"


def test_test_key_enters_launch_without_asking(server, server_cli, parse) -> None:
    test = server_cli(server.test_key)
    made = parse(
        test("onboardings", "create", "--customer", "1", "--phase", "internal_qa", "--json")
    )
    result = test("onboardings", "advance", str(made["display_id"]))
    assert result.exit_code == 0
    assert result.stdout == "internal_qa → launch\n"
    # No warning and no question: only where the onboarding now is.
    assert result.stderr == f"Onboarding {made['display_id']} is now in launch (state active).\n"
    assert store_transitions(server, made["display_id"]) == [
        (None, "internal_qa"),
        ("internal_qa", "launch"),
    ]


def test_the_embedded_sandbox_s_live_key_warns_and_asks_as_any_live_key(
    sandbox_cli, make_onboarding, customer
) -> None:
    made = make_onboarding("onboarded", "--phase", "internal_qa")
    refused = sandbox_cli("onboardings", "advance", made["id"], "--to", "launch")
    assert refused.exit_code == 3, refused.stderr
    assert refused.stderr.startswith("Warning: Live mode: acme (LIVE, sandbox).")
    assert "Slack DM" in refused.stderr and "Pass --yes to confirm." in refused.stderr
    done = sandbox_cli("onboardings", "advance", made["id"], "--yes")
    assert done.exit_code == 0, done.stderr
    assert done.stdout == "internal_qa → launch\n"
    # The test key is not asked: a backfill goes through.
    back = sandbox_cli("onboardings", "back", made["id"])
    assert back.exit_code == 0, back.stderr
    again = sandbox_cli("--test", "onboardings", "advance", made["id"])
    assert again.exit_code in (0, 4), again.stderr  # the test key sees its own data
    assert "Refusing" not in again.stderr


def test_the_embedded_sandbox_s_live_key_asks_before_a_delete_and_an_import(
    sandbox_cli, customer, tmp_path
) -> None:
    deleted = sandbox_cli("customers", "delete", customer["id"])
    assert deleted.exit_code == 3
    assert deleted.stderr.startswith("Warning: Live mode: acme (LIVE, sandbox).")
    source = tmp_path / "c.csv"
    source.write_text("name\nWarned Co\n")
    imported = sandbox_cli("import", "customers", str(source))
    assert imported.exit_code == 3
    assert "Warning: Live mode: acme (LIVE, sandbox)." in imported.stderr
    assert "Pass --yes to confirm." in imported.stderr


@pytest.mark.parametrize("command", ["pause", "wait", "at-risk", "advance", "back"])
def test_every_record_change_prints_one_line_and_the_record_only_with_json(
    sandbox_cli, make_onboarding, customer, command
) -> None:
    made = make_onboarding("onboarded", "--phase", "review", "--state", "active")
    result = sandbox_cli("onboardings", command, str(made["display_id"]))
    assert result.exit_code == 0, result.stderr
    said = [line for line in result.stderr.splitlines() if "is now in" in line]
    assert len(said) == 1 and said[0].startswith(f"Onboarding {made['display_id']} is now in ")
    assert "customer_id" not in result.stdout and "state\t" not in result.stdout
