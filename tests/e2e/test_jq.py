"""`--jq` on lists and gets, evaluated once over the whole result; `--columns` with JSON.

Against the sandbox's own data: a list's pages are collected before jq runs (so
`length` counts everything, not one page), strings come out raw, a bad expression or
a format jq cannot read stops the command before any request.
"""

from __future__ import annotations

import json
from typing import Any


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
