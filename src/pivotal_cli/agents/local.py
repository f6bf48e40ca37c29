"""The sandbox tools: its audit trail and a reset, read from and done to the local
sandbox's own database (no request is sent). Listed only when the target is the sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from pivotal_cli.agents.reads import choice, text
from pivotal_cli.errors import UnknownRecordError, UsageError

if TYPE_CHECKING:
    from pivotal_cli.agents.session import Session
    from pivotal_cli.sandbox.engine.core import Sandbox


@contextmanager
def _opened() -> Iterator[Sandbox]:
    from pivotal_cli.sandbox.data.paths import default_db_path
    from pivotal_cli.sandbox.engine.core import opened

    with opened(default_db_path()) as sandbox:
        yield sandbox


def events(session: Session, arguments: dict[str, Any]) -> Any:
    from pivotal_cli.sandbox.resources.timeline import (
        TimelineLookupError,
        list_events,
        list_transitions,
    )

    limit = arguments.get("limit", 50)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 500:
        raise UsageError("'limit' must be a whole number from 1 to 500.")
    reader = list_transitions if arguments.get("transitions") else list_events
    with _opened() as sandbox:
        try:
            return reader(
                sandbox.store,
                workspace=str(session.workspace),
                customer=text(arguments, "customer", required=False),
                onboarding=text(arguments, "onboarding", required=False),
                limit=limit,
            )
        except TimelineLookupError as error:
            raise UnknownRecordError(f"{error}.") from None


def reset(session: Session, arguments: dict[str, Any]) -> Any:
    from pivotal_cli.sandbox.data.timeutil import to_us, utc_now
    from pivotal_cli.sandbox.fixtures.provision import reset as reset_store

    seed = choice({"seed": arguments.get("seed") or "demo"}, "seed", ("demo", "empty"))
    with _opened() as sandbox:
        reset_store(sandbox.store, seed=seed, now_us=to_us(utc_now()))
    return {"reset": True, "seed": seed}
