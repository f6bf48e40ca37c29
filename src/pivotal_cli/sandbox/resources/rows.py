"""What every resource does alike to its own table: list, insert, update, 404, delete.

Customers, contacts and onboardings differ in their rules (uniqueness, the primary
contact, the waiting invariant), not in how a row is written, how a missing one is
reported or how a delete is recorded; that part is here, once. Table names come from
`records.TABLES`, never from a request.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from operator import itemgetter
from typing import Any

from pivotal_cli.sandbox.data.ids import CuidFactory, parse_id
from pivotal_cli.sandbox.data.store import next_display_id, unique_instant
from pivotal_cli.sandbox.engine.context import Ctx, Reply
from pivotal_cli.sandbox.engine.errors import ApiError, not_found
from pivotal_cli.sandbox.engine.pagination import page
from pivotal_cli.sandbox.resources import records


def missing(resource: str, id_like: str) -> ApiError:
    """The documented 404 for an id that names no live record of the resource."""
    return not_found(f"{resource}_not_found", f"No {resource} found with id '{id_like}'.")


def find_child(
    tx: sqlite3.Connection,
    resource: str,
    workspace_id: str,
    id_like: str,
    *,
    include_deleted: bool = False,
) -> sqlite3.Row | None:
    """A contact or onboarding by display_id or cuid, whether or not its customer is deleted.

    Only the row's own delete hides it here: a deleted customer's children survive it
    and stay reachable by id (lists leave them out instead).
    """
    column, value = parse_id(id_like)
    hidden = "" if include_deleted else " AND r.deleted_us IS NULL"
    return tx.execute(
        f"SELECT r.* FROM {records.TABLES[resource]} r JOIN customers c ON c.id = r.customer_id"
        f" WHERE r.workspace_id = ? AND r.{column} = ?{hidden}",
        (workspace_id, value),
    ).fetchone()


def require_child(
    tx: sqlite3.Connection, resource: str, workspace_id: str, id_like: str
) -> sqlite3.Row:
    """Like `find_child`, but an unknown id is the documented 404."""
    row = find_child(tx, resource, workspace_id, id_like)
    if row is None:
        raise missing(resource, id_like)
    return row


def select(tx: sqlite3.Connection, resource: str, row_id: str) -> sqlite3.Row:
    """The stored row of a record, by its cuid, deleted or not."""
    table = records.TABLES[resource]
    return tx.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,)).fetchone()


def stamp(
    tx: sqlite3.Connection, resource: str, workspace_id: str, created_us: int, ids: CuidFactory
) -> dict[str, Any]:
    """The system columns of a new row: id, workspace, next display_id, instants.

    `created_us` moves on until no other row of the workspace has it, so list cursors
    never tie; read the instant used from the result.
    """
    table = records.TABLES[resource]
    created_us = unique_instant(tx, table, workspace_id, created_us)
    return {
        "id": ids.new(created_us),
        "workspace_id": workspace_id,
        "display_id": next_display_id(tx, workspace_id, table),
        "created_us": created_us,
        "updated_us": created_us,
    }


def insert(tx: sqlite3.Connection, resource: str, columns: Mapping[str, Any]) -> sqlite3.Row:
    """Stores a new row (`columns` holds its `id`) and reads it back."""
    names = ", ".join(columns)
    marks = ", ".join("?" for _ in columns)
    table = records.TABLES[resource]
    tx.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", tuple(columns.values()))
    return select(tx, resource, columns["id"])


def update(
    tx: sqlite3.Connection, resource: str, row_id: str, columns: Mapping[str, Any]
) -> sqlite3.Row:
    """Sets `columns` on a row and reads it back."""
    assignments = ", ".join(f"{name} = ?" for name in columns)
    table = records.TABLES[resource]
    tx.execute(f"UPDATE {table} SET {assignments} WHERE id = ?", (*columns.values(), row_id))
    return select(tx, resource, row_id)


def newest_first(
    ctx: Ctx,
    resource: str,
    sql: str,
    args: list[Any],
    *,
    cursor: int | None,
    limit: int,
    alias: str = "",
) -> Reply:
    """A list page: `sql` (a SELECT with its WHERE) from the cursor on, newest first.

    `alias` qualifies `created_us` when the query joins (`o.`).
    """
    if cursor is not None:
        sql += f" AND {alias}created_us < ?"
        args.append(cursor)
    sql += f" ORDER BY {alias}created_us DESC LIMIT ?"
    args.append(limit + 1)
    # Plain tuples, not `sqlite3.Row`s: a page reads its rows by position only.
    found = ctx.tx.cursor()
    found.row_factory = None
    found.execute(sql, args)
    names = tuple(column[0] for column in found.description)
    render = records.renderer(resource, names)
    return 200, page(found.fetchall(), limit, render, itemgetter(names.index("created_us")))


def created(ctx: Ctx, resource: str, row: sqlite3.Row) -> Reply:
    """201 with the new record, its webhook events stored."""
    rendered = records.render(resource, row)
    ctx.fire(resource, "create", None, rendered)
    return 201, rendered


def updated(ctx: Ctx, resource: str, before: sqlite3.Row, after: sqlite3.Row) -> Reply:
    """200 with the changed record, its webhook events stored."""
    rendered = records.render(resource, after)
    ctx.fire(resource, "update", records.render(resource, before), rendered)
    return 200, rendered


def event_ids(resource: str, row: sqlite3.Row) -> dict[str, Any]:
    """The ids a timeline event of this record carries: its customer's, and its own."""
    if resource == "customer":
        return {"customer_id": row["id"]}
    return {"customer_id": row["customer_id"], f"{resource}_id": row["id"]}


def soft_delete(ctx: Ctx, resource: str, row: sqlite3.Row | None, id_like: str) -> Reply:
    """DELETE: mark the row deleted (once; a repeat changes nothing) and answer `Deleted`.

    `row` is the record found including deleted ones, None for an unknown id (404).
    """
    if row is None:
        raise missing(resource, id_like)
    if row["deleted_us"] is None:
        table = records.TABLES[resource]
        ctx.tx.execute(
            f"UPDATE {table} SET deleted_us = ?, updated_us = ? WHERE id = ?",
            (ctx.now_us, ctx.now_us, row["id"]),
        )
        ctx.event(f"{resource}.deleted", **event_ids(resource, row))
        # The webhook carries the record as it stands deleted, not the `Deleted` stub.
        deleted = select(ctx.tx, resource, row["id"])
        ctx.fire(
            resource, "delete", records.render(resource, row), records.render(resource, deleted)
        )
    return 200, {
        "object": "deleted",
        "id": row["id"],
        "display_id": row["display_id"],
        "deleted": True,
    }
