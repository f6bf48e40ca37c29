"""Demo data: deterministic (one seeded generator), realistic, covering every enum value.

`acme` gets 36 customers across every status, one to three contacts each with exactly
one primary, 24 onboardings across every phase and state (waiting ones waiting on the
customer, completed ones with `completed_at`), a phase history for each, and a few
soft-deleted rows of every kind. `globex` gets a handful of its own. Creation times are
spread over the last six months before "now", so pagination has something to walk.
The same seed and the same clock give the same ids and the same rows.
"""

from __future__ import annotations

import itertools
import random
import sqlite3
import string
from typing import Any

from . import contacts, customers, onboardings
from .context import record_event, record_transition
from .ids import CuidFactory

SEEDS = ("demo", "empty")
ACTOR = "seed"

_DAY_US = 86_400 * 1_000_000
_ACME = (
    "Aurora Outfitters", "Birchwood Coffee Roasters", "Cobalt Cycles", "Dune & Dune Apparel",
    "Evergreen Pet Supply", "Fable Bookshop", "Granite Peak Gear", "Harbor Candle Co.",
    "Indigo Loom", "Juniper Skincare", "Kestrel Audio", "Lumen Lighting",
    "Maple Street Bakery", "Nimbus Outdoor", "Orchard Tea House", "Pinecrest Home",
    "Quill & Ink Stationery", "Riverbend Provisions", "Saltwater Surf Shop",
    "Tidewater Ceramics", "Umber Leather Goods", "Velvet Fern Florals", "Willow & Wren Kids",
    "Xeno Games", "Yarrow Botanicals", "Zephyr Running", "Alpine Honey Co.",
    "Brightside Vitamins", "Copperleaf Kitchen", "Driftwood Denim", "Ember Hot Sauce",
    "Foxglove Jewelry", "Golden Hour Sunglasses", "Hearth & Hive", "Ironclad Fitness",
    "Jade Garden Wellness",
)  # fmt: skip
_GLOBEX = ("Initech Supply", "Vandelay Imports", "Hooli Home", "Soylent Foods", "Umbrella Goods")
_FIRST = ("Mira", "Jonah", "Priya", "Lucas", "Amara", "Theo", "Sofia", "Kenji", "Nadia", "Omar")
_LAST = ("Chen", "Okafor", "Patel", "Moreau", "Silva", "Novak", "Haddad", "Kim", "Reyes", "Berg")
_TITLES = ("Head of Ops", "Founder", "E-commerce Manager", "CTO", "Marketing Lead", None)
_LABELS = ("billing", "technical", "executive", "marketing")
_PLANS = ("starter", "growth", "plus", "enterprise", None)
_SOURCES = ("outbound_email", "partner_referral", "inbound_demo", "conference")
_STAFF = ("usr_ana", "usr_ben", "usr_cleo", "usr_dev", None)


def seed_data(tx: sqlite3.Connection, seed: str, workspaces: dict[str, str], now_us: int) -> None:
    """Fills a store with the named seed (`empty` adds nothing)."""
    if seed == "empty":
        return
    rng = random.Random(20260526)
    ids = CuidFactory(random.Random(rng.getrandbits(64)))
    _seed_workspace(tx, workspaces["acme"], _ACME, rng, ids, now_us, onboarded=24, deleted=2)
    _seed_workspace(tx, workspaces["globex"], _GLOBEX, rng, ids, now_us, onboarded=2, deleted=0)


def _seed_workspace(
    tx: sqlite3.Connection,
    workspace_id: str,
    names: tuple[str, ...],
    rng: random.Random,
    ids: CuidFactory,
    now_us: int,
    *,
    onboarded: int,
    deleted: int,
) -> None:
    ages = sorted((rng.randrange(2 * _DAY_US, 180 * _DAY_US) for _ in names), reverse=True)
    statuses = [customers.STATUSES[i % len(customers.STATUSES)] for i in range(len(names))]
    rng.shuffle(statuses)
    rows = []
    for name, age, status in zip(names, ages, statuses, strict=True):
        created = now_us - age
        row = customers.insert(
            tx, workspace_id, _customer_values(name, status, rng), ids=ids, created_us=created
        )
        _event(tx, workspace_id, "customer.created", created, customer_id=row["id"])
        _seed_contacts(tx, workspace_id, row, rng, ids, created)
        rows.append(row)
    for index, row in enumerate(rows[:onboarded]):
        _seed_onboarding(tx, workspace_id, row, index, rng, ids, now_us)
    _soft_delete(tx, workspace_id, rows, deleted, now_us)


def _customer_values(name: str, status: str, rng: random.Random) -> dict[str, Any]:
    slug = "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-")
    slug = "-".join(part for part in slug.split("-") if part)
    values: dict[str, Any] = {
        "name": name,
        "slug": slug,
        "domain": slug.replace("-", "") + rng.choice((".com", ".co", ".shop")),
        "status": status,
        "plan": rng.choice(_PLANS),
        "mrr": rng.randrange(9_900, 2_500_000, 100) if rng.random() < 0.85 else None,
        "monthly_orders": rng.randrange(40, 60_000) if rng.random() < 0.7 else None,
    }
    if rng.random() < 0.6:
        values["hubspot_company_id"] = str(rng.randrange(10**9, 10**10))
        values["hubspot_deal_id"] = str(rng.randrange(10**9, 10**10))
    if rng.random() < 0.5:
        values["stripe_customer_id"] = "cus_" + _token(rng, 14)
    if rng.random() < 0.3:
        values["intercom_company_id"] = _token(rng, 24).lower()
    if rng.random() < 0.4:
        values["slack_channel_id"] = "C0" + _token(rng, 9).upper()
    if rng.random() < 0.5:
        values["metadata"] = {
            "lead_source": rng.choice(_SOURCES),
            "hubspot_owner_id": str(rng.randrange(1000, 9999)),
            "annual_contract_value_cents": rng.randrange(100_000, 5_000_000, 1000),
        }
    return values


