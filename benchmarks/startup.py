"""Start-up and one-call latency of the `pivotal` command, against its own floor.

Every case is timed as a whole process, alternated with the same virtualenv's
`python -c pass` (the floor) so machine noise hits both alike; the result is the
median of N runs, wall and CPU (user + system, the kernel's account of the child) in
milliseconds and as ratios to the floor's medians. When `gh` is on PATH, `gh --help`
is timed the same way and each help case also gets its wall ratio to it.

    python benchmarks/startup.py            # 25 runs per case
    python benchmarks/startup.py --runs 40

The API cases run against a real local sandbox server (rate limits off) started in
this process on a free loopback port. Targets (issue 2): --version <= 3x floor; one
API call <= 12x. Issue 21: `--help`, `customers --help` and `customers list --help`
(printed from the generated pages, without Typer or Rich) <= 2.5x the floor's CPU, and
below gh's wall time. The write case is the one command here that loads the model
layer (pydantic_core, to check its body): issue 18 allows it 60 ms more than before
the model layer.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import compile_package

VENV_BIN = Path(sys.executable).parent
PIVOTAL = str(VENV_BIN / "pivotal")


def _time(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU milliseconds of one run of `cmd`."""
    started = time.perf_counter()
    child = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = (time.perf_counter() - started) * 1000
    child.returncode = os.waitstatus_to_exitcode(status)
    return wall, (usage.ru_utime + usage.ru_stime) * 1000


Cases = dict[str, tuple[list[str], dict[str, str]]]
FLOOR = "python -c pass (floor)"
GH = "gh --help (yardstick)"


def measure(cases: Cases, runs: int) -> None:
    base_env = dict(os.environ)
    gh = shutil.which("gh")
    if gh:
        cases = {**cases, GH: ([gh, "--help"], base_env)}
    floor_cmd = [sys.executable, "-c", "pass"]
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
    floor: list[tuple[float, float]] = []
    for cmd, env in cases.values():  # warm the page cache and .pyc files once
        _time(cmd, env)
    for _ in range(runs):
        for name, (cmd, env) in cases.items():
            floor.append(_time(floor_cmd, base_env))
            samples[name].append(_time(cmd, env))
    floor_wall, floor_cpu = _medians(floor)
    gh_wall = _medians(samples[GH])[0] if GH in samples else None
    print(f"{'case':<44} {'wall ms':>8} {'x floor':>8} {'cpu ms':>8} {'x floor':>8} {'x gh':>6}")
    print(f"{FLOOR:<44} {floor_wall:>8.1f} {1.0:>8.2f} {floor_cpu:>8.1f} {1.0:>8.2f}")
    for name, values in samples.items():
        wall, cpu = _medians(values)
        line = f"{name:<44} {wall:>8.1f} {wall / floor_wall:>8.2f} {cpu:>8.1f}"
        line += f" {cpu / floor_cpu:>8.2f}" if floor_cpu else f" {'-':>8}"
        if gh_wall and "--help" in name and name != GH:
            line += f" {wall / gh_wall:>6.2f}"
        print(line)


def _medians(values: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(v[0] for v in values), statistics.median(v[1] for v in values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=25, help="runs per case (at least 20)")
    args = parser.parse_args()
    compile_package()

    from pivotal_cli.sandbox.adapters.testing import running_server

    env = dict(os.environ)
    for name in ("PIVOTAL_API_KEY", "PIVOTAL_BASE_URL", "PIVOTAL_SANDBOX"):
        env.pop(name, None)
    completion_env = {
        **env,
        "_PIVOTAL_COMPLETE": "complete_bash",
        "COMP_WORDS": "pivotal customers list --status ",
        "COMP_CWORD": "4",
    }
    with running_server(rate_limit="off") as server:
        api_env = {**env, "PIVOTAL_API_KEY": server.live_key, "PIVOTAL_BASE_URL": server.base_url}
        cases = {
            "pivotal --version": ([PIVOTAL, "--version"], env),
            "pivotal --help": ([PIVOTAL, "--help"], env),
            "pivotal customers --help": ([PIVOTAL, "customers", "--help"], env),
            "pivotal customers list --help": ([PIVOTAL, "customers", "list", "--help"], env),
            "completion (dynamic, --status values)": ([PIVOTAL], completion_env),
            "pivotal me (one API call)": ([PIVOTAL, "me"], api_env),
            "pivotal customers list --json": ([PIVOTAL, "customers", "list", "--json"], api_env),
            "pivotal customers get 1 --json": (
                [PIVOTAL, "customers", "get", "1", "--json"],
                api_env,
            ),
            "pivotal customers update 1 (one write)": (
                [PIVOTAL, "customers", "update", "1", "--plan", "Growth", "--json"],
                api_env,
            ),
        }
        measure(cases, max(20, args.runs))


if __name__ == "__main__":
    main()
