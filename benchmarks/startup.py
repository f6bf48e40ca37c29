"""Start-up and one-call latency of the `pivotal` command, against its own floor.

Every case is timed as a whole process, alternated with the same virtualenv's
`python -c pass` (the floor) so machine noise hits both alike; the result is the
median of N runs in milliseconds and as a ratio to the floor's median.

    python benchmarks/startup.py            # 25 runs per case
    python benchmarks/startup.py --runs 40

The API cases run against a real local sandbox server (rate limits off) started in
this process on a free loopback port. Targets (issue 2): --version <= 3x floor;
--help and `customers --help` <= 8x; one API call <= 12x. The write case is the one
command here that loads the model layer (pydantic_core, to check its body): issue 18
allows it 60 ms more than before the model layer.

When GitHub's `gh` is on PATH, `--version` and `--help` of both are then timed side by
side (alternated, medians of the paired ratios), a well-known CLI as a yardstick; where
it is not installed that comparison is skipped and says so.
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
from _timing import alternate, median, paired_ratio, run

VENV_BIN = Path(sys.executable).parent
PIVOTAL = str(VENV_BIN / "pivotal")


def _time(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return (time.perf_counter() - started) * 1000


def measure(cases: dict[str, tuple[list[str], dict[str, str]]], runs: int) -> None:
    base_env = dict(os.environ)
    floor_cmd = [sys.executable, "-c", "pass"]
    samples: dict[str, list[float]] = {name: [] for name in cases}
    floor: list[float] = []
    for cmd, env in cases.values():  # warm the page cache and .pyc files once
        _time(cmd, env)
    for _ in range(runs):
        for name, (cmd, env) in cases.items():
            floor.append(_time(floor_cmd, base_env))
            samples[name].append(_time(cmd, env))
    floor_ms = statistics.median(floor)
    print(f"{'case':<44} {'median ms':>10} {'x floor':>8}")
    print(f"{'python -c pass (floor)':<44} {floor_ms:>10.1f} {1.0:>8.2f}")
    for name, values in samples.items():
        median = statistics.median(values)
        print(f"{name:<44} {median:>10.1f} {median / floor_ms:>8.2f}")


def compare_gh(runs: int, env: dict[str, str]) -> None:
    """`pivotal` against `gh` for the same start-up-only commands, when gh is installed."""
    gh = shutil.which("gh")
    if gh is None:
        print("gh is not on PATH: the comparison with gh is skipped")
        return
    print(f"\n{'against gh':<44} {'pivotal ms':>10} {'gh ms':>8} {'ratio':>6}")
    for flag in ("--version", "--help"):
        sides = {
            "pivotal": lambda f=flag: run([PIVOTAL, f], env, check=False),
            "gh": lambda f=flag: run([gh, f], env, check=False),
        }
        samples = alternate(sides, runs, warmup=1)
        ours = [s.wall * 1000 for s in samples["pivotal"]]
        theirs = [s.wall * 1000 for s in samples["gh"]]
        print(
            f"{flag:<44} {median(ours):>10.1f} {median(theirs):>8.1f} "
            f"{paired_ratio(ours, theirs):>6.2f}"
        )


def compile_package() -> None:
    """Write the package's .pyc files first, as any normal run would have done.

    Where PYTHONDONTWRITEBYTECODE is set (some CI images), every run would otherwise
    recompile the package from source and the figures would measure the compiler.
    """
    import compileall

    import pivotal_cli

    compileall.compile_dir(Path(pivotal_cli.__file__).parent, quiet=1)


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
    compare_gh(max(20, args.runs), env)


if __name__ == "__main__":
    main()
