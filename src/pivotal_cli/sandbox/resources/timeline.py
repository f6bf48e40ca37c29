"""Reading the audit trail: timeline events and phase transitions, straight from the store.

`pivotal sandbox events` uses this; the API itself has no endpoint for it. Deleted
customers and onboardings are included on purpose: the docs point to the timeline as
the place to read deletes.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Callable
from typing import Any

from pivotal_cli.sandbox.data.ids import parse_id
from pivotal_cli.sandbox.data.store import Store
from pivotal_cli.sandbox.data.timeutil import format_ms


class TimelineLookupError(LookupError):
    """An unknown workspace, customer or onboarding; the message names it."""


def _event(row: sqlite3.Row) -> dict[str, Any]:
    return {
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


def _transition(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "at": format_ms(row["at_us"]),
        "onboarding_id": row["onboarding_id"],
        "onboarding_display_id": row["onboarding_display_id"],
        "customer_id": row["customer_id"],
        "from": row["from_phase"],
        "to": row["to_phase"],
        "actor": row["actor"],
    }


# What each timeline reads, and how a row of it is shown.
_TIMELINES: dict[str, tuple[str, Callable[[sqlite3.Row], dict[str, Any]]]] = {
    "events": (
        "SELECT e.*, c.display_id AS customer_display_id, o.display_id AS onboarding_display_id"
        " FROM events e LEFT JOIN customers c ON c.id = e.customer_id"
        " LEFT JOIN onboardings o ON o.id = e.onboarding_id",
        _event,
    ),
    "transitions": (
        "SELECT e.*, o.display_id AS onboarding_display_id FROM phase_transitions e"
        " JOIN onboardings o ON o.id = e.onboarding_id",
        _transition,
    ),
}


def timeline(
    store: Store,
    kind: str,
    *,
    workspace: str,
    customer: str | None = None,
    onboarding: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """A workspace's timeline `kind` ("events" or "transitions"), oldest first (the last
    `limit` when given), narrowed to a customer or an onboarding."""
    sql, shown = _TIMELINES[kind]
    with store.read() as tx:
        where, args = _filters(tx, workspace, customer, onboarding)
        rows = _tail(tx, sql + where, args, limit)
    return [shown(row) for row in rows]


# Timeline events (writes, state changes) and phase-transition rows.
list_events = functools.partial(timeline, kind="events")
list_transitions = functools.partial(timeline, kind="transitions")


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
