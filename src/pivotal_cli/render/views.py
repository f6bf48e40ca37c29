"""How each resource looks to people: columns for lists, fields for one record.

Every field of a resource's schema is a column; the tables below only say which
fields have a header or a rendering of their own.

Terminal text may carry Rich markup (colour); the raw value of each column is what
plain, CSV and `--columns` output use, so scripts always see the API's own values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

from pivotal_cli.domain import schema
from pivotal_cli.render.columns import Column

# One style per value, wherever it shows (lists, records, `status`, `dash`): each phase
# its own colour, and the states and statuses that need attention told apart
# (`at_risk` red, `paused` yellow, `waiting` magenta). No value means two things.
STATUS_STYLES = {
    # customer status
    "active": "green",
    "onboarding": "cyan",
    "at_risk": "red",
    "churned": "bright_black",
    "low_touch": "blue",
    # onboarding state (active and at_risk above)
    "paused": "yellow",
    "waiting": "magenta",
    # import jobs, webhook endpoints and deliveries
    "finished": "green",
    "unfinished": "yellow",
    "damaged": "red",
    "enabled": "green",
    "disabled": "red",
    "succeeded": "green",
    "failed": "red",
    "pending": "yellow",
    # onboarding phase, in workflow order
    "before_getting_started": "bright_black",
    "program_design": "blue",
    "review": "bright_magenta",
    "program_buildout": "cyan",
    "internal_qa": "bright_yellow",
    "launch": "bold green",
    "completed": "green",
}


def styled(value: Any) -> str:
    from rich.markup import escape

    text = "" if value is None else str(value)
    style = STATUS_STYLES.get(text)
    return f"[{style}]{escape(text)}[/]" if style else escape(text)


def plain(value: Any) -> str:
    """A value from the API as literal terminal text: brackets are not markup."""
    from rich.markup import escape

    return "" if value is None else escape(str(value))


def listed(values: Any) -> str:
    """A list of strings (labels) as `a, b`, each shown literally."""
    return ", ".join(plain(v) for v in values or [])


def money(cents: Any) -> str:
    if not isinstance(cents, int):
        return ""
    return f"${cents / 100:,.2f}"


RELATIVE_DAYS = 30


def _parse(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def ago(value: Any, now: datetime | None = None) -> str:
    """`5m ago`, `3h ago`, `12d ago` (ahead: `in 5m`) within 30 days; else the date.

    The one rule for every moment a terminal shows; JSON and pipes keep the exact ISO.
    """
    moment = _parse(value)
    if moment is None:
        return plain(value)
    now = now or datetime.now(timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    seconds = (now - moment).total_seconds()
    if abs(seconds) > RELATIVE_DAYS * 86400:
        return moment.strftime("%Y-%m-%d")
    for size, unit in ((86400, "d"), (3600, "h"), (60, "m")):
        if abs(seconds) >= size:
            amount = f"{int(abs(seconds) // size)}{unit}"
            return f"{amount} ago" if seconds > 0 else f"in {amount}"
    return "just now"


def day(value: Any) -> str:
    moment = _parse(value)
    return moment.strftime("%Y-%m-%d") if moment else plain(value)


def yes_no(value: Any) -> str:
    """Every boolean, in every table and record, reads `yes` or `no`."""
    if value is None:
        return ""
    return "yes" if value else "no"


def is_date_only(name: str) -> bool:
    # The schema types calendar dates as date-time too (midnight UTC); their names
    # say which they are, and a time of day on them would be noise.
    return name.endswith("_date")


def moment(name: str) -> Callable[[dict[str, Any]], str]:
    """The one rendering of a date-time field: a date for calendar dates, else `5m ago`."""
    if is_date_only(name):
        return lambda r: day(r.get(name))
    return lambda r: ago(r.get(name))


def flag(name: str) -> Callable[[dict[str, Any]], str]:
    return lambda r: yes_no(r.get(name))


def is_identifier(name: str) -> bool:
    return name in ("id", "display_id", "slug") or name.endswith("_id")


def columns_for(resource: str, shown: dict[str, Column]) -> list[Column]:
    """A column for every field of the resource's schema, in schema order.

    `shown` gives the fields people see with a header or rendering of their own; any
    other field is a column under its API name, rendered by its type, so a field added
    to the schema can be asked for with `--columns` at once.
    """
    columns = []
    for spec in schema.fields(resource):
        if spec.name == "object":
            continue
        columns.append(shown.get(spec.name) or _by_type(spec))
    return columns


def _by_type(spec: schema.Field) -> Column:
    name = spec.name
    if spec.is_datetime:
        return Column(name, name.upper(), human=moment(name))
    if spec.type == "boolean":
        return Column(name, name.upper(), human=flag(name))
    if spec.type == "integer":
        return Column(name, name.upper(), justify="right", fixed=is_identifier(name))
    return Column(name, name.upper(), fixed=is_identifier(name))


def with_customer_names(
    columns: Sequence[Column], name_of: Callable[[str], str | None]
) -> list[Column]:
    """The columns with `customer_id` shown, on a terminal, as the customer's name.

    Its raw value (plain, CSV, `--columns`) stays the API's id; `name_of` is asked
    only when a terminal draws the cell, and answers None when it cannot tell.
    """

    def name(row: dict[str, Any]) -> str:
        cid = row.get("customer_id")
        if not cid:
            return ""
        return plain(name_of(str(cid)) or cid)

    return [replace(c, human=name, fixed=False) if c.key == "customer_id" else c for c in columns]


CUSTOMER_COLUMNS = columns_for(
    "customer",
    {
        "display_id": Column("display_id", "ID", justify="right", fixed=True),
        "name": Column("name", "NAME"),
        "slug": Column("slug", "SLUG", fixed=True),
        "status": Column("status", "STATUS", human=lambda r: styled(r.get("status"))),
        "plan": Column("plan", "PLAN"),
        "mrr": Column(
            "mrr", "MRR", human=lambda r: money(r.get("mrr")), justify="right", fixed=True
        ),
        "domain": Column("domain", "DOMAIN"),
        "created_at": Column("created_at", "CREATED", human=moment("created_at")),
        "updated_at": Column("updated_at", "UPDATED", human=moment("updated_at")),
        "id": Column("id", "CUID", fixed=True),
    },
)
CUSTOMER_DEFAULT = ["display_id", "name", "slug", "status", "plan", "mrr", "created_at"]

CONTACT_COLUMNS = columns_for(
    "contact",
    {
        "display_id": Column("display_id", "ID", justify="right", fixed=True),
        "name": Column("name", "NAME"),
        "email": Column("email", "EMAIL"),
        "title": Column("title", "TITLE"),
        "is_primary": Column("is_primary", "PRIMARY", human=flag("is_primary")),
        "labels": Column("labels", "LABELS", human=lambda r: listed(r.get("labels"))),
        "created_at": Column("created_at", "CREATED", human=moment("created_at")),
        "customer_id": Column("customer_id", "CUSTOMER", fixed=True),
        "id": Column("id", "CUID", fixed=True),
    },
)
CONTACT_DEFAULT = ["display_id", "name", "email", "title", "is_primary", "labels"]

ONBOARDING_COLUMNS = columns_for(
    "onboarding",
    {
        "display_id": Column("display_id", "ID", justify="right", fixed=True),
        "customer_id": Column("customer_id", "CUSTOMER", fixed=True),
        "phase": Column("phase", "PHASE", human=lambda r: styled(r.get("phase"))),
        "state": Column("state", "STATE", human=lambda r: styled(r.get("state"))),
        "waiting_on_customer": Column(
            "waiting_on_customer", "WAITING", human=flag("waiting_on_customer")
        ),
        "target_launch_date": Column(
            "target_launch_date", "TARGET LAUNCH", human=moment("target_launch_date")
        ),
        "started_at": Column("started_at", "STARTED", human=moment("started_at")),
        "completed_at": Column("completed_at", "COMPLETED", human=moment("completed_at")),
        "updated_at": Column("updated_at", "UPDATED", human=moment("updated_at")),
        "csm_id": Column("csm_id", "CSM", fixed=True),
        "id": Column("id", "CUID", fixed=True),
    },
)
ONBOARDING_DEFAULT = [
    "display_id",
    "customer_id",
    "phase",
    "state",
    "target_launch_date",
    "updated_at",
]


def record_fields(row: dict[str, Any], columns: Sequence[Column]) -> list[Column]:
    """Every field of one object, known ones with their human rendering, in API order."""
    known = {c.key: c for c in columns}
    fields = []
    for key in row:
        if key == "object":
            continue
        col = known.get(key) or Column(key, key)
        human = col.human
        if human is None and isinstance(row[key], bool):
            human = flag(key)  # a field outside the schema still reads like the table
        fields.append(Column(col.key, key, human=human))
    return fields
