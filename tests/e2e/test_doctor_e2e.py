"""`pivotal doctor` end to end: the sandbox passes, broken setups fail with a fix line."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from typer.testing import Result

CLI = Callable[..., Result]


@pytest.fixture(autouse=True)
def private_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def by_name(result: Result) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in json.loads(result.stdout)}


def test_sandbox_is_all_ok(sandbox_cli: CLI) -> None:
    result = sandbox_cli("doctor", "--json")
    assert result.exit_code == 0, (result.stdout, result.stderr)
    checks = json.loads(result.stdout)
    assert {c["status"] for c in checks} == {"ok"}, checks
    assert all(set(c) == {"name", "status", "detail", "fix"} for c in checks)
    names = [c["name"] for c in checks]
    for name in ("config", "key_source", "keyring", "key_format", "api", "clock", "me"):
        assert name in names
    me = by_name(result)["me"]["detail"]
    assert "workspace: acme (Acme Outfitters Co.)" in me


def test_broken_config_is_a_failure(sandbox_cli: CLI, isolated_env: Path) -> None:
    isolated_env.mkdir(parents=True, exist_ok=True)
    (isolated_env / "config.json").write_text("{not json", encoding="utf-8")
    result = sandbox_cli("doctor", "--json")
    assert result.exit_code == 1
    config = by_name(result)["config"]
    assert config["status"] == "fail"
    assert str(isolated_env / "config.json") in config["detail"][0]
    assert config["fix"]


def test_pasted_bearer_prefix_is_named(cli: CLI, fake_keys: SimpleNamespace) -> None:
    port = _closed_port()
    result = cli(
        "--base-url",
        f"http://127.0.0.1:{port}/api/v1",
        "doctor",
        "--json",
        env={"PIVOTAL_API_KEY": f"Bearer {fake_keys.test}"},
    )
    assert result.exit_code == 1
    key_format = by_name(result)["key_format"]
    assert key_format["status"] == "fail"
    assert any("Bearer" in line for line in key_format["detail"])
    assert "Bearer" in key_format["fix"]
    assert fake_keys.test not in result.stdout + result.stderr


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_api_fails_fast_without_retries(
    cli: CLI, fake_keys: SimpleNamespace, slept: list[float]
) -> None:
    started = time.monotonic()
    result = cli(
        "--base-url",
        f"http://127.0.0.1:{_closed_port()}/api/v1",
        "-v",
        "doctor",
        "--json",
        env={"PIVOTAL_API_KEY": fake_keys.live},
    )
    assert time.monotonic() - started < 5
    assert result.exit_code == 1
    checks = by_name(result)
    assert checks["api"]["status"] == "fail"
    assert "me" not in checks  # not tried again once the API is known to be down
    assert slept == []  # no backoff: one try
    assert result.stderr.count("> GET") == 1
    assert fake_keys.live not in result.stdout + result.stderr


def test_terminal_output_shows_symbols_fixes_and_summary(
    cli: CLI, isolated_env: Path, terminal: dict[str, str], fake_keys: SimpleNamespace
) -> None:
    result = cli(
        "--base-url",
        f"http://127.0.0.1:{_closed_port()}/api/v1",
        "doctor",
        env={**terminal, "PIVOTAL_API_KEY": f"Bearer {fake_keys.live}"},
    )
    assert result.exit_code == 1
    out = result.stdout
    assert "✓ Config file" in out
    assert "✗ API key format" in out
    assert "✗ API reachable" in out
    assert "    fix: Drop the `Bearer ` prefix" in out
    assert out.rstrip().splitlines()[-1].endswith("failures")
    assert fake_keys.live not in out + result.stderr


def test_pipe_output_uses_words(sandbox_cli: CLI) -> None:
    result = sandbox_cli("doctor")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("ok    Config file")
    assert "✓" not in result.stdout
    assert lines[-1].endswith("0 warnings, 0 failures")
