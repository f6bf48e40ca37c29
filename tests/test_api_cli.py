"""`pivotal api PATH`: the exact requests it sends (pytest-httpx), its flags and errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from pytest_httpx import HTTPXMock
from typer.testing import Result

CLI = Callable[..., Result]
# The production base URL, which a key from PIVOTAL_API_KEY uses.
API = "https://my.pivotal.app/api/v1"


@pytest.fixture
def keys(fake_keys: SimpleNamespace) -> SimpleNamespace:
    return fake_keys


def _env(key: str) -> dict[str, str]:
    return {"PIVOTAL_API_KEY": key}


def _sent_json(httpx_mock: HTTPXMock) -> Any:
    request = httpx_mock.get_requests()[-1]
    return json.loads(request.content)


def test_get_prints_the_body_compact_in_a_pipe(
    cli: CLI, keys: SimpleNamespace, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(url=f"{API}/customers/245", json={"id": "245", "name": "A"})

    result = cli("api", "customers/245", env=_env(keys.test))

    assert result.exit_code == 0, result.stderr
    assert result.stdout == '{"id":"245","name":"A"}\n'
    request = httpx_mock.get_requests()[0]
    assert request.method == "GET"
    assert request.headers["authorization"] == f"Bearer {keys.test}"


def test_get_fields_become_query_parameters(
    cli: CLI, keys: SimpleNamespace, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(url=f"{API}/customers?status=active&limit=5", json={"data": []})

    result = cli(
        "api",
        "/customers",
        "-X",
        "GET",
        "-f",
        "status=active",
        "-F",
        "limit=5",
        env=_env(keys.test),
    )

    assert result.exit_code == 0, result.stderr


def test_typed_fields_follow_the_schema_and_nest(
    cli: CLI, keys: SimpleNamespace, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(url=f"{API}/onboardings", method="POST", json={"id": "o1"})

    result = cli(
        "api",
        "/onboardings",
        "-F",
        "customer_id=245",
        "-F",
        "reminder_frequency_days=3",
        "-F",
        "meta[a]=true",
        "-F",
        "meta[b]=null",
        "-F",
        "tags[]=1",
        "-F",
        "tags[]=x",
        "-f",
        "note=12",
        env=_env(keys.test),
    )

    assert result.exit_code == 0, result.stderr
    assert httpx_mock.get_requests()[0].method == "POST"
    assert _sent_json(httpx_mock) == {
        "customer_id": "245",
        "reminder_frequency_days": 3,
        "meta": {"a": True, "b": None},
        "tags": [1, "x"],
        "note": "12",
    }


def test_unknown_path_types_by_look_and_reads_files(
    cli: CLI, keys: SimpleNamespace, httpx_mock: HTTPXMock, tmp_path: Path
) -> None:
    (tmp_path / "note.txt").write_text("hello")
    httpx_mock.add_response(url=f"{API}/things", method="POST", json={})

    result = cli(
        "api",
        "things",
        "-F",
        "n=245",
        "-F",
        "x=1.5",
        "-F",
        f"t=@{tmp_path / 'note.txt'}",
        env=_env(keys.test),
    )

    assert result.exit_code == 0, result.stderr
    assert _sent_json(httpx_mock) == {"n": 245, "x": 1.5, "t": "hello"}


def test_input_sends_the_raw_body_and_headers_are_added(
    cli: CLI, keys: SimpleNamespace, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(url=f"{API}/customers/245", method="PATCH", json={"id": "245"})

    result = cli(
        "api",
        "-X",
        "PATCH",
        "customers/245",
        "--input",
        "-",
        "-H",
        "X-Trace: abc",
        input='{"mrr": 5}',
        env=_env(keys.test),
    )

    assert result.exit_code == 0, result.stderr
    request = httpx_mock.get_requests()[0]
    assert json.loads(request.content) == {"mrr": 5}
    assert request.headers["x-trace"] == "abc"
    assert request.headers["content-type"] == "application/json"


@pytest.mark.parametrize("header", ["Authorization: Bearer x", "X-Bad: a\nb", "no colon"])
def test_bad_or_authorization_headers_are_refused(
    cli: CLI, keys: SimpleNamespace, header: str
) -> None:
    result = cli("api", "/customers", "-H", header, env=_env(keys.test))

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("Error:")


def test_another_host_is_refused(cli: CLI, keys: SimpleNamespace) -> None:
    result = cli("api", "https://evil.example/api/v1/customers", env=_env(keys.test))

    assert result.exit_code == 2
    assert "evil.example" in result.stderr


def test_a_full_url_on_the_base_url_is_accepted(
    cli: CLI, keys: SimpleNamespace, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(url=f"{API}/customers/245", json={"id": "245"})

    result = cli("api", f"{API}/customers/245", env=_env(keys.test))

    assert result.exit_code == 0, result.stderr


def test_post_idempotency_key_is_chosen_and_reused_on_retry(
    cli: CLI, keys: SimpleNamespace, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(url=f"{API}/customers", method="POST", status_code=503, json={})
    httpx_mock.add_response(
        url=f"{API}/customers",
        method="POST",
        json={"id": "1"},
        headers={"Idempotent-Replay": "true"},
    )

    result = cli(
        "api", "/customers", "-f", "name=A", "--idempotency-key", "k-1", env=_env(keys.test)
    )

    assert result.exit_code == 0, result.stderr
    sent = httpx_mock.get_requests()
    assert [r.headers["idempotency-key"] for r in sent] == ["k-1", "k-1"]


def test_post_generated_key_is_reused_on_retry(
    cli: CLI, keys: SimpleNamespace, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(url=f"{API}/customers", method="POST", status_code=503, json={})
    httpx_mock.add_response(url=f"{API}/customers", method="POST", json={"id": "1"})

    result = cli("api", "/customers", "-f", "name=A", env=_env(keys.test))

    assert result.exit_code == 0, result.stderr
    first, second = httpx_mock.get_requests()
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]


def test_paginate_merges_pages_into_one_array(
    cli: CLI, keys: SimpleNamespace, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(
        url=f"{API}/customers?limit=2",
        json={"data": [{"id": 1}, {"id": 2}], "has_more": True, "next_cursor": "c2"},
    )
    httpx_mock.add_response(
        url=f"{API}/customers?limit=2&cursor=c2",
        json={"data": [{"id": 3}], "has_more": False, "next_cursor": None},
    )

    result = cli("api", "/customers", "-F", "limit=2", "--paginate", env=_env(keys.test))

    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == [{"id": 1}, {"id": 2}, {"id": 3}]


def test_jq_runs_once_over_the_merged_result(
    cli: CLI, keys: SimpleNamespace, httpx_mock: HTTPXMock
) -> None:
    pytest.importorskip("jq")
    httpx_mock.add_response(
        url=f"{API}/customers?limit=2",
        json={"data": [{"id": 1}, {"id": 2}], "has_more": True, "next_cursor": "c2"},
    )
    httpx_mock.add_response(
        url=f"{API}/customers?limit=2&cursor=c2",
        json={"data": [{"id": 3}], "has_more": False},
    )

    result = cli(
        "api",
        "/customers",
        "-F",
        "limit=2",
        "--paginate",
        "--jq",
        "[.[] | select(.id > ($n | tonumber)) | .id] | length",
        "--arg",
        "n=1",
        env=_env(keys.test),
    )

    assert result.exit_code == 0, result.stderr
    assert result.stdout == "2\n"


def test_include_prints_status_and_headers_redacted(
    cli: CLI, keys: SimpleNamespace, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(
        url=f"{API}/me", json={"ok": True}, headers={"X-Echo": f"Bearer {keys.test}"}
    )

    result = cli("api", "-i", "me", env=_env(keys.test))

    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "HTTP/1.1 200 OK"
    assert "X-Echo: Bearer pivotal_test_FAKE…" in lines
    assert keys.test not in result.stdout
    assert lines[-1] == '{"ok":true}'


def test_silent_prints_no_body(cli: CLI, keys: SimpleNamespace, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=f"{API}/me", json={"ok": True})

    result = cli("api", "--silent", "me", env=_env(keys.test))

    assert result.exit_code == 0
    assert result.stdout == ""


def test_dry_run_redacts_the_key_and_sends_nothing(
    cli: CLI, keys: SimpleNamespace, httpx_mock: HTTPXMock
) -> None:
    result = cli("api", "/customers", "-f", "name=A", "--dry-run", env=_env(keys.live))

    assert result.exit_code == 0, result.stderr
    assert httpx_mock.get_requests() == []
    assert keys.live not in result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"POST {API}/customers"
    assert "Authorization: Bearer pivotal_FAKE…" in lines
    assert json.loads("\n".join(lines[lines.index("") + 1 :])) == {"name": "A"}


def test_dry_run_needs_no_key(cli: CLI) -> None:
    result = cli("api", "customers", "--dry-run", env={"PIVOTAL_API_KEY": None})

    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [f"GET {API}/customers"]


@pytest.mark.parametrize(
    ("status", "type_", "code"), [(404, "not_found", 5), (400, "invalid_request_error", 2)]
)
def test_api_errors_exit_with_the_documented_codes(
    cli: CLI, keys: SimpleNamespace, httpx_mock: HTTPXMock, status: int, type_: str, code: int
) -> None:
    httpx_mock.add_response(
        url=f"{API}/customers/x",
        status_code=status,
        json={"error": {"type": type_, "code": "bad", "message": "Nope."}},
    )

    result = cli("api", "customers/x", env=_env(keys.test))

    assert result.exit_code == code
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1


def test_delete_with_a_live_key_and_no_terminal_asks_and_exits_3(
    cli: CLI, keys: SimpleNamespace, httpx_mock: HTTPXMock
) -> None:
    result = cli("api", "-X", "DELETE", "customers/245", env=_env(keys.live))

    assert result.exit_code == 3
    assert httpx_mock.get_requests() == []
    assert "Live mode" in result.stderr


def test_delete_with_a_live_key_and_yes_is_sent(
    cli: CLI, keys: SimpleNamespace, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(url=f"{API}/customers/245", method="DELETE", json={"deleted": True})

    result = cli("api", "-X", "DELETE", "customers/245", "--yes", env=_env(keys.live))

    assert result.exit_code == 0, result.stderr
    assert "Live mode" in result.stderr
