"""`pivotal contacts …` end to end, against a fresh embedded sandbox per test.

The primary-contact rules (the first contact becomes primary, `--primary` moves it),
list order (primary first, then newest), emails lowercased and unique per customer,
repeated `--label`, partial updates, the delete confirmation rules, and emails checked
locally before any request is sent.
"""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def customer(make_customer):
    return make_customer("Contact Holder", "--slug", "holder")


@pytest.fixture
def add(sandbox_json):
    """`add(name, email, *flags)` on the `holder` customer; the new contact's JSON."""

    def run(name: str, email: str, *flags: str):
        return sandbox_json("contacts", "add", "holder", "--name", name, "--email", email, *flags)

    return run


def ids(rows) -> list[str]:
    return [row["id"] for row in rows]


def test_add_prints_the_contact(sandbox_cli, customer) -> None:
    result = sandbox_cli(
        "contacts", "add", "holder", "--name", "Mira Chen", "--email", "Mira.Chen@Aurora.COM",
        "--title", "Head of Ops", "--label", "billing", "--label", "technical",
    )  # fmt: skip
    assert result.exit_code == 0
    fields = dict(line.split("\t", 1) for line in result.stdout.splitlines())
    assert fields["email"] == "mira.chen@aurora.com"
    assert fields["customer_id"] == customer["id"]
    assert fields["is_primary"] == "true"
    assert fields["labels"] == '["billing","technical"]'
    assert result.stderr == f"Added contact {fields['display_id']} (mira.chen@aurora.com).\n"


def test_first_contact_becomes_primary_and_primary_moves(sandbox_json, customer, add) -> None:
    first = add("First Person", "first@holder.example")
    second = add("Second Person", "second@holder.example")
    assert (first["is_primary"], second["is_primary"]) == (True, False)

    third = add("Third Person", "third@holder.example", "--primary")
    assert third["is_primary"] is True
    primaries = [c["id"] for c in sandbox_json("contacts", "list", "holder") if c["is_primary"]]
    assert primaries == [third["id"]]
    assert sandbox_json("contacts", "get", first["id"])["is_primary"] is False


def test_list_is_primary_first_then_newest(sandbox_json, customer, add) -> None:
    a = add("A", "a@holder.example")  # primary: the first contact
    b = add("B", "b@holder.example")
    c = add("C", "c@holder.example")
    assert ids(sandbox_json("contacts", "list", "holder")) == [a["id"], c["id"], b["id"]]

    d = add("D", "d@holder.example", "--primary")
    expected = [d["id"], c["id"], b["id"], a["id"]]
    for ref in ("holder", str(customer["display_id"]), customer["id"]):
        assert ids(sandbox_json("contacts", "list", ref)) == expected


def test_list_piped_is_tab_separated(sandbox_cli, customer, add) -> None:
    made = add("Piped Person", "piped@holder.example", "--title", "CTO", "--label", "x")
    result = sandbox_cli("contacts", "list", "holder")
    assert result.exit_code == 0
    assert result.stdout == (
        f'{made["display_id"]}\tPiped Person\tpiped@holder.example\tCTO\ttrue\t["x"]\n'
    )
    assert result.stderr == ""


def test_labels_repeat_and_email_is_lowercased(sandbox_json, customer, add) -> None:
    made = add("Labelled", "LaBeLs@Holder.Example", "-l", "one", "--label", "two", "-l", "three")
    assert made["labels"] == ["one", "two", "three"]
    assert made["email"] == "labels@holder.example"
    assert sandbox_json("contacts", "get", str(made["display_id"])) == made


def test_get_by_display_id_and_cuid(sandbox_json, customer, add) -> None:
    made = add("Gettable", "get@holder.example")
    assert sandbox_json("contacts", "get", str(made["display_id"])) == made
    assert sandbox_json("contacts", "get", made["id"]) == made


def test_update_is_partial(sandbox_cli, sandbox_json, customer, add) -> None:
    before = add("Before Name", "update@holder.example", "--title", "CEO", "--label", "keep")
    result = sandbox_cli("contacts", "update", str(before["display_id"]), "--name", "After Name")
    assert result.exit_code == 0
    assert result.stderr == f"Updated contact {before['display_id']} (update@holder.example).\n"

    after = sandbox_json("contacts", "get", before["id"])
    assert {k for k in before if before[k] != after[k]} == {"name", "updated_at"}
    assert after["updated_at"] > before["updated_at"]

    relabelled = sandbox_json(
        "contacts", "update", before["id"], "--label", "new", "--email", "NEW@Holder.Example"
    )
    assert relabelled["labels"] == ["new"]  # --label replaces all labels
    assert relabelled["email"] == "new@holder.example"


