"""The write tools: create and update (bodies checked by the model layer first), the
phase workflow (one PATCH per phase, planned by `domain/workflow`), state changes,
and the plan/apply pair that every delete and every live launch goes through."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from pivotal_cli.agents.reads import choice, fetch, text
from pivotal_cli.errors import UsageError

if TYPE_CHECKING:
    from pivotal_cli.agents.session import Session
    from pivotal_cli.client.http import Client

RESOURCES = ("customer", "contact", "onboarding")
LATE_PHASES = ("launch", "completed")  # entering them fires launch-day automations


def _fields(arguments: dict[str, Any], resource: str, operation: str) -> dict[str, Any]:
    from pivotal_cli.domain import bodies

    fields = arguments.get("fields")
    if not isinstance(fields, dict):
        raise UsageError("'fields' must be an object of the record's fields.")
    return bodies.check(resource, operation, fields)  # type: ignore[arg-type]


def create(session: Session, arguments: dict[str, Any], resource: str) -> Any:
    from pivotal_cli.client import contacts, customers, onboardings

    body = _fields(arguments, resource, "create")
    if resource == "onboarding" and session.live and body.get("phase") in LATE_PHASES:
        raise UsageError(
            "A live onboarding is not created in launch or later: create it in an earlier "
            "phase, then advance_onboarding (which plans a live launch for confirmation).",
            reason="live_launch_by_create",
        )
    with session.client() as client:
        if resource == "contact":
            return contacts.create(client, str(text(arguments, "customer")), body).record()
        creator = customers.create if resource == "customer" else onboardings.create
        return creator(client, body).record()


def update(session: Session, arguments: dict[str, Any], resource: str) -> Any:
    from pivotal_cli.client import contacts, customers, onboardings

    ref = str(text(arguments, "ref"))
    body = _fields(arguments, resource, "update")
    if resource == "onboarding" and "phase" in body:
        # One PATCH per phase, and live launches through a plan: the workflow tools'.
        raise UsageError(
            "Phases move with advance_onboarding or move_onboarding_back, one phase at a "
            "time; update_onboarding does not change 'phase'.",
            reason="phase_by_update",
        )
    updater = {"customer": customers.update, "contact": contacts.update}
    with session.client() as client:
        if resource == "onboarding":
            return onboardings.update(
                client, str(fetch(client, resource, ref)["id"]), body
            ).record()
        return updater[resource](client, ref, body).record()


def walk(client: Client, onboarding_id: str, steps: list[str]) -> dict[str, Any]:
    """One PATCH per phase, in order (the docs: skipping phases corrupts reports)."""
    from pivotal_cli.client import onboardings

    transitions, final = [], {}
    for phase in steps:
        final = onboardings.update(client, onboarding_id, {"phase": phase}).record()
        transitions.append(final.get("phase", phase))
    return {"onboarding": final, "phases_set": transitions, "requests": len(steps)}


def advance(session: Session, arguments: dict[str, Any]) -> Any:
    from pivotal_cli.client import onboardings
    from pivotal_cli.domain.schema import PHASES
    from pivotal_cli.domain.workflow import LAUNCH_PHASE, plan_advance

    ref = str(text(arguments, "ref"))
    to = text(arguments, "to", required=False)
    if to is not None and to not in PHASES:
        raise UsageError(f"'to' must be one of {', '.join(PHASES)}, not {to!r}.")
    with session.client() as client:
        current = onboardings.get(client, ref)
        label = f"Onboarding {current['display_id']}"
        steps = plan_advance(str(current["phase"]), to, label, display_id=current["display_id"])
        if session.live and LAUNCH_PHASE in steps:
            plan = {"kind": "advance", "id": current["id"], "steps": steps}
            return planned(session, plan, f"{label}: {current['phase']} → {' → '.join(steps)}")
        return walk(client, str(current["id"]), steps)


def back(session: Session, arguments: dict[str, Any]) -> Any:
    from pivotal_cli.client import onboardings
    from pivotal_cli.domain.workflow import plan_back

    with session.client() as client:
        current = onboardings.get(client, str(text(arguments, "ref")))
        label = f"Onboarding {current['display_id']}"
        phase = plan_back(str(current["phase"]), label, display_id=current["display_id"])
        return walk(client, str(current["id"]), [phase])


def set_state(session: Session, arguments: dict[str, Any]) -> Any:
    from pivotal_cli.client import onboardings
    from pivotal_cli.domain.workflow import STATE_SHORTCUTS, already_in_state

    change = choice(arguments, "change", tuple(STATE_SHORTCUTS))
    with session.client() as client:
        current = onboardings.get(client, str(text(arguments, "ref")))
        if already_in_state(current, change):
            return {"onboarding": current, "changed": False}
        body = STATE_SHORTCUTS[change]
        updated = onboardings.update(client, str(current["id"]), body).record()
        return {"onboarding": updated, "changed": True}


def _owner(session: Session) -> str:
    target = session.target
    return f"{target.workspace}|{target.mode}|{target.base_url}"


def planned(session: Session, plan: dict[str, Any], summary: str) -> dict[str, Any]:
    plan_id, expires = session.plans.add(_owner(session), {**plan, "summary": summary})
    return {
        "plan_id": plan_id,
        "expires_at": datetime.fromtimestamp(expires, timezone.utc).isoformat(timespec="seconds"),
        "will": summary,
        "applied": False,
        "next": "Show the user what will change; call apply_plan with plan_id to carry it out.",
    }


def plan_delete(session: Session, arguments: dict[str, Any]) -> Any:
    resource = choice(arguments, "resource", RESOURCES)
    with session.client() as client:
        record = fetch(client, resource, str(text(arguments, "ref")))
    name = record.get("name") or record.get("email") or record.get("phase") or ""
    summary = f"Delete {resource} {record.get('display_id')} ({name})".replace(" ()", "")
    plan = {"kind": "delete", "resource": resource, "id": record["id"]}
    return {**planned(session, plan, summary), "record": record}


def apply_plan(session: Session, arguments: dict[str, Any]) -> Any:
    from pivotal_cli.client import contacts, customers, onboardings

    plan = session.plans.take(_owner(session), str(text(arguments, "plan_id")))
    with session.client() as client:
        if plan["kind"] == "delete":
            deleter = {
                "customer": customers.delete,
                "contact": contacts.delete,
                "onboarding": onboardings.delete,
            }
            deleter[plan["resource"]](client, str(plan["id"]))
            return {"applied": True, "did": plan["summary"]}
        if plan["kind"] == "advance":
            return {"applied": True, **walk(client, str(plan["id"]), list(plan["steps"]))}
    from pivotal_cli.agents.bulk import apply_import

    return apply_import(session, plan)
