"""Time one TAB on an id argument (`pivotal customers get <TAB>`) in bash, zsh and fish.

Fills an id index of N customers (default 500, the index's cap) in a temporary
cache dir, then runs each shell's completion of the checked-in script many times in
one shell process and prints the mean per TAB. No Python runs inside the timing.

    .venv/bin/python benchmarks/completion_ids.py [--entries 500] [--runs 50]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "completions"

BASH = """source {script}
COMP_WORDS=(pivotal customers get ''); COMP_CWORD=3
COMP_LINE='pivotal customers get '; COMP_POINT=${{#COMP_LINE}}
for ((i = 0; i < {runs}; i++)); do COMPREPLY=(); _pivotal; done
"""
FISH = (
    "source {script}; for i in (seq {runs}); complete -C 'pivotal customers get ' >/dev/null; end"
)
ZSH = """autoload -U compinit; compinit -u -D; source {script}
_describe() {{ : }}; _message() {{ : }}
repeat {runs} _pivotal_ids customers
"""


def fill(cache: Path, entries: int) -> None:
    folder = cache / "ids" / "acme"
    folder.mkdir(parents=True)
    (cache / "ids" / "current").write_text("acme\n")
    lines = (f"{n}\tcustomer-{n}\tCustomer number {n}\tc{n:024d}\n" for n in range(entries))
    (folder / "customers.tsv").write_text("".join(lines))


def timed(argv: list[str], env: dict[str, str], runs: int) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=True, env=env, stdout=subprocess.DEVNULL)
    return (time.perf_counter() - started) / runs * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=500)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        fill(cache, args.entries)
        env = {"PIVOTAL_CACHE_DIR": str(cache), "HOME": tmp, "PATH": "/nonexistent"}
        shells = {
            "bash": ["--norc", "-c", BASH.format(script=SCRIPTS / "pivotal.bash", runs=args.runs)],
            "zsh": ["-f", "-c", ZSH.format(script=SCRIPTS / "_pivotal", runs=args.runs)],
            "fish": [
                "--no-config",
                "-c",
                FISH.format(script=SCRIPTS / "pivotal.fish", runs=args.runs),
            ],
        }
        print(f"one TAB on `pivotal customers get ` with {args.entries} customers indexed:")
        for shell, rest in shells.items():
            exe = shutil.which(shell)
            if exe is None:
                print(f"  {shell:5} not installed")
                continue
            # The shell's own start-up, without completing, is subtracted.
            base = timed([exe, rest[0], "-c", ":"], env, args.runs)
            print(f"  {shell:5} {timed([exe, *rest], env, args.runs) - base:6.2f} ms")


if __name__ == "__main__":
    main()
