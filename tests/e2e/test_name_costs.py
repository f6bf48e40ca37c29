"""Views that name customers cost pages, not records: `status` and `onboardings list/get`.

Against an embedded sandbox holding `COUNT` customers with an onboarding each (built
straight in its store, newest customer with the newest onboarding), the `--cost` line
proves what each command sent: `status` walks the onboardings and at most the
customers list, never a lookup per customer; a terminal `onboardings list` names its
page from a fresh id index for free, and otherwise by the cheaper of one walk page
and a lookup per customer.
"""

from __future__ import annotations

import math
import os
import random
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

COUNT = 1_000
DAY_US = 86_400 * 1_000_000
PAGES = math.ceil(COUNT / 100) + 1  # a full last page may cost one more to see the end


def name_of(n: int) -> str:
    return f"Many Customer {n:04d}"


@pytest.fixture
def many() -> None:
    """`COUNT` customers and onboardings in this test's embedded sandbox (no demo data)."""
    from pivotal_cli.sandbox.data.ids import CuidFactory
    from pivotal_cli.sandbox.data.timeutil import to_us, utc_now
    from pivotal_cli.sandbox.engine.core import Sandbox
    from pivotal_cli.sandbox.resources import customers, onboardings

    folder = Path(os.environ["PIVOTAL_SANDBOX_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    sandbox = Sandbox.open(folder / "sandbox.db", seed="empty", iterations=1_000)
    try:
        with sandbox.store.write() as tx:
            row = tx.execute("SELECT id FROM workspaces WHERE slug = 'acme'").fetchone()
            ids = CuidFactory(random.Random(3))
            now_us = to_us(utc_now())
            for n in range(COUNT):
                at = now_us - (COUNT - n) * 2_000
                customer = customers.insert(
                    tx, row["id"], {"name": name_of(n)}, ids=ids, created_us=at
                )
                values = {
                    "state": onboardings.STATES[n % len(onboardings.STATES)],
                    "target_launch_date": (now_us // DAY_US + n % 200 - 100) * DAY_US,
                }
                onboardings.insert(
                    tx, row["id"], customer["id"], values, ids=ids, created_us=at + 1, actor="t"
                )
    finally:
        sandbox.close()


def cost(stderr: str) -> tuple[int, dict[str, int]]:
    """The `--cost` line (stderr's last): the total and the count of each route."""
    line = stderr.strip().splitlines()[-1]
    total, _, routes = line.partition(" (")
    by_route = {route: int(n) for n, route in re.findall(r"(\d+) ([A-Z]+ [^,)]+)", routes)}
    assert sum(by_route.values()) == int(total.split()[0]), line
    return int(total.split()[0]), by_route


def test_status_on_many_onboardings_costs_pages_not_customers(
    many: None, sandbox_cli: Callable[..., Any], parse: Callable[[Any], Any]
) -> None:
    result = sandbox_cli("--cost", "status", "--json")
    got = parse(result)
    shown = {row["customer_id"] for s in got["sections"].values() for row in s["rows"]}
    assert len(shown) > 300  # one lookup each would be hundreds of requests
    assert all(row["customer"].startswith("Many Customer") for s in got["sections"].values()
               for row in s["rows"])  # fmt: skip
    total, by_route = cost(result.stderr)
    assert by_route.get("GET /customers/{id}", 0) == 0
    assert by_route["GET /onboardings"] <= PAGES
    assert by_route["GET /customers"] <= PAGES
    assert total <= 2 * PAGES


def test_a_terminal_list_names_its_page_from_a_fresh_index_for_free(
    many: None, sandbox_cli: Callable[..., Any], terminal: dict[str, str]
) -> None:
    assert sandbox_cli("customers", "list", "-L", "100", "--json").exit_code == 0
    result = sandbox_cli("--cost", "onboardings", "list", env=terminal)
    assert result.exit_code == 0, result.stderr
    assert name_of(COUNT - 1) in result.stdout
    assert cost(result.stderr) == (1, {"GET /onboardings": 1})
    got = sandbox_cli("--cost", "onboardings", "get", "1000", env=terminal)
    assert name_of(COUNT - 1) in got.stdout
    assert cost(got.stderr) == (1, {"GET /onboardings/{id}": 1})


def test_without_an_index_a_terminal_list_walks_one_page_of_customers(
    many: None, sandbox_cli: Callable[..., Any], terminal: dict[str, str]
) -> None:
    # 25 customers to name: one page of 100 customers beats 25 lookups.
    result = sandbox_cli("--cost", "onboardings", "list", env=terminal)
    assert result.exit_code == 0, result.stderr
    assert all(name_of(n) in result.stdout for n in range(COUNT - 25, COUNT))
    assert cost(result.stderr) == (2, {"GET /onboardings": 1, "GET /customers": 1})


def test_a_stale_index_is_not_trusted_but_sizes_the_choice(
    many: None, sandbox_cli: Callable[..., Any], terminal: dict[str, str]
) -> None:
    assert sandbox_cli("customers", "list", "--all", "--json").exit_code == 0
    an_hour_ago = time.time() - 3600
    for path in Path(os.environ["PIVOTAL_CACHE_DIR"]).rglob("customers.tsv"):
        os.utime(path, (an_hour_ago, an_hour_ago))
    # The index lists 500 customers (5 pages): 3 lookups are cheaper than a walk.
    result = sandbox_cli("--cost", "onboardings", "list", "-L", "3", env=terminal)
    assert result.exit_code == 0, result.stderr
    assert all(name_of(n) in result.stdout for n in range(COUNT - 3, COUNT))
    assert cost(result.stderr) == (4, {"GET /customers/{id}": 3, "GET /onboardings": 1})


def test_names_are_never_fetched_for_a_pipe(many: None, sandbox_cli: Callable[..., Any]) -> None:
    result = sandbox_cli("--cost", "onboardings", "list")
    assert result.exit_code == 0, result.stderr
    assert cost(result.stderr) == (1, {"GET /onboardings": 1})


def test_cost_says_so_when_nothing_was_sent(sandbox_cli: Callable[..., Any]) -> None:
    result = sandbox_cli("--cost", "customers", "list", "--columns", "nmae")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "0 requests"


def test_verbose_ends_with_the_count(sandbox_cli: Callable[..., Any]) -> None:
    result = sandbox_cli("--verbose", "customers", "list", "-L", "2", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[-1] == "* 1 request (1 GET /customers)"
