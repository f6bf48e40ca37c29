"""Peak memory of `pivotal export customers` at 1,000 and 100,000 customers, per format.

An export must stream: one page in memory at a time, the JSON array written a record
at a time, CSV's metadata columns learnt from a spill file on disk. This starts a
`running_server(rate_limit="off", seed="empty")` on a file database, seeds its `acme`
workspace straight through the store (the fast path: the same `customers.insert` the
API's create uses, ten thousand rows a transaction, instead of 100,000 POSTs), runs
the real console script in a subprocess for each format, and prints that export's
peak RSS. Each export runs under its own small Python parent that reports
`resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`, so every figure belongs to exactly
one export. A third of the customers carry metadata (three keys, one of them an
object), so the CSV has metadata columns to find.

    .venv/bin/python benchmarks/export_memory.py                    # 1,000 then 100,000
    .venv/bin/python benchmarks/export_memory.py --rows 1000 20000

Flat means the 100,000-row figure is within a few MB of the 1,000-row one.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pivotal_cli.sandbox.adapters.testing import RunningServer, running_server

PIVOTAL = str(Path(sys.executable).parent / "pivotal")
FORMATS = ("jsonl", "csv", "json")
BATCH = 10_000  # rows per write transaction while seeding

# The parent of one export: runs it and prints its peak RSS (kB on Linux) and status.
MEASURE = """
import resource, subprocess, sys
status = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, status)
"""


def seed(server: RunningServer, total: int) -> float:
    """Add customers until `acme` holds `total`; returns seconds spent."""
    from pivotal_cli.sandbox.data.ids import CuidFactory
    from pivotal_cli.sandbox.data.timeutil import to_us, utc_now
    from pivotal_cli.sandbox.resources import customers

    started = time.perf_counter()
    store = server.sandbox.store
    with store.read() as tx:
        workspace = tx.execute("SELECT id FROM workspaces WHERE slug = 'acme'").fetchone()["id"]
        have = tx.execute(
            "SELECT COUNT(*) AS n FROM customers WHERE workspace_id = ?", (workspace,)
        ).fetchone()["n"]
    ids = CuidFactory(random.Random(total))
    rng = random.Random(7)
    # One millisecond apart and in the past, so every row has its own instant.
    first_us = to_us(utc_now()) - 200_000 * 1_000
    for start in range(have, total, BATCH):
        with store.write() as tx:
            for n in range(start, min(total, start + BATCH)):
                values: dict[str, object] = {
                    "name": f"Export Customer {n}",
                    "slug": f"export-{n}",
                    "status": customers.STATUSES[n % len(customers.STATUSES)],
                    "mrr": rng.randrange(0, 5_000_000),
                }
                if n % 3 == 0:
                    values["metadata"] = {
                        "tier": rng.choice(["gold", "silver"]),
                        "seats": n % 50,
                        "crm": {"id": f"hs-{n}"},
                    }
                customers.insert(tx, workspace, values, ids=ids, created_us=first_us + n * 1_000)
    return time.perf_counter() - started


def export(base_url: str, key: str, fmt: str, out: Path) -> tuple[float, float, int]:
    """(peak RSS in MB, seconds, records) of one `pivotal export customers` process."""
    env = {**os.environ, "PIVOTAL_API_KEY": key, "PIVOTAL_BASE_URL": base_url}
    env.pop("PIVOTAL_SANDBOX", None)
    target = out / f"customers.{fmt}"
    command = [PIVOTAL, "export", "customers", "-o", str(target)]
    began = time.perf_counter()
    measured = subprocess.run(
        [sys.executable, "-c", MEASURE, *command],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - began
    rss_kb, status = (int(word) for word in measured.stdout.split())
    if status != 0:
        raise RuntimeError(f"pivotal export exited with status {status}: {measured.stderr}")
    records = _count(target, fmt)
    target.unlink()
    return rss_kb / 1024, seconds, records


def _count(path: Path, fmt: str) -> int:
    with path.open(encoding="utf-8") as file:
        lines = sum(1 for _ in file)
    # jsonl: a line a record; csv: plus a header; json: plus the two bracket lines.
    return {"jsonl": lines, "csv": lines - 1, "json": lines - 2}[fmt]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000, 100_000])
    args = parser.parse_args()
    print(f"{'rows':>8}  {'format':<6} {'peak RSS MB':>11} {'seconds':>8} {'records':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "export-bench.db"
        with running_server(db=db, seed="empty", rate_limit="off") as server:
            for rows in sorted(args.rows):
                seed(server, rows)
                for fmt in FORMATS:
                    rss, seconds, records = export(server.base_url, server.live_key, fmt, Path(tmp))
                    if records != rows:
                        raise RuntimeError(f"{fmt}: exported {records} records, expected {rows}")
                    print(f"{rows:>8,}  {fmt:<6} {rss:>11.1f} {seconds:>8.1f} {records:>8,}")


if __name__ == "__main__":
    main()
