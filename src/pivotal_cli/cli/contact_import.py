"""`pivotal contacts import`: add a pasted list of contacts to one customer.

Read the paste (a file, or stdin), check every row (`domain/contact_paste.py`), show
a preview that flags the rows to skip and the one that becomes primary, ask, then
create the good rows one by one, each with an idempotency key derived from the
customer and the row, so a repeated paste replays instead of duplicating.

The primary rule: when the customer has no primary contact, the first good row is
sent with `is_primary: true`. When its primary is one of the pasted emails (the paste
ran before), that row is sent as primary again, so a re-run sends the same bodies.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pivotal_cli.cli.context import AppContext
    from pivotal_cli.domain.contact_paste import PastedContact
    from pivotal_cli.domain.records import Record


def read_paste(app_ctx: AppContext, source: str | None) -> list[str]:
    """The lines of FILE, or of stdin for `-` or no FILE."""
    from pivotal_cli.errors import UsageError

    out = app_ctx.output
    if source is None or source == "-":
        if source is None and out.interactive:
            out.info("Paste the contacts, one a line: name, email, title. End with Ctrl-D.")
        return out.stdin.read().splitlines()
    try:
        return Path(source).read_text(encoding="utf-8-sig").splitlines()
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
    from pivotal_cli.errors import ConflictError, UsageError

    out = app_ctx.output
    rows = parse(read_paste(app_ctx, source))
    if not rows:
        raise UsageError("The paste holds no contacts: one a line, as name, email, title.")
    good = [row for row in rows if row.ok]
    target = app_ctx.target()
    with app_ctx.client(target=target) as client:
        customer = customers.get(client, customer_ref)
        cid = str(customer["id"])
        primary = _primary_row(good, contacts.list_for(client, cid))
        label = f"{customer.get('name')} (#{customer.get('display_id')})"
        if json_ and dry_run:
            out.json([{**row.as_json(), "is_primary": row is primary} for row in rows])
        elif not json_:
            _preview(app_ctx, rows, primary)
        for row in rows:
            if not row.ok:
                out.warn(f"Skipping line {row.line}: {'; '.join(row.problems)}.")
        if not good:
            raise UsageError(f"None of the {len(rows)} contacts can be added: fix them first.")
        if dry_run:
            out.info(f"Dry run: {_count(len(good))} would be added to {label}; nothing was sent.")
            return
        app_ctx.mark_target(target)
        out.confirm(f"Add {_count(len(good))} to {label}?", assume_yes=yes)
        created: list[Record] = []
        replayed = 0
        existing: list[PastedContact] = []
        for row in good:
            try:
                result = contacts.create(
                    client,
                    cid,
                    row.body(primary=row is primary),
                    idempotency_key=row.idempotency_key(cid),
                )
            except ConflictError as exc:
                # Added before: by hand, or by this paste more than 24 hours ago (or,
                # for a reused key, with another primary choice).
                if exc.code not in ("email_taken", "idempotency_key_reused"):
                    raise
                existing.append(row)
                continue
            created.append(result.record())
            replayed += result.replayed
    for row in existing:
        out.info(f"Line {row.line}: {row.email} is already a contact of {label}; skipped.")
    if json_:
        out.json(created)
    again = f" ({replayed} replayed from an earlier run with the same lines)" if replayed else ""
    out.success(f"Added {_count(len(created))} to {label}{again}.")


def _primary_row(good: list[PastedContact], existing: list[Record]) -> PastedContact | None:
    """The row sent with `is_primary: true`, if any.

    When the customer's primary is one of the pasted emails (this paste ran before),
    that row again, so a re-run sends the same bodies whatever the order of the lines;
    when the customer has no primary, the first good row; otherwise none.
    """
    current = next(
        (str(c.get("email", "")).lower() for c in existing if c.get("is_primary") is True), None
    )
    if current is None:
        return good[0] if good else None
    return next((row for row in good if row.email.lower() == current), None)


def _count(n: int) -> str:
    return f"{n} contact" if n == 1 else f"{n} contacts"


def _preview(app_ctx: AppContext, rows: list[PastedContact], primary: Any) -> None:
    from pivotal_cli.render.columns import Column
    from pivotal_cli.render.formats import Format

    def status(row: PastedContact) -> str:
        if not row.ok:
            return "skip: " + "; ".join(row.problems)
        return "add as primary" if row is primary else "add"

    table = [
        {
            "line": row.line,
            "name": row.name,
            "email": row.email,
            "title": row.title,
            "status": status(row),
        }
        for row in rows
    ]
    columns = [
        Column("line", "LINE", justify="right"),
        Column("name", "NAME"),
        Column("email", "EMAIL"),
        Column("title", "TITLE"),
        Column("status", "STATUS"),
    ]
    app_ctx.output.rows(table, columns, Format.table)
