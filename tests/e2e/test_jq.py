"""`--jq` on lists and gets, evaluated once over the whole result; `--columns` with JSON.

Against the sandbox's own data: a list's pages are collected before jq runs (so
`length` counts everything, not one page), strings come out raw, a bad expression or
a format jq cannot read stops the command before any request.
"""

from __future__ import annotations

import json
from typing import Any

import pytest


def test_jq_runs_once_over_every_page(sandbox_cli: Any, small_pages: Any) -> None:
    small_pages(5)
    everything = json.loads(sandbox_cli("customers", "list", "--all", "--json").stdout)

    result = sandbox_cli("customers", "list", "--all", "--jq", "length")

    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{len(everything)}\n"
    assert len(everything) > 5  # more than one page was walked


def test_jq_prints_strings_raw_one_per_line(sandbox_cli: Any) -> None:
    listed = json.loads(sandbox_cli("customers", "list", "-L", "3", "--json").stdout)

    result = sandbox_cli("customers", "list", "-L", "3", "--jq", ".[].slug")

    assert result.stdout.splitlines() == [c["slug"] for c in listed]


def test_jq_takes_variables(sandbox_cli: Any, make_customer: Any) -> None:
    made = make_customer("Jq Var Co", "--slug", "jq-var")

    result = sandbox_cli(
        "customers",
        "list",
        "--all",
        "--jq",
        "map(select(.slug == $s)) | .[0].id",
        "--arg",
        "s=jq-var",
    )

    assert result.stdout == f"{made['id']}\n"


def test_jq_on_one_record(sandbox_cli: Any, make_customer: Any) -> None:
    made = make_customer("Jq One Co", "--slug", "jq-one")

    result = sandbox_cli("customers", "get", "jq-one", "--jq", "{name, slug}")

    assert json.loads(result.stdout) == {"name": made["name"], "slug": "jq-one"}


def test_bad_jq_stops_before_any_request(
    sandbox_cli: Any, error_line: Any, requests_sent: Any
) -> None:
    for args in (
        ("customers", "list", "--jq", ".["),
        ("customers", "list", "--jq", ".", "--csv"),
        ("onboardings", "list", "--arg", "a=1"),
        ("customers", "list", "--jq", ".", "--arg", "novalue"),
    ):
        result = sandbox_cli("--verbose", *args)
        error_line(result, 2)
        assert requests_sent(result.stderr) == [], args


def test_columns_pick_the_fields_of_json_output(sandbox_cli: Any) -> None:
    whole = json.loads(sandbox_cli("customers", "list", "-L", "2", "--json").stdout)

    picked = sandbox_cli(
        "customers", "list", "-L", "2", "--columns", "slug,metadata,name", "--json"
    )
    lines = sandbox_cli("customers", "list", "-L", "2", "--columns", "slug", "--jsonl")

    assert json.loads(picked.stdout) == [
        {"slug": c["slug"], "metadata": c["metadata"], "name": c["name"]} for c in whole
    ]
    assert [json.loads(line) for line in lines.stdout.splitlines()] == [
        {"slug": c["slug"]} for c in whole
    ]


def test_template_prints_each_record_with_dotted_fields(sandbox_cli: Any) -> None:
    listed = json.loads(sandbox_cli("customers", "list", "-L", "2", "--json").stdout)

    result = sandbox_cli("customers", "list", "-L", "2", "-t", "{display_id}:{slug}:{metadata.x}")

    assert result.stdout.splitlines() == [f"{c['display_id']}:{c['slug']}:" for c in listed]


def test_template_on_one_record_and_its_mistakes(
    sandbox_cli: Any, make_customer: Any, error_line: Any, requests_sent: Any
) -> None:
    make_customer("Tpl Co", "--slug", "tpl-co")

    assert sandbox_cli("customers", "get", "tpl-co", "--template", "{name}!").stdout == "Tpl Co!\n"
    for args in (("-t", "{"), ("-t", "{name}", "--json")):
        result = sandbox_cli("--verbose", "customers", "list", *args)
        error_line(result, 2)
        assert requests_sent(result.stderr) == []


