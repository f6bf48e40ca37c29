"""The glance views follow the sandbox's clock: `status` and `dash` count "today" by it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from typing import Any


def test_status_today_follows_the_sandbox_clock(
    cli: Callable[..., Any], sandbox_json: Callable[..., Any], parse: Callable[..., Any]
) -> None:
    before = sandbox_json("status")
    assert before["today"] == datetime.now(timezone.utc).date().isoformat()
    moved = parse(cli("sandbox", "clock", "advance", "30d", "--json"))
    after = sandbox_json("status")
    assert after["today"] == moved["now"][:10]
    assert date.fromisoformat(after["today"]) - date.fromisoformat(before["today"]) in (
        timedelta(days=30),
        timedelta(days=31),  # the real day may roll over between the two reads
    )
    # A pinned --today still wins over the sandbox's clock.
    assert sandbox_json("status", "--today", "2026-01-05")["today"] == "2026-01-05"


def test_dash_plain_today_follows_the_sandbox_clock(
    cli: Callable[..., Any], sandbox_cli: Callable[..., Any], parse: Callable[..., Any]
) -> None:
    moved = parse(cli("sandbox", "clock", "set", "2099-03-04T10:00Z", "--json"))
    shown = sandbox_cli("dash")
    assert shown.exit_code == 0, shown.stderr
    assert f"(today {moved['now'][:10]})" in shown.stdout
