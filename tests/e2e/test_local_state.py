"""Local state that cannot be written or read: one line naming the file, exit 1.

Read-only and full directories are real tmpfs mounts (CI runs as root, where file
modes do not stop a write); the tests skip where mounting is refused.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import Result


def _mount(target: Path, *options: str) -> bool:
    target.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", ",".join(("size=64k", *options)), "tmpfs", str(target)],
        capture_output=True,
    )
    return done.returncode == 0


@pytest.fixture
def mounted(tmp_path: Path) -> Iterator[Callable[..., Path]]:
    """`mounted("ro")` or `mounted()`: a small tmpfs directory, unmounted afterwards."""
    made: list[Path] = []

    def mount(*options: str) -> Path:
        target = tmp_path / f"mnt{len(made)}"
        if not _mount(target, *options):
            pytest.skip("cannot mount a tmpfs here")
        made.append(target)
        return target

    yield mount
    for target in made:
        subprocess.run(["umount", str(target)], capture_output=True)


def test_config_in_a_read_only_directory_is_one_line(
    cli: Callable[..., Result],
    error_line: Callable[[Result, int], str],
    mounted: Callable[..., Path],
) -> None:
    where = mounted("ro") / "config"

    result = cli("config", "set", "output", "json", env={"PIVOTAL_CONFIG_DIR": str(where)})

    line = error_line(result, 1)
    assert f"Cannot write {where}: Read-only file system" in line
    assert "writable directory" in line


def test_a_full_disk_under_the_config_is_one_line_and_keeps_the_old_file(
    cli: Callable[..., Result],
    error_line: Callable[[Result, int], str],
    mounted: Callable[..., Path],
) -> None:
    where = mounted()
    env = {"PIVOTAL_CONFIG_DIR": str(where)}
    assert cli("config", "set", "output", "json", env=env).exit_code == 0
    (where / "filler").write_bytes(b"x" * 60_000)  # what is left cannot hold a new file

    result = cli("config", "set", "pager", "less -R " + "x" * 8000, env=env)

    assert "No space left on device" in error_line(result, 1)
    assert cli("config", "get", "output", env=env).stdout == "json\n"  # intact
    assert not [p for p in where.iterdir() if p.name.endswith(".tmp")]


def test_a_sandbox_in_a_read_only_directory_is_one_line(
    cli: Callable[..., Result],
    error_line: Callable[[Result, int], str],
    mounted: Callable[..., Path],
) -> None:
    where = mounted("ro") / "sandbox"

    result = cli("--sandbox", "customers", "list", env={"PIVOTAL_SANDBOX_DIR": str(where)})

    assert f"Cannot write {where}" in error_line(result, 1)


def test_a_sandbox_file_that_is_no_database_is_one_line(
    cli: Callable[..., Result], error_line: Callable[[Result, int], str], tmp_path: Path
) -> None:
    (tmp_path / "garbage").mkdir()
    (tmp_path / "garbage" / "sandbox.db").write_bytes(b"this is no sqlite file" * 100)

    result = cli(
        "--sandbox", "customers", "list", env={"PIVOTAL_SANDBOX_DIR": str(tmp_path / "garbage")}
    )

    line = error_line(result, 1)
    assert "Cannot open the sandbox database" in line and "remove the file" in line
