"""Realistic test events of every documented type, and `path=value` overrides on them.

`fake_event` builds what `pivotal webhooks trigger` sends: the documented envelope
around a plausible object. Customers, contacts and onboardings get every field of
their schema (`domain/schema.py`), each valued by its name where the name says what a
real value looks like, else by its type; so a field added to the schema appears in
triggered events with no edit here. `customer.health_score_dropped` and
`task.completed` follow the docs' payload examples (a health score and a task are
not in the API's schemas). Events that report a change carry `previous_attributes`,
as `webhook_events.events_for_write` would fire them.

Pure: the random generator and the instant are passed in.
"""

from __future__ import annotations

import random
import re
from datetime import datetime, timedelta, timezone
from typing import Any

from pivotal_cli.domain import schema
from pivotal_cli.domain.webhook_events import EVENT_TYPES, envelope

_COMPANIES = (
    "Aurora Outfitters", "Birchwood Coffee Roasters", "Cobalt Cycles", "Evergreen Pet Supply",
    "Fable Bookshop", "Harbor Candle Co.", "Juniper Skincare", "Lumen Lighting",
    "Nimbus Outdoor", "Orchard Tea House", "Saltwater Surf Shop", "Zephyr Running",
)  # fmt: skip
_FIRST = ("Mira", "Jonah", "Priya", "Lucas", "Amara", "Theo", "Sofia", "Kenji")
_LAST = ("Chen", "Okafor", "Patel", "Moreau", "Silva", "Novak", "Haddad", "Kim")
_TITLES = ("Head of Ops", "Founder", "E-commerce Manager", "CTO", "Marketing Lead")
_PLANS = ("starter", "growth", "plus", "enterprise")
_TASKS = (
    "Share API keys with the {} team",
    "Review the product catalog import for {}",
    "Schedule the launch call with {}",
)
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"

# The change each type reports: (field, previous value, new value). Values are the
# schema's own enum members (checked at import, so a renamed enum fails loudly).
_CHANGES: dict[str, tuple[str, str, str]] = {
    "customer.at_risk": ("status", "active", "at_risk"),
    "customer.churned": ("status", "at_risk", "churned"),
    "onboarding.phase_changed": ("phase", "review", "program_buildout"),
    "onboarding.state_changed": ("state", "active", "waiting"),
    "onboarding.at_risk": ("state", "active", "at_risk"),
    "onboarding.back_on_track": ("state", "at_risk", "active"),
    "onboarding.launched": ("phase", "internal_qa", "launch"),
    "onboarding.completed": ("phase", "launch", "completed"),
}
_ENUMS = {"status": schema.CUSTOMER_STATUSES, "phase": schema.PHASES, "state": schema.STATES}
for _name, _old, _new in _CHANGES.values():
    assert {_old, _new} <= set(_ENUMS[_name]), (_name, _old, _new)


class OverrideError(ValueError):
    """A `path=value` override that cannot apply (bad syntax, or a path through a value)."""


def iso(moment: datetime) -> str:
    """An instant as the API writes it: UTC, milliseconds, `Z`."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{moment.microsecond // 1000:03d}Z"
    )


def cuid(rng: random.Random) -> str:
    """An id in the API's format: `c` and 24 lowercase base36 characters."""
    return "c" + "".join(rng.choice(_BASE36) for _ in range(24))