def test_jq_on_writes_and_single_documents(sandbox_cli: Any) -> None:
    created = sandbox_cli("customers", "create", "--name", "Jq Write Co", "--jq", ".name")
    assert created.exit_code == 0, created.stderr
    assert created.stdout == "Jq Write Co\n"

    me = sandbox_cli("me", "--jq", ".organization.slug")
    assert me.stdout == "acme\n"

    status = sandbox_cli("status", "--jq", ".by_phase | type")
    assert status.stdout == "object\n"


def test_jq_on_a_write_is_checked_before_it_is_sent(sandbox_cli: Any) -> None:
    before = json.loads(sandbox_cli("customers", "list", "--all", "--jq", "length").stdout)

    bad = sandbox_cli("customers", "create", "--name", "Never Sent", "--jq", ".name +")
    orphan = sandbox_cli("customers", "create", "--name", "Never Sent", "--arg", "a=b")

    assert (bad.exit_code, orphan.exit_code) == (2, 2)
    assert "--jq" in bad.stderr and "--arg works only with --jq" in orphan.stderr
    after = json.loads(sandbox_cli("customers", "list", "--all", "--jq", "length").stdout)
    assert after == before


def test_json_takes_field_names_as_gh_does(sandbox_cli: Any, make_customer: Any) -> None:
    made = make_customer("Json Fields Co", "--slug", "json-fields")
    want = {"display_id": made["display_id"], "slug": "json-fields"}

    spaced = sandbox_cli("customers", "get", "json-fields", "--json", "display_id,slug")
    joined = sandbox_cli("customers", "get", "--json=display_id,slug", "json-fields")
    listed = sandbox_cli("customers", "list", "--slug", "json-fields", "--json", "display_id,slug")
    # A word that is not field names stays the command's argument.
    whole = sandbox_cli("customers", "get", "--json", "json-fields")

    assert json.loads(spaced.stdout) == want
    assert json.loads(joined.stdout) == want
    assert json.loads(listed.stdout) == [want]
    assert json.loads(whole.stdout)["id"] == made["id"]


def test_json_field_typo_is_a_usage_error_naming_valid_fields(sandbox_cli: Any) -> None:
    result = sandbox_cli("onboardings", "list", "--json=phase,stat")

    assert result.exit_code == 2
    assert "Unknown JSON field: stat." in result.stderr and "state" in result.stderr


def test_columns_on_get_pick_fields_of_the_record(sandbox_cli: Any, make_customer: Any) -> None:
    make_customer("Get Columns Co", "--slug", "get-columns", "-m", "tier=gold")

    plain = sandbox_cli("customers", "get", "get-columns", "-c", "slug,metadata.tier")
    typo = sandbox_cli("customers", "get", "get-columns", "-c", "slgu")

    assert plain.stdout.splitlines() == ["slug\tget-columns", "metadata.tier\tgold"]
    assert typo.exit_code == 2 and "Unknown field for --columns: slgu." in typo.stderr


def test_jq_output_is_indented_on_a_terminal_and_compact_in_a_pipe(sandbox_cli: Any) -> None:
    expr = "{slug: .organization.slug}"
    terminal = sandbox_cli("me", "--jq", expr, env={"PIVOTAL_FORCE_TTY": "1"})
    piped = sandbox_cli("me", "--jq", expr)

    assert terminal.stdout == '{\n  "slug": "acme"\n}\n'
    assert piped.stdout == '{"slug":"acme"}\n'


def test_jq_on_commands_that_need_no_api(cli: Any) -> None:
    cli("config", "set", "output", "json")

    result = cli("config", "list", "--jq", ".output")

    assert result.exit_code == 0, result.stderr
    assert result.stdout == "json\n"


