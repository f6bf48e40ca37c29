"""Scenario files that create workspaces: keys, targeting, all-or-nothing, snapshots."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

# The CLI runner and file writer of the scenario tests beside this file.
from test_scenarios import run, write

from pivotal_cli.sandbox.data.keys import VerificationCache, keys_file_for, read_keys_file
from pivotal_cli.sandbox.engine.auth import authenticate
from pivotal_cli.sandbox.engine.core import Sandbox
from pivotal_cli.sandbox.engine.errors import ApiError
from pivotal_cli.sandbox.fixtures.scenario import apply_files
from pivotal_cli.sandbox.fixtures.scenario_files import ScenarioError
from pivotal_cli.testing.harness import PivotalSandbox

NORTHWIND: dict[str, Any] = {
    "workspaces": {"northwind": {"name": "Northwind Trading"}},
    "workspace": "northwind",
    "customers": {
        "tea": {"name": "Tea House", "metadata": {"ws": "${workspaces.northwind.id}"}},
        "acme_side": {"name": "Acme Side", "workspace": "acme"},
    },
}


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox.open(":memory:", seed="empty", iterations=1000)


def slug_of(sandbox: Sandbox, key: str) -> str:
    return authenticate(sandbox.store, VerificationCache(), f"Bearer {key}").workspace_slug


def workspace_of_customer(sandbox: Sandbox, customer_id: str) -> str:
    row = sandbox.store.peek(
        "SELECT w.slug FROM customers c JOIN workspaces w ON w.id = c.workspace_id WHERE c.id = ?",
        (customer_id,),
    )
    assert row is not None
    return str(row["slug"])


def test_a_workspace_with_its_keys_and_records(sandbox: Sandbox, tmp_path: Path) -> None:
    later = write(
        tmp_path,
        "later.json",
        {"onboardings": {"o": {"customer_id": "${customers.tea.id}", "workspace": "northwind"}}},
    )
    created = apply_files(sandbox, [write(tmp_path, "nw.json", NORTHWIND), later])
    northwind = created["workspaces"]["northwind"]
    assert (northwind["slug"], northwind["name"]) == ("northwind", "Northwind Trading")
    assert northwind["live_key"].startswith("pivotal_") and northwind["test_key"].startswith(
        "pivotal_test_"
    )
    # The keys are real keys of the new workspace, live and test.
    assert slug_of(sandbox, northwind["live_key"]) == "northwind"
    caller = authenticate(sandbox.store, VerificationCache(), f"Bearer {northwind['test_key']}")
    assert (caller.mode, caller.key_name) == ("test", "northwind-test")
    tea = created["customers"]["tea"]
    assert workspace_of_customer(sandbox, tea["id"]) == "northwind"
    assert tea["metadata"] == {"ws": northwind["id"]}
    assert workspace_of_customer(sandbox, created["customers"]["acme_side"]["id"]) == "acme"
    assert created["onboardings"]["o"]["customer_id"] == tea["id"]
    assert sandbox.key("northwind", "live") == northwind["live_key"]


BAD = [
    ({"workspaces": {"acme": {}}}, "workspaces.acme.slug: workspace slug 'acme' is taken"),
    ({"workspaces": {"x": {"slug": "Bad Slug"}}}, "workspaces.x.slug: 'Bad Slug' is not"),
    ({"workspaces": {"x": {"colour": "red"}}}, "workspaces.x.colour: unknown field"),
    ({"workspaces": {"x": {"name": ""}}}, "workspaces.x.name: expected a non-empty"),
    ({"workspaces": {"x": {"existing": True}}}, "workspaces.x.slug: no workspace 'x'"),
    (
        {"customers": {"c": {"name": "C", "workspace": "nowhere"}}},
        "customers.c.workspace: no workspace 'nowhere'",
    ),
    (
        {"workspace": "nowhere", "customers": {"c": {"name": "C"}}},
        "workspace: no workspace 'nowhere'",
    ),
    (
        {"workspaces": {"x": {}}, "customers": {"c": {"name": "C", "workspace": 3}}},
        "customers.c.workspace: expected",
    ),
]


@pytest.mark.parametrize(("document", "message"), BAD)
def test_bad_workspace_entries_are_one_line(
    sandbox: Sandbox, tmp_path: Path, document: object, message: str
) -> None:
    with pytest.raises(ScenarioError) as raised:
        apply_files(sandbox, [write(tmp_path, "bad.json", document)])
    assert str(raised.value).startswith(f"bad.json: {message}")
    assert "\n" not in str(raised.value)
    assert [slug for slug, _ in sandbox.workspaces()] == ["acme", "globex"]


def test_existing_true_uses_the_workspace_and_a_slug_counts_once(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    document = {
        "workspaces": {"home": {"slug": "globex", "existing": True}},
        "customers": {"g": {"name": "G", "workspace": "home"}},
    }
    created = apply_files(sandbox, [write(tmp_path, "ok.json", document)])
    assert created["workspaces"]["home"]["existing"] is True
    assert "live_key" not in created["workspaces"]["home"]
    assert workspace_of_customer(sandbox, created["customers"]["g"]["id"]) == "globex"
    twice = {"workspaces": {"a": {"slug": "same"}, "b": {"slug": "same"}}}
    with pytest.raises(ScenarioError, match=r"workspaces\.b\.slug: workspace slug 'same' is taken"):
        apply_files(sandbox, [write(tmp_path, "twice.json", twice)])


def test_a_bad_later_entry_leaves_no_workspace_and_no_key(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.db"
    keys_file = keys_file_for(db)
    with Sandbox.open(db, seed="empty", iterations=1000) as sandbox:
        before = keys_file.read_bytes()
        bad = write(tmp_path, "bad.json", {"customers": {"c": {"name": "C", "status": "nope"}}})
        with pytest.raises(ScenarioError, match=r"bad\.json: customers\.c\.status"):
            apply_files(sandbox, [write(tmp_path, "nw.json", NORTHWIND), bad])
        assert [slug for slug, _ in sandbox.workspaces()] == ["acme", "globex"]
        assert sandbox.store.peek("SELECT COUNT(*) AS n FROM api_keys")["n"] == 4  # type: ignore[index]
        assert keys_file.read_bytes() == before
        assert [k.workspace for k in sandbox.keys].count("northwind") == 0


def test_the_seed_command_prints_the_keys_and_keys_lists_them(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.db"
    scenario = write(tmp_path, "nw.json", NORTHWIND)
    result = run("seed", str(scenario), "--db", str(db))
    assert result.exit_code == 0, result.stderr
    assert "Seeded 2 records and 1 workspace(s) from 1 file(s)" in result.stderr
    assert "workspaces.northwind\tnorthwind\tNorthwind Trading" in result.stdout
    listed = json.loads(run("keys", "--db", str(db), "--json").stdout)
    northwind = {
        entry["mode"]: entry["key"] for entry in listed if entry["workspace"] == "northwind"
    }
    assert f"northwind-live  live  {northwind['live']}" in result.stdout
    assert f"northwind-test  test  {northwind['test']}" in result.stdout
    assert stat.S_IMODE(keys_file_for(db).stat().st_mode) == 0o600
    table = run("keys", "--db", str(db)).stdout.splitlines()
    # The key column stays aligned with the longer slug and key names.
    assert len({line.index("pivotal_") for line in table}) == 1
    assert any(line.startswith("northwind northwind-live live ") for line in table)
    # The acme and globex keys are untouched by the seed.
    assert len(listed) == 6
    with Sandbox.open(db, iterations=1000) as sandbox:
        assert slug_of(sandbox, northwind["live"]) == "northwind"
    as_json = run(
        "seed",
        str(write(tmp_path, "w.json", {"workspaces": {"west": {}}})),
        "--db",
        str(db),
        "--json",
    )
    west = json.loads(as_json.stdout)["workspaces"]["west"]
    assert west["slug"] == "west" and west["live_key"].startswith("pivotal_")


def test_a_snapshot_without_the_workspace_leaves_its_keys_dead(tmp_path: Path) -> None:
    db = str(tmp_path / "sandbox.db")
    assert run("snapshot", "save", "before", "--db", db).exit_code == 0
    created = json.loads(
        run("seed", str(write(tmp_path, "nw.json", NORTHWIND)), "--db", db, "--json").stdout
    )
    live = created["workspaces"]["northwind"]["live_key"]
    assert run("snapshot", "save", "after", "--db", db).exit_code == 0
    keys_before = {e["key"] for e in json.loads(run("keys", "--db", db, "--json").stdout)}

    assert run("snapshot", "load", "before", "--db", db).exit_code == 0
    listed = json.loads(run("keys", "--db", db, "--json").stdout)
    assert {e["workspace"] for e in listed} == {"acme", "globex"}
    # The database is the truth: the other keys are kept, the dropped workspace's fail.
    assert {e["key"] for e in listed} == keys_before - set(
        created["workspaces"]["northwind"].values()
    )
    with Sandbox.open(db, iterations=1000) as sandbox, pytest.raises(ApiError):
        slug_of(sandbox, live)

    # Loading the later snapshot brings the workspace and its same keys back.
    assert run("snapshot", "load", "after", "--db", db).exit_code == 0
    again = {e["key"] for e in json.loads(run("keys", "--db", db, "--json").stdout)}
    assert again == keys_before
    with Sandbox.open(db, iterations=1000) as sandbox:
        assert slug_of(sandbox, live) == "northwind"


def test_only_the_keys_whose_plaintext_is_lost_are_reissued(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.db"
    with Sandbox.open(db, seed="empty", iterations=1000) as sandbox:
        apply_files(sandbox, [write(tmp_path, "nw.json", NORTHWIND)])
        first = {(k.workspace, k.name): k.key for k in sandbox.keys}
    keys_file = keys_file_for(db)
    kept = [k for k in read_keys_file(keys_file) if k.name != "northwind-live"]
    from pivotal_cli.sandbox.data.keys import write_keys_file

    write_keys_file(keys_file, kept)
    with Sandbox.open(db, seed="empty", iterations=1000) as sandbox:
        second = {(k.workspace, k.name): k.key for k in sandbox.keys}
        assert set(second) == set(first)
        changed = {name for name in first if first[name] != second[name]}
        assert changed == {("northwind", "northwind-live")}
        assert slug_of(sandbox, second["northwind", "northwind-live"]) == "northwind"
        with pytest.raises(ApiError):
            slug_of(sandbox, first["northwind", "northwind-live"])


def test_the_plugin_seed_returns_keys_that_work_at_once(
    pivotal_sandbox: PivotalSandbox, tmp_path: Path
) -> None:
    created = pivotal_sandbox.seed(write(tmp_path, "nw.json", NORTHWIND))
    key = created["workspaces"]["northwind"]["live_key"]
    me = pivotal_sandbox.client(key).get("/me").json()
    assert (me["org_slug"], me["organization"]["name"]) == ("northwind", "Northwind Trading")
    customers = pivotal_sandbox.client(key).get("/customers").json()["data"]
    assert [c["name"] for c in customers] == ["Tea House"]
