"""The real `pivotal` console script in pipelines, and the README's recipes.

These run the installed console script in a subprocess (bash, `jq`, `cut`), exactly as
a user or a CI job would, against this test's embedded sandbox (the subprocess inherits
`PIVOTAL_SANDBOX_DIR` and the rate-limit switch from the test's environment). Records
are created in-process first, which also seeds the sandbox. Tests that need `jq` are
skipped where it is not installed.

The recipes are read from README.md itself, so the test runs what users copy:

* the quickstart flow (customer, primary contact, onboarding), in-process;
* the CI smoke test, as a bash script with `PIVOTAL_SANDBOX=1` instead of a real key,
  which must run green and leave no records behind.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
needs_jq = pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed")


def sh(script: str, env: dict[str, str], **options) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", script], env=env, capture_output=True, text=True, timeout=60, **options
    )


def readme_block(heading: str) -> str:
    """The first ```sh block after `heading` in README.md."""
    text = README.read_text(encoding="utf-8")
    assert heading in text, f"README.md no longer has {heading!r}"
    found = re.compile(r"```sh\n(.*?)```", re.DOTALL).search(text, text.index(heading))
    assert found, f"no sh block after {heading!r} in README.md"
    return found.group(1)


# -- jq ---------------------------------------------------------------------------------


@needs_jq
def test_json_through_jq_as_the_readme_shows(sandbox_json, make_customer, subprocess_env) -> None:
    make_customer("Slugless Co")
    make_customer("Piped Co", "--slug", "piped-co")
    expected = [c["slug"] or "null" for c in sandbox_json("customers", "list", "--all")]

    done = sh("pivotal --sandbox customers list --all --json | jq -r '.[].slug'", subprocess_env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == expected
    assert "piped-co" in expected and "null" in expected
    assert done.stderr == ""


@needs_jq
def test_jsonl_through_jq_walks_all_active_onboardings(sandbox_json, subprocess_env) -> None:
    """README: `pivotal onboardings list --state active --all --jsonl | jq -r '[…] | @tsv'`."""
    recipe = "pivotal --sandbox onboardings list --state active --all --limit 3 --jsonl"
    done = sh(f"{recipe} | jq -r '[.display_id, .phase] | @tsv'", subprocess_env)
    assert done.returncode == 0, done.stderr

    active = sandbox_json("onboardings", "list", "--state", "active", "--all")
    assert len(active) > 3, "several pages of 3"
    assert done.stdout.splitlines() == [f"{o['display_id']}\t{o['phase']}" for o in active]


@needs_jq
def test_single_record_json_through_jq(make_customer, subprocess_env) -> None:
    made = make_customer("Jq One", "--slug", "jq-one", "--metadata", "tier=3")
    done = sh(
        "pivotal --sandbox customers get jq-one --json"
        " | jq -r '[.display_id, .metadata.tier] | @csv'",
        subprocess_env,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{made['display_id']},3\n"


# -- plain rows -----------------------------------------------------------------------------


def test_plain_rows_through_cut_and_sort(sandbox_json, subprocess_env) -> None:
    done = sh(
        "pivotal --sandbox customers list --all | cut -f1,3 | sort -n | head -3", subprocess_env
    )
    assert done.returncode == 0, done.stderr
    everything = sorted(sandbox_json("customers", "list", "--all"), key=lambda c: c["display_id"])
    assert done.stdout.splitlines() == [
        f"{c['display_id']}\t{c['slug'] or ''}" for c in everything[:3]
    ]


@pytest.mark.parametrize("fmt", ["", "--json", "--jsonl", "--csv"])
def test_a_reader_that_leaves_early_is_not_an_error(subprocess_env, fmt) -> None:
    """`… | head -1` (here `| true`, which leaves before anything is written)."""
    done = sh(
        f"pivotal --sandbox customers list --all {fmt} | true; echo ${{PIPESTATUS[0]}}",
        subprocess_env,
    )
    assert done.stderr == ""
    assert done.stdout == "141\n"  # 128 + SIGPIPE, as for any filter whose reader left


def test_head_gets_the_first_rows(sandbox_json, subprocess_env) -> None:
    done = sh("pivotal --sandbox customers list --all --limit 5 | head -2", subprocess_env)
    assert done.returncode == 0
    newest = sandbox_json("customers", "list", "--limit", "2")
    assert [line.split("\t")[0] for line in done.stdout.splitlines()] == [
        str(c["display_id"]) for c in newest
    ]
    assert "Error" not in done.stderr


# -- README recipes ---------------------------------------------------------------------------


def test_quickstart_flow_from_the_readme(sandbox_cli, sandbox_json) -> None:
    commands = [
        shlex.split(line)
        for line in readme_block("**The quickstart flow**").splitlines()
        if line.strip()
    ]
    assert [c[:3] for c in commands] == [
        ["pivotal", "customers", "create"],
        ["pivotal", "contacts", "add"],
        ["pivotal", "onboardings", "create"],
    ]
    for command in commands:
        result = sandbox_cli(*command[1:])
        assert result.exit_code == 0, (command, result.stderr)

    customer = sandbox_json("customers", "get", "aurora")
    assert (customer["name"], customer["domain"], customer["status"]) == (
        "Aurora Outfitters",
        "aurora.com",
        "onboarding",
    )
    [contact] = sandbox_json("contacts", "list", "aurora")
    assert contact["email"] == "mira@aurora.com"
    assert contact["is_primary"] is True
    assert contact["title"] == "Head of Ops"
    assert contact["labels"] == ["billing", "technical"]
    [onboarding] = sandbox_json("onboardings", "list", "--customer", "aurora")
    assert (onboarding["phase"], onboarding["state"], onboarding["target_launch_date"]) == (
        "before_getting_started",
        "active",
        "2026-07-15T00:00:00.000Z",
    )


@needs_jq
def test_ci_smoke_test_from_the_readme_runs_green_and_cleans_up(
    cli, parse, sandbox_json, subprocess_env
) -> None:
    script = readme_block("**A CI smoke test that cleans up after itself**")
    key_line = 'export PIVOTAL_API_KEY="$PIVOTAL_TEST_KEY"'
    assert key_line in script
    script = script.replace(key_line, "export PIVOTAL_SANDBOX=1")

    customers_before = sandbox_json("customers", "list", "--all")
    onboardings_before = sandbox_json("onboardings", "list", "--all")

    env = {**subprocess_env, "GITHUB_SHA": "0123456789abcdef"}
    done = sh(script, env)
    assert done.returncode == 0, done.stderr
    assert "Error" not in done.stderr
    assert "Added contact" in done.stderr and "(ci+0123456@example.com)" in done.stderr
    assert done.stdout == "before_getting_started → program_design\n"

    # Nothing is left behind...
    assert sandbox_json("customers", "list", "--all") == customers_before
    assert sandbox_json("customers", "list", "--slug", "ci-0123456") == []
    assert sandbox_json("onboardings", "list", "--all") == onboardings_before

    # ...and yet everything happened, in order, and is on the audit trail.
    events = [
        (row["kind"], row["customer_display_id"])
        for row in parse(cli("sandbox", "events", "--json"))
        if row["actor"] != "seed"
    ]
    kinds = [kind for kind, _ in events]
    assert kinds == [
        "customer.created",
        "contact.created",
        "onboarding.created",
        "onboarding.updated",
        "onboarding.phase_changed",
        "onboarding.deleted",
        "contact.deleted",
        "customer.deleted",
    ]
    assert len({customer for _, customer in events}) == 1
