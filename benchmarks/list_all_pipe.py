"""`pivotal customers list --all --json` into a pipe, against a minimal client.

The minimal client is the least a script could do: one pooled httpx client walking
the same pages (limit=100, following `next_cursor`) and printing the whole array as
compact JSON. Both run as whole processes against the same sandbox server (a child
process, rate limits off), alternated run by run so machine noise hits both alike,
with stdout into a pipe that is read to the end. Target: pivotal at most 1.1x the
minimal client's median.

    .venv/bin/python benchmarks/list_all_pipe.py                # 5,000 customers, 15 runs
    .venv/bin/python benchmarks/list_all_pipe.py --rows 20000 --runs 10
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sandbox_bench import build_database, server_process
from startup import compile_package

PIVOTAL = str(Path(sys.executable).parent / "pivotal")

MINIMAL_CLIENT = """
import json, sys, httpx
base, key = sys.argv[1], sys.argv[2]
rows, cursor = [], None
with httpx.Client(headers={"Authorization": f"Bearer {key}"}) as client:
    while True:
        params = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        page = client.get(f"{base}/customers", params=params).raise_for_status().json()
        rows.extend(page["data"])
        cursor = page.get("next_cursor")
        if not page.get("has_more") or not cursor:
            break
sys.stdout.write(json.dumps(rows, separators=(",", ":"), ensure_ascii=False) + "\\n")
"""


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    """(seconds, bytes read from its stdout pipe) of one process."""
    started = time.perf_counter()
    process = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE)
    assert process.stdout is not None
    size = sum(len(chunk) for chunk in iter(lambda: process.stdout.read(65536), b""))  # type: ignore[union-attr]
    if process.wait() != 0:
        raise SystemExit(f"{cmd[0]} failed with exit code {process.returncode}")
    return time.perf_counter() - started, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000, help="customers in the workspace")
    parser.add_argument("--runs", type=int, default=15, help="runs of each side")
    args = parser.parse_args()
    compile_package()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIVOTAL_")}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "sandbox.db"
        print(f"building {args.rows:,} customers: {build_database(db, args.rows):.1f} s")
        with server_process(db) as (base_url, key):
            cli_env = {**env, "PIVOTAL_API_KEY": key, "PIVOTAL_BASE_URL": base_url}
            sides = {
                "pivotal customers list --all --json": (
                    [PIVOTAL, "customers", "list", "--all", "--json"],
                    cli_env,
                ),
                "minimal httpx client": (
                    [sys.executable, "-c", MINIMAL_CLIENT, base_url, key],
                    env,
                ),
            }
            for cmd, side_env in sides.values():  # warm caches once
                timed(cmd, side_env)
            samples: dict[str, list[float]] = {name: [] for name in sides}
            sizes: dict[str, int] = {}
            for _ in range(args.runs):
                for name, (cmd, side_env) in sides.items():
                    seconds, sizes[name] = timed(cmd, side_env)
                    samples[name].append(seconds)
    medians = {name: statistics.median(values) for name, values in samples.items()}
    for name, median in medians.items():
        print(f"{name:<40} median {median * 1000:8.1f} ms  ({sizes[name]:,} bytes)")
    cli, minimal = medians.values()
    print(f"ratio pivotal / minimal: {cli / minimal:.2f} (target <= 1.10)")


if __name__ == "__main__":
    main()
