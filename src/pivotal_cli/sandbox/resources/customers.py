"""Customers: list, create, retrieve, update and soft-delete.

Rules: `slug` is unique among the workspace's live customers (409 `slug_taken`),
`domain` likewise, case-insensitively (409 `shopify_domain_taken`, field
`shopify_domain`, as the docs' error table says). `metadata` is a JSON object (the
docs' schemas lack it, the guides rely on it; docs/api-choices.md item 2); it defaults
to `{}` and a PATCH replaces it whole.
A deleted customer frees its slug and domain. Its contacts and onboardings survive it (the
guide: they "survive the delete but disappear from list views"): they stay reachable by
id and leave every list.
Fields, their checks, columns and rendering come from the API schema (`records`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

from pivotal_cli.domain import schema
from pivotal_cli.sandbox.data.ids import CuidFactory, parse_id
from pivotal_cli.sandbox.engine.context import Ctx, Reply
from pivotal_cli.sandbox.engine.errors import conflict
from pivotal_cli.sandbox.engine.pagination import parse_cursor, parse_limit
from pivotal_cli.sandbox.engine.routes import handles
from pivotal_cli.sandbox.engine.validation import enum_param, validate
from pivotal_cli.sandbox.resources import records, rows

STATUSES = schema.list_filter("list-customers", "status")
DEFAULT_STATUS = "onboarding"


def render(row: sqlite3.Row) -> dict[str, Any]:
    """The documented Customer object, plus the additive `metadata`."""
    return records.render("customer", row)


def find(
    tx: sqlite3.Connection, workspace_id: str, id_like: str, *, include_deleted: bool = False
) -> sqlite3.Row | None:
    """The workspace's customer for a display_id or cuid."""
    column, value = parse_id(id_like)
    hidden = "" if include_deleted else " AND deleted_us IS NULL"
    return tx.execute(
        f"SELECT * FROM customers WHERE workspace_id = ? AND {column} = ?{hidden}",
        (workspace_id, value),
    ).fetchone()


def require(tx: sqlite3.Connection, workspace_id: str, id_like: str) -> sqlite3.Row:
    """Like `find`, but a missing customer is the documented 404."""
    row = find(tx, workspace_id, id_like)
    if row is None:
        raise rows.missing("customer", id_like)
    return row


def insert(
    tx: sqlite3.Connection,
    workspace_id: str,
    values: Mapping[str, Any],
    *,
    ids: CuidFactory,
    created_us: int,
    updated_us: int | None = None,
) -> sqlite3.Row:
    """Stores a new customer from validated values; also used by the demo seed."""
    check_unique(tx, workspace_id, values)
    columns = records.new_columns("customer", values)
    columns["status"] = values.get("status") or DEFAULT_STATUS
    columns.update(rows.stamp(tx, "customer", workspace_id, created_us, ids))
    if updated_us is not None:
        columns["updated_us"] = updated_us
    return rows.insert(tx, "customer", columns)


def check_unique(
    tx: sqlite3.Connection,
    workspace_id: str,
    values: Mapping[str, Any],
    exclude_id: str | None = None,
) -> None:
    """409s for a slug or domain another live customer of the workspace already has."""
    slug = values.get("slug")
    if (
        slug is not None
        and tx.execute(
            "SELECT 1 FROM customers WHERE workspace_id = ? AND slug = ? AND deleted_us IS NULL"
            " AND id IS NOT ?",
            (workspace_id, slug, exclude_id),
        ).fetchone()
    ):
        raise conflict(
            "slug_taken", f"Another customer in this workspace already uses slug '{slug}'.", "slug"
        )
    domain = values.get("domain")
    if (
        domain is not None
        and tx.execute(
            "SELECT 1 FROM customers WHERE workspace_id = ? AND lower(domain) = lower(?)"
            " AND deleted_us IS NULL AND id IS NOT ?",
            (workspace_id, domain, exclude_id),
        ).fetchone()
    ):
        raise conflict(
            "shopify_domain_taken",
            f"Another customer in this workspace already claims domain '{domain}'.",
            "shopify_domain",
        )


@handles("list-customers")
def list_customers(ctx: Ctx) -> Reply:
    limit = parse_limit(ctx.query)
    cursor = parse_cursor(ctx.query)
    status = enum_param(ctx.query, "status", STATUSES)
    sql = "SELECT * FROM customers WHERE workspace_id = ? AND deleted_us IS NULL"
    args: list[Any] = [ctx.workspace_id]
    if status is not None:
        sql += " AND status = ?"
        args.append(status)
    if "slug" in ctx.query:
        sql += " AND slug = ?"
        args.append(ctx.query["slug"])
    return rows.newest_first(ctx, "customer", sql, args, cursor=cursor, limit=limit)


@handles("create-customer")
def create_customer(ctx: Ctx) -> Reply:
    values = validate(ctx.body, "customer", "create")
    row = insert(ctx.tx, ctx.workspace_id, values, ids=ctx.ids, created_us=ctx.now_us)
    ctx.event("customer.created", customer_id=row["id"], data={"display_id": row["display_id"]})
    return rows.created(ctx, "customer", row)


@handles("get-customer")
def get_customer(ctx: Ctx) -> Reply:
    return 200, render(require(ctx.tx, ctx.workspace_id, ctx.params["id"]))


@handles("update-customer")
def update_customer(ctx: Ctx) -> Reply:
    row = require(ctx.tx, ctx.workspace_id, ctx.params["id"])
    values = validate(ctx.body, "customer", "update")
    check_unique(ctx.tx, ctx.workspace_id, values, exclude_id=row["id"])
    columns = records.columns("customer", values)
    columns["updated_us"] = ctx.now_us
    updated = rows.update(ctx.tx, "customer", row["id"], columns)
    ctx.event("customer.updated", customer_id=row["id"], data={"fields": sorted(values)})
    return rows.updated(ctx, "customer", row, updated)


@handles("delete-customer")
def delete_customer(ctx: Ctx) -> Reply:
    row = find(ctx.tx, ctx.workspace_id, ctx.params["id"], include_deleted=True)
    return rows.soft_delete(ctx, "customer", row, ctx.params["id"])
