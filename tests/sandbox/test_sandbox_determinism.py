"""Reproducible sandboxes: the stepping clock, seeded ids and keys, and the request log.

The conformance run relies on these to give one request sequence per seed; the
production sandbox keeps the real clock and secure randomness by default.
"""

from __future__ import annotations

import random
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest

from pivotal_cli.sandbox.adapters.testing import running_server
from pivotal_cli.sandbox.adapters.transport import SandboxTransport
from pivotal_cli.sandbox.data.keys import generate_key, parse_key
from pivotal_cli.sandbox.data.timeutil import STEPPING_START, SteppingClock
from pivotal_cli.sandbox.engine.core import Sandbox

ITERATIONS = 1_000


def test_stepping_clock_moves_one_step_per_read() -> None:
    clock = SteppingClock(step=timedelta(microseconds=250))
    assert [clock() for _ in range(3)] == [
        STEPPING_START,
        STEPPING_START + timedelta(microseconds=250),
        STEPPING_START + timedelta(microseconds=500),
    ]


def test_stepping_clock_never_repeats_across_threads() -> None:
    clock = SteppingClock()
    seen: list[datetime] = []

    def read() -> None:
        for _ in range(200):
            seen.append(clock())

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(seen)) == 800


@pytest.mark.parametrize(
    ("start", "step"),
    [
        (datetime(2026, 1, 1), timedelta(milliseconds=1)),
        (datetime(2026, 1, 1, tzinfo=timezone.utc), timedelta(0)),
    ],
)
def test_stepping_clock_refuses_naive_start_or_no_step(start: datetime, step: timedelta) -> None:
    with pytest.raises(ValueError):
        SteppingClock(start, step)


def test_seeded_keys_repeat_and_stay_well_formed() -> None:
    first = [generate_key(mode, random.Random(7)) for mode in ("live", "test")]
    again = [generate_key(mode, random.Random(7)) for mode in ("live", "test")]
    assert first == again
    assert [parse_key(key) is not None for key in first] == [True, True]
    assert generate_key("live") != generate_key("live")


def _session(rng: random.Random | None) -> tuple[list[Any], list[Any]]:
    """The keys, /me, and a created customer and contact of a fresh sandbox."""
    with Sandbox.open(
        ":memory:", seed="demo", iterations=ITERATIONS, clock=SteppingClock(), rng=rng
    ) as sandbox:
        key = sandbox.key("acme", "live")
        api = httpx.Client(
            transport=SandboxTransport(sandbox),
            base_url="http://localhost/api/v1",
            headers={"Authorization": f"Bearer {key}"},
        )
        customer = api.post("/customers", json={"name": "Aurora"}).json()
        contact = api.post(
            f"/customers/{customer['id']}/contacts", json={"name": "M", "email": "m@a.io"}
        ).json()
        listed = api.get("/customers", params={"limit": 3}).json()
        return list(sandbox.keys), [api.get("/me").json(), customer, contact, listed]


def test_a_seeded_sandbox_answers_the_same_every_time() -> None:
    keys, answers = _session(random.Random(20260526))
    assert _session(random.Random(20260526)) == (keys, answers)
    # The stepping clock, not the machine, decides the instants.
    assert answers[1]["created_at"].startswith("2026-05-26T17:21:")
    # Without a generator, keys and ids are fresh every time, as in production.
    other_keys, other_answers = _session(None)
    assert [k.key for k in other_keys] != [k.key for k in keys]
    assert other_answers[1]["id"] != answers[1]["id"]


def test_request_log_records_method_target_body_hash_and_status(tmp_path: Path) -> None:
    log = tmp_path / "requests.log"
    with running_server(seed="empty", request_log=log) as server:
        headers = {"Authorization": f"Bearer {server.live_key}"}
        httpx.post(f"{server.base_url}/customers", headers=headers, json={"name": "A"})
        httpx.get(f"{server.base_url}/customers?limit=2&status=active", headers=headers)
        httpx.get(f"{server.base_url}/customers/999", headers=headers)
        lines = log.read_text("utf-8").splitlines()
        assert server.live_key not in log.read_text("utf-8")
    rows = [line.split("\t") for line in lines]
    assert [(r[0], r[1], r[3]) for r in rows] == [
        ("POST", "/api/v1/customers", "201"),
        ("GET", "/api/v1/customers?limit=2&status=active", "200"),
        ("GET", "/api/v1/customers/999", "404"),
    ]
    assert rows[1][2] == rows[2][2] != rows[0][2]  # the empty body's hash, then the POST's
    assert all(len(r[2]) == 16 for r in rows)
