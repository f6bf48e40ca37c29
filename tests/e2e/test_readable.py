"""Tables people can read: names for ids, nothing vital cut short, one way per type.

* The onboardings list and record name the customer on a terminal (from the fresh id
  index, else by the cheaper of a lookup per customer and a walk, each customer named
  once for the whole command); plain, CSV and JSON keep `customer_id`.
* At 80 columns ids, slugs and money are whole; names give way instead.
* A boolean reads `yes`/`no`, a calendar date `YYYY-MM-DD`, a timestamp `5m ago`, in
  tables and records alike.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest

from pivotal_cli.render.columns import Column
from pivotal_cli.render.formats import Format
from pivotal_cli.render.output import Output
from pivotal_cli.render.table import fit_widths

NARROW = {"PIVOTAL_FORCE_TTY": "1", "COLUMNS": "80", "NO_COLOR": "1"}
LONG_SLUG = "a-very-long-customer-slug-that-must-stay-whole"


def fields(stdout: str) -> dict[str, str]:
    """A terminal record's `field  value` lines as a dict."""
    pairs = (re.split(r"\s{2,}", line.strip(), maxsplit=1) for line in stdout.splitlines())
    return {p[0]: p[1] if len(p) > 1 else "" for p in pairs}


def test_ids_slugs_and_money_are_whole_at_80_columns(sandbox_cli, make_customer) -> None:
    made = make_customer(
        "An Extraordinarily Long Customer Name Incorporated", "--slug", LONG_SLUG,
        "--mrr", "1372600", "--plan", "enterprise", "--status", "at_risk",
    )  # fmt: skip
    result = sandbox_cli("customers", "list", "--slug", LONG_SLUG, env=NARROW)
    assert result.exit_code == 0, result.stderr
    header, row = result.stdout.splitlines()
    assert len(row) <= 80 and len(header) <= 80
    assert LONG_SLUG in row
    assert "$13,726.00" in row
    assert row.split()[0] == str(made["display_id"])
    assert "An Extraordinarily Long Customer Name Incorporated" not in row  # it gave way
    assert "…" in row


def test_onboardings_name_their_customers_from_the_index_or_one_walk(
    sandbox_cli, make_customer, make_onboarding, requests_sent, terminal
) -> None:
    make_customer("Name One Co", "--slug", "name-one")
    make_customer("Name Two Co", "--slug", "name-two")
    for ref in ("name-one", "name-two", "name-one", "name-one"):
        make_onboarding(ref)

    def names_and_lookups() -> tuple[list[str], list[str]]:
        result = sandbox_cli("--verbose", "onboardings", "list", "--limit", "4", env=terminal)
        assert result.exit_code == 0, result.stderr
        lines = result.stdout.splitlines()
        assert re.split(r"\s{2,}", lines[0].strip())[1] == "CUSTOMER"
        customers = [re.split(r"\s{2,}", line.strip())[1] for line in lines[1:]]
        sent = requests_sent(result.stderr)
        return customers, [path for method, path in sent if path.startswith("/customers")]

    # The creates just filed both customers in the id index: no lookup at all.
    assert names_and_lookups() == (
        ["Name One Co", "Name One Co", "Name Two Co", "Name One Co"],
        [],
    )
    assert sandbox_cli("cache", "clear").exit_code == 0
    # Two customers to name, and one page of customers holds them all: one walk.
    assert names_and_lookups() == (
        ["Name One Co", "Name One Co", "Name Two Co", "Name One Co"],
        ["/customers?limit=100"],
    )


def test_scripts_still_see_the_customer_id(
    sandbox_cli, sandbox_json, make_customer, make_onboarding, requests_sent
) -> None:
    customer = make_customer("Raw Id Co", "--slug", "raw-id")
    made = make_onboarding("raw-id")

    piped = sandbox_cli("--verbose", "onboardings", "list", "--customer", "raw-id")
    assert piped.stdout.split("\t")[1] == customer["id"]
    assert ("GET", f"/customers/{customer['id']}") not in requests_sent(piped.stderr)

    as_csv = sandbox_cli("onboardings", "list", "--customer", "raw-id", "--csv")
    assert as_csv.stdout.splitlines()[1].split(",")[1] == customer["id"]
    as_json = sandbox_json("onboardings", "get", str(made["display_id"]))
    assert as_json["customer_id"] == customer["id"]
    record = sandbox_cli("onboardings", "get", str(made["display_id"]))
    assert f"customer_id\t{customer['id']}" in record.stdout.splitlines()


