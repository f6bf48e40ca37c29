"""The bulk tools: an import planned from rows or a file, then applied through `jobs/`,
the same journal, checks, idempotency keys and paced sender threads as `import`.

`plan_import` loads the input into a dry-run journal, reads what exists once, and
says what would be created, updated, left unchanged or refused; the plan it stores
names the input, so `apply_plan` loads it afresh into a real job and sends it. Rows
handed over as an argument are kept as a 0600 JSON-lines file until then.
"""

from __future__ import annotations

import io
import json
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pivotal_cli.agents.reads import choice, text
from pivotal_cli.errors import UsageError

if TYPE_CHECKING:
    from pivotal_cli.agents.session import Session
    from pivotal_cli.jobs.plan import PlannedJob

MAX_ROWS = 1000  # rows an argument may carry; a file may hold more
CONCURRENCY = 4
FILE_FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json"}


def _rows_file(rows: Any) -> str:
    from pivotal_cli.settings.paths import mcp_dir, private_dir, write_private

    if not isinstance(rows, list) or not rows or len(rows) > MAX_ROWS:
        raise UsageError(f"'rows' must be a list of 1 to {MAX_ROWS} objects.")
    if not all(isinstance(row, dict) for row in rows):
        raise UsageError("Every item of 'rows' must be an object of fields.")
    folder = private_dir(mcp_dir() / "imports")
    path = folder / f"rows-{secrets.token_hex(6)}.jsonl"
    write_private(path, "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))
    return str(path)


def _source(arguments: dict[str, Any]) -> tuple[str, str, bool]:
    """The input's path, its format, and whether this server wrote it (from rows)."""
    given = text(arguments, "file", required=False)
    if (given is None) == (arguments.get("rows") is None):
        raise UsageError("Give either 'rows' or 'file'.")
    if given is None:
        return _rows_file(arguments["rows"]), "jsonl", True
    path = Path(given).expanduser()
    fmt = FILE_FORMATS.get(path.suffix.lower())
    if fmt is None or not path.is_file():
        raise UsageError(f"'{given}' is not a .csv, .jsonl or .json file on this machine.")
    return str(path.resolve()), fmt, False


def _jobs(plan: dict[str, Any], *, dry_run: bool) -> list[PlannedJob]:
    from pivotal_cli.jobs.loader import load_jobs
    from pivotal_cli.jobs.plan import Part, Request, plan_jobs

    part = Part(plan["resource"], plan["source"], plan["format"])
    request = Request(mode=plan["mode"], key=plan["key"], dry_run=dry_run)
    jobs = plan_jobs([part], request, bundle=False)
    problems: list[str] = plan.setdefault("problems", [])
    loaded = load_jobs(
        jobs,
        errors_path=None,
        dry_run=dry_run,
        bundle=False,
        on_problem=lambda name, problem: problems.append(problem.line()),
        on_unknown_columns=lambda name, columns: plan.setdefault("unknown_columns", columns),
    )
    plan["problem_count"] = loaded.problems
    return jobs


def plan_import(session: Session, arguments: dict[str, Any]) -> Any:
    from pivotal_cli.agents.writes import planned
    from pivotal_cli.jobs.dry_run import preview_jobs

    resource = choice(arguments, "resource", ("customer", "contact", "onboarding"))
    mode = choice({"mode": arguments.get("mode") or "create"}, "mode", ("create", "upsert"))
    source, fmt, ours = _source(arguments)
    plan: dict[str, Any] = {
        "kind": "import",
        "resource": resource,
        "mode": mode,
        "key": text(arguments, "key", required=False),
        "source": source,
        "format": fmt,
        "ours": ours,
    }
    jobs = _jobs(plan, dry_run=True)
    with session.client() as client:
        report = preview_jobs(jobs, plan["problem_count"], client)
    job = report["jobs"][0]
    summary = (
        f"Import {job['rows']} {resource} rows ({mode}): create {job.get('created', 0)}, "
        f"update {job.get('updated', 0)}, leave {job.get('unchanged', 0)} unchanged; "
        f"{job['invalid']} with problems, {job.get('conflict', 0) + job.get('failed', 0)} "
        "the workspace would refuse"
    )
    shown = {
        "report": report,
        "problems": plan.pop("problems")[:20],
        "unknown_columns": plan.pop("unknown_columns", []),
    }
    return {**planned(session, plan, summary), **shown}


def apply_import(session: Session, plan: dict[str, Any]) -> Any:
    from pivotal_cli.jobs.journal import Journal
    from pivotal_cli.jobs.session import Session as Jobs
    from pivotal_cli.render.output import Output

    jobs = _jobs(plan, dry_run=False)
    journals = [(Journal.open(job.path), job.path) for job in jobs]
    # Progress is drawn nowhere: stdout may be the protocol's own channel.
    quiet = Output(stdout=io.StringIO(), stderr=io.StringIO())
    with session.client() as client:
        sent = Jobs.start(client, journals)
        summaries = sent.run(client, quiet, concurrency=CONCURRENCY, on_report=lambda _: None)
    if plan.get("ours"):
        Path(plan["source"]).unlink(missing_ok=True)
    return {"applied": True, "did": plan["summary"], "jobs": summaries}
