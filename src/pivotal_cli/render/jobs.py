"""Import jobs as people see them: the `import list` table and the `import status` record.

Pipes keep their tab-separated lines (the command writes them); these are for a
terminal only, drawn through `render/table.py` like every list, the job id whole and
the state coloured (finished, unfinished, damaged).
"""

from __future__ import annotations

from typing import Any

from pivotal_cli.render.columns import Column
from pivotal_cli.render.views import flag, plain, styled


def _failed(row: dict[str, Any]) -> str:
    count = row.get("failed")
    return f"[red]{count}[/]" if count else plain(count)


JOB_COLUMNS = [
    Column("job", "JOB", fixed=True),
    Column("resource", "RESOURCE"),
    Column("mode", "MODE"),
    Column("rows", "ROWS", justify="right"),
    Column("failed", "FAILED", human=_failed, justify="right"),
    Column("state", "STATE", human=lambda r: styled(r.get("state"))),
]


def job_rows(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each job's summary with the state the table shows; a damaged job says why."""
    shown = []
    for row in found:
        if "error" in row:
            shown.append({"job": row["job"], "state": "damaged", "resource": row["error"]})
        else:
            shown.append({**row, "state": "finished" if row["finished"] else "unfinished"})
    return shown


def status_record(result: dict[str, Any]) -> tuple[dict[str, Any], list[Column]]:
    """`import status` as a record: the counts, finished as yes/no, the result files."""
    files = result.get("results") or {}
    row = {k: v for k, v in result.items() if k != "results"}
    for side, path in files.items():
        row[f"{side} file"] = path
    fields = [
        Column(key, key, human=flag(key) if isinstance(value, bool) else None)
        for key, value in row.items()
    ]
    return row, fields
