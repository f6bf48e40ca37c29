"""Options every command shares, defined once as `Annotated` aliases, and `group()`.

Aliases keep flag names, help texts and completions identical across groups. Enum
choices come from the schema, so a new enum value reaches every flag at once.
"""

from enum import Enum
from typing import TYPE_CHECKING, Annotated, TypeAlias

import typer

from pivotal_cli.domain import schema


def choices(name: str, values: tuple[str, ...]) -> type[Enum]:
    """An `Enum` of the schema's values: Typer offers, checks and completes them."""
    return Enum(name, {value: value for value in values}, type=str)  # type: ignore[return-value]


def value_of(member: object) -> str | None:
    """The API value behind a choice flag (None when the flag was not given)."""
    return None if member is None else str(getattr(member, "value", member))


if TYPE_CHECKING:  # a flag's value is one of the schema's strings
    CustomerStatus: TypeAlias = str
    Phase: TypeAlias = str
    State: TypeAlias = str
else:
    CustomerStatus = choices("CustomerStatus", schema.CUSTOMER_STATUSES)
    Phase = choices("Phase", schema.PHASES)
    State = choices("State", schema.STATES)


JsonOpt = Annotated[bool, typer.Option("--json", help="Print the API's JSON exactly, on stdout.")]
JsonlOpt = Annotated[bool, typer.Option("--jsonl", help="Print one JSON object per line.")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Print CSV with a header row.")]
ColumnsOpt = Annotated[
    str | None,
    typer.Option(
        "--columns",
        "-c",
        metavar="FIELDS",
        help="Comma-separated fields to show, e.g. display_id,name.",
    ),
]
LimitOpt = Annotated[
    int | None,
    typer.Option("--limit", "-L", metavar="N", min=1, max=100, help="Rows per page (1-100)."),
]
CursorOpt = Annotated[
    str | None,
    typer.Option(
        "--cursor", metavar="TIMESTAMP", help="Start after this cursor (an ISO 8601 timestamp)."
    ),
]
AllOpt = Annotated[bool, typer.Option("--all", "-a", help="Walk every page, streaming.")]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
DataOpt = Annotated[
    str | None,
    typer.Option(
        "--data",
        "-d",
        metavar="JSON|@FILE|-",
        help="Request body as JSON, @file or - for stdin; explicit flags win over it.",
    ),
]
IdempotencyKeyOpt = Annotated[
    str | None,
    typer.Option(
        "--idempotency-key",
        metavar="KEY",
        help="Send this Idempotency-Key instead of a generated one.",
    ),
]
ModeOpt = Annotated[
    bool | None,
    typer.Option("--live/--test", help="Use the live or the test key.", show_default=False),
]


def group(help: str) -> typer.Typer:
    """A command group as every group here is built.

    Help is click's plain text rather than Rich panels: Typer's Rich help pulls in
    markdown-it and most of Rich (about 90 ms on every `--help`), and plain help is
    what gh prints too.
    """
    return typer.Typer(help=help, rich_markup_mode=None, no_args_is_help=True)


StatusOpt = Annotated[CustomerStatus | None, typer.Option("--status", help="Customer status.")]
PhaseOpt = Annotated[Phase | None, typer.Option("--phase", help="Phase.")]
StateOpt = Annotated[State | None, typer.Option("--state", help="State (engagement health).")]
