"""`pivotal api` against the sandbox: reads, pages, writes, replays and errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from typer.testing import Result

CLI = Callable[..., Result]


def test_get_customers_is_the_list_page(sandbox_cli: CLI, sandbox_json: Callable[..., Any]) -> None:
    result = sandbox_cli("api", "/customers")

    assert result.exit_code == 0, result.stderr
    page = json.loads(result.stdout)
    assert page["object"] == "list"
    listed = sandbox_json("customers", "list")
    assert [c["id"] for c in page["data"]][: len(listed)] == [c["id"] for c in listed][
        : len(page["data"])
    ]


def test_paginate_merges_every_page_into_one_array(
    sandbox_cli: CLI, sandbox_json: Callable[..., Any]
) -> None:
    everything = sandbox_json("customers", "list", "--all")
    assert len(everything) > 5

    result = sandbox_cli("api", "customers", "-F", "limit=5", "--paginate")

    assert result.exit_code == 0, result.stderr
    merged = json.loads(result.stdout)
    assert isinstance(merged, list)
    assert [c["id"] for c in merged] == [c["id"] for c in everything]


def test_jsonl_streams_one_item_a_line(sandbox_cli: CLI, sandbox_json: Callable[..., Any]) -> None:
    everything = sandbox_json("customers", "list", "--all")

    result = sandbox_cli("api", "customers", "-F", "limit=4", "--paginate", "--jsonl")

    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == [c["id"] for c in everything]


def test_post_is_replayed_with_the_same_idempotency_key(sandbox_cli: CLI) -> None:
    args = ("api", "/customers", "-f", "name=Replay Co", "--idempotency-key", "api-e2e-1")
    first = sandbox_cli(*args)
    second = sandbox_cli(*args, "-i")

    assert first.exit_code == 0, first.stderr
    assert second.exit_code == 0, second.stderr
    created = json.loads(first.stdout)
    assert created["name"] == "Replay Co"
    head, _, body = second.stdout.partition("\n\n")
    assert "Idempotent-Replay: true" in head.splitlines()
    assert json.loads(body)["id"] == created["id"]


def test_schema_typed_fields_reach_the_api(sandbox_cli: CLI) -> None:
    result = sandbox_cli("api", "/customers", "-F", "name=Typed", "-F", "mrr=1200")

    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["mrr"] == 1200


def test_missing_record_exits_5_and_bad_body_exits_2(sandbox_cli: CLI) -> None:
    missing = sandbox_cli("api", "customers/nope")
    bad = sandbox_cli("api", "/customers", "-F", "mrr=-5")

    assert missing.exit_code == 5
    assert missing.stderr.startswith("Error:")
    assert bad.exit_code == 2, bad.stderr
    assert bad.stdout == ""


def test_template_prints_each_record_of_the_answer(
    sandbox_cli: CLI, sandbox_json: Callable[..., Any], requests_sent: Any
) -> None:
    listed = sandbox_cli("api", "/customers", "--paginate", "-t", "{display_id}:{slug}")
    one = sandbox_cli("api", "/me", "-t", "{organization.slug}")
    typo = sandbox_cli("--verbose", "api", "/customers", "-t", "{nme}")
    mixed = sandbox_cli("api", "/customers", "-t", "{name}", "--jq", ".")

    every = sandbox_json("customers", "list", "--all")
    assert listed.stdout.splitlines() == [f"{c['display_id']}:{c['slug']}" for c in every]
    assert one.stdout == "acme\n"
    assert typo.exit_code == 2
    assert "Unknown template field: nme. Available fields: object, id," in typo.stderr
    assert requests_sent(typo.stderr) == []
    assert mixed.exit_code == 2 and "--template prints text" in mixed.stderr


def test_api_and_export_help_read_plainly(cli: CLI) -> None:
    api_help = cli("api", "--help").stdout
    examples = api_help.split("Examples:", 1)[1].split("Global options:", 1)[0]
    lines = [line.strip() for line in examples.strip().splitlines()]
    assert lines and all(line.startswith("$ pivotal api ") for line in lines)
    assert "Examples: pivotal api" not in api_help  # no run-together paragraph
    export_help = cli("export", "--help").stdout
    assert "Usage: pivotal export [OPTIONS] [customers|contacts|onboardings|all]" in export_help
    assert "[what]:<" not in export_help