def test_a_record_reads_like_the_table(
    sandbox_cli, make_customer, make_onboarding, terminal
) -> None:
    make_customer("Same Way Co", "--slug", "same-way")
    made = make_onboarding("same-way", "--target-launch", "2026-07-15")
    columns = (
        "display_id,customer_id,waiting_on_customer,reminder_email,target_launch_date,created_at"
    )
    listed = ("onboardings", "list", "--customer", "same-way", "--columns", columns)
    table = sandbox_cli(*listed, env=terminal)
    assert table.exit_code == 0, table.stderr
    row = re.split(r"\s{2,}", table.stdout.splitlines()[1].strip())

    record = fields(sandbox_cli("onboardings", "get", str(made["display_id"]), env=terminal).stdout)
    keys = columns.split(",")
    assert [record[k] for k in keys] == row
    assert row[1] == "Same Way Co"
    assert row[2] in ("yes", "no") and row[3] in ("yes", "no")
    assert row[4] == "2026-07-15"
    assert row[5] == "just now"
    assert record["started_at"] == "just now"  # a timestamp, not a calendar date


# -- the Output itself --------------------------------------------------------------------


def test_fixed_columns_never_shrink() -> None:
    # An id of 30, a name of 40, a slug of 30 (and two gaps of 2): only the name gives
    # way, first to a readable floor of 6, then, if need be, to a lone ellipsis.
    fixed = [True, False, True]
    assert fit_widths([30, 40, 30], [2, 4, 4], 80, fixed=fixed) == [30, 16, 30]
    assert fit_widths([30, 40, 30], [2, 4, 4], 70, fixed=fixed) == [30, 6, 30]
    # Too narrow for the fixed columns alone: the widest fold onto more lines (whole)
    # and the name keeps its readable floor, rather than overflow the terminal.
    assert fit_widths([30, 40, 30], [2, 4, 4], 60, fixed=fixed) == [25, 6, 25]
    # Without fixed columns the widest gives way first, as before.
    assert fit_widths([30, 40, 30], [2, 4, 4], 70) == [22, 22, 22]


def test_waiting_imports_nothing_and_draws_nothing_when_fast() -> None:
    code = (
        "import io, sys, threading\n"
        "from pivotal_cli.render.output import Output\n"
        "out = Output(stdout=io.StringIO(), stderr=io.StringIO(), force_tty=True)\n"
        "with out.waiting():\n"
        "    pass\n"
        "assert 'rich' not in sys.modules, 'rich imported'\n"
        "assert out.stderr.getvalue() == '', out.stderr.getvalue()\n"
        "piped = Output(stdout=io.StringIO(), stderr=io.StringIO())\n"
        "before = threading.active_count()\n"
        "with piped.waiting():\n"
        "    assert threading.active_count() == before, 'a thread off a terminal'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_waiting_draws_a_spinner_when_slow_and_clears_it() -> None:
    import time

    err = io.StringIO()
    out = Output(stdout=io.StringIO(), stderr=err, force_tty=True, no_color=True, wait_delay=0)
    with out.waiting():
        time.sleep(0.3)
    text = err.getvalue()
    assert "Waiting for the API…" in text
    assert text.rfind("\x1b[?25h") > text.rfind("\x1b[?25l") >= 0


class _Interrupting(io.StringIO):
    def readline(self, size: int | None = -1) -> str:
        raise KeyboardInterrupt


def test_ctrl_c_at_a_prompt_ends_its_line() -> None:
    err = io.StringIO()
    out = Output(stdout=io.StringIO(), stderr=err, stdin=_Interrupting(), force_tty=True)
    with pytest.raises(KeyboardInterrupt):
        out.confirm("Delete it?", assume_yes=False)
    assert err.getvalue() == "Delete it? [y/N]: \n"


def test_rows_write_nothing_but_data_to_stdout_under_a_spinner() -> None:
    stdout, err = io.StringIO(), io.StringIO()
    out = Output(stdout=stdout, stderr=err, force_tty=True, no_color=True, width=80)
    rows = [{"id": f"c{n:03d}"} for n in range(250)]
    count = out.rows(rows, [Column("id", "ID", fixed=True)], Format.table, progress_label="Rows")
    assert count == 250
    assert "Rows" not in stdout.getvalue() and "\x1b[?25" not in stdout.getvalue()
    assert err.getvalue().endswith("\x1b[?25h")
