"""Peak memory of `pivotal customers list --all` as the workspace grows.

`--all` must stream: one page in memory at a time, whatever the list's length. This
builds sandbox databases of increasing size (the same store path the sandbox bench
uses), serves each from a child process, runs the real console script against it in
each output format, and reads that process's own peak RSS from `os.wait4`.

    .venv/bin/python benchmarks/list_all_memory.py                 # 1,000 / 10,000 / 100,000 rows
    .venv/bin/python benchmarks/list_all_memory.py --rows 1000 20000

Flat means the 100,000-row figure is within a few MB of the 1,000-row one.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sandbox_bench import build_database, server_process

PIVOTAL = str(Path(sys.executable).parent / "pivotal")
FORMATS = {"--jsonl": ["--jsonl"], "--json": ["--json"], "plain (piped)": []}


def run_cli(base_url: str, key: str, extra: list[str]) -> tuple[float, float, int]:
    """(peak RSS in MB, seconds, lines printed) of one `customers list --all` process."""
    env = {**os.environ, "PIVOTAL_API_KEY": key, "PIVOTAL_BASE_URL": base_url}
    env.pop("PIVOTAL_SANDBOX", None)
    with tempfile.TemporaryFile() as sink:
        started = time.perf_counter()
        process = subprocess.Popen(
            [PIVOTAL, "customers", "list", "--all", *extra], env=env, stdout=sink
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        if status != 0:
            raise RuntimeError(f"pivotal exited with status {status}")
        sink.seek(0)
        lines = sum(1 for _ in sink)
    return usage.ru_maxrss / 1024, elapsed, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    args = parser.parse_args()
    print(f"{'rows':>8}  {'format':<14} {'peak RSS MB':>11} {'seconds':>8} {'lines':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for rows in args.rows:
            db = Path(tmp) / f"bench-{rows}.db"
            build_database(db, rows)
            with server_process(db) as (base_url, key):
                for name, extra in FORMATS.items():
                    rss, seconds, lines = run_cli(base_url, key, extra)
                    print(f"{rows:>8,}  {name:<14} {rss:>11.1f} {seconds:>8.1f} {lines:>8,}")


if __name__ == "__main__":
    main()
