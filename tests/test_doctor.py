"""`pivotal doctor`: the pure verdicts, and the command against a mocked API.

The clock-skew thresholds are checked through a fake `Date` header on /health
(pytest-httpx), so a warning alone is shown to exit 0 and a failure to exit 1.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from pytest_httpx import HTTPXMock
from typer.testing import Result

from pivotal_cli.domain import doctor as d

API = "https://my.pivotal.app/api/v1"
CLI = Callable[..., Result]


# -- pure verdicts --------------------------------------------------------------------


def test_key_format_issues() -> None:
    assert d.key_format_issues("pivotal_test_FAKEfakeFAKEfake0000") == []
    assert d.key_format_issues("Bearer pivotal_FAKEfakeFAKEfake0000") == [d.BEARER]
    assert d.key_format_issues("pivotal_FAKE fakeFAKEfake0000") == [d.WHITESPACE]
    assert d.key_format_issues("pivotal_FAKE\x00fakeFAKEfake0000") == [d.CONTROL]
    assert d.key_format_issues("sk_live_FAKEfakeFAKEfake0000") == [d.PREFIX]
    assert d.key_format_issues("pivotal_x") == [d.SHORT]
    assert d.bare_key("Bearer pivotal_test_x") == "pivotal_test_x"


@pytest.mark.parametrize(
    ("skew", "status"),
    [(0, d.OK), (-59, d.OK), (61, d.WARN), (-299, d.WARN), (301, d.FAIL), (-3600, d.FAIL)],
)
def test_skew_thresholds(skew: float, status: str) -> None:
    assert d.skew_verdict(skew) == status


def test_transport_and_proxy_verdicts() -> None:
    assert d.transport_verdict("https://my.pivotal.app/api/v1")[0] == d.OK
    assert d.transport_verdict("http://127.0.0.1:8000/api/v1")[0] == d.OK
    assert d.transport_verdict("http://localhost/api/v1")[0] == d.OK
    assert d.transport_verdict("http://example.com/api/v1")[0] == d.FAIL
    assert d.proxy_verdict({}, API) == (d.OK, [])
    assert d.proxy_verdict({"https_proxy": "http://p:3128"}, API) == (d.WARN, ["HTTPS_PROXY"])
    assert d.proxy_verdict({"NO_PROXY": "x"}, API) == (d.OK, ["NO_PROXY"])
    assert d.proxy_verdict({"HTTP_PROXY": "x"}, "http://127.0.0.1/api/v1")[0] == d.OK


def test_server_time() -> None:
    assert d.server_time("Tue, 01 Dec 2026 11:00:00 GMT") == datetime(
        2026, 12, 1, 11, tzinfo=timezone.utc
    )
    assert d.server_time(None, "2026-12-01T11:00:00.000Z") == datetime(
        2026, 12, 1, 11, tzinfo=timezone.utc
    )
    assert d.server_time("garbage", None) is None


def test_summary_and_failed() -> None:
    checks = [d.Check("a", d.OK), d.Check("b", d.WARN), d.Check("c", d.OK)]
    assert d.summary(checks) == "2 ok, 1 warning, 0 failures"
    assert not d.failed(checks)
    assert d.failed([*checks, d.Check("x", d.FAIL)])


# -- the command against a mocked API -----------------------------------------------------


@pytest.fixture
def machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_keys: SimpleNamespace) -> Path:
    """PIVOTAL_API_KEY set, no proxies, a private state dir."""
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.setenv("PIVOTAL_STATE_DIR", str(tmp_path / "state" / "pivotal"))
    monkeypatch.setenv("PIVOTAL_API_KEY", fake_keys.live)
    return tmp_path / "state" / "pivotal"


def mock_api(
    httpx_mock: HTTPXMock, make_me: Callable[..., dict[str, Any]], key: str, skew: float
) -> None:
    date = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=skew), usegmt=True)
    httpx_mock.add_response(
        url=f"{API}/health", json={"status": "ok", "version": "v1"}, headers={"Date": date}
    )
    httpx_mock.add_response(
        url=f"{API}/me",
        json=make_me(key),
        headers={"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "99"},
        is_optional=True,
    )


def by_name(result: Result) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in json.loads(result.stdout)}


@pytest.mark.parametrize(
    ("skew", "status", "code"), [(5, "ok", 0), (120, "warn", 0), (-600, "fail", 1)]
)
def test_clock_skew_from_the_date_header(
    cli: CLI,
    machine: Path,
    httpx_mock: HTTPXMock,
    make_me: Callable[..., dict[str, Any]],
    fake_keys: SimpleNamespace,
    skew: float,
    status: str,
    code: int,
) -> None:
    mock_api(httpx_mock, make_me, fake_keys.live, skew)
    result = cli("doctor", "--json")
    assert result.exit_code == code, result.stdout
    checks = by_name(result)
    assert checks["clock"]["status"] == status
    # Only the clock is off: a warning alone leaves the exit code at 0.
    others = {n: c["status"] for n, c in checks.items() if n != "clock"}
    assert set(others.values()) == {"ok"}, others
    assert "99/100" in " ".join(checks["me"]["detail"])
    assert fake_keys.live not in result.stdout + result.stderr


def test_env_key_shadowing_a_stored_key_is_a_warning(
    cli: CLI,
    machine: Path,
    httpx_mock: HTTPXMock,
    make_me: Callable[..., dict[str, Any]],
    fake_keys: SimpleNamespace,
    store_key: Callable[..., None],
) -> None:
    store_key("acme", fake_keys.test)
    mock_api(httpx_mock, make_me, fake_keys.live, 0)
    result = cli("doctor", "--json")
    assert result.exit_code == 0
    source = by_name(result)["key_source"]
    assert source["status"] == "warn"
    assert "shadows the stored key for acme (test)" in " ".join(source["detail"])
    assert source["fix"]


def test_import_jobs_are_listed_with_resume_commands(
    cli: CLI,
    machine: Path,
    httpx_mock: HTTPXMock,
    make_me: Callable[..., dict[str, Any]],
    fake_keys: SimpleNamespace,
) -> None:
    (machine / "imports").mkdir(parents=True)
    (machine / "imports" / "march.sqlite").write_bytes(b"")
    mock_api(httpx_mock, make_me, fake_keys.live, 0)
    result = cli("doctor", "--json")
    assert result.exit_code == 0
    imports = by_name(result)["imports"]
    assert imports["status"] == "warn"
    assert imports["detail"] == ["unfinished: march (resume: pivotal import resume march)"]
    # The writability probe left nothing behind.
    assert sorted(p.name for p in machine.iterdir()) == ["imports"]
