"""`pivotal contacts import`: add a pasted list of contacts to one customer, worded.

Read the paste (a file, or stdin) and split it (`domain/contact_paste.py`); the job
(`jobs/paste.py`) checks the rows as any imported contact, chooses the primary and
sends them through the import journal. Here: the preview that flags the rows to skip
and the one that becomes primary, the question, and the outcome in words. The rows
are checked twice, into a journal in memory for the preview, and into the job's own
journal once the user said yes, so a refused or dry run leaves no job behind.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from pivotal_cli.cli.context import AppContext
    from pivotal_cli.domain.contact_paste import PastedLine
    from pivotal_cli.domain.importing import Problem
    from pivotal_cli.jobs.paste import PasteResult

# The order a row's problems are told in: by the value they are about.
_FIELD_ORDER = ("", "name", "email", "title")


def read_paste(app_ctx: AppContext, source: str | None) -> list[str]:
    """The lines of FILE, or of stdin for `-` or no FILE (at most 64 MiB in all)."""
    from pivotal_cli.domain import bounded
    from pivotal_cli.errors import UsageError

    out = app_ctx.output
    if source is None or source == "-":
        if source is None and out.interactive:
            out.info("Paste the contacts, one a line: name, email, title. End with Ctrl-D.")
        return str(bounded.read_limited(out.stdin, "stdin")).splitlines()
    try:
        with Path(source).open(encoding="utf-8-sig") as handle:
            return str(bounded.read_limited(handle, source)).splitlines()
    except FileNotFoundError:
        raise UsageError(f"No such file: {source}.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"Cannot read {source}: {exc}.") from None


def run(
    app_ctx: AppContext,
    customer_ref: str,
    source: str | None,
    *,
    yes: bool,
    dry_run: bool,
    json_: bool,
) -> None:
    from pivotal_cli.client import contacts, customers
    from pivotal_cli.domain.contact_paste import parse
    from pivotal_cli.errors import LocalFileError, UsageError
    from pivotal_cli.jobs import paste
    from pivotal_cli.jobs.journal import Journal
    from pivotal_cli.jobs.results import finish_if_done

    out = app_ctx.output
    lines = parse(read_paste(app_ctx, source), source if source not in (None, "-") else "stdin")
    if not lines:
        raise UsageError("The paste holds no contacts: one a line, as name, email, title.")
    target = app_ctx.target()
    with app_ctx.client(target=target) as client:
        customer = customers.get(client, customer_ref)
        cid = str(customer["id"])
        existing = contacts.list_for(client, cid)
        primary_email = paste.current_primary(existing)
        # Lines whose email the customer has already (an earlier run of this paste, or
        # added by hand): the preview says so, and a paste of nothing else sends nothing.
        known = {str(c.get("email") or "").lower() for c in existing}
        spec = paste.paste_spec(cid, source)
        with Journal(":memory:") as checked:
            found: defaultdict[int, list[Problem]] = defaultdict(list)
            primary = paste.load_paste(
                checked,
                spec,
                lines,
                cid,
                primary_email,
                on_problem=lambda p: found[p.row].append(p),
            )
        problems = {pasted.line: _worded(pasted, found[pasted.line], lines) for pasted in lines}
        there = {p.line for p in lines if p.email.lower() in known and not problems[p.line]}
        label = f"{customer.get('name')} (#{customer.get('display_id')})"
        if json_ and dry_run:
            out.json([_as_json(pasted, problems, primary, there) for pasted in lines])
        elif not json_:
            _preview(app_ctx, lines, problems, primary, there)
        skipped = {line for line, words in problems.items() if words}
        for line in sorted(skipped):
            out.warn(f"Skipping line {line}: {'; '.join(problems[line])}.")
        good = len(lines) - len(skipped)
        if not good:
            raise UsageError(f"None of the {len(lines)} contacts can be added: fix them first.")
        if good == len(there):
            out.info(f"Nothing new: {label} has every contact of the paste already.")
            if json_ and not dry_run:
                out.json([])  # what was added: nothing
            return
        good -= len(there)
        if dry_run:
            out.info(f"Dry run: {_count(good)} would be added to {label}; nothing was sent.")
            return
        app_ctx.mark_target(target)
        out.confirm(f"Add {_count(good)} to {label}?", assume_yes=yes)
        try:
            path = paste.journal_path(spec)
        except OSError as exc:
            raise LocalFileError.from_os_error(exc) from None
        with Journal(path) as journal:
            paste.load_paste(journal, spec, lines, cid, primary_email)
            sent = paste.send_paste(journal, client, skipped)
            finish_if_done(journal, path)
    _tell(app_ctx, sent, lines, label, json_)


def _tell(
    app_ctx: AppContext, sent: PasteResult, lines: list[PastedLine], label: str, json_: bool
) -> None:
    """What the paste added, which lines were there already, and what failed."""
    from pivotal_cli.errors import ExitCode

    out = app_ctx.output
    by_line = {pasted.line: pasted for pasted in lines}
    for n in sent.already_there:
        out.info(f"Line {n}: {by_line[n].email} is already a contact of {label}; skipped.")
    for n, message in sent.failed:
        out.error(f"Line {n}: {message}")
    if json_:
        out.json(sent.created)
    fresh = len(sent.created) - sent.replayed
    if fresh == 0 and not sent.failed:
        out.info(f"Nothing new: {label} has every contact of the paste already.")
    else:
        again = f" ({sent.replayed} more were added by an earlier run with the same lines)"
        out.success(f"Added {_count(fresh)} to {label}{again if sent.replayed else ''}.")
    if sent.failed:
        out.warn(
            f"Finished; some rows failed: {len(sent.failed)} in all (exit {int(ExitCode.PARTIAL)})."
        )
        raise typer.Exit(ExitCode.PARTIAL)


def _worded(pasted: PastedLine, problems: list[Problem], lines: list[PastedLine]) -> list[str]:
    """A row's problems as the preview tells them."""
    if pasted.too_many_values:
        return [
            f"{len(pasted.values)} values where at most 3 fit (quote a value that holds a comma)"
        ]
    ordered = sorted(
        problems,
        key=lambda p: _FIELD_ORDER.index(p.field) if p.field in _FIELD_ORDER else len(_FIELD_ORDER),
    )
    return [_problem_words(pasted, problem, lines) for problem in ordered]


