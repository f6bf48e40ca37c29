"""Output formats end to end: what a terminal, a pipe and each format flag get.

A "terminal" here is `PIVOTAL_FORCE_TTY=1` with `COLUMNS=100` and `NO_COLOR=1`, so the
Rich table's text is stable enough to compare a header and a row exactly. Piped output
(CliRunner's default) is plain tab-separated rows with the API's raw values and no
header; `--json`, `--jsonl` and `--csv` carry exact API field names and values. Data
goes to stdout; hints and friendly empty-result lines go to stderr.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

DEFAULT_CSV_HEADER = "display_id,name,slug,status,plan,mrr,created_at"


@pytest.fixture
def row(make_customer):
    """One customer whose every default column has a value."""
    return make_customer(
        "Table Test Co", "--slug", "table-test", "--status", "active", "--plan", "plus",
        "--mrr", "123456", "--domain", "tabletest.example", "--hubspot-company-id", "hs-77",
        "--metadata", "tier=gold",
    )  # fmt: skip


def test_terminal_table_header_and_row(sandbox_cli, row, terminal) -> None:
    result = sandbox_cli("customers", "list", "--slug", "table-test", env=terminal)
    assert result.exit_code == 0
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    width = max(2, len(str(row["display_id"])))
    assert lines == [
        f"{'ID':>{width}}  NAME           SLUG        STATUS  PLAN        MRR  CREATED",
        f"{row['display_id']:>{width}}  Table Test Co  table-test  active  plus  $1,234.56"
        "  just now",
    ]
    assert result.stderr == ""
    assert "\x1b[" not in result.stdout


def test_terminal_record_is_a_field_list_with_money(sandbox_cli, row, terminal) -> None:
    result = sandbox_cli("customers", "get", "table-test", env=terminal)
    assert result.exit_code == 0
    fields = dict(
        re.split(r"\s{2,}", line.strip(), maxsplit=1)
        for line in result.stdout.splitlines()
        if "  " in line.strip()
    )
    assert fields["name"] == "Table Test Co"
    assert fields["mrr"] == "$1,234.56"
    assert fields["metadata"] == '{"tier":"gold"}'
    assert "object" not in fields


def test_piped_rows_are_raw_and_tab_separated(sandbox_cli, row) -> None:
    result = sandbox_cli("customers", "list", "--slug", "table-test")
    assert result.exit_code == 0
    assert result.stdout == (
        f"{row['display_id']}\tTable Test Co\ttable-test\tactive\tplus\t123456"
        f"\t{row['created_at']}\n"
    )
    assert result.stderr == ""


def test_piped_record_is_field_tab_value(sandbox_cli, row) -> None:
    result = sandbox_cli("customers", "get", "table-test")
    lines = result.stdout.splitlines()
    assert lines[0] == f"id\t{row['id']}"
    assert "mrr\t123456" in lines
    assert 'metadata\t{"tier":"gold"}' in lines
    assert f"created_at\t{row['created_at']}" in lines
    assert [line.split("\t")[0] for line in lines] == [k for k in row if k != "object"]


def test_tabs_inside_values_do_not_break_columns(sandbox_cli, make_customer) -> None:
    made = make_customer("Tab\tName", "--slug", "tabbed")
    result = sandbox_cli("customers", "list", "--slug", "tabbed", "--columns", "display_id,name")
    assert result.stdout == f"{made['display_id']}\tTab Name\n"


def test_json_is_an_array_of_exact_api_objects(sandbox_cli, sandbox_json) -> None:
    result = sandbox_cli("customers", "list", "--limit", "5", "--json")
    rows = json.loads(result.stdout)
    assert result.stderr == ""
    assert len(rows) == 5
    for item in rows:
        assert sandbox_json("customers", "get", item["id"]) == item


def test_jsonl_is_one_object_per_line(sandbox_cli, sandbox_json) -> None:
    result = sandbox_cli("onboardings", "list", "--limit", "4", "--jsonl")
    lines = result.stdout.splitlines()
    assert len(lines) == 4
    assert [json.loads(line) for line in lines] == sandbox_json(
        "onboardings", "list", "--limit", "4"
    )


def test_csv_has_api_field_names_and_quotes_properly(sandbox_cli, make_customer) -> None:
    made = make_customer('Smith, "Jones" & Co', "--slug", "smith-jones", "--mrr", "500")
    result = sandbox_cli("customers", "list", "--slug", "smith-jones", "--csv")
    assert result.stdout.splitlines()[0] == DEFAULT_CSV_HEADER
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows == [
        {
            "display_id": str(made["display_id"]),
            "name": 'Smith, "Jones" & Co',
            "slug": "smith-jones",
            "status": "onboarding",
            "plan": "",
            "mrr": "500",
            "created_at": made["created_at"],
        }
    ]


@pytest.mark.parametrize(
    ("args", "header"),
    [
        (("contacts", "list", "1", "--csv"), "display_id,name,email,title,is_primary,labels"),
        (
            ("onboardings", "list", "--limit", "1", "--csv"),
            "display_id,customer_id,phase,state,target_launch_date,updated_at",
        ),
    ],
)
def test_csv_headers_of_the_other_lists(sandbox_cli, args, header) -> None:
    result = sandbox_cli(*args)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == header
    assert len(result.stdout.splitlines()) > 1


def test_columns_pick_fields_in_every_format(sandbox_cli, row, terminal) -> None:
    args = ("customers", "list", "--slug", "table-test", "--columns", "display_id,name")
    did = row["display_id"]
    assert sandbox_cli(*args).stdout == f"{did}\tTable Test Co\n"
    assert sandbox_cli(*args, "--csv").stdout == f"display_id,name\n{did},Table Test Co\n"
    table = sandbox_cli(*args, env=terminal).stdout.splitlines()
    assert [line.rstrip() for line in table] == [
        f"{'ID':>{len(str(did))}}  NAME",
        f"{did:>2}  Table Test Co",
    ]


def test_an_unknown_column_is_refused_naming_the_valid_ones(sandbox_cli, requests_sent) -> None:
    result = sandbox_cli("--verbose", "customers", "list", "--columns", "display_id,nmae")

    assert result.exit_code == 2
    wanted = "Unknown field for --columns: nmae. Available fields: id, display_id, name,"
    assert wanted in result.stderr
    assert requests_sent(result.stderr) == []


def test_columns_take_any_api_field(sandbox_cli, row, terminal) -> None:
    """Fields without a predefined column, dotted paths into objects, any schema field."""
    columns = "domain,hubspot_company_id,metadata.tier,id,intercom_company_id"
    args = ("customers", "list", "--slug", "table-test", "--columns", columns)

    piped = sandbox_cli(*args)
    assert piped.exit_code == 0
    assert piped.stdout == f"tabletest.example\ths-77\tgold\t{row['id']}\t\n"

    as_csv = sandbox_cli(*args, "--csv")
    assert as_csv.stdout.splitlines()[0] == columns

    table = sandbox_cli(*args, env=terminal)
    header = table.stdout.splitlines()[0].split()
    assert header == [
        "DOMAIN",
        "HUBSPOT_COMPANY_ID",
        "METADATA.TIER",
        "CUID",
        "INTERCOM_COMPANY_ID",
    ]


def test_terminal_humanises_onboardings_and_contacts(sandbox_cli, make_customer, terminal) -> None:
    make_customer("Human Co", "--slug", "human")
    sandbox_cli(
        "contacts",
        "add",
        "human",
        "--name",
        "Pri Mary",
        "--email",
        "p@human.example",
        "-l",
        "a",
        "-l",
        "b",
    )
    sandbox_cli("onboardings", "create", "--customer", "human", "--target-launch", "2026-07-15")

    contacts = sandbox_cli("contacts", "list", "human", env=terminal).stdout.splitlines()
    assert contacts[0].split() == ["ID", "NAME", "EMAIL", "TITLE", "PRIMARY", "LABELS"]
    assert contacts[1].rstrip().endswith("  yes      a, b")

    onboardings = sandbox_cli("onboardings", "list", "--customer", "human", env=terminal)
    lines = onboardings.stdout.splitlines()
    assert re.split(r"\s{2,}", lines[0].strip()) == [
        "ID",
        "CUSTOMER",
        "PHASE",
        "STATE",
        "TARGET LAUNCH",
        "UPDATED",
    ]
    assert "2026-07-15 " in lines[1] and "T00:00:00" not in lines[1]
    assert "just now" in lines[1]

    piped = sandbox_cli("onboardings", "list", "--customer", "human").stdout
    assert "\t2026-07-15T00:00:00.000Z\t" in piped


def test_markup_like_values_show_literally_on_a_terminal(
    sandbox_cli, sandbox_json, make_customer, terminal
) -> None:
    """Square brackets in user data are text, not Rich markup (nor a crash)."""
    make_customer("[red]Evil[/red] Co", "--slug", "evil")
    contact = sandbox_json(
        "contacts", "add", "evil", "--name", "[b]Mark[/b]", "--email", "m@evil.example",
        "--label", "[/oops]", "--label", "[bold]loud",
    )  # fmt: skip

    customers = sandbox_cli("customers", "list", "--slug", "evil", env=terminal)
    assert customers.exit_code == 0
    assert "[red]Evil[/red] Co" in customers.stdout

    contacts = sandbox_cli("contacts", "list", "evil", env=terminal)
    assert contacts.exit_code == 0, contacts.stderr
    assert "[b]Mark[/b]" in contacts.stdout
    assert "[/oops], [bold]loud" in contacts.stdout

    record = sandbox_cli("contacts", "get", str(contact["display_id"]), env=terminal)
    assert record.exit_code == 0, record.stderr
    assert "[/oops], [bold]loud" in record.stdout


# -- colour -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra_env", "flags", "coloured"),
    [
        ({}, (), True),
        ({"NO_COLOR": "1"}, (), False),
        ({}, ("--no-color",), False),
    ],
    ids=["colour", "NO_COLOR", "--no-color"],
)
def test_colour_on_a_terminal_only_when_allowed(
    sandbox_cli, row, extra_env, flags, coloured
) -> None:
    env = {"PIVOTAL_FORCE_TTY": "1", "COLUMNS": "100", **extra_env}
    result = sandbox_cli(*flags, "customers", "list", "--slug", "table-test", env=env)
    assert result.exit_code == 0
    assert ("\x1b[" in result.stdout) is coloured


def test_pipes_never_get_colour(sandbox_cli, row) -> None:
    result = sandbox_cli("customers", "list", "--slug", "table-test")
    assert "\x1b[" not in result.stdout + result.stderr


# -- empty results ----------------------------------------------------------------------


@pytest.fixture
def lonely(make_customer):
    """A customer with no contacts and no onboardings."""
    return make_customer("Lonely Co", "--slug", "lonely")


EMPTY = [
    (("customers", "list", "--slug", "nobody-at-all"), "customers"),
    (("customers", "list", "--status", "churned", "--cursor", "2000-01-01T00:00:00Z"), "customers"),
    (("contacts", "list", "lonely"), "contacts"),
    (("onboardings", "list", "--customer", "lonely"), "onboardings"),
    (("onboardings", "list", "--customer", "lonely", "--state", "paused", "--all"), "onboardings"),
]


@pytest.mark.parametrize(
    ("args", "noun"), EMPTY, ids=[" ".join(a[:3]) + f"#{i}" for i, (a, _) in enumerate(EMPTY)]
)
def test_empty_results(sandbox_cli, lonely, terminal, args, noun) -> None:
    as_json = sandbox_cli(*args, "--json")
    assert (as_json.exit_code, as_json.stdout, as_json.stderr) == (0, "[]\n", "")

    as_jsonl = sandbox_cli(*args, "--jsonl")
    assert (as_jsonl.exit_code, as_jsonl.stdout) == (0, "")

    on_terminal = sandbox_cli(*args, env=terminal)
    assert on_terminal.exit_code == 0
    assert on_terminal.stdout == ""
    # (With --all a progress spinner may come first, on stderr too.)
    assert on_terminal.stderr.endswith(f"No {noun} found.\n")
    assert on_terminal.stderr.count("found.") == 1

    piped = sandbox_cli(*args)
    assert (piped.exit_code, piped.stdout, piped.stderr) == (0, "", "")


# -- the more-pages hint ----------------------------------------------------------------


@pytest.mark.parametrize("noun", ["customers", "onboardings"])
def test_more_pages_hint_only_on_a_terminal(sandbox_cli, terminal, noun) -> None:
    on_terminal = sandbox_cli(noun, "list", "--limit", "2", env=terminal)
    assert on_terminal.exit_code == 0
    assert re.fullmatch(
        rf"More {noun}: add --all, or --cursor \S+ for the next page\.\n", on_terminal.stderr
    )

    piped = sandbox_cli(noun, "list", "--limit", "2")
    assert len(piped.stdout.splitlines()) == 2
    assert piped.stderr == ""

    everything = sandbox_cli(noun, "list", "--all", "--limit", "2", "--json", env=terminal)
    assert "More " not in everything.stderr

    last_page = sandbox_cli(noun, "list", "--limit", "100", env=terminal)
    assert "More " not in last_page.stderr
