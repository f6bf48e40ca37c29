"""Sandbox benchmark: keyset pagination depth and single-record throughput.

Builds a file-backed sandbox whose `acme` workspace holds N customers (100,000 by
default; inserted straight through the store with the same `customers.insert` the API
uses, in large transactions), starts a real sandbox server on 127.0.0.1 in a child
process (rate limits off) so the server and the load generator do not share one GIL,
then measures over HTTP:

(a) the median latency of the first page, `GET /customers?limit=100`, and of the page
    90% of the way through a full walk at limit=100 (its cursor is captured during the
    walk, then requested again and again), with their ratio. Keyset pagination should
    make the deep page cost about what the first one does: the target is a ratio of at
    most 1.5 (an OFFSET scan would grow with depth);
(b) requests per second of `GET /customers/{id}` from 4 concurrent keep-alive clients
    (one thread and one `httpx.Client` each) for a fixed duration, with p50/p99 latency;
(c) pages per second of the list endpoint, `GET /customers?limit=100` (the first page,
    100 rows each), from the same load loop as (b), and the server process's CPU time
    per page (from /proc, Linux): the load generator shares the machine, so pages a
    second also measure it, while CPU per page is the server's own cost. Every `--all`,
    export and status against the sandbox waits on it.

Run it from the repository root:

    .venv/bin/python benchmarks/sandbox_bench.py            # 100,000 rows, a few minutes
    .venv/bin/python benchmarks/sandbox_bench.py --quick    # 5,000 rows, ~30 s
    .venv/bin/python benchmarks/sandbox_bench.py --rows 20000 --duration 5 --strict
    .venv/bin/python benchmarks/sandbox_bench.py --quick --vs /tmp/before/src   # (c) only
    .venv/bin/python benchmarks/sandbox_bench.py --quick --vs /tmp/before/src \
        --vs-python /tmp/before-venv/bin/python   # that checkout with its own dependencies

`--vs SRC` measures only (c), alternating, round by round, a server run from another
checkout's `src/` (an older commit in a `git worktree`) with this one's, on the same
database, and prints both medians and their ratios: the before/after of a change.
`--vs-python` runs that side with another interpreter, one whose environment holds the
older checkout's dependencies (this one's adds httptools and uvloop, which uvicorn would
otherwise pick up for the older code too).

`--strict` exits 1 when the depth target is missed or any request failed. Only loopback
is used; the database lives in a temporary directory removed at the end. This is a
benchmark, not a test: numbers depend on the machine (2 cores here).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

DEPTH_TARGET = 1.5
PAGE = 100
BATCH = 10_000  # rows per write transaction while building the store

# Runs in the child process: a real sandbox server on the prepared database, until the
# parent closes our stdin.
SERVER_CODE = """
import json, os, sys
from pivotal_cli.sandbox.adapters.testing import running_server
with running_server(db=sys.argv[1], seed="empty", rate_limit="off") as server:
    line = {"base_url": server.base_url, "key": server.live_key, "pid": os.getpid()}
    print(json.dumps(line), flush=True)
    sys.stdin.read()
