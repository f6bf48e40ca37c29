"""Where import jobs' files are, inside the jobs directory of `settings/paths.py`.

That is `imports/` under the state directory (`PIVOTAL_STATE_DIR` overrides it; tests
isolate it per test). A job's journal is `imports/<job>.sqlite` while it is
unfinished and moves to `imports/done/<job>.sqlite` once every row has an outcome, so
the files left in `imports/` are exactly the jobs to resume. Result files go to
`imports/results/`.
"""

from __future__ import annotations

from pathlib import Path

from pivotal_cli.settings.paths import jobs_dir, private_dir

JOURNAL_SUFFIX = ".sqlite"


def imports_dir() -> Path:
    """The jobs directory: unfinished journals sit at its top."""
    return jobs_dir()


def done_dir() -> Path:
    return imports_dir() / "done"


def results_dir() -> Path:
    return imports_dir() / "results"


def ensure(path: Path) -> Path:
    """Create `path` (owner-only: journals hold customer data) and return it."""
    return private_dir(path)


def unfinished_journal(job: str) -> Path:
    return imports_dir() / f"{job}{JOURNAL_SUFFIX}"


def finished_journal(job: str) -> Path:
    return done_dir() / f"{job}{JOURNAL_SUFFIX}"


def find_journal(job: str) -> Path | None:
    for path in (unfinished_journal(job), finished_journal(job)):
        if path.is_file():
            return path
    return None


def unfinished_jobs() -> list[str]:
    """Unfinished jobs by name, oldest first (their names start with a timestamp)."""
    return _jobs_in(imports_dir())


def finished_jobs() -> list[str]:
    return _jobs_in(done_dir())


def _jobs_in(folder: Path) -> list[str]:
    try:
        names = [p.name for p in folder.iterdir() if p.is_file()]
    except OSError:
        return []
    return sorted(n[: -len(JOURNAL_SUFFIX)] for n in names if n.endswith(JOURNAL_SUFFIX))
