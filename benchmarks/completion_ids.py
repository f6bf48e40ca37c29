"""Time one TAB on an id argument (`pivotal customers get <TAB>`) in bash, zsh and fish.

Fills an id index of N customers (default 500, the index's cap) in a temporary
cache dir, then runs each shell's completion of the checked-in script many times in
one shell process, and that shell's start-up alone, alternated `--repeats` times; the
figure is the median over the pairs of (completing - start-up) / runs, per TAB, with
the spread beside it. No Python runs inside the timing.

    .venv/bin/python benchmarks/completion_ids.py [--entries 500] [--runs 50] [--repeats 7]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import alternate, run, spread

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=500)
    parser.add_argument("--runs", type=int, default=50, help="TABs in one shell process")
    parser.add_argument("--repeats", type=int, default=7, help="alternated pairs of processes")
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
            # The shell's own start-up, without completing, is subtracted pair by pair.
            samples = alternate(
                {
                    "start-up": lambda e=exe, r=rest: run([e, r[0], "-c", ":"], env),
                    "completing": lambda e=exe, r=rest: run([e, *r], env),
                },
                args.repeats,
                warmup=1,
            )
            per_tab = [
                (done.wall - base.wall) / args.runs * 1000
                for done, base in zip(samples["completing"], samples["start-up"], strict=True)
            ]
            print(f"  {shell:5} {spread(per_tab, 'ms')}")


if __name__ == "__main__":
    main()
