"""Storage: durability across restarts, WAL, threads, ids, keys file, reset."""

from __future__ import annotations

import json
import stat
import threading
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sandbox_helpers import CUID

from pivotal_cli.sandbox.data.ids import CuidFactory, parse_id
from pivotal_cli.sandbox.data.keys import keys_file_for, read_keys_file
from pivotal_cli.sandbox.data.timeutil import to_us
from pivotal_cli.sandbox.engine.core import Sandbox
from pivotal_cli.sandbox.fixtures.provision import reset

Connect = Callable[[Sandbox, "str | None"], httpx.Client]


def test_acknowledged_writes_survive_a_restart(
    tmp_path: Path, make_sandbox: Callable[..., Sandbox], connect: Connect
) -> None:
    db = tmp_path / "sandbox.db"
    first = make_sandbox(db=db)
    api = connect(first, first.key("acme", "live"))
    created = api.post("/customers", json={"name": "Aurora", "metadata": {"a": 1}}).json()
    api.patch(f"/customers/{created['id']}", json={"plan": "plus"})
    first.close()

    second = make_sandbox(db=db)
    assert [k.key for k in second.keys] == [k.key for k in first.keys]
    again = connect(second, second.key("acme", "live")).get(f"/customers/{created['id']}")
    assert again.json() == {**created, "plan": "plus", "updated_at": again.json()["updated_at"]}


def test_file_store_uses_wal_and_a_private_keys_file(
    tmp_path: Path, make_sandbox: Callable[..., Sandbox]
) -> None:
    sandbox = make_sandbox(db=tmp_path / "sandbox.db")
    with sandbox.store.read() as tx:
        assert tx.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    keys_file = tmp_path / "keys.json"
    assert stat.S_IMODE(keys_file.stat().st_mode) == 0o600
    payload = json.loads(keys_file.read_text())
    assert [k["key"] for k in payload["keys"]] == [k.key for k in sandbox.keys]
    assert "sandbox" in payload["note"].lower()


def test_keys_file_name_follows_the_database() -> None:
    assert keys_file_for(Path("/x/sandbox.db")) == Path("/x/keys.json")
    assert keys_file_for(Path("/x/ci.db")) == Path("/x/ci.keys.json")


def test_lost_keys_file_means_new_keys(
    tmp_path: Path, make_sandbox: Callable[..., Sandbox], connect: Connect
) -> None:
    db = tmp_path / "sandbox.db"
    old = make_sandbox(db=db)
    old_key = old.key("acme", "live")
    old.close()
    (tmp_path / "keys.json").unlink()
    new = make_sandbox(db=db)
    assert new.key("acme", "live") != old_key
    assert read_keys_file(tmp_path / "keys.json") == new.keys
    assert connect(new, old_key).get("/me").status_code == 401
    assert connect(new, new.key("acme", "live")).get("/me").status_code == 200


def test_concurrent_writers(
    tmp_path: Path, make_sandbox: Callable[..., Sandbox], connect: Connect
) -> None:
    for sandbox in (make_sandbox(), make_sandbox(db=tmp_path / "threads.db")):
        key = sandbox.key("acme", "live")
        statuses: list[int] = []

        def worker(
            n: int, sandbox: Sandbox = sandbox, key: str = key, statuses: list[int] = statuses
        ) -> None:
            api = connect(sandbox, key)
            for i in range(15):
                statuses.append(api.post("/customers", json={"name": f"W{n}-{i}"}).status_code)
                api.get("/customers", params={"limit": 5})

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert statuses == [201] * 120
        with sandbox.store.read() as tx:
            rows = tx.execute("SELECT id, display_id, created_us FROM customers").fetchall()
        assert sorted(r["display_id"] for r in rows) == list(range(1, 121))
        assert len({r["id"] for r in rows}) == len({r["created_us"] for r in rows}) == 120


def test_cuids() -> None:
    factory = CuidFactory()
    made = {factory.new(1_780_000_000_000_000) for _ in range(10_000)}
    assert len(made) == 10_000
    assert all(CUID.fullmatch(cuid) for cuid in made)


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("245", ("display_id", 245)),
        ("0245", ("display_id", 245)),
        ("cl9bn00of0000g7l8gcq8c4xk", ("id", "cl9bn00of0000g7l8gcq8c4xk")),
        ("245-aurora", ("id", "245-aurora")),
        ("٣", ("id", "٣")),  # a non-ASCII digit is not a display_id
        ("9" * 30, ("display_id", -1)),
    ],
)
def test_display_id_or_cuid(value: str, parsed: tuple[str, object]) -> None:
    assert parse_id(value) == parsed


def test_reset_keeps_keys_and_reseeds(
    make_sandbox: Callable[..., Sandbox], connect: Connect
) -> None:
    sandbox = make_sandbox(seed="demo")
    api = connect(sandbox, sandbox.key("acme", "live"))
    api.post("/customers", json={"name": "Mine", "slug": "mine"})
    demo_count = sandbox.count_customers("acme") - 1
    reset(sandbox.store, seed="empty", now_us=to_us(sandbox.clock()))
    assert sandbox.count_customers("acme") == 0
    assert api.get("/me").status_code == 200
    created = api.post("/customers", json={"name": "First again"}).json()
    assert created["display_id"] == 1
    reset(sandbox.store, seed="demo", now_us=to_us(sandbox.clock()))
    assert sandbox.count_customers("acme") == demo_count
    assert api.get("/customers", params={"slug": "mine"}).json()["data"] == []


def test_unknown_seed_is_refused(make_sandbox: Callable[..., Sandbox]) -> None:
    with pytest.raises(ValueError, match="unknown seed"):
        make_sandbox(seed="huge")
