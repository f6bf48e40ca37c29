"""The calls behind the workspace-at-a-glance view: one walk of onboardings, names once.

Grouping is `domain/glance.py`'s; naming is `client/customer_names.py`'s (the index,
or the cheaper of per-id lookups and a walk of customers). This module fetches, and
says how many requests that took so a live view can pace itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from pivotal_cli.client import onboardings
from pivotal_cli.client.customer_names import CustomerNames
from pivotal_cli.client.http import Client
from pivotal_cli.domain.glance import Glance, Week, glance
from pivotal_cli.domain.records import Record

PAGE_SIZE = 100


@dataclass
class Snapshot:
    view: Glance
    name_of: CustomerNames
    requests: int  # what this fetch cost, as the client counted it


def fetch(
    client: Client, today: date, week: Week | None = None, names: CustomerNames | None = None
) -> Snapshot:
    """Walk every onboarding once (pages of 100), group, and name the customers shown.

    Pass the previous snapshot's `name_of` to reuse names across refreshes: a name
    changes rarely, and each lookup is a request.
    """
    before = client.requests.total
    customers: set[str] = set()
    walk = _noting_customers(onboardings.iter_all(client, page_size=PAGE_SIZE), customers)
    view = glance(walk, today, week)
    names = names or CustomerNames(client)
    # Every onboarding's customer exists: a floor for the size of the customers list.
    names.prefetch(view.customer_ids(), customers_seen=len(customers))
    return Snapshot(view, names, client.requests.total - before)


def server_today(client: Client) -> date | None:
    """The day (UTC) by the server's clock, from `/health`; None when it gives none.

    A sandbox's clock can be moved (`sandbox clock`), and its "this week" and "overdue"
    must follow it, not the machine's.
    """
    from pivotal_cli.client.meta import get_health
    from pivotal_cli.errors import PivotalError

    try:
        body, _ = get_health(client)
    except PivotalError:
        return None
    stamp = body.get("timestamp") if isinstance(body, dict) else None
    if not isinstance(stamp, str):
        return None
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _noting_customers(records: Iterable[Record], into: set[str]) -> Iterator[Record]:
    for record in records:
        into.add(str(record.get("customer_id")))
        yield record