def test_update_primary_and_not_primary(sandbox_json, customer, add) -> None:
    first = add("First", "p1@holder.example")
    second = add("Second", "p2@holder.example")

    assert sandbox_json("contacts", "update", second["id"], "--primary")["is_primary"] is True
    assert sandbox_json("contacts", "get", first["id"])["is_primary"] is False

    assert sandbox_json("contacts", "update", second["id"], "--not-primary")["is_primary"] is False
    assert not any(c["is_primary"] for c in sandbox_json("contacts", "list", "holder"))


def test_delete_needs_yes_without_a_terminal(sandbox_cli, sandbox_json, customer, add) -> None:
    made = add("Deletable", "del@holder.example")
    refused = sandbox_cli("contacts", "delete", str(made["display_id"]))
    assert refused.exit_code == 3
    assert refused.stdout == ""
    assert "Pass --yes to confirm." in refused.stderr
    assert sandbox_json("contacts", "get", made["id"]) == made


def test_delete_asks_on_a_terminal(sandbox_cli, customer, add, terminal) -> None:
    made = add("Asked", "asked@holder.example")
    result = sandbox_cli("contacts", "delete", made["id"], input="n\n", env=terminal)
    assert result.exit_code == 3
    assert f"Delete contact {made['display_id']} 'Asked' <asked@holder.example>" in result.stderr
    assert sandbox_cli("contacts", "get", made["id"]).exit_code == 0


def test_delete_with_yes_then_not_found(
    sandbox_cli, sandbox_json, customer, add, error_line
) -> None:
    made = add("Gone", "gone@holder.example")
    other = add("Stays", "stays@holder.example")
    did = made["display_id"]

    result = sandbox_cli("contacts", "delete", str(did), "--yes")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert f"Deleted contact {did} 'Gone' <gone@holder.example>." in result.stderr
    assert "soft delete" in result.stderr

    assert f"'{did}'" in error_line(sandbox_cli("contacts", "get", str(did)), 5)
    assert ids(sandbox_json("contacts", "list", "holder")) == [other["id"]]
    # The email is free again on this customer.
    assert add("Back", "gone@holder.example")["id"] != made["id"]


def test_email_taken_is_a_conflict_with_a_hint(sandbox_cli, customer, add, error_line) -> None:
    add("Original", "taken@holder.example")
    result = sandbox_cli(
        "contacts", "add", "holder", "--name", "Copy", "--email", "TAKEN@holder.example"
    )
    line = error_line(result, 6)
    assert "email_taken" in line
    assert "'taken@holder.example'" in line
    assert "update it instead" in line  # the hint: what to do next


def test_same_email_at_another_customer_is_fine(sandbox_json, customer, add, make_customer) -> None:
    add("Here", "shared@example.com")
    make_customer("Elsewhere", "--slug", "elsewhere")
    there = sandbox_json(
        "contacts", "add", "elsewhere", "--name", "There", "--email", "shared@example.com"
    )
    assert there["email"] == "shared@example.com"


@pytest.mark.parametrize(
    "args",
    [
        ("contacts", "add", "holder", "--name", "Bad", "--email", "not-an-email"),
        ("contacts", "add", "holder", "--name", "Bad", "--email", "two@@example.com"),
        ("contacts", "add", "holder", "--name", "Bad", "--email", "spaced out@example.com"),
        ("contacts", "update", "1", "--email", "nobody"),
    ],
    ids=["no-at", "two-ats", "space", "update"],
)
def test_invalid_email_fails_before_any_request(
    sandbox_cli, customer, args, error_line, requests_sent
) -> None:
    result = sandbox_cli("--verbose", *args)
    line = error_line(result, 2)
    assert "--email" in line
    assert "is not an email address" in line
    assert requests_sent(result.stderr) == []


def test_invalid_email_in_data_fails_before_any_request(
    sandbox_cli, customer, error_line, requests_sent
) -> None:
    body = json.dumps({"name": "Data", "email": "nope"})
    result = sandbox_cli("--verbose", "contacts", "add", "holder", "--data", body)
    line = error_line(result, 2)
    assert "--email" in line and "'nope'" in line
    assert requests_sent(result.stderr) == []


def test_add_needs_a_name_and_an_email(sandbox_cli, customer, error_line) -> None:
    missing_name = sandbox_cli("contacts", "add", "holder", "--email", "x@holder.example")
    assert "--name is required" in error_line(missing_name, 2)
    missing_email = sandbox_cli("contacts", "add", "holder", "--name", "No Email")
    assert "--email is required" in error_line(missing_email, 2)


def test_contacts_of_an_unknown_customer_are_not_found(sandbox_cli, error_line) -> None:
    assert "'nobody-here'" in error_line(sandbox_cli("contacts", "list", "nobody-here"), 5)
    result = sandbox_cli("contacts", "add", "99999", "--name", "N", "--email", "n@x.example")
    assert "'99999'" in error_line(result, 5)