"""


@dataclass
class Report:
    """Everything the run measured, in the units it prints."""

    rows: int
    build_s: float = 0.0
    first_ms: list[float] = field(default_factory=list)
    deep_ms: list[float] = field(default_factory=list)
    walk_pages: int = 0
    walk_rows: int = 0
    walk_s: float = 0.0
    deep_page_index: int = 0
    rps: float = 0.0
    requests: int = 0
    errors: int = 0
    get_ms: list[float] = field(default_factory=list)
    pages_per_s: float = 0.0
    page_requests: int = 0
    page_errors: int = 0
    page_ms: list[float] = field(default_factory=list)
    page_server_cpu_ms: float = 0.0
    clients: int = 4
    duration_s: float = 0.0

    @property
    def ratio(self) -> float:
        return statistics.median(self.deep_ms) / statistics.median(self.first_ms)


# ------------------------------------------------------------------------ the store


def build_database(path: Path, rows: int) -> float:
    """Creates the sandbox database with `rows` customers in `acme`; returns seconds."""
    from pivotal_cli.sandbox.data.ids import CuidFactory
    from pivotal_cli.sandbox.data.timeutil import to_us, utc_now
    from pivotal_cli.sandbox.engine.core import Sandbox
    from pivotal_cli.sandbox.resources import customers

    started = time.perf_counter()
    # The "empty" seed still provisions the workspaces and their keys (keys file beside
    # the database), so the server process can authenticate our requests.
    sandbox = Sandbox.open(path, seed="empty", iterations=1_000)
    try:
        with sandbox.store.read() as tx:
            workspace_id = tx.execute("SELECT id FROM workspaces WHERE slug = 'acme'").fetchone()[
                "id"
            ]
        ids = CuidFactory(random.Random(7))
        rng = random.Random(11)
        # One millisecond apart, ending now: distinct instants, newest last.
        first_us = to_us(utc_now()) - rows * 1_000
        for start in range(0, rows, BATCH):
            with sandbox.store.write() as tx:
                for n in range(start, min(rows, start + BATCH)):
                    values = {
                        "name": f"Bench Customer {n}",
                        "slug": f"bench-{n}",
                        "status": customers.STATUSES[n % len(customers.STATUSES)],
                        "mrr": rng.randrange(0, 5_000_000),
                    }
                    customers.insert(
                        tx, workspace_id, values, ids=ids, created_us=first_us + n * 1_000
                    )
    finally:
        sandbox.close()
    return time.perf_counter() - started


@contextmanager
def server_process(
    db: Path, source: Path | None = None, python: str = sys.executable
) -> Iterator[tuple[str, str, int]]:
    """(base_url, live key, process id) of a sandbox server running in a child process.

    `source` is another checkout's `src/` to serve from (`--vs`), else this one's;
    `python` the interpreter (`--vs-python`: one with that checkout's dependencies).
    """
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = str(source)
    process = subprocess.Popen(
        [python, "-c", SERVER_CODE, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line:
            raise RuntimeError("the sandbox server process did not start")
        started = json.loads(line)
        yield started["base_url"], started["key"], started["pid"]
    finally:
        if process.stdin:
            process.stdin.close()  # the child's stdin.read() returns and it shuts down
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# ------------------------------------------------------------------- measurements


def timed(call: Callable[[], httpx.Response]) -> float:
    """Milliseconds for one request; fails loudly on a non-200."""
    began = time.perf_counter()
    response = call()
    elapsed = (time.perf_counter() - began) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{response.request.url}: {response.status_code} {response.text}")
    return elapsed


def repeat(call: Callable[[], httpx.Response], samples: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        timed(call)
    return [timed(call) for _ in range(samples)]


def walk(client: httpx.Client) -> tuple[list[str | None], list[str], float]:
    """Every page at limit=100: the cursor used for each page, all ids, seconds."""
    cursors: list[str | None] = []
    ids: list[str] = []
    cursor: str | None = None
    began = time.perf_counter()
    while True:
        params: dict[str, str | int] = {"limit": PAGE}
        if cursor:
            params["cursor"] = cursor
        response = client.get("/customers", params=params)
        response.raise_for_status()
        page = response.json()
        cursors.append(cursor)
        ids.extend(customer["id"] for customer in page["data"])
        if not page["has_more"]:
            break
        cursor = page["next_cursor"]
    return cursors, ids, time.perf_counter() - began


def pagination(client: httpx.Client, report: Report, samples: int) -> list[str]:
    cursors, ids, report.walk_s = walk(client)
    report.walk_pages, report.walk_rows = len(cursors), len(ids)
    if len(set(ids)) != len(ids) or len(ids) != report.rows:
        raise RuntimeError(
            f"walk saw {len(ids)} rows ({len(set(ids))} distinct), not {report.rows}"
        )
    report.deep_page_index = int(len(cursors) * 0.9)
    deep_cursor = cursors[report.deep_page_index]

    def first() -> httpx.Response:
        return client.get("/customers", params={"limit": PAGE})

    def deep() -> httpx.Response:
        return client.get("/customers", params={"limit": PAGE, "cursor": deep_cursor})

    # Warmed up, then alternated, so whatever else the machine does hits both alike.
    repeat(first, samples=0)
    repeat(deep, samples=0)
    for _ in range(samples):
        report.first_ms.append(timed(first))
        report.deep_ms.append(timed(deep))
    return ids


@dataclass
class Load:
    """What one load loop measured: successful requests a second, failures, latencies."""

    per_s: float
    requests: int
    errors: int
    latencies_ms: list[float]


def load(
    base_url: str, key: str, clients: int, duration_s: float, path: Callable[[random.Random], str]
) -> Load:
    """`clients` threads, one keep-alive client each, requesting `path(rng)` until the end."""
    barrier = threading.Barrier(clients + 1)
    deadline = 0.0
    counts = [0] * clients
    errors = [0] * clients
    latencies: list[list[float]] = [[] for _ in range(clients)]

    def worker(index: int) -> None:
        rng = random.Random(100 + index)
        with httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=30
        ) as client:
            client.get(path(rng))  # open the connection before the clock
            barrier.wait()
            while time.perf_counter() < deadline:
                began = time.perf_counter()
                response = client.get(path(rng))
                latencies[index].append((time.perf_counter() - began) * 1000)
                if response.status_code == 200:
                    counts[index] += 1
                else:
                    errors[index] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    # Every client has connected when the barrier opens; the clock starts there.
    began = time.perf_counter()
    deadline = began + duration_s
    barrier.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    return Load(
        sum(counts) / elapsed,
        sum(counts),
        sum(errors),
        [ms for per_client in latencies for ms in per_client],
    )


def throughput(base_url: str, key: str, ids: list[str], report: Report) -> None:
    """(b): `GET /customers/{id}` of ids picked at random."""
    chosen = random.Random(3).sample(ids, min(len(ids), 2_000))
    got = load(
        base_url,
        key,
        report.clients,
        report.duration_s,
        lambda rng: f"/customers/{rng.choice(chosen)}",
    )
    report.rps, report.requests, report.errors, report.get_ms = (
        got.per_s,
        got.requests,
        got.errors,
        got.latencies_ms,
    )


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux's /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # utime and stime, the 14th and 15th fields of the line (counted from the pid).
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def list_pages(base_url: str, key: str, pid: int, report: Report) -> None:
    """(c): `GET /customers?limit=100`, the first page, over and over."""
    before = cpu_seconds(pid)
    got = load(
        base_url, key, report.clients, report.duration_s, lambda _: f"/customers?limit={PAGE}"
    )
    report.pages_per_s, report.page_requests, report.page_errors, report.page_ms = (
        got.per_s,
        got.requests,
        got.errors,
        got.latencies_ms,
    )
    # The connections' first requests, made before the clock, are counted too.
    served = got.requests + got.errors + report.clients
    report.page_server_cpu_ms = (cpu_seconds(pid) - before) * 1000 / served


# ------------------------------------------------------------------------- output


def percentile(values: list[float], fraction: float) -> float:
    if not values:  # a part that was skipped
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def render(report: Report) -> str:
    first = statistics.median(report.first_ms)
    deep = statistics.median(report.deep_ms)
    verdict = "met" if report.ratio <= DEPTH_TARGET else "MISSED"
    rows = [
        ("customers in the workspace", f"{report.rows:,} (built in {report.build_s:.1f} s)"),
        ("first page, limit=100, median", f"{first:.2f} ms ({len(report.first_ms)} samples)"),
        (
            f"page {report.deep_page_index + 1} of {report.walk_pages} (90%), median",
            f"{deep:.2f} ms ({len(report.deep_ms)} samples)",
        ),
        ("deep / first", f"{report.ratio:.2f}x (target <= {DEPTH_TARGET}x: {verdict})"),
        (
            "full walk, limit=100",
            f"{report.walk_pages:,} pages, {report.walk_rows:,} rows in {report.walk_s:.1f} s",
        ),
        (
            f"GET /customers/{{id}}, {report.clients} keep-alive clients",
            f"{report.rps:,.0f} req/s over {report.duration_s:.0f} s "
            f"({report.requests:,} ok, {report.errors} errors)",
        ),
        (
            "  latency p50 / p99",
            f"{percentile(report.get_ms, 0.5):.2f} / {percentile(report.get_ms, 0.99):.2f} ms",
        ),
        (
            f"GET /customers?limit={PAGE}, {report.clients} keep-alive clients",
            f"{report.pages_per_s:,.0f} pages/s over {report.duration_s:.0f} s "
            f"({report.page_requests:,} ok, {report.page_errors} errors)",
        ),
        (
            "  latency p50 / p99",
            f"{percentile(report.page_ms, 0.5):.2f} / {percentile(report.page_ms, 0.99):.2f} ms",
        ),
        ("  server CPU per page", f"{report.page_server_cpu_ms:.2f} ms"),
    ]
    width = max(len(name) for name, _ in rows)
    lines = [f"{'metric'.ljust(width)}  value", f"{'-' * width}  {'-' * 40}"]
    lines += [f"{name.ljust(width)}  {value}" for name, value in rows]
    return "\n".join(lines)


def versus(
    db: Path, source: Path, python: str, rows: int, clients: int, duration: float, rounds: int
) -> str:
    """(c) for another checkout's server and this one's, alternated, as medians and ratios."""
    sides: dict[str, tuple[list[float], list[float]]] = {"vs": ([], []), "this": ([], [])}
    for _ in range(rounds):
        for side, src, interpreter in (("vs", source, python), ("this", None, sys.executable)):
            report = Report(rows=rows, clients=clients, duration_s=duration)
            with server_process(db, src, interpreter) as (base_url, key, pid):
                list_pages(base_url, key, pid, report)
            if report.page_errors:
                raise RuntimeError(f"{side}: {report.page_errors} list requests failed")
            sides[side][0].append(report.pages_per_s)
            sides[side][1].append(report.page_server_cpu_ms)
    (vs_pages, vs_cpu), (pages, cpu) = sides["vs"], sides["this"]
    return "\n".join(
        [
            f"GET /customers?limit={PAGE}, {clients} clients, {rounds} alternated rounds "
            f"of {duration:.0f} s, medians (min-max):",
            f"  {source}: {statistics.median(vs_pages):,.0f} pages/s "
            f"({min(vs_pages):,.0f}-{max(vs_pages):,.0f}), server CPU "
            f"{statistics.median(vs_cpu):.2f} ms a page ({min(vs_cpu):.2f}-{max(vs_cpu):.2f})",
            f"  this checkout: {statistics.median(pages):,.0f} pages/s "
            f"({min(pages):,.0f}-{max(pages):,.0f}), server CPU "
            f"{statistics.median(cpu):.2f} ms a page ({min(cpu):.2f}-{max(cpu):.2f})",
            f"  pages/s ratio {statistics.median(pages) / statistics.median(vs_pages):.2f}x, "
            f"server CPU a page {statistics.median(vs_cpu) / statistics.median(cpu):.2f}x less"
            " (target: 2.5x)",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5,000 rows, 3 s of load")
    parser.add_argument("--rows", type=int, help="customers to create (default 100,000)")
    parser.add_argument("--samples", type=int, default=50, help="latency samples (min 30)")
    parser.add_argument("--duration", type=float, help="seconds of load for (b), default 10")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients for (b)")
    parser.add_argument(
        "--list-only", action="store_true", help="skip (b): measure the depth and list pages"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument(
        "--vs",
        type=Path,
        metavar="SRC",
        help="only (c), alternating with a server run from another checkout's src/ "
        "(e.g. `git worktree add /tmp/before 807db73`, then --vs /tmp/before/src)",
    )
    parser.add_argument(
        "--vs-python",
        default=sys.executable,
        metavar="PYTHON",
        help="the interpreter for the --vs side: one whose environment has that checkout's "
        "dependencies (a venv with it installed), so its server runs as it did then",
    )
    parser.add_argument("--rounds", type=int, default=5, help="alternated rounds for --vs")
    args = parser.parse_args(argv)
    rows = args.rows or (5_000 if args.quick else 100_000)
    duration = args.duration or (3.0 if args.quick else 10.0)
    samples = max(30, args.samples)
    report = Report(rows=rows, clients=args.clients, duration_s=duration)

    print(f"sandbox benchmark: {rows:,} customers, {os.cpu_count()} CPUs", flush=True)
    with tempfile.TemporaryDirectory(prefix="pivotal-bench-") as scratch:
        db = Path(scratch) / "bench.db"
        report.build_s = build_database(db, rows)
        print(f"built the store in {report.build_s:.1f} s; starting the server", flush=True)
        if args.vs is not None:
            print(versus(db, args.vs, args.vs_python, rows, args.clients, duration, args.rounds))
            return 0
        with server_process(db) as (base_url, key, pid):
            with httpx.Client(
                base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=60
            ) as client:
                ids = pagination(client, report, samples)
            print("pagination measured; load test running", flush=True)
            if not args.list_only:
                throughput(base_url, key, ids, report)
            print("record GETs measured; list load running", flush=True)
            list_pages(base_url, key, pid, report)
    print()
    print(render(report))
    missed = report.ratio > DEPTH_TARGET or report.errors > 0 or report.page_errors > 0
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
