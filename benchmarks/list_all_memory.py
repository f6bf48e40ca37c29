"""Peak memory of `pivotal customers list --all` as the workspace grows.

`--all` must stream: one page in memory at a time, whatever the list's length. This
builds sandbox databases of increasing size (the same store path the sandbox bench
uses), serves each from a child process, runs the real console script against it in
each output format, and reads that process's own peak RSS (through `list_all_pipe`'s
`measured`: read directly, a child's peak starts at this script's, which holds the
database it built). The minimal page-streaming client of `list_all_pipe` is measured
alongside, the floor the target is set against (within 3 MiB at 50,000 and 100,000).

    .venv/bin/python benchmarks/list_all_memory.py                 # 1,000 / 10,000 / 100,000 rows
    .venv/bin/python benchmarks/list_all_memory.py --rows 1000 20000

Flat means the 100,000-row figure is within a few MB of the 1,000-row one.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from list_all_pipe import MINIMAL_CLIENT, measured
from sandbox_bench import build_database, server_process

PIVOTAL = str(Path(sys.executable).parent / "pivotal")
FORMATS = {"--jsonl": ["--jsonl"], "--json": ["--json"], "plain (piped)": []}


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(peak RSS in MiB, CPU seconds, lines printed) of one process."""
    with tempfile.TemporaryFile() as sink:
        usage = measured(cmd, env, sink)
        sink.seek(0)
        lines = sum(1 for _ in sink)
    return usage.rss, usage.cpu, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    args = parser.parse_args()
    print(f"{'rows':>8}  {'format':<22} {'peak RSS MiB':>12} {'CPU s':>6} {'lines':>8}")
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("PIVOTAL_")}
    with tempfile.TemporaryDirectory() as tmp:
        for rows in args.rows:
            db = Path(tmp) / f"bench-{rows}.db"
            build_database(db, rows)
            with server_process(db) as (base_url, key, _):
                env = {**base_env, "PIVOTAL_API_KEY": key, "PIVOTAL_BASE_URL": base_url}
                sides = {
                    name: [PIVOTAL, "customers", "list", "--all", *extra]
                    for name, extra in FORMATS.items()
                }
                sides["minimal client (json)"] = [
                    sys.executable,
                    "-c",
                    MINIMAL_CLIENT,
                    base_url,
                    key,
                ]
                for name, cmd in sides.items():
                    rss, cpu, lines = run(cmd, env)
                    print(f"{rows:>8,}  {name:<22} {rss:>12.1f} {cpu:>6.1f} {lines:>8,}")


if __name__ == "__main__":
    main()
