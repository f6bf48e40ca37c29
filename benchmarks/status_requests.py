"""`pivotal status` on a big workspace: requests and wall time against a minimal walker.

The workspace has `--onboardings` onboardings (10,000 by default), each of its own
customer, spread over every phase and state with target dates around today, so
several thousand customers are shown. The minimal walker is the least any tool could
do to name them: walk every onboarding and every customer, pages of 100 (200 requests
for 10,000 of each), with one pooled httpx client. Both run as whole processes against
the same sandbox server (a child process, rate limits off), alternated run by run so
machine noise hits both alike; requests are counted by `pivotal --cost` and by the
walker itself. Targets: requests <= 1.05x the walker's, wall time <= 1.2x (medians).

    .venv/bin/python benchmarks/status_requests.py                # 10,000, 7 runs
    .venv/bin/python benchmarks/status_requests.py --onboardings 2000 --runs 5
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import compile_package
from sandbox_bench import BATCH, server_process

PIVOTAL = str(Path(sys.executable).parent / "pivotal")
DAY_US = 86_400 * 1_000_000

MINIMAL_WALKER = """
import sys, httpx
base, key = sys.argv[1], sys.argv[2]
sent = 0
with httpx.Client(headers={"Authorization": f"Bearer {key}"}) as client:
    for path in ("/onboardings", "/customers"):
        cursor = None
        while True:
            params = {"limit": 100, **({"cursor": cursor} if cursor else {})}
            page = client.get(f"{base}{path}", params=params).raise_for_status().json()
            sent += 1
            cursor = page.get("next_cursor")
            if not page.get("has_more") or not cursor:
                break
print(sent, file=sys.stderr)
"""


def build_workspace(path: Path, count: int) -> float:
    """A sandbox database with `count` customers in `acme`, an onboarding each; seconds."""
    from pivotal_cli.sandbox.data.ids import CuidFactory
    from pivotal_cli.sandbox.data.timeutil import to_us, utc_now
    from pivotal_cli.sandbox.engine.core import Sandbox
    from pivotal_cli.sandbox.resources import customers, onboardings

    started = time.perf_counter()
    sandbox = Sandbox.open(path, seed="empty", iterations=1_000)
    try:
        with sandbox.store.read() as tx:
            row = tx.execute("SELECT id FROM workspaces WHERE slug = 'acme'").fetchone()
        workspace_id = row["id"]
        ids = CuidFactory(random.Random(7))
        now_us = to_us(utc_now())
        first_us = now_us - count * 2_000
        for start in range(0, count, BATCH):
            with sandbox.store.write() as tx:
                for n in range(start, min(count, start + BATCH)):
                    at = first_us + n * 2_000
                    customer = customers.insert(
                        tx, workspace_id, {"name": f"Bench Customer {n}"}, ids=ids, created_us=at
                    )
                    values = {
                        "phase": onboardings.PHASES[n % len(onboardings.PHASES)],
                        "state": onboardings.STATES[n % len(onboardings.STATES)],
                        # From 100 days ago to 100 days ahead: about half are overdue.
                        "target_launch_date": (now_us // DAY_US + n % 200 - 100) * DAY_US,
                    }
                    onboardings.insert(
                        tx, workspace_id, customer["id"], values, ids=ids,
                        created_us=at + 1_000, actor="bench",
                    )  # fmt: skip
    finally:
        sandbox.close()
    return time.perf_counter() - started


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    """(seconds, stderr) of one process; its stdout is read to the end and dropped."""
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed ({done.returncode}): {done.stderr[-500:]}")
    return time.perf_counter() - started, done.stderr


def requests_of(stderr: str) -> int:
    """The count `--cost` (or the walker) printed on its last stderr line."""
    match = re.match(r"(\d+)", stderr.strip().splitlines()[-1])
    if not match:
        raise SystemExit(f"no request count in: {stderr[-300:]!r}")
    return int(match.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--onboardings", type=int, default=10_000, help="and as many customers")
    parser.add_argument("--runs", type=int, default=7, help="runs of each side")
    args = parser.parse_args()
    compile_package()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIVOTAL_")}
    today = datetime.now(timezone.utc).date().isoformat()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "sandbox.db"
        seconds = build_workspace(db, args.onboardings)
        print(f"building {args.onboardings:,} onboardings: {seconds:.1f} s")
        with server_process(db) as (base_url, key, _):
            # A cache dir of its own, emptied before each run: no run is helped by the
            # index an earlier one wrote (the cold case the issue measured).
            cache = Path(tmp) / "cache"
            cli_env = {
                **env,
                "PIVOTAL_API_KEY": key,
                "PIVOTAL_BASE_URL": base_url,
                "PIVOTAL_CACHE_DIR": str(cache),
            }
            sides = {
                "pivotal --cost status": ([PIVOTAL, "--cost", "status", "--today", today], cli_env),
                "minimal walker": ([sys.executable, "-c", MINIMAL_WALKER, base_url, key], env),
            }
            samples: dict[str, list[float]] = {name: [] for name in sides}
            counts: dict[str, int] = {}
            for turn in range(args.runs + 1):  # the first turn warms caches, unrecorded
                for name, (cmd, side_env) in sides.items():
                    for stale in cache.rglob("*.tsv"):
                        stale.unlink()
                    seconds, stderr = run(cmd, side_env)
                    counts[name] = requests_of(stderr)
                    if turn:
                        samples[name].append(seconds)
    medians = {name: statistics.median(values) for name, values in samples.items()}
    for name, median in medians.items():
        spread = max(samples[name]) - min(samples[name])
        print(
            f"{name:<24} {counts[name]:>5} requests  median {median:6.2f} s"
            f"  (spread {spread:.2f} s over {len(samples[name])} runs)"
        )
    (cli, walker), (cli_n, walker_n) = medians.values(), counts.values()
    print(f"requests pivotal / walker: {cli_n / walker_n:.3f} (target <= 1.05)")
    print(f"wall time pivotal / walker: {cli / walker:.2f} (target <= 1.20)")


if __name__ == "__main__":
    main()
