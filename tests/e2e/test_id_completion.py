"""Id completion without the network: commands fill the id index, shells read it.

A list against the sandbox writes the index (0600 files in PIVOTAL_CACHE_DIR); then
the checked-in completion scripts, run in real bash (and zsh and fish when installed)
with no usable PATH, offer its display_ids and slugs; `cache clear` empties it.
"""

from __future__ import annotations

import importlib.util
import stat
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "completions"


def _completion_helpers() -> ModuleType:
    # The shell drivers of tests/test_completions.py (bash, zpty-driven zsh, fish).
    spec = importlib.util.spec_from_file_location(
        "completion_helpers", ROOT / "tests" / "test_completions.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


H = _completion_helpers()


@pytest.fixture
def filled(sandbox_json: Any, tmp_path: Path) -> dict[str, Any]:
    """The index after listing customers and onboardings: what it should hold."""
    customers = sandbox_json("customers", "list", "--limit", "5")
    onboardings = sandbox_json("onboardings", "list", "--limit", "5")
    return {"cache": tmp_path / "cache", "customers": customers, "onboardings": onboardings}


def test_a_list_fills_the_index_privately(filled: dict[str, Any]) -> None:
    ids = filled["cache"] / "ids"
    assert (ids / "current").read_text() == "acme\n"
    lines = (ids / "acme" / "customers.tsv").read_text().splitlines()
    first = filled["customers"][0]
    assert lines[0].split("\t") == [
        str(first["display_id"]),
        first["slug"],
        first["name"],
        first["id"],
    ]
    assert len(lines) == len(filled["customers"])
    for path in (ids / "current", *ids.glob("acme/*.tsv")):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for folder in (filled["cache"], ids, ids / "acme"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def test_get_and_delete_keep_the_index_current(sandbox_cli: Any, tmp_path: Path) -> None:
    assert sandbox_cli("customers", "get", "1").exit_code == 0
    path = tmp_path / "cache" / "ids" / "acme" / "customers.tsv"
    assert [line.split("\t")[0] for line in path.read_text().splitlines()] == ["1"]
    assert sandbox_cli("customers", "delete", "1", "--yes").exit_code == 0
    assert path.read_text() == ""


def test_onboardings_are_described_by_customer_name_and_phase(filled: dict[str, Any]) -> None:
    names = {c["id"]: c["name"] for c in filled["customers"]}
    path = filled["cache"] / "ids" / "acme" / "onboardings.tsv"
    for record, line in zip(filled["onboardings"], path.read_text().splitlines(), strict=True):
        shown = names.get(record["customer_id"], record["customer_id"])
        described = f"{shown}, {record['phase']}"
        assert line.split("\t")[:3] == [str(record["display_id"]), "", described]


def test_cache_clear_empties_it(filled: dict[str, Any], sandbox_cli: Any) -> None:
    result = sandbox_cli("cache", "clear")
    assert result.exit_code == 0, result.stderr
    assert "Removed 3 id index files" in result.stderr
    assert not (filled["cache"] / "ids").exists()
    again = sandbox_cli("cache", "clear")
    assert again.exit_code == 0 and "Nothing to remove" in again.stderr


def _expected(filled: dict[str, Any]) -> tuple[set[str], set[str]]:
    customers = {str(c["display_id"]) for c in filled["customers"]}
    customers |= {c["slug"] for c in filled["customers"]}
    return customers, {str(o["display_id"]) for o in filled["onboardings"]}


def _home_with_cache_link(tmp_path: Path) -> Path:
    # The drivers pass no PIVOTAL_CACHE_DIR: the default location under HOME
    # (XDG_CACHE_HOME unset) must be the one the index is read from.
    home = tmp_path / "home"
    (home / ".cache").mkdir(parents=True)
    (home / ".cache" / "pivotal").symlink_to(tmp_path / "cache")
    return home


@H.needs_bash
def test_bash_completes_ids_from_the_index(filled: dict[str, Any], tmp_path: Path) -> None:
    customers, onboardings = _expected(filled)
    home = _home_with_cache_link(tmp_path)
    got = H.bash_complete(
        SCRIPTS / "pivotal.bash",
        [
            "pivotal customers get ",
            "pivotal onboardings advance ",
            "pivotal onboardings list --customer ",
            "pivotal contacts list ",
            "pivotal --sandbox customers update ",
        ],
        cwd=home,
    )
    assert set(got[0]) == customers
    assert set(got[1]) == onboardings
    assert set(got[2]) == customers
    assert set(got[3]) == customers
    assert set(got[4]) == customers


@H.needs_bash
def test_bash_offers_nothing_without_an_index(tmp_path: Path) -> None:
    home = tmp_path / "empty-home"
    home.mkdir()
    got = H.bash_complete(SCRIPTS / "pivotal.bash", ["pivotal customers get "], cwd=home)
    assert got == [[]]


@H.needs_zsh
def test_zsh_completes_ids_with_descriptions(filled: dict[str, Any], tmp_path: Path) -> None:
    customers, onboardings = _expected(filled)
    home = _home_with_cache_link(tmp_path)
    got = H.zsh_complete(
        SCRIPTS, ["pivotal customers get ", "pivotal onboardings advance "], home, cwd=home
    )
    offered = [{w.split(" -- ")[0] for w in chunk} for chunk in got]
    assert offered[0] == customers, got[0]
    assert offered[1] == onboardings, got[1]
    first = filled["customers"][0]
    assert f"{first['slug']} -- {first['name']}" in got[0]


@H.needs_fish
def test_fish_completes_ids(filled: dict[str, Any], tmp_path: Path) -> None:
    customers, onboardings = _expected(filled)
    home = _home_with_cache_link(tmp_path)
    got = H.fish_complete(
        SCRIPTS / "pivotal.fish",
        ["pivotal customers get ", "pivotal onboardings advance ", "pivotal contacts get "],
        home,
        cwd=home,
    )
    assert set(got[0]) == customers
    assert set(got[1]) == onboardings
    assert got[2] == []
