"""Reading the audit trail: timeline events and phase transitions, straight from the store.

`pivotal sandbox events` uses this; the API itself has no endpoint for it. Deleted
customers and onboardings are included on purpose: the docs point to the timeline as
the place to read deletes.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from pivotal_cli.sandbox.data.ids import parse_id
from pivotal_cli.sandbox.data.store import Store
from pivotal_cli.sandbox.data.timeutil import format_ms


class TimelineLookupError(LookupError):
    """An unknown workspace, customer or onboarding; the message names it."""


def list_events(
    store: Store,
    *,
    workspace: str,
    customer: str | None = None,
    onboarding: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Timeline events, oldest first (the last `limit` when given)."""
    with store.read() as tx:
        where, args = _filters(tx, workspace, customer, onboarding)
        rows = _tail(
            tx,
            "SELECT e.*, c.display_id AS customer_display_id, o.display_id AS onboarding_display_id"
            " FROM events e LEFT JOIN customers c ON c.id = e.customer_id"
            " LEFT JOIN onboardings o ON o.id = e.onboarding_id" + where,
            args,
            limit,
        )
    return [
        {
            "at": format_ms(row["at_us"]),
            "kind": row["kind"],
            "actor": row["actor"],
            "mode": row["mode"],
            "customer_id": row["customer_id"],
            "customer_display_id": row["customer_display_id"],
            "contact_id": row["contact_id"],
            "onboarding_id": row["onboarding_id"],
            "onboarding_display_id": row["onboarding_display_id"],
            "data": json.loads(row["data"]),
        }
        for row in rows
    ]


def list_transitions(
    store: Store,
    *,
    workspace: str,
    customer: str | None = None,
    onboarding: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Phase-transition rows, oldest first (the last `limit` when given)."""
    with store.read() as tx:
        where, args = _filters(tx, workspace, customer, onboarding)
        rows = _tail(
            tx,
            "SELECT e.*, o.display_id AS onboarding_display_id FROM phase_transitions e"
            " JOIN onboardings o ON o.id = e.onboarding_id" + where,
            args,
            limit,
        )
    return [
        {
            "at": format_ms(row["at_us"]),
            "onboarding_id": row["onboarding_id"],
            "onboarding_display_id": row["onboarding_display_id"],
            "customer_id": row["customer_id"],
            "from": row["from_phase"],
            "to": row["to_phase"],
            "actor": row["actor"],
        }
        for row in rows
    ]


def _filters(
    tx: sqlite3.Connection, workspace: str, customer: str | None, onboarding: str | None
) -> tuple[str, list[Any]]:
    found = tx.execute("SELECT id FROM workspaces WHERE slug = ?", (workspace,)).fetchone()
    if found is None:
        raise TimelineLookupError(f"no workspace '{workspace}' in this sandbox")
    where, args = " WHERE e.workspace_id = ?", [found["id"]]
    for table, label, id_like in (
        ("customers", "customer", customer),
        ("onboardings", "onboarding", onboarding),
    ):
        if id_like is None:
            continue
        column, value = parse_id(id_like)
        row = tx.execute(
            f"SELECT id FROM {table} WHERE workspace_id = ? AND {column} = ?", (found["id"], value)
        ).fetchone()
        if row is None:
            raise TimelineLookupError(f"no {label} '{id_like}' in workspace '{workspace}'")
        where += f" AND e.{label}_id = ?"
        args.append(row["id"])
    return where, args


def _tail(
    tx: sqlite3.Connection, sql: str, args: list[Any], limit: int | None
) -> list[sqlite3.Row]:
    if limit is None:
        return tx.execute(sql + " ORDER BY e.seq", args).fetchall()
    rows = tx.execute(sql + " ORDER BY e.seq DESC LIMIT ?", [*args, limit]).fetchall()
    return rows[::-1]
