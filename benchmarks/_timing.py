"""Timing helpers every benchmark shares: one child process measured from outside,
runs alternated between the sides compared, and medians of what came out.

The machine these run on is shared and its speed drifts, so a figure is never the
best of a few runs (a lucky run is not the program's speed): sides run in turn, the
first side changing every round so neither always follows the other, and the result is
the median, with the spread printed beside it so a noisy machine shows. CPU is the
operating system's own accounting of the finished child (`os.wait4`): user + system
seconds of that process and of what it waited for, not of this process or the
sandbox server it may host.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

# pivotal stubs httpx's command-line module before it imports httpx (see
# `src/pivotal_cli/client/__init__.py`): a comparator script starts with this line so
# both sides pay for the same imports.
HTTPX_AS_PIVOTAL = 'import sys; sys.modules.setdefault("httpx._main", None)\n'


@dataclass(frozen=True)
class Sample:
    """One finished child: wall, user and system seconds, peak RSS in MiB, its output."""

    wall: float
    user: float
    system: float
    peak_mib: float
    returncode: int
    stdout: str
    stderr: str

    @property
    def cpu(self) -> float:
        return self.user + self.system


def run(
    argv: Sequence[str],
    env: Mapping[str, str] | None = None,
    *,
    stdin: str | None = None,
    check: bool = True,
) -> Sample:
    """Run one process to its end and measure it; output goes to files, not pipes, so
    a chatty child never blocks and reading it costs the child nothing."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = [Path(tmp) / name for name in ("in", "out", "err")]
        paths[0].write_text(stdin or "")
        with paths[0].open() as fin, paths[1].open("w") as fout, paths[2].open("w") as ferr:
            started = time.perf_counter()
            child = subprocess.Popen(
                list(argv),
                env=None if env is None else dict(env),
                stdin=fin,
                stdout=fout,
                stderr=ferr,
            )
            _, status, usage = os.wait4(child.pid, 0)
            wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        sample = Sample(
            wall=wall,
            user=usage.ru_utime,
            system=usage.ru_stime,
            peak_mib=usage.ru_maxrss / 1024,
            returncode=child.returncode,
            stdout=paths[1].read_text(),
            stderr=paths[2].read_text(),
        )
    if check and sample.returncode != 0:
        raise SystemExit(f"{argv[0]} exited with {sample.returncode}: {sample.stderr[-2000:]}")
    return sample


def alternate(
    sides: Mapping[str, Callable[[], Sample]],
    runs: int,
    *,
    warmup: int = 0,
    report: Callable[[int, str, Sample], None] | None = None,
) -> dict[str, list[Sample]]:
    """Each side `runs` times, in turn; round r starts with side r mod len(sides).

    `warmup` rounds run first and are not kept (page cache, .pyc files).
    """
    names = list(sides)
    samples: dict[str, list[Sample]] = {name: [] for name in names}
    for round_ in range(warmup + runs):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            sample = sides[name]()
            if round_ >= warmup:
                samples[name].append(sample)
                if report is not None:
                    report(round_ - warmup + 1, name, sample)
    return samples


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def paired_ratio(a: Sequence[float], b: Sequence[float]) -> float:
    """The median of a[i] / b[i]: runs taken side by side are compared side by side."""
    return statistics.median(x / y for x, y in zip(a, b, strict=True))


def spread(values: Sequence[float], unit: str = "s", digits: int = 2) -> str:
    """'median (min-max)' of `values`, for one line of a report."""
    return (
        f"{statistics.median(values):.{digits}f} {unit} "
        f"({min(values):.{digits}f}-{max(values):.{digits}f})"
    )


def compile_package() -> None:
    """Write the package's .pyc files first, as any normal run would have done.

    Where PYTHONDONTWRITEBYTECODE is set (some CI images), every run would otherwise
    recompile the package from source and the figures would measure the compiler.
    """
    import compileall

    import pivotal_cli

    compileall.compile_dir(Path(pivotal_cli.__file__).parent, quiet=1)