def prefixed_id(prefix: str, rng: random.Random) -> str:
    """An id in the webhook examples' format (`evt_…`, `org_…`, `tsk_…`)."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    return f"{prefix}_2" + "".join(rng.choice(alphabet) for _ in range(23))


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


class _Faker:
    """Values for one event: a company, a person and ids that agree with each other."""

    def __init__(self, rng: random.Random, now: datetime) -> None:
        self.rng = rng
        self.now = now
        self.company = rng.choice(_COMPANIES)
        self.person = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        self.customer_id = cuid(rng)

    def ago(self, low_days: float, high_days: float) -> str:
        return iso(self.now - timedelta(days=self.rng.uniform(low_days, high_days)))

    def by_name(self, resource: str, field: schema.Field) -> tuple[bool, Any]:
        """(known, value) for a field whose name says what a real value looks like."""
        rng, name, slug = self.rng, field.name, _slug(self.company)
        email_user = self.person.split()[0].lower()
        known: dict[str, Any] = {
            "object": field.enum[0] if field.enum else resource,
            "id": self.customer_id if resource == "customer" else cuid(rng),
            "customer_id": self.customer_id,
            "display_id": rng.randrange(100, 5000),
            "name": self.company if resource == "customer" else self.person,
            "slug": slug,
            "domain": f"{slug}.myshopify.com",
            "status": "onboarding",
            "plan": rng.choice(_PLANS),
            "mrr": rng.randrange(49, 2000) * 100,
            "monthly_orders": rng.randrange(50, 20000),
            "email": f"{email_user}@{slug}.com",
            "title": rng.choice(_TITLES),
            "is_primary": True,
            "labels": [],
            "metadata": {},
            "phase": schema.PHASES[0] if schema.PHASES else None,
            "state": schema.STATES[0] if schema.STATES else None,
            "template_id": None,
            "completed_at": None,
            "waiting_on_customer": False,
            "waiting_on_customer_since": None,
            "wizard_completed_at": None,
            "reminder_email": True,
            "reminder_slack": True,
            "reminder_frequency_days": 1,
            "notes": None,
            "target_launch_date": iso(
                (self.now + timedelta(days=rng.randrange(14, 90))).replace(
                    hour=0, minute=0, second=0, microsecond=0
                )
            ),
            "hubspot_company_id": str(rng.randrange(10**9, 10**10)),
            "hubspot_deal_id": None,
            "stripe_customer_id": "cus_" + "".join(rng.choice(_BASE36) for _ in range(14)),
            "intercom_company_id": None,
            "slack_channel_id": None,
            "csm_id": "usr_" + cuid(rng)[1:9],
            "se_id": None,
            "designer_id": None,
            "product_ops_id": None,
        }
        if name in known:
            return True, known[name]
        if name in ("created_at", "started_at"):
            return True, self.ago(20, 40)
        if name == "updated_at":
            return True, iso(self.now)
        return False, None

    def by_type(self, field: schema.Field) -> Any:
        """A value for a field the names above do not cover: plausible for its type."""
        if field.enum:
            return field.enum[0]
        if field.nullable:
            return None
        if field.is_datetime:
            return self.ago(1, 30)
        if field.is_email:
            return f"team@{_slug(self.company)}.com"
        return {
            "integer": 0,
            "number": 0,
            "boolean": False,
            "array": [],
            "object": {},
        }.get(field.type, "")

    def record(self, resource: str) -> dict[str, Any]:
        """Every field of the resource's schema, in the schema's order."""
        record: dict[str, Any] = {}
        for field in schema.fields(resource):
            known, value = self.by_name(resource, field)
            record[field.name] = value if known else self.by_type(field)
        return record


def _health_score_dropped(faker: _Faker) -> tuple[dict[str, Any], dict[str, Any]]:
    # The docs' payload example: the customer with a health score (not in the API's
    # Customer schema), the score before, the at-risk flag and the owner's email.
    obj = faker.record("customer")
    obj["status"] = "active"
    after = faker.rng.randrange(25, 40)
    before = after + faker.rng.randrange(15, 40)
    obj.update(
        health_score=after,
        previous_health_score=before,
        at_risk=True,
        churned=False,
        owner_email=f"csm@{_slug(faker.company)}.com",
    )
    return obj, {"health_score": before, "at_risk": False}


def _task(faker: _Faker) -> dict[str, Any]:
    # The docs' payload example: tasks are not in the API's schemas.
    rng = faker.rng
    return {
        "id": prefixed_id("tsk", rng),
        "onboarding_id": cuid(rng),
        "customer_id": faker.customer_id,
        "display_id": rng.randrange(1000, 9000),
        "title": rng.choice(_TASKS).format(faker.company),
        "completed_at": iso(faker.now),
        "completed_by": "portal:contact_" + cuid(rng)[1:12],
        "assignee_email": f"csm@{_slug(faker.company)}.com",
    }


def fake_object(
    event_type: str, rng: random.Random, now: datetime
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The object of a `event_type` event and its `previous_attributes` (None: no change)."""
    if event_type not in EVENT_TYPES:
        raise KeyError(event_type)
    faker = _Faker(rng, now)
    if event_type == "task.completed":
        return _task(faker), None
    if event_type == "customer.health_score_dropped":
        return _health_score_dropped(faker)
    resource = event_type.split(".", 1)[0]
    obj = faker.record(resource)
    previous: dict[str, Any] | None = None
    if event_type in _CHANGES:
        name, old, new = _CHANGES[event_type]
        obj[name] = new
        previous = {name: old}
    if event_type == "customer.updated":
        old_mrr = obj.get("mrr") or 9900
        obj["mrr"] = old_mrr + 5000
        previous = {"mrr": old_mrr}
    if resource == "customer" and event_type in ("customer.updated", "customer.archived"):
        obj["status"] = "active"
    if resource == "onboarding":
        _consistent_onboarding(obj, faker)
    return obj, previous


