"""The audit log: one JSON line per tool call, in the state directory, owner-only.

It says who asked what of which workspace and how it ended; no key is ever written
(texts pass through the key redaction, and the key itself is never a field).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pivotal_cli.agents.results import Result
    from pivotal_cli.agents.session import Session


def path() -> Path:
    from pivotal_cli.settings.paths import mcp_dir

    return mcp_dir() / "audit.jsonl"


def record(
    session: Session, tool: str, arguments: dict[str, Any], result: Result, seconds: float
) -> None:
    from pivotal_cli.client.redaction import redact
    from pivotal_cli.settings.paths import append_private

    entry: dict[str, Any] = {
        "at": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
        "tool": tool,
        "arguments": arguments,
        "workspace": session.workspace,
        "mode": session.target.mode,
        "sandbox": session.sandbox,
        "ok": not result.is_error,
        "ms": round(seconds * 1000, 1),
    }
    if result.is_error:
        error = result.structured["error"]
        entry["error"] = {"code": error["code"], "exit_code": error["exit_code"]}
    line = json.dumps(entry, ensure_ascii=False, default=str)
    append_private(path(), redact(line, session.target.api_key) + "\n")
