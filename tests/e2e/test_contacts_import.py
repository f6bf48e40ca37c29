"""`pivotal contacts import CUSTOMER [FILE|-]` end to end (the help center's "paste a list").

Quoted commas, blank lines and a header line; rows with a bad email or no name flagged
in the preview and skipped; the first contact becomes primary only when the customer
has none; no terminal and no --yes refuses (exit 3) and adds nothing; a terminal asks;
pasting the same list again adds nothing twice (the same idempotency keys, replayed).
"""

from __future__ import annotations

import json
import re

import pytest

PASTE = """name,email,title

"Lee, Jordan", jordan@acme.com, "Head of Ops, EMEA"
Sam Park, sam@acme, CTO
, nobody@acme.com
Mia Wong, mia@acme.com
"""


@pytest.fixture
def customer(make_customer):
    return make_customer("Paste Holder", "--slug", "paste-holder")


@pytest.fixture
def paste_file(tmp_path):
    path = tmp_path / "paste.csv"
    path.write_text(PASTE, encoding="utf-8")
    return str(path)


def contacts_of(sandbox_json, ref: str = "paste-holder") -> list[dict]:
    return sandbox_json("contacts", "list", ref)


def test_quoted_commas_header_and_blank_lines(sandbox_cli, customer, paste_file, parse) -> None:
    result = sandbox_cli("contacts", "import", "paste-holder", paste_file, "--yes", "--json")
    created = parse(result)
    assert [(c["name"], c["email"], c["title"]) for c in created] == [
        ("Lee, Jordan", "jordan@acme.com", "Head of Ops, EMEA"),
        ("Mia Wong", "mia@acme.com", None),
    ]
    assert all(c["customer_id"] == customer["id"] for c in created)
    assert "Added 2 contacts to Paste Holder" in result.stderr


def test_bad_rows_are_flagged_in_the_preview_and_skipped(
    sandbox_cli, sandbox_json, customer, paste_file
) -> None:
    result = sandbox_cli("contacts", "import", "paste-holder", paste_file, "--yes")
    assert result.exit_code == 0, result.stderr
    preview = [line.split("\t") for line in result.stdout.splitlines()]
    assert preview == [
        ["3", "Lee, Jordan", "jordan@acme.com", "Head of Ops, EMEA", "add as primary"],
        ["4", "Sam Park", "sam@acme", "CTO", "skip: bad email 'sam@acme'"],
        ["5", "", "nobody@acme.com", "", "skip: missing name"],
        ["6", "Mia Wong", "mia@acme.com", "", "add"],
    ]
    assert "Skipping line 4: bad email 'sam@acme'." in result.stderr
    assert "Skipping line 5: missing name." in result.stderr
    emails = sorted(c["email"] for c in contacts_of(sandbox_json))
    assert emails == ["jordan@acme.com", "mia@acme.com"]


def test_unquoted_comma_and_duplicate_email_are_flagged(sandbox_json, customer) -> None:
    rows = sandbox_json(
        "contacts", "import", "paste-holder", "-", "--dry-run",
        input="Ann Bo, ann@x.com, VP, Sales\nAnn Again, ANN@x.com\nAnn Bo, ann@x.com, VP\n",
    )  # fmt: skip
    assert rows[0]["problems"] == [
        "4 values where at most 3 fit (quote a value that holds a comma)"
    ]
    assert rows[1]["problems"] == []
    assert rows[2]["problems"] == ["same email as line 2"]


def test_first_contact_becomes_primary_when_the_customer_has_none(
    sandbox_json, customer, paste_file
) -> None:
    sandbox_json("contacts", "import", "paste-holder", paste_file, "--yes")
    primary = {c["email"]: c["is_primary"] for c in contacts_of(sandbox_json)}
    assert primary == {"jordan@acme.com": True, "mia@acme.com": False}


def test_an_existing_primary_stays_primary(sandbox_json, customer, paste_file) -> None:
    boss = sandbox_json(
        "contacts", "add", "paste-holder", "--name", "Boss", "--email", "boss@acme.com"
    )
    assert boss["is_primary"] is True
    preview = sandbox_json("contacts", "import", "paste-holder", paste_file, "--dry-run")
    assert not any(row["is_primary"] for row in preview)
    sandbox_json("contacts", "import", "paste-holder", paste_file, "--yes")
    primaries = [c["email"] for c in contacts_of(sandbox_json) if c["is_primary"]]
    assert primaries == ["boss@acme.com"]


def test_no_terminal_and_no_yes_refuses_and_adds_nothing(
    sandbox_cli, sandbox_json, customer, paste_file
) -> None:
    result = sandbox_cli("contacts", "import", "paste-holder", paste_file)
    assert result.exit_code == 3
    assert "no terminal to ask on" in result.stderr
    assert contacts_of(sandbox_json) == []


