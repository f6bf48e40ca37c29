"""How help reads: whole descriptions, examples, and the global options everywhere.

Click cuts a command's description to fit one line of an 80-column screen and ends it
with "..."; the part cut off is often what tells two commands apart. `Group` lists the
first sentence whole and lets Click wrap it, and the root widens help to the terminal
(`max_content_width`, set in `app.build_app`). Every group and command ends its help
with an Examples section (from `examples.py`), and every command with the global
options, which work anywhere on the line (see `anywhere.py`), as gh lists its
inherited flags.
"""

from __future__ import annotations

from typing import Any

import typer.core


def first_sentence(text: str) -> str:
    """The first sentence of a help text's first paragraph."""
    paragraph = " ".join(text.strip().split("\n\n", 1)[0].split())
    end = paragraph.find(". ")
    return paragraph if end < 0 else paragraph[: end + 1]


def command_path(ctx: Any) -> str:
    """The words after `pivotal` that name the command of `ctx` ("" for the root)."""
    names = []
    while ctx.parent is not None:
        names.append(ctx.info_name)
        ctx = ctx.parent
    return " ".join(reversed(names))


def format_examples(ctx: Any, formatter: Any) -> None:
    """The Examples section, lines as written (a command line is never re-wrapped)."""
    from pivotal_cli.cli.examples import examples_for

    lines = examples_for(command_path(ctx))
    if lines:
        with formatter.section("Examples"):
            for line in lines:
                formatter.write(f"{'':>{formatter.current_indent}}{line}\n")


def format_global_options(ctx: Any, formatter: Any) -> None:
    """The root's options, which every command accepts anywhere on its line."""
    root = ctx.find_root()
    if root is ctx:
        return
    records = [
        record
        for param in root.command.get_params(root)
        if param.name not in ("help", "version", "install_completion", "show_completion")
        and (record := param.get_help_record(root)) is not None
    ]
    if records:
        with formatter.section("Global options"):
            formatter.write_dl(records)


class Command(typer.core.TyperCommand):
    """A command whose help ends with examples and the global options."""

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        super().format_epilog(ctx, formatter)
        format_examples(ctx, formatter)
        format_global_options(ctx, formatter)


class Group(typer.core.TyperGroup):
    """A command group whose command list is never cut short with "...", with examples,
    and whose "No such command" says what was meant (`suggest.py`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["suggest_commands"] = False  # ours (suggest.py) replace Typer's
        super().__init__(*args, **kwargs)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        import typer._click as click

        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.UsageError as error:
            if args and error.message.startswith("No such command"):
                from pivotal_cli.cli.suggest import did_you_mean

                error.message += did_you_mean(self, ctx, args[0])
            raise

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        super().format_epilog(ctx, formatter)
        format_examples(ctx, formatter)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is None or cmd.hidden:
                continue
            text = cmd.short_help or first_sentence(cmd.help or "")
            rows.append((name, text))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)