def _problem_words(pasted: PastedLine, problem: Problem, lines: list[PastedLine]) -> str:
    if problem.code == "required":
        return f"missing {problem.field}"
    if problem.code == "invalid_email":
        return f"bad email '{pasted.email}'"
    if problem.code == "duplicate_key":
        email = pasted.email.lower()
        first = next(
            line.line for line in lines if line.email.lower() == email and not line.too_many_values
        )
        return f"same email as line {first}"
    return problem.message


def _count(n: int) -> str:
    return f"{n} contact" if n == 1 else f"{n} contacts"


def _as_json(
    pasted: PastedLine, problems: dict[int, list[str]], primary: int | None, there: set[int]
) -> Any:
    return {
        "line": pasted.line,
        "name": pasted.name,
        "email": pasted.email,
        "title": pasted.title,
        "problems": problems[pasted.line],
        "is_primary": pasted.line == primary,
        "already_a_contact": pasted.line in there,
    }


def _status(
    pasted: PastedLine, problems: dict[int, list[str]], primary: int | None, there: set[int]
) -> str:
    """What the preview says will happen to a line."""
    if problems[pasted.line]:
        return "skip: " + "; ".join(problems[pasted.line])
    if pasted.line in there:
        return "already a contact"
    return "add as primary" if pasted.line == primary else "add"


def _preview(
    app_ctx: AppContext,
    lines: list[PastedLine],
    problems: dict[int, list[str]],
    primary: int | None,
    there: set[int],
) -> None:
    from pivotal_cli.render.columns import Column
    from pivotal_cli.render.formats import Format

    def status(pasted: PastedLine) -> str:
        return _status(pasted, problems, primary, there)

    table = [
        {
            "line": pasted.line,
            "name": pasted.name,
            "email": pasted.email,
            "title": pasted.title,
            "status": status(pasted),
        }
        for pasted in lines
    ]
    columns = [
        Column("line", "LINE", justify="right"),
        Column("name", "NAME"),
        Column("email", "EMAIL"),
        Column("title", "TITLE"),
        Column("status", "STATUS"),
    ]
    app_ctx.output.rows(table, columns, Format.table)
