"""The doctor's checks of this machine: its directories, import jobs, and versions."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from pivotal_cli.domain.doctor import Check


def _writable(path: Path) -> tuple[bool, str]:
    """Whether files can be created in `path`, creating nothing that stays."""
    import os
    import tempfile

    if path.is_dir():
        try:
            fd, name = tempfile.mkstemp(dir=path, prefix=".doctor-")
        except OSError as exc:
            return False, f"{path}: not writable ({exc.strerror})"
        os.close(fd)
        os.unlink(name)
        return True, f"{path}: writable"
    if path.exists():
        return False, f"{path}: exists but is not a directory"
    # Not created yet: it will be, under its nearest existing ancestor.
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if parent.is_dir() and os.access(parent, os.W_OK | os.X_OK):
        return True, f"{path}: not created yet (can be)"
    return False, f"{path}: cannot be created ({parent} is not writable)"


def check_directories() -> Check:
    from pivotal_cli.domain.doctor import FAIL, OK, WARN, Check
    from pivotal_cli.settings.paths import cache_dir, config_dir, state_dir

    results = [
        ("config", config_dir(), FAIL),
        ("state", state_dir(), WARN),
        ("cache", cache_dir(), WARN),
    ]
    detail = []
    status = OK
    for label, path, severity in results:
        ok, text = _writable(path)
        detail.append(f"{label} {text}")
        if not ok and (status == OK or severity == FAIL):
            status = severity
    fix = None if status == OK else "Fix the permissions of the directories named above."
    return Check("directories", status, detail, fix)


def check_imports() -> Check:
    import os

    from pivotal_cli.domain.doctor import OK, WARN, Check
    from pivotal_cli.jobs import paths

    folder = paths.imports_dir()
    if folder.exists() and not os.access(folder, os.R_OK | os.X_OK):
        return Check("imports", WARN, [f"{folder}: unreadable"])
    jobs = paths.unfinished_jobs()
    if not jobs:
        return Check("imports", OK, ["no import jobs"])
    return Check(
        "imports",
        WARN,
        [f"unfinished: {job} (resume: pivotal import resume {job})" for job in jobs],
        "Resume each job with `pivotal import resume <name>`, or delete its file.",
    )


def check_versions() -> Check:
    import platform
    import sys
    from importlib.metadata import PackageNotFoundError, version

    from pivotal_cli import __version__
    from pivotal_cli.domain.doctor import OK, Check

    def of(package: str) -> str:
        try:
            return version(package)
        except PackageNotFoundError:
            return "not installed"

    return Check(
        "versions",
        OK,
        [
            f"pivotal {__version__}",
            f"Python {sys.version.split()[0]} ({platform.python_implementation()})",
            f"platform {platform.platform()}",
            f"httpx {of('httpx')}, typer {of('typer')}, rich {of('rich')}",
        ],
    )
