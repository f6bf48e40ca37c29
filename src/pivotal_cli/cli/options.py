"""Options every command shares, defined once as `Annotated` aliases, and `group()`.

Aliases keep flag names, help texts and completions identical across groups. Flags
whose values come from the schema's enums are in `choices.py`.
"""

from typing import Annotated, Any

import typer

from pivotal_cli.cli.helptext import Command, Group

JsonOpt = Annotated[bool, typer.Option("--json", help="Print the API's JSON exactly, on stdout.")]
# On commands with --columns: `--json FIELDS` (gh's form) is `--json --columns FIELDS`
# (`cli/anywhere.py` rewrites it), so the help says both forms.
JsonFieldsOpt = Annotated[
    bool,
    typer.Option(
        "--json",
        help="Print JSON on stdout: alone, the API's objects exactly; as --json FIELDS "
        "(e.g. --json display_id,name), only those fields. An unknown field is exit 2 "
        "naming the valid ones.",
    ),
]
JsonlOpt = Annotated[bool, typer.Option("--jsonl", help="Print one JSON object per line.")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Print CSV with a header row.")]
ColumnsOpt = Annotated[
    str | None,
    typer.Option(
        "--columns",
        "-c",
        metavar="FIELDS",
        help="Comma-separated fields of the resource to show, e.g. display_id,created_at.",
    ),
]
LimitOpt = Annotated[
    int | None,
    typer.Option(
        "--limit",
        "-L",
        metavar="N",
        min=1,
        help="Return at most N records (fetched in pages of up to 100); --all wins.",
    ),
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


class _Typer(typer.Typer):
    """A Typer whose commands are `helptext.Command`s (examples, global options)."""

    def command(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("cls", Command)
        return super().command(*args, **kwargs)


def group(help: str) -> typer.Typer:
    """A command group as every group here is built.

    Help is click's plain text rather than Rich panels: Typer's Rich help pulls in
    markdown-it and most of Rich (about 90 ms on every `--help`), and plain help is
    what gh prints too.
    """
    return _Typer(help=help, cls=Group, rich_markup_mode=None, no_args_is_help=True)


JqOpt = Annotated[
    str | None,
    typer.Option(
        "--jq",
        "-q",
        metavar="EXPR",
        help="Filter the JSON result with a jq expression (once over the whole result).",
    ),
]
JqArgOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--arg",
        metavar="NAME=VALUE",
        help="A string variable $NAME for --jq (repeatable).",
        show_default=False,
    ),
]
TemplateOpt = Annotated[
    str | None,
    typer.Option(
        "--template",
        "-t",
        metavar="FORMAT",
        help="Print each record through a Python format string, e.g. '{display_id} {name}'.",
    ),
]
