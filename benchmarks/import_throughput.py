"""How fast `pivotal import` sends, how well it uses a rate limit, and its memory.

Three measurements against a sandbox server (`running_server`, in this process):

* throughput (default): N customers (10,000) imported with `pivotal import customers`
  (limits off) vs a minimal pooled-httpx script sending the same rows: the same
  bodies, an `Idempotency-Key` of the same form on each, the same concurrency (4),
  httpx imported the way pivotal imports it (its command-line module stubbed). Runs
  alternate, a fresh server each; prints the medians of wall time and of the client
  process's CPU (user + system, from `os.wait4`: the server in this process is not
  in it) and the paired ratios. Target: client CPU at most 1.1x the minimal one's;
* `--rate 600`: against a sandbox limited to 600 requests/min, the time taken
  against the best the limit allows, and the 429s the server sent (target: at least
  95%, no 429). The limit is a rolling minute, so request n + limit starts 60 s after
  request n at the soonest: N requests need (N - 1) // limit whole minutes plus the
  time to send the last window's share. That last part, and the whole ideal of a job
  that fits in one window, is the same job's unthrottled time, measured here first
  (median of `--runs` runs) on a fresh unlimited server;
* `--callgrind`: each side once under `valgrind --tool=callgrind` (`--rows`, default
  1,000), its instructions counted: the same figure however busy the machine is, so
  this is the CPU ratio to quote from a shared machine;
* `--memory`: the peak RSS of the `pivotal import` process at 1,000 and 100,000 rows
  (`--memory-rows`), which should be flat.

    python benchmarks/import_throughput.py [--rows 10000] [--runs 5]
    python benchmarks/import_throughput.py --rate 600 [--rows 1500] [--runs 3]
    python benchmarks/import_throughput.py --callgrind [--rows 1000]
    python benchmarks/import_throughput.py --memory [--memory-rows 1000,100000]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import (
    HTTPX_AS_PIVOTAL,
    Sample,
    alternate,
    compile_package,
    median,
    paired_ratio,
    run,
    spread,
)

from pivotal_cli.sandbox.adapters.testing import RunningServer, running_server

PIVOTAL = str(Path(sys.executable).with_name("pivotal"))

# The minimal client: a pooled httpx.Client, N threads, one POST per row with the body
# and the kind of Idempotency-Key pivotal sends (a SHA-256 of the row, 40 hex digits),
# nothing else (no journal, no pacing, no retries). It imports httpx as pivotal does.
MINIMAL = (
    HTTPX_AS_PIVOTAL
    + r"""
import csv, hashlib, json, sys
from concurrent.futures import ThreadPoolExecutor
import httpx
base, key, path, workers = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
with open(path, newline="") as f:
    rows = list(csv.DictReader(f))
client = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"},
                      limits=httpx.Limits(max_connections=workers))
def send(numbered):
    n, row = numbered
    body = {"name": row["name"], "slug": row["slug"], "status": row["status"],
            "mrr": int(row["mrr"])}
    digest = hashlib.sha256(f"{n}\n{json.dumps(body, sort_keys=True)}".encode()).hexdigest()
    r = client.post("/customers", json=body,
                    headers={"Idempotency-Key": f"pivotal-import-{digest[:40]}"})
    r.raise_for_status()
with ThreadPoolExecutor(workers) as pool:
    list(pool.map(send, enumerate(rows, 1)))
"""
)


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


def run_pivotal(server: RunningServer, source: Path, state: Path, concurrency: int) -> Sample:
    done = run(
        [PIVOTAL, "import", "customers", str(source), "--concurrency", str(concurrency), "--json"],
        env_for(server, state),
    )
    summary = json.loads(done.stdout)
    assert summary["failed"] == 0, summary
    return done


def run_minimal(server: RunningServer, source: Path, concurrency: int) -> Sample:
    argv = [sys.executable, "-c", MINIMAL, server.base_url, server.test_key, str(source)]
    return run([*argv, str(concurrency)])


@dataclass
class Paced:
    """One run of the job on a fresh server: the client's figures and the server's log."""

    sample: Sample
    statuses: list[str]
    made: int


def one_job(folder: Path, rows: int, concurrency: int, limit: int | str, tag: str) -> Paced:
    """`pivotal import customers` of `rows` new customers on a fresh server at `limit`.

    The server logs every request in every case, so an unthrottled run makes it do the
    same work per request as a limited one.
    """
    log = folder / f"{tag}.log"
    with running_server(rate_limit=limit, seed="empty", request_log=log) as server:
        source = write_rows(folder / f"{tag}.csv", rows, tag)
        done = run_pivotal(server, source, folder / f"state-{tag}", concurrency)
        made = server.sandbox.count_customers("acme")
    statuses = [line.rsplit("\t", 1)[-1].strip() for line in log.read_text().splitlines()]
    return Paced(done, statuses, made)


def throughput(rows: int, runs: int, concurrency: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        made = iter(range(10**6))

        def side(name: str) -> Sample:
            # A fresh, empty server per run: every run creates into the same state.
            tag = f"r{next(made)}"
            with running_server(rate_limit="off", seed="empty") as server:
                source = write_rows(folder / f"{tag}.csv", rows, tag)
                if name == "pivotal import":
                    done = run_pivotal(server, source, folder / f"state-{tag}", concurrency)
                else:
                    done = run_minimal(server, source, concurrency)
                assert server.sandbox.count_customers("acme") == rows
            return done

        def report(round_: int, name: str, sample: Sample) -> None:
            print(
                f"run {round_} {name:>15}: {rows} rows in {sample.wall:.2f} s "
                f"({rows / sample.wall:,.0f} rows/s), client CPU {sample.cpu:.2f} s",
                flush=True,
            )

        names = ("pivotal import", "minimal httpx")
        samples = alternate({name: lambda n=name: side(n) for name in names}, runs, report=report)
        wall = {name: [s.wall for s in samples[name]] for name in names}
        cpu = {name: [s.cpu for s in samples[name]] for name in names}
        print(f"medians of {runs} alternated runs each, (min-max):")
        for name in names:
            print(
                f"  {name:>15}: wall {spread(wall[name])}, client CPU {spread(cpu[name])}, "
                f"{rows / median(wall[name]):,.0f} rows/s"
            )
        print(
            "  pivotal/minimal, median of paired ratios: "
            f"wall {paired_ratio(wall[names[0]], wall[names[1]]):.2f}, "
            f"client CPU {paired_ratio(cpu[names[0]], cpu[names[1]]):.2f} (target <= 1.1)"
        )


def instructions(rows: int, concurrency: int) -> None:
    """Each side's client process counted by callgrind, on a fresh server each."""
    if shutil.which("valgrind") is None:
        raise SystemExit("--callgrind needs valgrind on PATH")
    counted: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name in ("pivotal import", "minimal httpx"):
            tag = f"v{len(counted)}"
            with running_server(rate_limit="off", seed="empty") as server:
                source = write_rows(folder / f"{tag}.csv", rows, tag)
                if name == "pivotal import":
                    argv = [sys.executable, PIVOTAL, "import", "customers", str(source)]
                    argv += ["--concurrency", str(concurrency), "--json"]
                    env = env_for(server, folder / f"state-{tag}")
                else:
                    argv = [sys.executable, "-c", MINIMAL, server.base_url, server.test_key]
                    argv += [str(source), str(concurrency)]
                    env = dict(os.environ)
                out = folder / f"{tag}.callgrind"
                done = subprocess.run(
                    ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *argv],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                )
                assert server.sandbox.count_customers("acme") == rows
            found = re.search(r"Collected : (\d+)", done.stderr)
            assert found, done.stderr[-2000:]
            counted[name] = int(found.group(1))
            print(f"{name:>15}: {counted[name] / 1e9:.2f} G instructions for {rows} rows")
    ratio = counted["pivotal import"] / counted["minimal httpx"]
    print(f"  pivotal/minimal, callgrind instructions: {ratio:.2f} (target <= 1.1)")


