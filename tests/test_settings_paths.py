"""settings/paths.py: where pivotal's directories are, and its private writes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from pivotal_cli.settings import paths


def test_each_directory_has_its_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for variable, where in (
        ("PIVOTAL_CONFIG_DIR", paths.config_dir),
        ("PIVOTAL_STATE_DIR", paths.state_dir),
        ("PIVOTAL_CACHE_DIR", paths.cache_dir),
        ("PIVOTAL_SANDBOX_DIR", paths.sandbox_dir),
    ):
        monkeypatch.setenv(variable, str(tmp_path / variable))
        assert where() == tmp_path / variable
    assert paths.jobs_dir() == tmp_path / "PIVOTAL_STATE_DIR" / "imports"
    assert paths.webhooks_dir() == tmp_path / "PIVOTAL_STATE_DIR" / "webhooks"


def test_write_private_replaces_the_file_owner_only(tmp_path: Path) -> None:
    target = tmp_path / "new" / "file.json"
    paths.write_private(target, "one\n")
    paths.write_private(target, "two\n")
    assert target.read_text() == "two\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700
    assert sorted(p.name for p in target.parent.iterdir()) == ["file.json"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    paths.write_private(target, "kept")
    with pytest.raises(RuntimeError), paths.private_replacement(target) as handle:
        handle.write("half")
        raise RuntimeError("interrupted")
    assert target.read_text() == "kept"
    assert [p.name for p in tmp_path.iterdir()] == ["file.txt"]


def test_append_private_creates_owner_only(tmp_path: Path) -> None:
    target = tmp_path / "log.jsonl"
    paths.append_private(target, "a\n")
    paths.append_private(target, "b\n")
    assert target.read_text() == "a\nb\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_an_existing_directory_keeps_its_mode_unless_tightened(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    os.chmod(folder, 0o755)
    paths.private_dir(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755
    paths.private_dir(folder, tighten=True)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_safe_name_is_one_harmless_component() -> None:
    assert paths.safe_name("acme") == "acme"
    assert paths.safe_name("../etc/passwd") == "_etc_passwd"
    assert paths.safe_name("..") == "_"