FAKE_KEY = "pivotal_test_fakeKEYfakeKEY0123456789"
FAKE_SECRET = "whsec_ZmFrZXNlY3JldGZha2VzZWNyZXQ="


@pytest.mark.parametrize("expr", ["env", "$ENV", "env | tostring", '[$ENV[]] | join(" ")'])
def test_jq_sees_no_secret_in_the_environment(sandbox_cli: Any, expr: str) -> None:
    result = sandbox_cli(
        "customers",
        "get",
        "1",
        "--jq",
        expr,
        env={
            "PIVOTAL_API_KEY": FAKE_KEY,
            "PIVOTAL_WEBHOOK_SECRET": FAKE_SECRET,
            "GITHUB_TOKEN": "ghp_notarealtoken",
            "INNOCENT_LOOKING": FAKE_KEY,
            "DATABASE_URL": "postgres://app:hunter2@db/app",
            "PIVOTAL_JQ_VISIBLE": "yes",
        },
    )

    assert result.exit_code == 0, result.stderr
    for secret in (FAKE_KEY, FAKE_SECRET, "ghp_notarealtoken", "hunter2"):
        assert secret not in result.stdout
        assert secret not in result.stderr
    if expr == "env":  # what is not a secret stays readable
        assert json.loads(result.stdout)["PIVOTAL_JQ_VISIBLE"] == "yes"


def test_the_environment_is_whole_again_after_jq(sandbox_cli: Any) -> None:
    import os

    sandbox_cli("customers", "get", "1", "--jq", "env", env={"PIVOTAL_API_KEY": FAKE_KEY})

    assert os.environ.get("PIVOTAL_API_KEY") is None  # CliRunner put back what it set
    assert "PIVOTAL_CONFIG_DIR" in os.environ


def test_a_filter_past_the_memory_ceiling_is_one_line(
    sandbox_cli: Any, error_line: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pivotal_cli.cli import query

    monkeypatch.setattr(query, "JQ_MEMORY_HEADROOM", 100 * 1024**2)

    result = sandbox_cli("customers", "get", "1", "--jq", "[range(1e9)]")

    assert "ran out of memory" in error_line(result, 1)


def test_an_endless_filter_stops_at_the_reader(sandbox_cli: Any) -> None:
    from pivotal_cli.cli import query

    lines = query.stream_jq(None, "repeat(1)")
    first = [next(lines) for _ in range(3)]
    lines.close()  # as `| head` closing the pipe does: the child is killed, not waited on

    assert first == ["1", "1", "1"]


def test_ctrl_c_ends_a_runaway_filter_at_once(tmp_path: Any) -> None:
    import signal
    import subprocess
    import sys
    import time

    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pivotal_cli",
            "--sandbox",
            "customers",
            "get",
            "1",
            "--jq",
            "last(repeat(1))",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # A shell's background job ignores SIGINT; a terminal's foreground one does not.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        time.sleep(2.5)  # well into the endless loop
        assert process.poll() is None
        process.send_signal(signal.SIGINT)
        started = time.monotonic()
        code = process.wait(timeout=10)
        took = time.monotonic() - started
    finally:
        process.kill()
        process.communicate()

    assert code == 130
    assert took < 5


@pytest.mark.parametrize("template", ["{name:>1000000000}", "{name:.99999}", "{name:x^5000}"])
def test_a_template_width_past_reason_is_refused_before_any_request(
    sandbox_cli: Any, error_line: Any, requests_sent: Any, template: str
) -> None:
    result = sandbox_cli("--verbose", "customers", "list", "-t", template)

    assert "over 1,000" in error_line(result, 2)
    assert requests_sent(result.stderr) == []


def test_a_width_filled_in_from_a_record_is_bounded_too(sandbox_cli: Any, error_line: Any) -> None:
    result = sandbox_cli("customers", "get", "1", "-t", "{name:>{mrr}}")

    assert "over 1,000" in error_line(result, 2)