def _seed_contacts(
    tx: sqlite3.Connection,
    workspace_id: str,
    customer: sqlite3.Row,
    rng: random.Random,
    ids: CuidFactory,
    created: int,
) -> None:
    people = rng.sample(range(len(_FIRST)), rng.randint(1, 3))
    primary = rng.randrange(len(people))
    for position, person in enumerate(people):
        first, last = _FIRST[person], _LAST[rng.randrange(len(_LAST))]
        title = rng.choice(_TITLES)
        values = {
            "name": f"{first} {last}",
            "email": f"{first.lower()}.{last.lower()}@{customer['domain']}",
            "is_primary": position == primary,
            "labels": rng.sample(_LABELS, rng.randint(0, 2)),
            **({"title": title} if title else {}),
        }
        at = created + (position + 1) * 3_600_000_000
        row = contacts.insert(tx, workspace_id, customer["id"], values, ids=ids, created_us=at)
        _event(
            tx,
            workspace_id,
            "contact.created",
            at,
            customer_id=customer["id"],
            contact_id=row["id"],
        )


def _seed_onboarding(
    tx: sqlite3.Connection,
    workspace_id: str,
    customer: sqlite3.Row,
    index: int,
    rng: random.Random,
    ids: CuidFactory,
    now_us: int,
) -> None:
    phases = onboardings.PHASES
    phase = phases[index % len(phases)]
    state = onboardings.STATES[index % len(onboardings.STATES)]
    start = customer["created_us"] + _DAY_US
    values: dict[str, Any] = {
        "state": "active",
        "template_id": rng.choice(("tpl_standard", "tpl_enterprise", None)),
        "target_launch_date": (start // _DAY_US + rng.randint(30, 90)) * _DAY_US,
        "csm_id": rng.choice(_STAFF),
        "se_id": rng.choice(_STAFF),
        "notes": rng.choice(("Kickoff call booked.", "Waiting on brand assets.", None)),
        "reminder_frequency_days": rng.choice((1, 1, 2, 7)),
        "wizard_completed_us": start + _DAY_US // 2 if index % 3 else None,
    }
    row = onboardings.insert(
        tx, workspace_id, customer["id"], values, ids=ids, created_us=start, actor=ACTOR
    )
    refs = {"customer_id": customer["id"], "onboarding_id": row["id"]}
    _event(tx, workspace_id, "onboarding.created", row["created_us"], **refs)
    steps = phases[: phases.index(phase) + 1]
    at = row["created_us"]
    for before, after in itertools.pairwise(steps):
        at = min(at + rng.randint(1, 10) * _DAY_US, now_us - 1)
        record_transition(
            tx, workspace_id=workspace_id, from_phase=before, to_phase=after, at_us=at,
            actor=ACTOR, **refs,
        )  # fmt: skip
        _event(tx, workspace_id, "onboarding.phase_changed", at, **refs, data={"to": after})
    tx.execute(
        "UPDATE onboardings SET phase = ?, state = ?, waiting_on_customer = ?,"
        " waiting_since_us = ?, completed_us = ?, updated_us = ? WHERE id = ?",
        (
            phase,
            state,
            int(state == "waiting"),
            at if state == "waiting" else None,
            at if phase == "completed" else None,
            max(at, row["updated_us"]),
            row["id"],
        ),
    )


def _soft_delete(
    tx: sqlite3.Connection, workspace_id: str, rows: list[sqlite3.Row], count: int, now_us: int
) -> None:
    """Deletes `count` customers with no onboardings, `count` contacts and onboardings."""
    if count == 0:
        return
    at = now_us - _DAY_US
    for row in rows[-count:]:
        tx.execute("UPDATE customers SET deleted_us = ? WHERE id = ?", (at, row["id"]))
        _event(tx, workspace_id, "customer.deleted", at, customer_id=row["id"])
    for table, kind in (("contacts", "contact"), ("onboardings", "onboarding")):
        victims = tx.execute(
            f"SELECT t.id, t.customer_id FROM {table} t JOIN customers c ON c.id = t.customer_id"
            f" WHERE t.workspace_id = ? AND c.deleted_us IS NULL"
            + (" AND t.is_primary = 0" if table == "contacts" else "")
            + " ORDER BY t.display_id LIMIT ?",
            (workspace_id, count),
        ).fetchall()
        for victim in victims:
            tx.execute(f"UPDATE {table} SET deleted_us = ? WHERE id = ?", (at, victim["id"]))
            _event(
                tx, workspace_id, f"{kind}.deleted", at, customer_id=victim["customer_id"],
                **{f"{kind}_id": victim["id"]},
            )  # fmt: skip


def _event(
    tx: sqlite3.Connection,
    workspace_id: str,
    kind: str,
    at_us: int,
    *,
    customer_id: str,
    contact_id: str | None = None,
    onboarding_id: str | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    record_event(
        tx,
        workspace_id=workspace_id,
        at_us=at_us,
        kind=kind,
        actor=ACTOR,
        mode=None,
        customer_id=customer_id,
        contact_id=contact_id,
        onboarding_id=onboarding_id,
        data=data,
    )


def _token(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(length))
