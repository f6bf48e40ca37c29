"""`pivotal status` and `pivotal dash` against the sandbox's demo data.

The demo onboardings cover every phase and state, with target dates spread over months
around now; "today" is pinned (`--today`) to one of those targets so every section has
rows, and each section is checked against a direct computation from
`onboardings list --all --json`. `dash` runs on a pty and must leave the terminal as
it found it.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

HIDE, SHOW = "\x1b[?25l", "\x1b[?25h"
ALT_ON, ALT_OFF = "\x1b[?1049h", "\x1b[?1049l"


def _day(record: dict[str, Any]) -> date | None:
    value = record.get("target_launch_date")
    return date.fromisoformat(value[:10]) if value else None


@pytest.fixture
def demo(sandbox_json: Callable[..., Any]) -> tuple[list[dict[str, Any]], date]:
    """Every demo onboarding, and a "today" with rows in every section."""
    records: list[dict[str, Any]] = sandbox_json("onboardings", "list", "--all")
    open_targets = sorted(
        d for r in records if r["phase"] != "completed" and (d := _day(r)) is not None
    )
    return records, open_targets[len(open_targets) // 2]


def test_status_json_matches_a_direct_computation(
    demo: tuple[list[dict[str, Any]], date], sandbox_json: Callable[..., Any]
) -> None:
    records, today = demo
    got = sandbox_json("status", "--today", today.isoformat())
    monday = today - timedelta(days=today.weekday())
    sunday = monday + timedelta(days=6)
    assert got["week"] == {"start": monday.isoformat(), "end": sunday.isoformat()}
    assert got["today"] == today.isoformat() and "generated_at" in got

    def open_(r: dict[str, Any]) -> bool:
        return r["phase"] != "completed"

    expected = {
        "launching": {
            r["display_id"]
            for r in records
            if r["phase"] == "launch" or (open_(r) and monday <= (_day(r) or date.max) <= sunday)
        },
        "at_risk": {r["display_id"] for r in records if r["state"] == "at_risk"},
        "waiting": {
            r["display_id"] for r in records if r["state"] == "waiting" or r["waiting_on_customer"]
        },
        "overdue": {r["display_id"] for r in records if open_(r) and (_day(r) or date.max) < today},
    }
    for key, ids in expected.items():
        section = got["sections"][key]
        assert ids, f"the demo data should put something in {key}"
        assert {row["display_id"] for row in section["rows"]} == ids, key
        assert section["count"] == len(ids)
        for row in section["rows"]:
            assert row["customer"] and row["customer"] != row["customer_id"]  # a name
    counts = Counter(r["phase"] for r in records)
    assert got["by_phase"] == {phase: counts[phase] for phase in got["by_phase"]}
    assert set(counts) <= set(got["by_phase"])
    assert got["total"] == len(records)


def test_status_walks_the_list_once_and_names_the_customers_with_one_page(
    demo: tuple[list[dict[str, Any]], date],
    sandbox_cli: Callable[..., Any],
    requests_sent: Callable[[str], list[tuple[str, str]]],
) -> None:
    # The demo's customers fit in one page: one walk of them is cheaper than a
    # lookup per customer shown (client/customer_names.py).
    _, today = demo
    result = sandbox_cli("--verbose", "status", "--json", "--today", today.isoformat())
    assert result.exit_code == 0, result.stderr
    sent = requests_sent(result.stderr)
    lists = [path for method, path in sent if path.startswith("/onboardings")]
    assert lists == ["/onboardings?limit=100"]  # the demo fits in one page
    assert [path for method, path in sent if path.startswith("/customers")] == [
        "/customers?limit=100"
    ]
    assert len(sent) == 2
    assert result.stderr.splitlines()[-1] == ("* 2 requests (1 GET /onboardings, 1 GET /customers)")


def test_status_in_a_pipe_is_plain_and_says_when_a_section_is_empty(
    sandbox_cli: Callable[..., Any], make_customer: Callable[..., Any]
) -> None:
    # A day long before every demo target: nothing is overdue.
    result = sandbox_cli("status", "--today", "2000-01-05")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Week 2000-01-03 to 2000-01-09 (today 2000-01-05)")
    assert "\x1b" not in result.stdout
    at = lines.index("Overdue (0)")
    assert lines[at + 1] == "  none"
    assert "By phase" in lines


def test_status_rejects_a_bad_week(
    sandbox_cli: Callable[..., Any], error_line: Callable[..., str]
) -> None:
    assert "--week" in error_line(sandbox_cli("status", "--week", "soon"), 2)


def test_dash_without_a_terminal_prints_one_snapshot(sandbox_cli: Callable[..., Any]) -> None:
    result = sandbox_cli("dash", "--today", "2000-01-05")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Week 2000-01-03 to 2000-01-09")


def test_dash_on_a_terminal_quits_on_q_and_restores_it(subprocess_env: dict[str, str]) -> None:
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        ["pivotal", "--sandbox", "dash"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env={**subprocess_env, "COLUMNS": "100", "LINES": "60"},
        start_new_session=True,
    )
    os.close(slave)
    raw = b""
    sent_q = False
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:
                    break
                if not data:
                    break
                raw += data
            if not sent_q and b"q to quit" in raw:
                os.write(master, b"q")
                sent_q = True
            if proc.poll() is not None and not ready:
                break
        code = proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    text = raw.decode("utf-8", "replace")
    assert sent_q, text[-2000:]
    assert code == 0, text[-2000:]
    assert "By phase" in text and "Traceback" not in text
    assert HIDE in text and text.rfind(SHOW) > text.rfind(HIDE)
    if ALT_ON in text:
        assert text.rfind(ALT_OFF) > text.rfind(ALT_ON)
