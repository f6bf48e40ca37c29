"""The bounded reader (`domain/bounded.py`), the `api` path check and the text rule.

Every limit must fail fast and small: nothing here reads more than a few megabytes.
"""

from __future__ import annotations

import io

import pytest

from pivotal_cli.cli.capped import Capped
from pivotal_cli.domain import bounded, models
from pivotal_cli.domain.api_fields import relative_path, split_field
from pivotal_cli.domain.contact_paste import parse
from pivotal_cli.domain.model_issues import api_issue, body_issue
from pivotal_cli.errors import ExitCode, UsageError

BASE = "https://my.pivotal.app/api/v1"


class Endless:
    """A stream that never ends (as /dev/zero), counting what was asked of it."""

    def __init__(self) -> None:
        self.asked = 0

    def read(self, size: int = -1, /) -> bytes:
        assert size > 0, "an unbounded read of an endless stream never returns"
        self.asked += size
        return b"\0" * size

    def readline(self, size: int = -1, /) -> str:
        assert size > 0
        self.asked += size
        return "x" * size


def test_the_error_is_a_usage_error_naming_the_source_and_the_limit() -> None:
    with pytest.raises(bounded.InputTooLarge) as caught:
        bounded.read_limited(io.BytesIO(b"12345"), "body.json", limit=4)
    assert isinstance(caught.value, UsageError)
    assert caught.value.exit_code == ExitCode.USAGE
    assert caught.value.message == "body.json: more than 4 bytes."
    assert bounded.read_limited(io.BytesIO(b"1234"), "body.json", limit=4) == b"1234"


def test_an_endless_stream_is_read_only_to_the_limit_plus_one() -> None:
    stream = Endless()
    with pytest.raises(bounded.InputTooLarge, match="stdin: more than 64 MiB"):
        bounded.read_limited(stream, "stdin", limit=64 * bounded.MIB)
    assert stream.asked == 64 * bounded.MIB + 1


@pytest.mark.parametrize("depth", [501, 1_000, 100_000])
def test_json_deeper_than_the_limit_is_refused(depth: int) -> None:
    text = "[" * depth + "]" * depth
    with pytest.raises(bounded.InputTooLarge, match=r"body\.json: nested deeper than 500 levels"):
        bounded.loads(text, "body.json")


def test_json_at_the_depth_limit_and_bad_json_are_as_json_says() -> None:
    assert bounded.depth_exceeds(bounded.loads("[" * 500 + "]" * 500, "x"), 500) is False
    assert bounded.loads('{"a": {"b": [1]}}', "x") == {"a": {"b": [1]}}
    with pytest.raises(ValueError):
        bounded.loads("{", "x")


def test_a_line_past_the_limit_is_refused_and_one_at_it_is_not() -> None:
    fits = "a" * 10 + "\n"
    assert list(bounded.lines(io.StringIO(fits + "b\n"), "f", limit=10)) == [fits, "b\n"]
    with pytest.raises(bounded.InputTooLarge, match=r"f: line 2 is longer than 10 bytes"):
        list(bounded.lines(io.StringIO("ok\n" + "a" * 11 + "\n"), "f", limit=10))
    endless = Endless()
    with pytest.raises(bounded.InputTooLarge, match="line 1 is longer than 1 MiB"):
        list(bounded.lines(endless, "stdin"))
    assert endless.asked == bounded.MAX_LINE + 1


def _csv(text: str) -> list[tuple[int, list[str]]]:
    reader = bounded.CsvRows(io.StringIO(text, newline=""), "people.csv")
    reader.columns = ["name", "notes"]
    return list(reader)


