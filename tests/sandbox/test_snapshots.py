"""Snapshots: `pivotal sandbox snapshot save|load|list|delete`, atomic loads, running servers."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner, Result

from pivotal_cli.cli.commands.sandbox import app
from pivotal_cli.sandbox.adapters.testing import running_server
from pivotal_cli.sandbox.data.snapshots import SnapshotError, Snapshots, snapshots_dir_for
from pivotal_cli.sandbox.data.store import Store
from pivotal_cli.sandbox.engine.core import Sandbox


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    (tmp_path / "snap").mkdir()
    return tmp_path / "snap" / "sandbox.db"


def customers(store: Store) -> int:
    with store.read() as tx:
        return int(
            tx.execute("SELECT COUNT(*) FROM customers WHERE deleted_us IS NULL").fetchone()[0]
        )


def test_save_list_load_delete_through_the_cli(db: Path) -> None:
    assert run("snapshot", "save", "base", "--db", str(db)).exit_code == 0
    path = db.parent / "snapshots" / "base.sqlite"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    listed = json.loads(run("snapshot", "list", "--json", "--db", str(db)).stdout)
    assert [entry["name"] for entry in listed] == ["base"]
    assert listed[0]["size"] == path.stat().st_size and listed[0]["saved_at"].endswith("Z")

    store = Store(db)
    seeded = customers(store)
    with store.write() as tx:
        tx.execute("UPDATE customers SET deleted_us = 1")
    assert customers(store) == 0
    assert run("snapshot", "load", "base", "--db", str(db)).exit_code == 0
    assert customers(store) == seeded
    store.close()

    assert run("snapshot", "delete", "base", "--db", str(db)).exit_code == 0
    assert not path.exists()
    assert json.loads(run("snapshot", "list", "--json", "--db", str(db)).stdout) == []


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("save", "a/b"), 2, "invalid snapshot name"),
        (("save", "x" * 65), 2, "invalid snapshot name"),
        (("load", "missing"), 5, "no snapshot named 'missing'"),
        (("delete", "missing"), 5, "no snapshot named 'missing'"),
    ],
)
def test_refusals_are_one_line(db: Path, args: tuple[str, ...], code: int, words: str) -> None:
    result = run("snapshot", *args, "--db", str(db))
    assert result.exit_code == code
    assert result.stderr.strip().count("\n") == 0 and words in result.stderr
    assert "Traceback" not in result.stderr


def test_overwrite_needs_force(db: Path) -> None:
    assert run("snapshot", "save", "base", "--db", str(db)).exit_code == 0
    again = run("snapshot", "save", "base", "--db", str(db))
    assert again.exit_code == 2 and "--force" in again.stderr
    assert run("snapshot", "save", "base", "--force", "--db", str(db)).exit_code == 0


def test_a_snapshot_of_another_schema_is_refused(db: Path) -> None:
    sandbox = Sandbox.open(db, iterations=1000)
    snapshots = Snapshots(sandbox.store)
    snapshots.save("old")
    with sqlite3.connect(snapshots_dir_for(db) / "old.sqlite") as conn:
        conn.execute("UPDATE meta SET value = '1' WHERE name = 'schema_version'")
    with pytest.raises(SnapshotError, match="schema version 1"):
        snapshots.load("old")
    assert customers(sandbox.store) == 39
    sandbox.close()


def test_a_failed_load_leaves_the_old_state(db: Path) -> None:
    sandbox = Sandbox.open(db, iterations=1000)
    snapshots = Snapshots(sandbox.store)
    snapshots.save("good")
    (snapshots_dir_for(db) / "bad.sqlite").write_bytes(b"not a database at all" * 100)
    with pytest.raises(sqlite3.DatabaseError):
        snapshots.load("bad")
    assert customers(sandbox.store) == 39
    sandbox.close()


def test_load_is_fast_for_the_demo_data(db: Path) -> None:
    sandbox = Sandbox.open(db, iterations=1000)
    snapshots = Snapshots(sandbox.store)
    snapshots.save("demo")
    started = time.perf_counter()
    snapshots.load("demo")
    assert time.perf_counter() - started < 0.5
    sandbox.close()


def test_in_memory_snapshots() -> None:
    sandbox = Sandbox.open(":memory:", iterations=1000, seed="empty")
    snapshots = Snapshots(sandbox.store)
    assert snapshots.directory is None
    snapshots.save("empty")
    with sandbox.store.write() as tx:
        tx.execute("DELETE FROM api_keys")
    snapshots.load("empty")
    with sandbox.store.read() as tx:
        assert tx.execute("SELECT COUNT(*) FROM api_keys").fetchone()[0] == 4
    assert [info.name for info in snapshots.list()] == ["empty"]
    snapshots.delete("empty")
    assert snapshots.list() == []
    snapshots.close()
    sandbox.close()


def test_a_running_server_sees_a_load_at_its_next_request(db: Path) -> None:
    # Another Store on the same file stands for another process (`snapshot load`).
    with running_server(db=db, rate_limit=3) as server:
        headers = {"Authorization": f"Bearer {server.live_key}"}
        other = Store(db)
        Snapshots(other).save("base")
        with httpx.Client(base_url=server.base_url, headers=headers) as client:
            created = client.post("/customers", json={"name": "Made after"})
            assert created.status_code == 201
            for _ in range(2):
                assert client.get("/customers", params={"limit": 1}).status_code == 200
            assert client.get("/me").status_code == 429  # the window of 3 is full
            Snapshots(other).load("base")
            # The load dropped the old data's rate windows; the record is gone.
            gone = client.get(f"/customers/{created.json()['id']}")
            assert gone.status_code == 404
            assert gone.headers["X-RateLimit-Remaining"] == "2"
        other.close()
