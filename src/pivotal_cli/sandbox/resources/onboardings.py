"""Onboardings: phases, states, the waiting invariant, and the phase audit trail.

Invariant: `state == "waiting"` exactly when `waiting_on_customer` is true. Setting
`state` to waiting sets the flag (and `waiting_on_customer_since`, unless it was already
waiting); any other state clears both. Setting only `waiting_on_customer: true` moves the
state to waiting; only `false` on a waiting onboarding moves it to active. Both given and
contradicting is a 400 `invalid_field`. `completed_at` is set when the phase becomes
`completed` (unless the request gives one) and cleared when it moves away. Every phase
change (creation included, from null) writes a timeline event and a phase-transition row
whose actor is the calling key's name. Fields, their checks, columns and rendering come
from the API schema (`records`); the rules above are the only fields named here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

from pivotal_cli.domain import schema
from pivotal_cli.sandbox.data.ids import CuidFactory
from pivotal_cli.sandbox.engine.context import Ctx, Reply, record_transition
from pivotal_cli.sandbox.engine.errors import invalid
from pivotal_cli.sandbox.engine.pagination import parse_cursor, parse_limit, unpaginated
from pivotal_cli.sandbox.engine.routes import handles
from pivotal_cli.sandbox.engine.validation import enum_param, validate
from pivotal_cli.sandbox.resources import customers, records, rows

PHASES = schema.list_filter("list-onboardings", "phase")
STATES = schema.list_filter("list-onboardings", "state")


def render(row: sqlite3.Row) -> dict[str, Any]:
    """The documented Onboarding object."""
    return records.render("onboarding", row)


def insert(
    tx: sqlite3.Connection,
    workspace_id: str,
    customer_id: str,
    values: Mapping[str, Any],
    *,
    ids: CuidFactory,
    created_us: int,
    actor: str,
) -> sqlite3.Row:
    """Stores a new onboarding with the documented defaults; also used by the demo seed."""
    system = rows.stamp(tx, "onboarding", workspace_id, created_us, ids)
    created_us = system["created_us"]
    phase = values.get("phase") or PHASES[0]
    state = values.get("state") or "active"
    columns = {**records.new_columns("onboarding", values), **system}
    columns.update(
        customer_id=customer_id,
        phase=phase,
        state=state,
        started_at=values.get("started_at", created_us),
        completed_at=values.get("completed_at", created_us if phase == "completed" else None),
        waiting_on_customer=int(state == "waiting"),
        waiting_on_customer_since=values.get(
            "waiting_on_customer_since", created_us if state == "waiting" else None
        ),
    )
    row = rows.insert(tx, "onboarding", columns)
    record_transition(
        tx,
        workspace_id=workspace_id,
        onboarding_id=columns["id"],
        customer_id=customer_id,
        from_phase=None,
        to_phase=phase,
        at_us=created_us,
        actor=actor,
    )
    return row


def resolve_waiting(row: sqlite3.Row, values: Mapping[str, Any]) -> tuple[str, bool]:
    """The (state, waiting_on_customer) pair after an update, keeping the invariant."""
    state = values.get("state")
    waiting = values.get("waiting_on_customer")
    if state is not None and waiting is not None:
        if (state == "waiting") != waiting:
            raise invalid(
                "invalid_field",
                "waiting_on_customer must be true exactly when state is 'waiting'.",
                "waiting_on_customer",
            )
        return state, waiting
    if state is not None:
        return state, state == "waiting"
    if waiting is True:
        return "waiting", True
    if waiting is False and row["state"] == "waiting":
        return "active", False
    return row["state"], bool(row["waiting_on_customer"])


def update_columns(row: sqlite3.Row, values: Mapping[str, Any], now_us: int) -> dict[str, Any]:
    """The column changes an OnboardingUpdate implies, derived fields included."""
    columns = records.columns("onboarding", values)
    state, waiting = resolve_waiting(row, values)
    columns["state"] = state
    columns["waiting_on_customer"] = int(waiting)
    if not waiting:
        columns["waiting_on_customer_since"] = None
    elif not row["waiting_on_customer"]:
        columns["waiting_on_customer_since"] = now_us
    phase = values.get("phase", row["phase"])
    columns["phase"] = phase
    if "completed_at" not in values and phase != row["phase"]:
        columns["completed_at"] = now_us if phase == "completed" else None
    columns["updated_us"] = now_us
    return columns


@handles("list-onboardings")
def list_onboardings(ctx: Ctx) -> Reply:
    limit = parse_limit(ctx.query)
    cursor = parse_cursor(ctx.query)
    state = enum_param(ctx.query, "state", STATES)
    phase = enum_param(ctx.query, "phase", PHASES)
    # A deleted customer's onboardings survive it but leave every list (the guide).
    sql = (
        "SELECT o.* FROM onboardings o JOIN customers c ON c.id = o.customer_id"
        " WHERE o.workspace_id = ? AND o.deleted_us IS NULL AND c.deleted_us IS NULL"
    )
    args: list[Any] = [ctx.workspace_id]
    if "customer_id" in ctx.query:
        # An unknown or deleted customer filters everything out: an empty list, not a 404.
        customer = customers.find(ctx.tx, ctx.workspace_id, ctx.query["customer_id"])
        sql += " AND o.customer_id = ?"
        args.append(None if customer is None else customer["id"])
    for column, value in (("state", state), ("phase", phase)):
        if value is not None:
            sql += f" AND o.{column} = ?"
            args.append(value)
    return rows.newest_first(ctx, "onboarding", sql, args, cursor=cursor, limit=limit, alias="o.")


@handles("list-customer-onboardings")
def list_customer_onboardings(ctx: Ctx) -> Reply:
    customer = customers.require(ctx.tx, ctx.workspace_id, ctx.params["customerId"])
    found = ctx.tx.execute(
        "SELECT * FROM onboardings WHERE customer_id = ? AND deleted_us IS NULL"
        " ORDER BY created_us DESC",
        (customer["id"],),
    ).fetchall()
    return 200, unpaginated([render(row) for row in found])


@handles("create-onboarding")
def create_onboarding(ctx: Ctx) -> Reply:
    values = validate(ctx.body, "onboarding", "create")
    customer = customers.require(ctx.tx, ctx.workspace_id, values["customer_id"])
    row = insert(
        ctx.tx,
        ctx.workspace_id,
        customer["id"],
        values,
        ids=ctx.ids,
        created_us=ctx.now_us,
        actor=ctx.caller.key_name,
    )
    ctx.event(
        "onboarding.created",
        customer_id=customer["id"],
        onboarding_id=row["id"],
        data={"phase": row["phase"], "state": row["state"]},
    )
    return rows.created(ctx, "onboarding", row)


@handles("get-onboarding")
def get_onboarding(ctx: Ctx) -> Reply:
    return 200, render(rows.require_child(ctx.tx, "onboarding", ctx.workspace_id, ctx.params["id"]))


@handles("update-onboarding")
def update_onboarding(ctx: Ctx) -> Reply:
    row = rows.require_child(ctx.tx, "onboarding", ctx.workspace_id, ctx.params["id"])
    values = validate(ctx.body, "onboarding", "update")
    columns = update_columns(row, values, ctx.now_us)
    updated = rows.update(ctx.tx, "onboarding", row["id"], columns)
    _audit_update(ctx, row, columns, sorted(values))
    # Phase and state changes (advance, back, pause, …) are PATCHes: they fire here.
    return rows.updated(ctx, "onboarding", row, updated)


def _audit_update(
    ctx: Ctx, row: sqlite3.Row, columns: Mapping[str, Any], fields: list[str]
) -> None:
    ids = rows.event_ids("onboarding", row)
    ctx.event("onboarding.updated", **ids, data={"fields": fields})
    if columns["state"] != row["state"]:
        ctx.event(
            "onboarding.state_changed", **ids, data={"from": row["state"], "to": columns["state"]}
        )
    if columns["phase"] != row["phase"]:
        ctx.event(
            "onboarding.phase_changed", **ids, data={"from": row["phase"], "to": columns["phase"]}
        )
        record_transition(
            ctx.tx,
            workspace_id=ctx.workspace_id,
            from_phase=row["phase"],
            to_phase=columns["phase"],
            at_us=ctx.now_us,
            actor=ctx.caller.key_name,
            **ids,
        )


@handles("delete-onboarding")
def delete_onboarding(ctx: Ctx) -> Reply:
    found = rows.find_child(
        ctx.tx, "onboarding", ctx.workspace_id, ctx.params["id"], include_deleted=True
    )
    return rows.soft_delete(ctx, "onboarding", found, ctx.params["id"])
