"""What a resource handler gets: the transaction, the caller, the time, the request parts."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pivotal_cli.sandbox.data.ids import CuidFactory


@dataclass(frozen=True)
class Caller:
    """The authenticated key and its workspace."""

    key_id: str
    key_name: str
    key_prefix: str
    mode: str
    workspace_id: str
    workspace_slug: str
    workspace_name: str


@dataclass(frozen=True)
class Ctx:
    """One request inside its transaction."""

    tx: sqlite3.Connection
    caller: Caller
    now_us: int
    ids: CuidFactory
    params: Mapping[str, str]
    query: Mapping[str, str]
    body: Mapping[str, Any]
    raw_body: bytes = b""
    # Ids of the webhook deliveries this request queued, so the core can wake the worker.
    queued: list[str] = field(default_factory=list)

    @property
    def workspace_id(self) -> str:
        return self.caller.workspace_id

    def event(
        self,
        kind: str,
        *,
        customer_id: str,
        contact_id: str | None = None,
        onboarding_id: str | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> None:
        """Appends a timeline event; the actor is the calling key's name, as in the docs."""
        record_event(
            self.tx,
            workspace_id=self.workspace_id,
            at_us=self.now_us,
            kind=kind,
            actor=self.caller.key_name,
            mode=self.caller.mode,
            customer_id=customer_id,
            contact_id=contact_id,
            onboarding_id=onboarding_id,
            data=data,
        )

    def fire(
        self,
        resource: str,
        action: str,
        before: dict[str, Any] | None,
        after: dict[str, Any],
    ) -> None:
        """Stores the webhook events of a write (its record as rendered before and after),
        and queues their deliveries, in this request's transaction."""
        # Imported here: the webhooks package builds on the engine, not the other way.
        from pivotal_cli.sandbox.webhooks.outbox import fire

        self.queued.extend(
            fire(
                self.tx,
                workspace_id=self.workspace_id,
                mode=self.caller.mode,
                now_us=self.now_us,
                resource=resource,
                action=action,
                before=before,
                after=after,
            )
        )


Reply = tuple[int, Any]
"""A handler's result: HTTP status and the JSON payload."""


def record_event(
    tx: sqlite3.Connection,
    *,
    workspace_id: str,
    at_us: int,
    kind: str,
    actor: str,
    mode: str | None,
    customer_id: str,
    contact_id: str | None = None,
    onboarding_id: str | None = None,
    data: Mapping[str, Any] | None = None,
) -> None:
    tx.execute(
        "INSERT INTO events (workspace_id, at_us, kind, actor, mode, customer_id, contact_id,"
        " onboarding_id, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            workspace_id,
            at_us,
            kind,
            actor,
            mode,
            customer_id,
            contact_id,
            onboarding_id,
            json.dumps(dict(data or {}), sort_keys=True),
        ),
    )


def record_transition(
    tx: sqlite3.Connection,
    *,
    workspace_id: str,
    onboarding_id: str,
    customer_id: str,
    from_phase: str | None,
    to_phase: str,
    at_us: int,
    actor: str,
) -> None:
    """Appends a phase-transition row (the SLA reports' source in the real product)."""
    tx.execute(
        "INSERT INTO phase_transitions (workspace_id, onboarding_id, customer_id, from_phase,"
        " to_phase, at_us, actor) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (workspace_id, onboarding_id, customer_id, from_phase, to_phase, at_us, actor),
    )
