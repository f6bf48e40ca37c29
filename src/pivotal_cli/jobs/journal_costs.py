"""What a journal's open rows cost beyond one request each, counted in SQL.

A part of `Journal` (its base class), kept apart so the journal module stays small:
the preflight estimate asks it before sending, and no row's plan is decoded for it.
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

EXTRA_SQL = (
    "SELECT"
    " count(CASE WHEN json_extract(plan, '$.after_create') NOT IN ('{}', '') THEN 1 END),"
    " count(CASE WHEN json_extract(plan, '$.customer[0]') NOT IN ('id', 'display_id')"
    " THEN 1 END)"
    " FROM rows WHERE status IN ({marks})"
)


class CostQueries:
    """The journal's cost questions; `Journal` supplies the connection and its lock."""

    _conn: sqlite3.Connection
    if TYPE_CHECKING:

        def flush(self) -> None: ...

        def _locked(self) -> AbstractContextManager[None]: ...

    def open_extra_requests(self) -> tuple[int, int]:
        """Open rows with fields to PATCH after their create, and open rows naming their
        customer by a key that has to be looked up (not an id)."""
        from pivotal_cli.jobs.journal import OPEN

        self.flush()
        sql = EXTRA_SQL.replace("{marks}", ",".join("?" * len(OPEN)))
        with self._locked():
            patches, lookups = self._conn.execute(sql, OPEN).fetchone()
        return int(patches), int(lookups)
