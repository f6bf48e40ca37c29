"""The sandbox clock: durations, moves, and everything time-based following it.

Sandboxes here run on the suite's frozen clock; the store's offset (what `sandbox
clock` moves) is added on top, so every instant below is exact.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sandbox_helpers import START
from test_webhooks_delivery import Receiver, receiver  # noqa: F401  (the fixture)
from typer.testing import CliRunner

from pivotal_cli.cli.commands.sandbox import app
from pivotal_cli.sandbox.adapters.testing import running_server
from pivotal_cli.sandbox.data.timeutil import format_ms, parse_datetime, parse_duration, to_us
from pivotal_cli.sandbox.engine.core import Sandbox
from pivotal_cli.sandbox.harness import (
    ClockError,
    advance,
    clock_now,
    clock_offset,
    reset_clock,
    set_clock,
)
from pivotal_cli.sandbox.webhooks import endpoints

DAY = timedelta(days=1)
RUN_APP = "from pivotal_cli.cli.commands.sandbox import app; app()"


def call(sandbox: Sandbox, method: str, path: str, body: Any = None, **headers: str) -> Any:
    key = sandbox.key("acme", "live")
    raw = b"" if body is None else json.dumps(body).encode()
    return sandbox.handle(
        method, "/api/v1" + path, b"", {"authorization": f"Bearer {key}", **headers}, raw
    )


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90s", 90),
        ("15m", 900),
        ("2h", 7200),
        ("14d", 14 * 86400),
        ("1w", 7 * 86400),
        ("1d12h", 36 * 3600),
        ("1w2d3h4m5s", 9 * 86400 + 3 * 3600 + 4 * 60 + 5),
        ("2H", 7200),
    ],
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "3", "3x", "d", "1d 2h", "-1d", "1.5h", "h1"])
def test_bad_durations(text: str) -> None:
    assert parse_duration(text) is None


def test_moves_forward_and_resets(sandbox: Sandbox) -> None:
    store = sandbox.store
    assert clock_now(store) - clock_offset(store) <= clock_now(store)
    assert clock_offset(store) == timedelta(0)
    advance(store, timedelta(days=14), dispatcher=sandbox.webhooks)
    assert sandbox.clock() == START + timedelta(days=14)
    target = parse_datetime("2027-01-01T09:00:00Z")
    assert target is not None
    set_clock(store, START + timedelta(days=30), dispatcher=sandbox.webhooks)
    assert sandbox.clock() == START + timedelta(days=30)
    with pytest.raises(ClockError, match="only moves forward"):
        set_clock(store, START + timedelta(days=29), dispatcher=sandbox.webhooks)
    with pytest.raises(ClockError):
        advance(store, timedelta(0))
    reset_clock(store)
    assert sandbox.clock() == START


def test_record_timestamps_follow_the_clock(sandbox: Sandbox) -> None:
    advance(sandbox.store, timedelta(days=14), dispatcher=sandbox.webhooks)
    created = json.loads(call(sandbox, "POST", "/customers", {"name": "Later Co"}).body)
    assert created["created_at"] == format_ms(to_us(START + timedelta(days=14)))
    assert created["updated_at"] == created["created_at"]


def test_idempotency_key_replays_before_24_hours_and_not_after(sandbox: Sandbox) -> None:
    body = {"name": "Once Co"}
    first = call(sandbox, "POST", "/customers", body, **{"idempotency-key": "k-1"})
    assert first.status == 201
    advance(sandbox.store, timedelta(hours=23, minutes=59), dispatcher=sandbox.webhooks)
    again = call(sandbox, "POST", "/customers", body, **{"idempotency-key": "k-1"})
    assert ("Idempotent-Replay", "true") in again.headers and again.body == first.body
    advance(sandbox.store, timedelta(minutes=2), dispatcher=sandbox.webhooks)
    later = call(sandbox, "POST", "/customers", body, **{"idempotency-key": "k-1"})
    assert later.status == 201 and ("Idempotent-Replay", "true") not in later.headers
    assert json.loads(later.body)["id"] != json.loads(first.body)["id"]


def test_rate_limit_window_follows_the_clock(make_sandbox: Callable[..., Sandbox]) -> None:
    sandbox = make_sandbox(rate_limit="2")
    assert [call(sandbox, "GET", "/customers").status for _ in range(3)] == [200, 200, 429]
    advance(sandbox.store, timedelta(seconds=30), dispatcher=sandbox.webhooks)
    assert call(sandbox, "GET", "/customers").status == 429
    advance(sandbox.store, timedelta(seconds=31), dispatcher=sandbox.webhooks)
    assert call(sandbox, "GET", "/customers").status == 200


def test_advance_fires_due_retries_in_order(
    sandbox: Sandbox,
    receiver: Receiver,  # noqa: F811
) -> None:
    receiver.script = [500, 500, 500]  # attempts 1-3 fail, 4 succeeds
    now_us = to_us(sandbox.clock())
    endpoints.add(sandbox.store, "acme", receiver.url, now_us=now_us)
    assert call(sandbox, "POST", "/customers", {"name": "Hooked Co"}).status == 201
    first = sandbox.webhooks.run_due()
    assert [s.number for s in first] == [1]
    # 5 s then 5 min after: two retries come due within 6 minutes, the third not yet.
    fired = advance(sandbox.store, timedelta(minutes=6), dispatcher=sandbox.webhooks)
    assert [(f["attempt"], f["status_code"]) for f in fired] == [(2, 500), (3, 500)]
    assert fired[0]["at"] == format_ms(to_us(START + timedelta(seconds=5)))
    assert fired[1]["at"] == format_ms(to_us(START + timedelta(seconds=305)))
    assert fired[0]["event_type"] == "customer.created"
    fired = advance(sandbox.store, DAY, dispatcher=sandbox.webhooks)
    assert [(f["attempt"], f["status_code"], f["delivery_status"]) for f in fired] == [
        (4, 200, "succeeded")
    ]
    assert fired[0]["at"] == format_ms(to_us(START + timedelta(seconds=305 + 1800)))
    assert len(receiver.wait_for(4)) == 4
    # Signed with the real time, so a receiver checking the timestamp accepts it.
    stamp = int(receiver.got[-1].headers["svix-timestamp"])
    assert abs(stamp - to_us(START) // 1_000_000) < 5
    assert sandbox.clock() == START + DAY + timedelta(minutes=6)


def advance_in_another_process(db: Path, duration: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-c", RUN_APP, "clock", "advance", duration, "--db", str(db), "--json"],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done


def test_a_running_server_follows_a_change_made_by_another_process(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    with running_server(db=db, rate_limit="off") as server:
        before = httpx.get(server.base_url + "/health").json()["timestamp"]
        done = advance_in_another_process(db, "14d")
        moved = json.loads(done.stdout)
        after = httpx.get(server.base_url + "/health").json()["timestamp"]
        created = httpx.post(
            server.base_url + "/customers",
            json={"name": "Future Co"},
            headers={"Authorization": f"Bearer {server.live_key}"},
        ).json()
    start_us, after_us = parse_datetime(before), parse_datetime(after)
    assert start_us is not None and after_us is not None
    assert timedelta(microseconds=after_us - start_us) >= timedelta(days=14)
    assert moved["moved"] is True and moved["offset_seconds"] >= 14 * 86400
    assert created["created_at"][:10] == after[:10]


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_clock_commands(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    shown = run("clock", "show", "--db", db)
    assert shown.exit_code == 0 and "(real time)" in shown.stdout
    moved = run("clock", "advance", "1d12h", "--db", db)
    assert moved.exit_code == 0 and "1d12h ahead of real time" in moved.stdout
    far = run("clock", "set", "2099-07-15T09:00+02:00", "--db", db, "--json")
    assert far.exit_code == 0 and json.loads(far.stdout)["now"].startswith("2099-07-15T07:00")
    back = run("clock", "set", "2030-01-01T00:00Z", "--db", db)
    assert back.exit_code == 2 and "only moves forward" in back.stderr
    assert "sandbox clock reset" in back.stderr and len(back.stderr.strip().splitlines()) == 1
    reset = run("clock", "reset", "--db", db, "--json")
    assert reset.exit_code == 0 and json.loads(reset.stdout)["moved"] is False


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("advance", "3x"), "invalid duration"),
        (("advance", "0s"), "invalid duration"),
        (("set", "2030-01-01T00:00"), "with Z or an offset"),
        (("set", "tomorrow"), "invalid instant"),
    ],
)
def test_bad_clock_input_is_one_line_exit_2(
    tmp_path: Path, args: tuple[str, ...], words: str
) -> None:
    result = run("clock", *args, "--db", str(tmp_path / "c.db"))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0] and "Traceback" not in result.stderr


def test_webhook_commands_count_from_the_sandbox_clock(tmp_path: Path) -> None:
    db = str(tmp_path / "w.db")
    moved = json.loads(run("clock", "advance", "14d", "--db", db, "--json").stdout)
    added = run("webhooks", "add", "http://127.0.0.1:9/hooks", "--db", db, "--json")
    assert added.exit_code == 0, added.stderr
    endpoint = json.loads(added.stdout)
    assert endpoint["created_at"][:10] == moved["now"][:10]
    rotated = run("webhooks", "rotate-secret", endpoint["id"], "--db", db, "--json")
    assert rotated.exit_code == 0, rotated.stderr
    expires = json.loads(rotated.stdout)["previous_secret_expires_at"]
    # The old secret keeps signing for 24 hours of sandbox time, not of real time.
    now_us, expires_us = parse_datetime(moved["now"]), parse_datetime(expires)
    assert now_us is not None and expires_us is not None
    assert timedelta(hours=23) < timedelta(microseconds=expires_us - now_us) <= timedelta(hours=25)


def test_advancing_a_running_servers_clock_fires_its_retries_in_order(
    tmp_path: Path,
    receiver: Receiver,  # noqa: F811
) -> None:
    receiver.script = [500, 500]  # attempts 1 and 2 fail, 3 succeeds
    db = tmp_path / "serve.db"
    with running_server(db=db, rate_limit="off") as server:
        now_us = to_us(server.sandbox.clock())
        endpoints.add(server.sandbox.store, "acme", receiver.url, now_us=now_us)
        created = httpx.post(
            server.base_url + "/customers",
            json={"name": "Retry Co"},
            headers={"Authorization": f"Bearer {server.live_key}"},
        )
        assert created.status_code == 201
        receiver.wait_for(1)  # the server's own thread made attempt 1
        done = advance_in_another_process(db, "10m")
        fired = json.loads(done.stdout)["fired"]
        got = receiver.wait_for(3)
    assert [(f["attempt"], f["status_code"]) for f in fired] == [(2, 500), (3, 200)]
    assert fired[-1]["delivery_status"] == "succeeded"
    first, second = (parse_datetime(f["at"]) for f in fired)
    assert first is not None and second is not None
    # Attempt 3 went out five minutes (sandbox time) after attempt 2, as scheduled.
    assert timedelta(minutes=5) <= timedelta(microseconds=second - first) < timedelta(minutes=6)
    assert len({r.headers["svix-id"] for r in got}) == 1