def test_a_csv_cell_past_the_limit_names_its_line_and_column() -> None:
    big = "x" * (bounded.MAX_CELL + 1)
    with pytest.raises(bounded.InputTooLarge) as caught:
        _csv(f"name,notes\nA,ok\nB,{big}\n")
    assert caught.value.message == "people.csv: line 3, column notes: a cell longer than 128 KiB."
    # Quoted, over many short lines: the csv module's own limit, worded the same.
    with pytest.raises(bounded.InputTooLarge, match="line 2, column notes: a cell longer"):
        _csv('name,notes\nA,"' + "x\n" * (bounded.MAX_CELL // 2 + 1) + '"\n')
    # On one line longer than the line limit: still the cell, by its column.
    with pytest.raises(bounded.InputTooLarge, match="line 2, column name: a cell longer"):
        _csv("name,notes\n" + "x" * (bounded.MAX_LINE + 10) + ",b\n")


def test_csv_cells_at_the_limit_and_quoted_line_breaks_read_as_they_are() -> None:
    cell = "x" * bounded.MAX_CELL
    assert _csv(f'name,notes\n{cell},"a\r\nb\tc"\n') == [
        (1, ["name", "notes"]),
        (2, [cell, "a\r\nb\tc"]),
    ]


def test_a_pasted_value_past_the_cell_limit_is_refused() -> None:
    with pytest.raises(bounded.InputTooLarge, match="stdin: line 1, column name: a cell longer"):
        parse(["x" * 1_000_000 + ", a@b.com"], "stdin")
    assert [line.values for line in parse(["A, a@x.com"])] == [("A", "a@x.com")]


# -- api paths ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "../../admin",
        "..",
        "%2e%2e/admin",
        "%2E%2e/%2e%2E/x",
        "customers/../../..",
        "customers/%2e%2e/%2e%2e/admin",
        "/api/v1/../admin",
        "/api/v1/%2e%2e/%2e%2e/admin",
        "..\\admin",
        "customers\\..\\..\\admin",
        "//..//admin",
        "customers/x%2f..%2f..%2f..",
        f"{BASE}/../admin",
    ],
)
def test_a_path_outside_the_base_path_is_refused(path: str) -> None:
    with pytest.raises(UsageError, match="leaves the API's base path") as caught:
        relative_path(path, BASE)
    assert caught.value.reason == "path_outside_base"


@pytest.mark.parametrize(
    ("path", "sent"),
    [
        ("customers/245", "/customers/245"),
        ("/customers?x=1", "/customers?x=1"),
        ("customers/a%2Fb", "/customers/a%2Fb"),
        ("customers//245/", "/customers/245/"),
        ("customers\\245", "/customers/245"),
        ("customers/./245", "/customers/245"),
        ("customers/../onboardings", "/onboardings"),
        ("/api/v1/customers", "/customers"),
        (f"{BASE}/customers?limit=1", "/customers?limit=1"),
        ("", "/"),
    ],
)
def test_a_path_under_the_base_path_is_sent_normalised(path: str, sent: str) -> None:
    assert relative_path(path, BASE) == sent


def test_a_field_key_nested_past_the_limit_is_refused() -> None:
    assert split_field("a[b][c]=1", "-F") == ("a", ["b", "c"], "1")
    with pytest.raises(bounded.InputTooLarge, match="-F a: nested deeper than 500 levels"):
        split_field("a" + "[b]" * 100_000 + "=1", "-F")


# -- control characters in text -------------------------------------------------------


@pytest.mark.parametrize("side", ["api", "cli", "import"])
@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b", "\x0b", "\x7f"])
def test_a_control_character_in_text_is_refused_on_every_side(side: str, char: str) -> None:
    _, errors = models.validate("customer", "create", side, {"name": f"A{char}B", "slug": "a"})  # type: ignore[arg-type]
    assert [error["type"] for error in errors] == ["control_character"]
    specs = models.model("customer", "create", side).specs  # type: ignore[arg-type]
    api = api_issue(errors[0], specs)
    assert (api.code, api.message, api.path) == (
        "invalid_string",
        "String must not contain control characters",
        "name",
    )
    body = body_issue(errors[0], specs)
    assert body.code == "control_character"
    assert body.message == f"contains the control character U+{ord(char):04X} at character 2"


def test_tabs_and_line_breaks_stay_and_list_items_are_checked() -> None:
    checked, errors = models.validate("customer", "create", "api", {"name": "a\tb\r\nc"})
    assert errors == [] and checked["name"] == "a\tb\r\nc"
    _, errors = models.validate("contact", "update", "cli", {"labels": ["ok", "b\x00"]})
    assert [(e["type"], e["loc"]) for e in errors] == [("control_character", ("labels", 1))]


# -- repeated warnings ---------------------------------------------------------------


def test_repeated_warnings_are_capped_then_counted() -> None:
    lines: list[str] = []
    capped = Capped(lines.append, "unknown columns")
    capped.extend(f"column c{i}" for i in range(10_000))
    capped.finish("data.csv: ")
    assert lines[:10] == [f"column c{i}" for i in range(10)]
    assert lines[10:] == ["data.csv: … and 9,990 more unknown columns."]
    capped.extend(["one"])
    capped.finish()
    assert lines[-1] == "one"
