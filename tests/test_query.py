"""`cli/query.run_jq`: gh's --jq output rules and one-line errors."""

from __future__ import annotations

import pytest

from pivotal_cli.cli.query import parse_args, run_jq
from pivotal_cli.errors import ExitCode, PivotalError, UsageError


def test_strings_raw_and_values_compact() -> None:
    data = [{"name": "Aurora", "mrr": 129900, "tags": ["a"]}, {"name": "Été", "mrr": None}]
    assert run_jq(data, ".[].name") == ["Aurora", "Été"]
    assert run_jq(data, ".[0] | {mrr, tags}") == ['{"mrr":129900,"tags":["a"]}']
    assert run_jq(data, "length") == ["2"]


def test_pretty_on_request() -> None:
    assert run_jq({"a": 1}, ".", pretty=True) == ['{\n  "a": 1\n}']


def test_args_are_variables() -> None:
    args = parse_args(["who=Aurora"])
    assert run_jq(
        [{"name": "Aurora"}, {"name": "B"}], "map(select(.name == $who)) | length", args
    ) == ["1"]


def test_bad_expression_is_a_usage_error_on_one_line() -> None:
    with pytest.raises(UsageError) as caught:
        run_jq({}, ".a |")
    assert caught.value.exit_code == ExitCode.USAGE
    assert "\n" not in caught.value.message
    assert "syntax error" in caught.value.message


def test_runtime_error_is_an_error() -> None:
    with pytest.raises(PivotalError) as caught:
        run_jq({"a": "x"}, ".a + 1")
    assert not isinstance(caught.value, UsageError)
    assert "cannot be added" in caught.value.message