def rate_mode(limit: int, rows: int, runs: int, concurrency: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        tags = iter(range(10**6))
        every: list[Paced] = []

        def limited() -> Paced:
            every.append(one_job(folder, rows, concurrency, limit, f"l{next(tags)}"))
            return every[-1]

        def free(count: int) -> Paced:
            return one_job(folder, count, concurrency, "off", f"u{next(tags)}")

        free(min(rows, 100))  # warm the page cache and .pyc files, not counted
        first = limited()
        requests = len(first.statuses)
        # Whole minutes the limit forces, then the last window's share of the rows at
        # the unthrottled speed (a job that fits one window: its whole unthrottled time).
        windows = (requests - 1) // limit
        tail = min(rows, max(1, rows - windows * limit))
        if windows == 0:
            # Short enough to repeat: limited and unthrottled runs alternate.
            sides = {"limited": limited, "unthrottled": lambda: free(tail)}
            paced = alternate({k: lambda f=f: f().sample for k, f in sides.items()}, runs - 1)
            spent = [first.sample.wall] + [s.wall for s in paced["limited"]]
            unlimited = [s.wall for s in paced["unthrottled"]] + [free(tail).sample.wall]
        else:
            spent = [first.sample.wall]
            unlimited = [free(tail).sample.wall for _ in range(runs)]
        refused = sum(run.statuses.count("429") for run in every)
        complete = all(run.made == rows for run in every)
    elapsed = median(spent)
    ideal = windows * 60.0 + median(unlimited)
    print(f"{rows} customers, {requests} requests a run at a limit of {limit}/min")
    print(
        f"time taken: {spread(spent)} ({len(spent)} run(s)); raw rate of the first: "
        f"{requests / first.sample.wall * 60:,.0f} requests/min"
    )
    print(
        f"ideal: {windows} whole minutes + {tail} rows unthrottled "
        f"(median of {len(unlimited)}: {spread(unlimited)}) = {ideal:.1f} s"
    )
    print(f"achieved vs the ideal: {ideal / elapsed:.1%} (target >= 95%)")
    print(
        f"429s the server sent, all runs: {refused} (target 0; every row made in every "
        f"run: {'yes' if complete else 'NO'})"
    )


def memory(counts: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for count in counts:
            source = write_rows(folder / f"m{count}.csv", count, f"m{count}")
            with running_server(rate_limit="off", seed="empty") as server:
                done = run(
                    [PIVOTAL, "import", "customers", str(source)],
                    env_for(server, folder / f"state{count}"),
                )
                made = server.sandbox.count_customers("acme")
            print(
                f"{count:>7} rows: peak RSS {done.peak_mib:.1f} MiB "
                f"({made} created in {done.wall:.0f} s)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=None)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--rate", type=int, default=None, metavar="PER_MINUTE")
    parser.add_argument("--memory", action="store_true")
    parser.add_argument("--callgrind", action="store_true")
    parser.add_argument("--memory-rows", default="1000,100000")
    args = parser.parse_args()
    compile_package()  # the minimal side's httpx has its .pyc files; pivotal's get theirs
    if args.callgrind:
        instructions(args.rows or 1000, args.concurrency)
    elif args.memory:
        memory([int(n) for n in args.memory_rows.split(",")])
    elif args.rate:
        rate_mode(args.rate, args.rows or args.rate * 5 // 2, min(args.runs, 3), args.concurrency)
    else:
        throughput(args.rows or 10_000, args.runs, args.concurrency)


if __name__ == "__main__":
    main()