def _consistent_onboarding(obj: dict[str, Any], faker: _Faker) -> None:
    """Fields that follow from phase and state, as the API keeps them."""
    waiting = obj.get("state") == "waiting"
    if "waiting_on_customer" in obj:
        obj["waiting_on_customer"] = waiting
    if "waiting_on_customer_since" in obj:
        obj["waiting_on_customer_since"] = iso(faker.now) if waiting else None
    if "completed_at" in obj:
        obj["completed_at"] = iso(faker.now) if obj.get("phase") == "completed" else None
    if "wizard_completed_at" in obj and obj.get("phase") != schema.PHASES[0]:
        obj["wizard_completed_at"] = faker.ago(10, 20)


def fake_event(
    event_type: str,
    rng: random.Random,
    now: datetime,
    *,
    livemode: bool = False,
    org_id: str | None = None,
) -> dict[str, Any]:
    """A whole test event of `event_type` in the documented envelope."""
    obj, previous = fake_object(event_type, rng, now)
    return envelope(
        event_type,
        obj,
        previous,
        event_id=prefixed_id("evt", rng),
        created_at=iso(now),
        org_id=org_id or prefixed_id("org", rng),
        livemode=livemode,
    )


def parse_value(text: str) -> Any:
    """A typed override value: JSON when it parses (numbers, true, null, objects), else text."""
    from pivotal_cli.domain import bounded

    try:
        return bounded.loads(text, "value")
    except bounded.InputTooLarge:
        raise OverrideError(
            f"'{text[:20]}…': the value is nested deeper than {bounded.MAX_DEPTH} levels"
        ) from None
    except ValueError:
        return text


# Top-level envelope keys: a path starting with another word is under data.object.
_ENVELOPE_KEYS = ("id", "type", "created_at", "org_id", "livemode", "api_version", "data")


def apply_override(event: dict[str, Any], assignment: str) -> str:
    """Apply one `path=value` to `event` in place; returns the full dotted path set.

    `data.object.phase=launch` sets that key; a path not starting with an envelope
    key (`phase=launch`) is read under `data.object`. Missing objects on the way are
    created; a number indexes a list.
    """
    path, equals, raw = assignment.partition("=")
    path = path.strip()
    if not equals or not path:
        raise OverrideError(f"{assignment!r} is not PATH=VALUE")
    parts = path.split(".")
    if any(not part for part in parts):
        raise OverrideError(f"{path!r} has an empty part")
    if parts[0] not in _ENVELOPE_KEYS:
        parts = ["data", "object", *parts]
    node: Any = event
    for index, part in enumerate(parts[:-1]):
        node = _step(node, part, parts[: index + 1])
    _assign(node, parts[-1], parse_value(raw), parts)
    return ".".join(parts)


def _step(node: Any, part: str, where: list[str]) -> Any:
    if isinstance(node, list):
        position = _index(node, part, where)
        return node[position]
    if not isinstance(node, dict):
        raise OverrideError(f"{'.'.join(where[:-1])} is not an object")
    child = node.get(part)
    if child is None:
        child = node[part] = {}
    if not isinstance(child, (dict, list)):
        raise OverrideError(f"{'.'.join(where)} is a {type(child).__name__}, not an object")
    return child


def _assign(node: Any, part: str, value: Any, where: list[str]) -> None:
    if isinstance(node, list):
        node[_index(node, part, where)] = value
    elif isinstance(node, dict):
        node[part] = value
    else:  # pragma: no cover - _step only returns dicts and lists
        raise OverrideError(f"{'.'.join(where[:-1])} is not an object")


def _index(node: list[Any], part: str, where: list[str]) -> int:
    if not part.isdigit() or int(part) >= len(node):
        raise OverrideError(f"{'.'.join(where)}: {part!r} is not an index of a list of {len(node)}")
    return int(part)
