"""The record of webhook deliveries `pivotal webhooks listen` received, for `log` and `replay`.

One JSON Lines file per workspace in the state directory (`settings/paths.py`;
`PIVOTAL_STATE_DIR` overrides it): `webhooks/<workspace>.jsonl`, directory 0700 and file
0600 (`settings.paths.append_private`), because bodies hold customer data. Each line is
one delivery with its raw body and headers (`body` as text, or base64 with `body_base64:
true` when it is not UTF-8), so a replay sends the same bytes. Only the last `LIMIT` are
kept: the file is trimmed to them when it grows `SLACK` lines past, so an append is
cheap and the file stays small.

Credentials a tunnel or proxy may have added (`Authorization`, `Cookie`, …) are not
recorded. A failure to record never fails a delivery: `Recorder.add` swallows it.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pivotal_cli.domain.bounded import InputTooLarge, loads
from pivotal_cli.errors import UnknownRecordError
from pivotal_cli.settings.paths import append_private, safe_name, webhooks_dir, write_private

LIMIT = 1000
SLACK = 100
_NOT_RECORDED = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key"})


def log_path(workspace: str) -> Path:
    # A slug is a file name here: keep it to one harmless path component.
    return webhooks_dir() / f"{safe_name(workspace)}.jsonl"


@dataclass(frozen=True)
class Recorded:
    """One recorded delivery."""

    received_at: str
    msg_id: str | None
    event_id: str | None
    type: str | None
    verdict: str
    status: int
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def to_json(self) -> dict[str, Any]:
        try:
            text, encoded = self.body.decode("utf-8"), False
        except UnicodeDecodeError:
            text, encoded = base64.b64encode(self.body).decode("ascii"), True
        return {
            "received_at": self.received_at,
            "msg_id": self.msg_id,
            "event_id": self.event_id,
            "type": self.type,
            "verdict": self.verdict,
            "status": self.status,
            "path": self.path,
            "headers": [[name, value] for name, value in self.headers],
            "body": text,
            "body_base64": encoded,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Recorded:
        raw = str(data.get("body") or "")
        body = base64.b64decode(raw) if data.get("body_base64") else raw.encode("utf-8")
        return cls(
            received_at=str(data.get("received_at") or ""),
            msg_id=data.get("msg_id"),
            event_id=data.get("event_id"),
            type=data.get("type"),
            verdict=str(data.get("verdict") or ""),
            status=int(data.get("status") or 0),
            path=str(data.get("path") or "/"),
            headers=tuple((str(n), str(v)) for n, v in data.get("headers") or ()),
            body=body,
        )


def kept_headers(headers: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple((n, v) for n, v in headers if n.lower() not in _NOT_RECORDED)


class Recorder:
    """Appends deliveries to a workspace's log from many threads; trims it as it grows."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._lines: int | None = None
        self.failed: str | None = None  # why the last write failed, if it did

    def add(self, record: Recorded) -> None:
        line = json.dumps(record.to_json(), ensure_ascii=False, separators=(",", ":")) + "\n"
        with self._lock:
            try:
                self._append(line)
                self.failed = None
            except OSError as error:
                self.failed = f"{self.path}: {error.strerror or error}"

    def _append(self, line: str) -> None:
        if self._lines is None:
            self._lines = len(_read_lines(self.path))
        append_private(self.path, line)
        self._lines += 1
        if self._lines > LIMIT + SLACK:
            kept = _read_lines(self.path)[-LIMIT:]
            write_private(self.path, "".join(kept))
            self._lines = len(kept)


def _read_lines(path: Path) -> list[str]:
    try:
        # A byte that is not UTF-8 (a damaged line) must not stop the rest being read.
        with path.open(encoding="utf-8", errors="replace") as handle:
            return [line for line in handle if line.strip()]
    except FileNotFoundError:
        return []
    except OSError as error:
        from pivotal_cli.errors import LocalFileError

        raise LocalFileError.from_os_error(error, path) from None


@dataclass(frozen=True)
class Log:
    """What a delivery log holds: its records, oldest first, and how many lines were
    damaged (not JSON, or not a delivery) and skipped."""

    records: list[Recorded]
    damaged: int


def read(path: Path) -> list[Recorded]:
    """Every recorded delivery, oldest first; lines that are not one are skipped."""
    return read_log(path).records


def read_log(path: Path) -> Log:
    """Every recorded delivery, oldest first; lines that are not one are counted."""
    found, damaged = [], 0
    for line in _read_lines(path):
        try:
            data = loads(line, str(path))
            if not isinstance(data, dict) or not data.get("received_at") or not data.get("verdict"):
                raise ValueError("not a recorded delivery")
            found.append(Recorded.from_json(data))
        except (ValueError, TypeError, binascii.Error, InputTooLarge):
            damaged += 1
    return Log(found, damaged)


def choose(
    recorded: list[Recorded], ids: Iterable[str], last: int | None, workspace: str
) -> list[Recorded]:
    """The deliveries named by event or delivery id (the latest of each), then the
    `last` most recent; `UnknownRecordError` for an id never recorded, or for none."""
    chosen = []
    for wanted in ids:
        match = [r for r in recorded if wanted in (r.msg_id, r.event_id)]
        if not match:
            raise UnknownRecordError(
                f"No recorded delivery has the id {wanted} (workspace {workspace}).",
                reason="delivery_not_recorded",
            )
        chosen.append(match[-1])
    if last is not None:
        chosen.extend(recorded[-last:])
    if not chosen:
        raise UnknownRecordError(
            f"No deliveries are recorded for workspace {workspace}.",
            reason="delivery_not_recorded",
        )
    return chosen
