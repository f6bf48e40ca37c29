"""How fast `pivotal import` sends, how well it uses a rate limit, and its memory.

Three measurements against a sandbox server (`running_server`, in this process):

* throughput (default): N customers (10,000) imported with `pivotal import customers`
  vs a minimal pooled-httpx script doing the same POSTs with the same concurrency
  (4), runs alternated; prints both rates and the ratio (target: at least 0.5);
* `--rate 3000`: against a sandbox limited to 3,000 requests/min, the achieved rate
  against the best the limit allows (a rolling minute: request n + limit starts 60 s
  after request n at the soonest, so N requests need (N - 1) // limit minutes at
  best) and the 429s the server sent (target 0);
* `--memory`: the peak RSS of the `pivotal import` process at 1,000 and 100,000 rows
  (`--memory-rows`), which should be flat.

    python benchmarks/import_throughput.py [--rows 10000] [--runs 2]
    python benchmarks/import_throughput.py --rate 3000 [--rows 9000]
    python benchmarks/import_throughput.py --memory [--memory-rows 1000,100000]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pivotal_cli.sandbox.adapters.testing import running_server

PIVOTAL = str(Path(sys.executable).with_name("pivotal"))

# The minimal client: a pooled httpx.Client, N threads, one POST per row with an
# Idempotency-Key, nothing else (no journal, no pacing, no retries).
MINIMAL = r"""
import csv, sys, uuid
from concurrent.futures import ThreadPoolExecutor
import httpx
base, key, path, workers = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
with open(path, newline="") as f:
    rows = list(csv.DictReader(f))
client = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"},
                      limits=httpx.Limits(max_connections=workers))
def send(row):
    body = {"name": row["name"], "slug": row["slug"], "status": row["status"],
            "mrr": int(row["mrr"])}
    r = client.post("/customers", json=body, headers={"Idempotency-Key": str(uuid.uuid4())})
    r.raise_for_status()
with ThreadPoolExecutor(workers) as pool:
    list(pool.map(send, rows))
"""

PEAK_RSS = r"""
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
if done.returncode:
    sys.stderr.write(done.stderr[-2000:])
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def write_rows(path: Path, count: int, prefix: str) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "slug", "status", "mrr"])
        for i in range(count):
            writer.writerow([f"{prefix} {i}", f"{prefix}-{i}", "active", i])
    return path


def env_for(server, state: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PIVOTAL_API_KEY": server.test_key,
        "PIVOTAL_BASE_URL": server.base_url,
        "PIVOTAL_STATE_DIR": str(state),
    }


def run_pivotal(server, source: Path, state: Path, concurrency: int) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [PIVOTAL, "import", "customers", str(source), "--concurrency", str(concurrency), "--json"],
        env=env_for(server, state),
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"pivotal import failed ({done.returncode}): {done.stderr[-2000:]}")
    summary = json.loads(done.stdout)
    assert summary["failed"] == 0, summary
    return elapsed


def run_minimal(server, source: Path, concurrency: int) -> float:
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-c",
            MINIMAL,
            server.base_url,
            server.test_key,
            str(source),
            str(concurrency),
        ],
        check=True,
    )
    return time.perf_counter() - started


def throughput(rows: int, runs: int, concurrency: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        results: dict[str, list[float]] = {"pivotal import": [], "minimal httpx": []}
        for run in range(runs):
            for name in (
                ("pivotal import", "minimal httpx")
                if run % 2 == 0
                else ("minimal httpx", "pivotal import")
            ):
                # A fresh, empty server per run: every run creates into the same state.
                with running_server(rate_limit="off", seed="empty") as server:
                    source = write_rows(folder / f"{run}-{name[0]}.csv", rows, f"r{run}{name[0]}")
                    if name == "pivotal import":
                        elapsed = run_pivotal(server, source, folder / "state", concurrency)
                    else:
                        elapsed = run_minimal(server, source, concurrency)
                    assert server.sandbox.count_customers("acme") == rows
                results[name].append(rows / elapsed)
                print(
                    f"run {run + 1} {name:>15}: {rows} rows in {elapsed:.2f} s "
                    f"= {rows / elapsed:,.0f} rows/s"
                )
        best = {name: max(rates) for name, rates in results.items()}
        for name, rate in best.items():
            print(f"best {name:>15}: {rate:,.0f} rows/s")
        print(
            f"ratio pivotal/minimal: {best['pivotal import'] / best['minimal httpx']:.2f} "
            "(target >= 0.5)"
        )


def rate_mode(limit: int, rows: int, concurrency: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        log = folder / "requests.log"
        source = write_rows(folder / "rows.csv", rows, "paced")
        with running_server(rate_limit=limit, seed="empty", request_log=log) as server:
            elapsed = run_pivotal(server, source, folder / "state", concurrency)
            made = server.sandbox.count_customers("acme")
        statuses = [line.rsplit("\t", 1)[-1].strip() for line in log.read_text().splitlines()]
    refused = statuses.count("429")
    requests = len(statuses)
    # The limit is a rolling minute: request n + limit may start no sooner than 60 s
    # after request n. A fresh key's first `limit` requests go at once, so the best
    # possible time for all of them is 60 s per further `limit` (the last burst's own
    # sending time aside).
    ideal = (requests - 1) // limit * 60.0
    print(f"{made} customers, {requests} requests in {elapsed:.1f} s at a limit of {limit}/min")
    print(f"raw rate: {requests / elapsed * 60:,.0f} requests/min")
    if ideal:
        print(f"achieved vs the best the limit allows: {ideal / elapsed:.1%} (target >= 95%)")
    print(
        f"429s sent by the server: {refused} (target 0; none reached the user: "
        f"{'yes' if made == rows else 'NO'})"
    )


def memory(counts: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for count in counts:
            source = write_rows(folder / f"m{count}.csv", count, f"m{count}")
            with running_server(rate_limit="off", seed="empty") as server:
                started = time.perf_counter()
                peak = subprocess.run(
                    [sys.executable, "-c", PEAK_RSS, PIVOTAL, "import", "customers", str(source)],
                    env=env_for(server, folder / f"state{count}"),
                    capture_output=True,
                    text=True,
                    check=True,
                )
                elapsed = time.perf_counter() - started
                made = server.sandbox.count_customers("acme")
            kib = int(peak.stdout.strip().splitlines()[-1])
            mib = kib / 1024
            print(f"{count:>7} rows: peak RSS {mib:.1f} MiB ({made} created in {elapsed:.0f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=None)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--rate", type=int, default=None, metavar="PER_MINUTE")
    parser.add_argument("--memory", action="store_true")
    parser.add_argument("--memory-rows", default="1000,100000")
    args = parser.parse_args()
    if args.memory:
        memory([int(n) for n in args.memory_rows.split(",")])
    elif args.rate:
        rate_mode(args.rate, args.rows or args.rate * 3, args.concurrency)
    else:
        throughput(args.rows or 10_000, args.runs, args.concurrency)


if __name__ == "__main__":
    main()
