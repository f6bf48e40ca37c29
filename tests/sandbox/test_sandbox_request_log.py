"""The request log: what is recorded, filters, bounded bodies, the cap, keys never in full,
and `sandbox logs` (table, JSON lines, --follow, clear)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from pivotal_cli.cli.commands.sandbox import app
from pivotal_cli.sandbox.adapters.testing import running_server
from pivotal_cli.sandbox.data import requestlog
from pivotal_cli.sandbox.engine import journal
from pivotal_cli.sandbox.engine.core import Sandbox
from pivotal_cli.sandbox.harness import advance, clear_requests, requests

RUN_APP = "from pivotal_cli.cli.commands.sandbox import app; app()"


def call(
    sandbox: Sandbox,
    method: str,
    path: str,
    body: Any = None,
    key: str | None = None,
    **headers: str,
) -> Any:
    key = key or sandbox.key("acme", "live")
    raw = b"" if body is None else json.dumps(body).encode()
    query = path.partition("?")[2].encode()
    return sandbox.handle(
        method,
        "/api/v1" + path.partition("?")[0],
        query,
        {"authorization": f"Bearer {key}", **headers},
        raw,
    )


def test_every_answer_is_recorded(sandbox: Sandbox) -> None:
    call(sandbox, "GET", "/customers?limit=2")
    call(sandbox, "POST", "/customers", {"name": "Logged Co"}, **{"idempotency-key": "idem-1"})
    call(sandbox, "POST", "/customers", {"name": "Logged Co"}, **{"idempotency-key": "idem-1"})
    call(sandbox, "GET", "/customers/nope")
    call(sandbox, "GET", "/customers", key="pivotal_wrongwrongwrongwrongwrongwrong")
    sandbox.handle("GET", "/api/v1/health", b"", {}, b"")
    entries = requests(sandbox.store)
    assert [(e["method"], e["path"], e["status"]) for e in entries] == [
        ("GET", "/api/v1/customers", 200),
        ("POST", "/api/v1/customers", 201),
        ("POST", "/api/v1/customers", 201),
        ("GET", "/api/v1/customers/nope", 404),
        ("GET", "/api/v1/customers", 401),
        ("GET", "/api/v1/health", 200),
    ]
    first, created, replay = entries[:3]
    assert first["query"] == "limit=2" and first["key_name"] == "sandbox-live"
    assert first["workspace"] == "acme" and first["mode"] == "live"
    assert created["idempotency_key"] == "idem-1" and not created["replayed"]
    assert replay["replayed"] is True
    assert entries[4]["key_name"] is None and entries[5]["key_prefix"] is None
    assert len({e["request_id"] for e in entries}) == 6
    assert all(e["at"] and e["duration_ms"] >= 0 for e in entries)
    assert "request_body" not in first


def test_a_key_is_never_stored_in_full(sandbox: Sandbox) -> None:
    key = sandbox.key("acme", "live")
    call(sandbox, "GET", "/customers")
    call(sandbox, "POST", "/customers", {"name": "Key Co"})
    journal.flush_journals(sandbox.store)
    with sandbox.store.read() as tx:
        rows = [dict(row) for row in tx.execute("SELECT * FROM request_log")]
    text = repr(rows)
    assert rows and key not in text and key[-20:] not in text
    assert rows[0]["key_prefix"] == key[: len(rows[0]["key_prefix"])]


def test_filters(sandbox: Sandbox) -> None:
    call(sandbox, "GET", "/customers")
    call(sandbox, "POST", "/customers", {"name": "Filter Co"})
    call(sandbox, "GET", "/customers/missing")
    call(sandbox, "GET", "/onboardings")
    call(sandbox, "POST", "/customers", {})  # 400
    store = sandbox.store

    def statuses(**filters: Any) -> list[int]:
        return [e["status"] for e in requests(store, **filters)]

    assert statuses(status="4xx") == [404, 400]
    assert statuses(status=404) == [404]
    assert statuses(status="2xx") == [200, 201, 200]
    assert statuses(method="post") == [201, 400]
    assert statuses(path="/customers") == [200, 201, 400]
    assert statuses(path="/customers*") == [200, 201, 404, 400]
    assert statuses(path="/api/v1/onboardings") == [200]
    assert statuses(path="/cust_mers") == []  # `_` is no wildcard
    assert statuses(limit=2) == [200, 400]
    advance(store, timedelta(hours=1), dispatcher=sandbox.webhooks)
    call(sandbox, "GET", "/onboardings")
    assert statuses(since=timedelta(minutes=5)) == [200]
    with pytest.raises(ValueError, match="invalid status"):
        requests(store, status="4x")


def test_bodies_only_on_request_and_bounded(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(requestlog, "BODY_LIMIT", 40)
    monkeypatch.setattr(requestlog, "RESPONSE_BODY_LIMIT", 30)
    call(sandbox, "POST", "/customers", {"name": "B" * 100})
    call(sandbox, "POST", "/customers", {"name": "Short"})
    (plain,) = requests(sandbox.store, limit=1)
    assert "request_body" not in plain
    long, short = requests(sandbox.store, bodies=True)
    assert long["request_body"] == json.dumps({"name": "B" * 100})[:40]
    assert long["request_body_truncated"] is True and long["response_body_truncated"] is True
    assert len(long["response_body"]) == 30
    assert short["request_body"] == '{"name": "Short"}' and not short["request_body_truncated"]


def test_the_log_is_capped_oldest_dropped(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(requestlog, "CAP", 3)
    monkeypatch.setattr(requestlog, "BODIES_KEPT", 2)
    for n in range(5):
        call(sandbox, "GET", f"/customers?limit={n + 1}")
        journal.flush_journals(sandbox.store)
    kept = requests(sandbox.store, bodies=True)
    assert [e["query"] for e in kept] == ["limit=3", "limit=4", "limit=5"]
    assert [e["response_body"] is not None for e in kept] == [False, True, True]
    assert clear_requests(sandbox.store) == 3
    assert requests(sandbox.store) == []


def test_buffered_entries_reach_the_file_without_a_flush(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    with running_server(db=db, rate_limit="off") as server:
        httpx.get(
            server.base_url + "/customers", headers={"Authorization": f"Bearer {server.live_key}"}
        )
        # Another process reads the file: the timer writes the batch within a moment.
        deadline = time.monotonic() + 5
        found: list[dict[str, Any]] = []
        while time.monotonic() < deadline and not found:
            found = json_lines(run("logs", "--db", str(db), "--json").stdout)
            time.sleep(journal.FLUSH_SECONDS / 2)
    assert [(e["method"], e["status"]) for e in found] == [("GET", 200)]


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def seeded(db: Path) -> Sandbox:
    sandbox = Sandbox.open(db, seed="empty", rate_limit="off", iterations=1000)
    call(sandbox, "GET", "/customers")
    call(sandbox, "POST", "/customers", {"name": "Cli Co"})
    call(sandbox, "GET", "/customers/gone")
    return sandbox


def test_logs_command(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    seeded(db).close()
    table = run("logs", "--db", str(db))
    assert table.exit_code == 0
    assert "/api/v1/customers/gone\t404" in table.stdout
    assert "sandbox-live (pivotal_" in table.stdout
    errors = json_lines(run("logs", "--db", str(db), "--json", "--status", "4xx").stdout)
    assert [e["status"] for e in errors] == [404]
    posts = json_lines(
        run("logs", "--db", str(db), "--json", "--method", "POST", "--bodies").stdout
    )
    assert posts[0]["request_body"] == '{"name": "Cli Co"}'
    none = run("logs", "--db", str(db), "--status", "5xx")
    assert none.exit_code == 0 and "No request matches." in none.stderr
    bad = run("logs", "--db", str(db), "--status", "4x")
    assert bad.exit_code == 2 and len(bad.stderr.strip().splitlines()) == 1
    since = run("logs", "--db", str(db), "--since", "soon")
    assert since.exit_code == 2 and "--since" in since.stderr
    cleared = run("logs", "clear", "--db", str(db))
    assert cleared.exit_code == 0 and "3 entries" in cleared.stderr + cleared.stdout
    assert json_lines(run("logs", "--db", str(db), "--json").stdout) == []


def test_logs_follow_tails_and_ctrl_c_is_130(tmp_path: Path) -> None:
    db = tmp_path / "follow.db"
    seeded(db).close()
    child = subprocess.Popen(
        [sys.executable, "-c", RUN_APP, "logs", "--follow", "--json", "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert child.stdout is not None
        shown = [json.loads(child.stdout.readline()) for _ in range(3)]
        assert [e["status"] for e in shown] == [200, 201, 404]
        writer = Sandbox.open(db, seed="empty", rate_limit="off", iterations=1000)
        call(writer, "GET", "/onboardings")
        writer.close()
        new = json.loads(child.stdout.readline())
        assert (new["path"], new["status"]) == ("/api/v1/onboardings", 200)
        child.send_signal(signal.SIGINT)
        assert child.wait(timeout=10) == 130
    finally:
        if child.poll() is None:
            child.kill()


def logged_rows(sandbox: Sandbox) -> int:
    row = sandbox.store.peek("SELECT COUNT(*) FROM request_log")
    return int(row[0]) if row is not None else 0


def test_entries_are_written_in_batches(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(journal, "FLUSH_SECONDS", 60.0)
    monkeypatch.setattr(journal, "MAX_PENDING", 3)
    call(sandbox, "GET", "/customers")
    call(sandbox, "GET", "/customers")
    assert logged_rows(sandbox) == 0  # buffered: no transaction per request
    call(sandbox, "GET", "/customers")
    assert logged_rows(sandbox) == 3  # a full batch is written at once
    call(sandbox, "GET", "/customers")
    sandbox.journal.close()
    assert logged_rows(sandbox) == 4  # and what is left, when the sandbox closes