@pytest.mark.parametrize(("answer", "code", "added"), [("y\n", 0, 2), ("n\n", 3, 0)])
def test_a_terminal_asks(
    sandbox_cli, sandbox_json, customer, paste_file, terminal, answer, code, added
) -> None:
    result = sandbox_cli(
        "contacts", "import", "paste-holder", paste_file, input=answer, env=terminal
    )
    assert result.exit_code == code, result.stderr
    assert "Add 2 contacts to Paste Holder (#" in result.stderr
    assert len(contacts_of(sandbox_json)) == added


def test_the_same_paste_twice_adds_nothing_twice(
    sandbox_cli, sandbox_json, customer, paste_file, requests_sent
) -> None:
    def keys(stderr: str) -> list[str]:
        return re.findall(r"> Idempotency-Key: (\S+)", stderr)

    first = sandbox_cli("--verbose", "contacts", "import", "paste-holder", paste_file, "--yes")
    second = sandbox_cli(
        "--verbose", "contacts", "import", "paste-holder", "-", "--yes", "--json",
        input="Mia Wong,mia@acme.com\n  \"Lee, Jordan\",jordan@acme.com,\"Head of Ops, EMEA\"\n",
    )  # fmt: skip
    assert first.exit_code == second.exit_code == 0, second.stderr
    assert len(keys(first.stderr)) == 2
    # Both are contacts already: nothing is sent, and it says so rather than "Added".
    assert all(method == "GET" for method, _ in requests_sent(second.stderr))
    assert "Nothing new: Paste Holder (#" in second.stderr
    assert "Added" not in second.stderr and "replayed" not in second.stderr
    assert json.loads(second.stdout) == []  # --json: what was added
    assert len(contacts_of(sandbox_json)) == 2
    primaries = [c["email"] for c in contacts_of(sandbox_json) if c["is_primary"]]
    assert primaries == ["jordan@acme.com"]


def test_the_preview_of_a_replayed_paste_says_nothing_is_to_add(
    sandbox_cli, customer, paste_file
) -> None:
    sandbox_cli("contacts", "import", "paste-holder", paste_file, "--yes")
    again = sandbox_cli(
        "contacts",
        "import",
        "paste-holder",
        paste_file,
        "--dry-run",
        env={"PIVOTAL_FORCE_TTY": "1"},
    )
    assert again.exit_code == 0, again.stderr
    assert again.stdout.count("already a contact") == 2, again.stdout
    assert " add\n" not in again.stdout and "add as primary" not in again.stdout
    assert "Nothing new" in again.stderr


def test_dry_run_sends_no_write(sandbox_cli, customer, paste_file, requests_sent) -> None:
    result = sandbox_cli("--verbose", "contacts", "import", "paste-holder", paste_file, "--dry-run")
    assert result.exit_code == 0
    assert "Dry run: 2 contacts would be added" in result.stderr
    assert all(method == "GET" for method, _ in requests_sent(result.stderr))


def test_nothing_to_add_is_bad_input(sandbox_cli, customer, error_line) -> None:
    assert "holds no contacts" in error_line(
        sandbox_cli("contacts", "import", "paste-holder", "-", "--yes", "--json", input="\n\n"), 2
    )
    result = sandbox_cli(
        "contacts", "import", "paste-holder", "-", "--yes", "--json", input="x, not-an-email\n"
    )
    assert result.exit_code == 2
    assert "None of the 1 contacts can be added" in result.stderr


def test_missing_file_and_unknown_customer(sandbox_cli, customer, error_line, tmp_path) -> None:
    line = error_line(sandbox_cli("contacts", "import", "paste-holder", str(tmp_path / "nope")), 2)
    assert "No such file" in line
    result = sandbox_cli("contacts", "import", "no-such-customer", "-", "--yes", input="A,a@b.co\n")
    assert result.exit_code == 5


def test_a_contact_added_by_hand_is_skipped_not_duplicated(
    sandbox_cli, sandbox_json, customer, paste_file
) -> None:
    sandbox_json("contacts", "add", "paste-holder", "--name", "Mia W", "--email", "mia@acme.com")
    result = sandbox_cli("contacts", "import", "paste-holder", paste_file, "--yes")
    assert result.exit_code == 0, result.stderr
    assert "Line 6: mia@acme.com is already a contact of Paste Holder (#" in result.stderr
    assert "Added 1 contact to Paste Holder" in result.stderr
    assert sorted(c["email"] for c in contacts_of(sandbox_json)) == [
        "jordan@acme.com",
        "mia@acme.com",
    ]


def test_a_paste_is_an_import_job(sandbox_json, customer, paste_file) -> None:
    sandbox_json("contacts", "import", "paste-holder", paste_file, "--yes")
    assert sandbox_json("contacts", "import", "paste-holder", paste_file, "--dry-run")
    jobs = sandbox_json("import", "list")
    assert [(j["resource"], j["rows"], j["created"], j["finished"]) for j in jobs] == [
        ("contacts", 4, 2, True)
    ]
