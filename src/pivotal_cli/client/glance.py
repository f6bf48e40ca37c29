"""The calls behind the workspace-at-a-glance view: one walk of onboardings, names once.

Grouping is `domain/glance.py`'s; this module only fetches, and says how many
requests that took so a live view can pace itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from pivotal_cli.client import onboardings
from pivotal_cli.client.customers import name_lookup
from pivotal_cli.client.http import Client
from pivotal_cli.domain.glance import Glance, Week, glance, refresh_cost

PAGE_SIZE = 100


@dataclass
class Snapshot:
    view: Glance
    name_of: Callable[[str], str | None]
    requests: int  # what this fetch cost, names already known included as free


def fetch(
    client: Client,
    today: date,
    week: Week | None = None,
    name_of: Callable[[str], str | None] | None = None,
    known: set[str] | None = None,
) -> Snapshot:
    """Walk every onboarding once (pages of 100), group, and name the customers shown.

    Pass the previous `name_of` (and the `known` ids it has answered) to reuse names
    across refreshes: a name changes rarely, and each lookup is a request.
    """
    view = glance(onboardings.iter_all(client, page_size=PAGE_SIZE), today, week)
    names = name_of or name_lookup(client)
    seen = known if known is not None else set()
    new = [cid for cid in view.customer_ids() if cid not in seen]
    for customer_id in new:
        names(customer_id)
        seen.add(customer_id)
    return Snapshot(view, names, refresh_cost(view.total, len(new), PAGE_SIZE))
