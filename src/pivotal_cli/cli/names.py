"""The customer names a command shows, wired to the id index of its workspace.

`client/customer_names.py` decides how to name customers; this gives it what only the
command knows: the index's names (read here, for the workspace of the last client)
and where a walk of the customers list is remembered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pivotal_cli.cli.context import AppContext
    from pivotal_cli.client.customer_names import CustomerNames
    from pivotal_cli.client.http import Client


def customer_names(app_ctx: AppContext, client: Client) -> CustomerNames:
    """A `CustomerNames` for `client` (made by `app_ctx.client()`), primed by the index."""
    from pivotal_cli.client.customer_names import CustomerNames
    from pivotal_cli.settings import id_index

    target = app_ctx.last_target
    known = id_index.known_customers(target.workspace if target else None)
    return CustomerNames(
        client,
        index=known.names,
        index_age=known.age,
        # The newest customers first, as many as the index keeps.
        remember=lambda walked: app_ctx.remember_ids(walked[: id_index.LIMIT]),
    )
