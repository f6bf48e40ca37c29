"""`pivotal customers list --all --json` into a pipe, against a minimal client.

The minimal client is the least a script could do: one pooled httpx client walking
the same pages (limit=100, following `next_cursor`) and writing the same compact JSON
array a page at a time, one write and flush per page, holding one page. Both run as
whole processes against the same sandbox server (a child process, rate limits off),
alternated run by run so machine noise hits both alike, with stdout into a pipe that
is read to the end. Each run's CPU time (user + system) and peak RSS come from
`os.wait4`: CPU, not wall time, is what the target is about, and it is far less
disturbed by other work on a busy machine. Targets (issue 21): pivotal's median CPU at
most 1.05x the minimal client's, its peak RSS within 3 MiB of the client's.

    .venv/bin/python benchmarks/list_all_pipe.py                # 5,000 customers, 15 runs
    .venv/bin/python benchmarks/list_all_pipe.py --rows 50000 --runs 5
    .venv/bin/python benchmarks/list_all_pipe.py --rows 50000 --callgrind

`--callgrind` runs each side once under `valgrind --tool=callgrind` and compares the
instructions each executed: a count no other load on the machine moves.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import compile_package
from sandbox_bench import build_database, server_process

PIVOTAL = str(Path(sys.executable).parent / "pivotal")

MINIMAL_CLIENT = """
import json, sys, httpx
base, key = sys.argv[1], sys.argv[2]
cursor, sep = None, "["
with httpx.Client(headers={"Authorization": f"Bearer {key}"}) as client:
    while True:
        params = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        page = client.get(f"{base}/customers", params=params).raise_for_status().json()
        if page["data"]:
            text = json.dumps(page["data"], separators=(",", ":"), ensure_ascii=False)
            sys.stdout.write(sep + text[1:-1])
            sys.stdout.flush()
            sep = ","
        cursor = page.get("next_cursor")
        if not page.get("has_more") or not cursor:
            break
sys.stdout.write(("[" if sep == "[" else "") + "]\\n")
"""


# Runs between this script and a measured process and reports that process's own CPU
# time and peak RSS. Read straight from `os.wait4`, a child's peak RSS is at least its
# parent's: Linux carries the high-water mark across fork and exec, and this script
# holds the database it built, so every child read as that big. This small
# interpreter is the parent instead. Report: "exit-code cpu-seconds max-rss-KiB".
MEASURE = """
import os, sys
pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
code = os.waitstatus_to_exitcode(status)
with open(sys.argv[1], "w") as report:
    report.write(f"{code} {usage.ru_utime + usage.ru_stime} {usage.ru_maxrss}")
sys.exit(code)
"""


class Run(NamedTuple):
    """One process: CPU seconds (user + system), peak RSS in MiB, bytes it printed."""

    cpu: float
    rss: float
    size: int


def measured(cmd: list[str], env: dict[str, str], stdout: Any = subprocess.PIPE) -> Run:
    """CPU time, peak RSS and bytes printed of `cmd` (an absolute path first).

    `stdout` is the process's: a pipe read to the end by default, or a file (then the
    size is 0). A process that fails stops the benchmark.
    """
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "usage"
        wrapper = [sys.executable, "-S", "-c", MEASURE, str(report), *cmd]
        process = subprocess.Popen(wrapper, env=env, stdout=stdout)
        size = 0
        if process.stdout is not None:
            reader = process.stdout
            size = sum(len(chunk) for chunk in iter(lambda: reader.read(65536), b""))
        process.wait()
        code, cpu, rss = report.read_text().split()
    if int(code) != 0:
        raise SystemExit(f"{cmd[0]} failed with exit code {code}")
    return Run(float(cpu), int(rss) / 1024, size)


def instructions(cmd: list[str], env: dict[str, str]) -> int:
    """Instructions `cmd` executed (callgrind's count), its stdout a pipe read to the end."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "callgrind.out"
        process = subprocess.Popen(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *cmd],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        _, err = process.communicate()
    found = re.search(rb"Collected : (\d+)", err)
    if process.returncode != 0 or found is None:
        raise SystemExit(f"{cmd[0]} under valgrind failed: {err[-500:]!r}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000, help="customers in the workspace")
    parser.add_argument("--runs", type=int, default=15, help="runs of each side")
    parser.add_argument("--callgrind", action="store_true", help="count instructions instead")
    args = parser.parse_args()
    compile_package()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIVOTAL_")}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "sandbox.db"
        print(f"building {args.rows:,} customers: {build_database(db, args.rows):.1f} s")
        with server_process(db) as (base_url, key, _):
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
            if args.callgrind:
                if shutil.which("valgrind") is None:
                    raise SystemExit("--callgrind needs valgrind on PATH")
                counts = [instructions(cmd, side_env) for cmd, side_env in sides.values()]
                for name, count in zip(sides, counts, strict=True):
                    print(f"{name:<40} {count / 1e9:.3f} G instructions")
                print(
                    f"instructions pivotal / minimal: {counts[0] / counts[1]:.3f} (target <= 1.05)"
                )
                return
            for cmd, side_env in sides.values():  # warm caches once
                measured(cmd, side_env)
            runs: dict[str, list[Run]] = {name: [] for name in sides}
            for _ in range(args.runs):
                for name, (cmd, side_env) in sides.items():
                    runs[name].append(measured(cmd, side_env))
    cpu = {name: statistics.median(r.cpu for r in done) for name, done in runs.items()}
    rss = {name: statistics.median(r.rss for r in done) for name, done in runs.items()}
    for name in runs:
        print(
            f"{name:<40} CPU median {cpu[name] * 1000:8.1f} ms, peak RSS {rss[name]:6.1f} MiB"
            f"  ({runs[name][-1].size:,} bytes)"
        )
    (cli, minimal), (cli_rss, minimal_rss) = cpu.values(), rss.values()
    print(f"CPU pivotal / minimal: {cli / minimal:.2f} (target <= 1.05)")
    print(f"peak RSS pivotal - minimal: {cli_rss - minimal_rss:+.1f} MiB (target <= 3)")


if __name__ == "__main__":
    main()
