"""Contacts: the people at a customer.

Rules: `email` is lowercased on the way in and unique among the customer's live
contacts (409 `email_taken`). At most one contact per customer is primary: marking one
primary demotes the others, and a contact created while the customer has no primary
becomes primary unless it says `is_primary: false` (the help center: "The first contact
you add is auto-promoted to primary"). Deleting the primary promotes nobody.
A deleted customer's contacts survive it, reachable by id only. Fields, their checks,
columns and rendering come from the API schema (`records`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

from pivotal_cli.sandbox.data.ids import CuidFactory
from pivotal_cli.sandbox.engine.context import Ctx, Reply
from pivotal_cli.sandbox.engine.errors import conflict
from pivotal_cli.sandbox.engine.pagination import unpaginated
from pivotal_cli.sandbox.engine.routes import handles
from pivotal_cli.sandbox.engine.validation import validate
from pivotal_cli.sandbox.resources import customers, records, rows


def render(row: sqlite3.Row) -> dict[str, Any]:
    """The documented Contact object."""
    return records.render("contact", row)


def insert(
    tx: sqlite3.Connection,
    workspace_id: str,
    customer_id: str,
    values: Mapping[str, Any],
    *,
    ids: CuidFactory,
    created_us: int,
) -> sqlite3.Row:
    """Stores a new contact from validated values; also used by the demo seed."""
    email = values["email"].lower()
    _check_email_free(tx, customer_id, email)
    primary = values.get("is_primary")
    if primary is None:
        primary = not _has_primary(tx, customer_id)
    if primary:
        _demote_primary(tx, customer_id, created_us)
    columns = records.new_columns("contact", {**values, "email": email, "is_primary": primary})
    columns.update(rows.stamp(tx, "contact", workspace_id, created_us, ids))
    columns["customer_id"] = customer_id
    return rows.insert(tx, "contact", columns)


def _check_email_free(
    tx: sqlite3.Connection, customer_id: str, email: str, exclude_id: str | None = None
) -> None:
    if tx.execute(
        "SELECT 1 FROM contacts WHERE customer_id = ? AND email = ? AND deleted_us IS NULL"
        " AND id IS NOT ?",
        (customer_id, email, exclude_id),
    ).fetchone():
        raise conflict(
            "email_taken",
            f"Another contact of this customer already uses email '{email}'.",
            "email",
        )


def _has_primary(tx: sqlite3.Connection, customer_id: str) -> bool:
    row = tx.execute(
        "SELECT 1 FROM contacts WHERE customer_id = ? AND is_primary = 1 AND deleted_us IS NULL",
        (customer_id,),
    ).fetchone()
    return row is not None


def _demote_primary(tx: sqlite3.Connection, customer_id: str, now_us: int) -> None:
    tx.execute(
        "UPDATE contacts SET is_primary = 0, updated_us = ?"
        " WHERE customer_id = ? AND is_primary = 1 AND deleted_us IS NULL",
        (now_us, customer_id),
    )


@handles("list-customer-contacts")
def list_customer_contacts(ctx: Ctx) -> Reply:
    customer = customers.require(ctx.tx, ctx.workspace_id, ctx.params["customerId"])
    found = ctx.tx.execute(
        "SELECT * FROM contacts WHERE customer_id = ? AND deleted_us IS NULL"
        " ORDER BY is_primary DESC, created_us DESC",
        (customer["id"],),
    ).fetchall()
    return 200, unpaginated([render(row) for row in found])


@handles("create-customer-contact")
def create_customer_contact(ctx: Ctx) -> Reply:
    customer = customers.require(ctx.tx, ctx.workspace_id, ctx.params["customerId"])
    values = validate(ctx.body, "contact", "create")
    row = insert(
        ctx.tx, ctx.workspace_id, customer["id"], values, ids=ctx.ids, created_us=ctx.now_us
    )
    ctx.event("contact.created", customer_id=customer["id"], contact_id=row["id"])
    return rows.created(ctx, "contact", row)


@handles("get-contact")
def get_contact(ctx: Ctx) -> Reply:
    return 200, render(rows.require_child(ctx.tx, "contact", ctx.workspace_id, ctx.params["id"]))


@handles("update-contact")
def update_contact(ctx: Ctx) -> Reply:
    row = rows.require_child(ctx.tx, "contact", ctx.workspace_id, ctx.params["id"])
    values = validate(ctx.body, "contact", "update")
    columns = records.columns("contact", values)
    if "email" in columns:
        columns["email"] = columns["email"].lower()
        _check_email_free(ctx.tx, row["customer_id"], columns["email"], exclude_id=row["id"])
    if values.get("is_primary"):
        _demote_primary(ctx.tx, row["customer_id"], ctx.now_us)
    columns["updated_us"] = ctx.now_us
    updated = rows.update(ctx.tx, "contact", row["id"], columns)
    ctx.event("contact.updated", **rows.event_ids("contact", row), data={"fields": sorted(values)})
    return rows.updated(ctx, "contact", row, updated)


@handles("delete-contact")
def delete_contact(ctx: Ctx) -> Reply:
    found = rows.find_child(
        ctx.tx, "contact", ctx.workspace_id, ctx.params["id"], include_deleted=True
    )
    return rows.soft_delete(ctx, "contact", found, ctx.params["id"])
