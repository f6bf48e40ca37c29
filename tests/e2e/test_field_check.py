"""One field-name check for `--columns`, `--json FIELDS` and `-t/--template`: an unknown
name is exit 2 naming the valid ones, before any request; `--json` alone still
prints whole objects."""

from __future__ import annotations

import json

import pytest

from pivotal_cli.domain.field_names import template_fields, unknown


@pytest.mark.parametrize(
    ("args", "first_words"),
    [
        (("customers", "list", "--json", "nosuch,name"), "Unknown JSON field: nosuch."),
        (("customers", "list", "--json", "nosuch"), "Unknown JSON field: nosuch."),
        (("customers", "list", "--json=name,nosuch"), "Unknown JSON field: nosuch."),
        (("customers", "list", "--columns", "nosuch"), "Unknown field for --columns: nosuch."),
        (("customers", "list", "-t", "{nosuch}"), "Unknown template field: nosuch."),
        (("customers", "list", "-t", "{name:{nowidth}}"), "Unknown template field: nowidth."),
        (("customers", "get", "acme", "-t", "{nme}"), "Unknown template field: nme."),
        (("onboardings", "list", "--json", "phase,stat"), "Unknown JSON field: stat."),
    ],
)
def test_an_unknown_field_is_exit_2_naming_the_valid_ones_before_any_request(
    sandbox_cli, error_line, requests_sent, args, first_words
) -> None:
    result = sandbox_cli("--verbose", *args)
    assert result.exit_code == 2, result.stderr
    if "--json" in " ".join(args):
        # With --json the error follows the machine contract: one JSON object on stderr.
        error = json.loads(result.stderr.strip().splitlines()[-1])
        assert error["code"] == "unknown_field" and error["exit_code"] == 2
        line = f"Error: {error['message']}"
    else:
        line = next(ln for ln in result.stderr.splitlines() if ln.startswith("Error:"))
    assert line.startswith(f"Error: {first_words} Available fields: id, display_id,"), line
    assert requests_sent(result.stderr) == []


def test_json_alone_prints_whole_objects_and_json_fields_only_those(sandbox_json) -> None:
    whole = sandbox_json("customers", "list", "-L", "2")
    picked = sandbox_json("customers", "list", "-L", "2", "--json", "slug,name")
    assert "mrr" in whole[0] and "created_at" in whole[0]
    assert [set(row) for row in picked] == [{"slug", "name"}] * 2
    assert list(picked[0]) == ["slug", "name"]


def test_a_template_of_known_fields_prints_them(sandbox_cli) -> None:
    result = sandbox_cli("customers", "list", "-L", "1", "-t", "{slug}|{metadata.tier}")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip().endswith("|")
    assert result.stdout.strip() != "|"


def test_a_customer_ref_after_json_on_get_is_still_the_customer(sandbox_cli) -> None:
    result = sandbox_cli("customers", "get", "--json", "acme-fashion")
    # Read as the customer (found or not), never as a field list.
    assert "Unknown JSON field" not in result.stderr


def test_the_rule_reads_dotted_and_indexed_paths_by_their_field() -> None:
    known = ["name", "metadata", "tags"]
    assert unknown(["name", "metadata.tier", "tags[0]", "nme", ""], known) == ["nme", ""]
    assert template_fields("{a} {b.c:>{w}} {{literal}}") == ["a", "b.c", "w"]


def test_json_help_documents_both_forms(cli) -> None:
    text = cli("customers", "list", "--help").stdout
    assert "--json FIELDS" in " ".join(text.split())
