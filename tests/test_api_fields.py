"""domain/api_fields: the request of `pivotal api` from fields, tested without a CLI."""

from __future__ import annotations

import pytest

from pivotal_cli.domain import api_fields as f
from pivotal_cli.errors import UsageError


def test_a_field_splits_into_key_subkeys_and_text() -> None:
    assert f.split_field("a[b][]=1", "-F") == ("a", ["b", ""], "1")
    with pytest.raises(UsageError, match=r"^-f takes key=value"):
        f.split_field("novalue", "-f")


def test_fields_nest_into_a_body_and_keep_brackets_in_a_query() -> None:
    fields: list[f.Field] = [("a", ["b"], 1), ("tags", [""], "x"), ("tags", [""], "y")]
    assert f.build_body(fields) == {"a": {"b": 1}, "tags": ["x", "y"]}
    assert f.query_params(fields) == {"a[b]": "1", "tags[]": ["x", "y"]}


def test_typed_values_follow_the_schema_where_it_knows_the_field() -> None:
    resource, _ = f.path_resource("/api/v1/customers/245")
    assert resource == "customer"
    assert f.typed_value("129900", resource, "mrr", []) == 129900
    assert f.typed_value("12", resource, "name", []) == "12"  # a string in the schema
    assert f.typed_value("12", None, "name", []) == 12  # unknown: by its look


def test_a_full_url_must_be_under_the_base_url() -> None:
    base = "https://my.pivotal.app/api/v1"
    assert f.relative_path(f"{base}/customers?limit=1", base) == "/customers?limit=1"
    assert f.relative_path("customers", base) == "/customers"
    with pytest.raises(UsageError) as caught:
        f.relative_path("https://elsewhere.example/api/v1/customers", base)
    assert caught.value.reason == "foreign_url"
