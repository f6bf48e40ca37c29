"""First-run setup of a store: workspaces, sandbox keys, seed data; and `reset`.

Setup runs inside one write transaction, so two processes opening a fresh database at
once cannot both seed it: the second waits on SQLite's lock and then finds it done. The
keys file is written before that transaction commits for the same reason: whoever sees
the database initialised also finds the keys.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .ids import CuidFactory
from .keys import SandboxKey, generate_key, hash_key, parse_key, read_keys_file, write_keys_file
from .seed import SEEDS, seed_data
from .store import Store, clear_data, get_meta, set_meta

WORKSPACES = (("acme", "Acme Outfitters Co."), ("globex", "Globex Corporation"))

# (workspace, name, mode, revoked)
KEY_SPECS = (
    ("acme", "sandbox-live", "live", False),
    ("acme", "sandbox-test", "test", False),
    ("acme", "revoked-ci", "test", True),
    ("globex", "globex-live", "live", False),
)


def provision(
    store: Store,
    *,
    seed: str,
    keys_file: Path | None,
    iterations: int,
    now_us: int,
) -> list[SandboxKey]:
    """Initialises a fresh store (or repairs lost keys) and returns the sandbox keys."""
    if seed not in SEEDS:
        raise ValueError(f"unknown seed {seed!r}: expected one of {', '.join(SEEDS)}")
    with store.write() as tx:
        keys = read_keys_file(keys_file) if keys_file else []
        if get_meta(tx, "initialized") is None:
            workspaces = _create_workspaces(tx, now_us)
            keys = _issue_keys(tx, workspaces, keys_file, iterations, now_us)
            seed_data(tx, seed, workspaces, now_us)
            set_meta(tx, "initialized", "1")
        elif not _keys_match(tx, keys):
            # The keys file was lost or belongs to another database: the plaintext is
            # gone, so issue new keys under the same names.
            keys = _issue_keys(tx, _workspace_ids(tx), keys_file, iterations, now_us)
    return keys


def reset(store: Store, *, seed: str, now_us: int) -> None:
    """Deletes every record and re-seeds; workspaces and keys stay as they are."""
    if seed not in SEEDS:
        raise ValueError(f"unknown seed {seed!r}: expected one of {', '.join(SEEDS)}")
    with store.write() as tx:
        clear_data(tx)
        seed_data(tx, seed, _workspace_ids(tx), now_us)


def _create_workspaces(tx: sqlite3.Connection, now_us: int) -> dict[str, str]:
    ids = CuidFactory()
    created = {}
    for slug, name in WORKSPACES:
        created[slug] = ids.new(now_us)
        tx.execute(
            "INSERT INTO workspaces (id, slug, name) VALUES (?, ?, ?)", (created[slug], slug, name)
        )
    return created


def _workspace_ids(tx: sqlite3.Connection) -> dict[str, str]:
    return {row["slug"]: row["id"] for row in tx.execute("SELECT id, slug FROM workspaces")}


def _issue_keys(
    tx: sqlite3.Connection,
    workspaces: dict[str, str],
    keys_file: Path | None,
    iterations: int,
    now_us: int,
) -> list[SandboxKey]:
    ids = CuidFactory()
    tx.execute("DELETE FROM api_keys")
    keys = []
    for workspace, name, mode, revoked in KEY_SPECS:
        key = generate_key(mode)
        hashed = hash_key(key, iterations)
        parsed = parse_key(key)
        assert parsed is not None
        tx.execute(
            "INSERT INTO api_keys (id, workspace_id, name, mode, prefix, salt, iterations,"
            " digest, revoked_us, created_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                ids.new(now_us),
                workspaces[workspace],
                name,
                mode,
                parsed[1],
                hashed.salt,
                hashed.iterations,
                hashed.digest,
                now_us if revoked else None,
                now_us,
            ),
        )
        keys.append(SandboxKey(workspace, name, mode, key, revoked))
    if keys_file is not None:
        write_keys_file(keys_file, keys)
    return keys


def _keys_match(tx: sqlite3.Connection, keys: list[SandboxKey]) -> bool:
    """Whether the keys file describes the stored keys (by name and prefix; no PBKDF2)."""
    stored = {
        (row["slug"], row["name"], row["prefix"])
        for row in tx.execute(
            "SELECT w.slug, k.name, k.prefix FROM api_keys k JOIN workspaces w"
            " ON w.id = k.workspace_id"
        )
    }
    listed = set()
    for key in keys:
        parsed = parse_key(key.key)
        if parsed is None:
            return False
        listed.add((key.workspace, key.name, parsed[1]))
    return bool(stored) and stored == listed
