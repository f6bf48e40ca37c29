"""Plans: a change an agent must look at before it happens (a delete, a live launch, an
import), kept under a short-lived id until `apply_plan` carries it out once.

Plans live in a 0600 file of the state directory, not in the server's memory, so a
plan made over one stateless HTTP request can be applied in the next, or by another
server process of the same user. A plan is bound to the workspace, mode and base URL it
was made for; an expired, unknown or foreign id is refused.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pivotal_cli.errors import UsageError

TTL_SECONDS = 600.0


@dataclass
class PlanStore:
    path: Path
    clock: Callable[[], float] = time.time
    ttl: float = TTL_SECONDS

    @classmethod
    def default(cls) -> PlanStore:
        from pivotal_cli.settings.paths import mcp_dir

        return cls(mcp_dir() / "plans.json")

    def _load(self) -> dict[str, dict[str, Any]]:
        try:
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # absent or damaged: no pending plans
        return loaded if isinstance(loaded, dict) else {}

    def _save(self, plans: dict[str, dict[str, Any]]) -> None:
        from pivotal_cli.settings.paths import private_dir, write_private

        private_dir(self.path.parent)
        write_private(self.path, json.dumps(plans, indent=1))

    def add(self, owner: str, plan: dict[str, Any]) -> tuple[str, float]:
        """Store `plan` for `owner` (workspace, mode and URL); its id and expiry time."""
        now = self.clock()
        plans = {k: v for k, v in self._load().items() if v.get("expires_at", 0) > now}
        plan_id = "plan_" + secrets.token_urlsafe(12)
        expires = now + self.ttl
        plans[plan_id] = {"owner": owner, "expires_at": expires, "plan": plan}
        self._save(plans)
        return plan_id, expires

    def take(self, owner: str, plan_id: str) -> dict[str, Any]:
        """The plan under `plan_id`, removed so it runs once; refused when not valid."""
        plans = self._load()
        entry = plans.pop(str(plan_id), None)
        if entry is None or entry.get("owner") != owner:
            raise UsageError(
                f"No pending plan has the id '{plan_id}': make a new plan.",
                reason="unknown_plan",
            )
        self._save(plans)
        if entry.get("expires_at", 0) <= self.clock():
            raise UsageError(
                f"The plan '{plan_id}' has expired (plans last {int(self.ttl // 60)} minutes): "
                "make a new plan.",
                reason="expired_plan",
            )
        plan: dict[str, Any] = entry["plan"]
        return plan
