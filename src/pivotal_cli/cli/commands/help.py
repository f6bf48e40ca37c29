"""`pivotal help [COMMAND…]`: the help of a command, as `COMMAND… --help` prints it."""

from typing import Annotated

import typer

from pivotal_cli.cli.options import group

app = group("Show the help of a command.")


@app.command("help")
def help_(
    ctx: typer.Context,
    command: Annotated[
        list[str] | None,
        typer.Argument(help="The command, e.g. customers list.", show_default=False),
    ] = None,
) -> None:
    """Show the help of a command (of pivotal itself with none)."""
    here = ctx.find_root()
    for word in command or []:
        sub = getattr(here.command, "commands", {}).get(word)
        if sub is None:
            path = f"{here.command_path} {word}"
            raise typer.BadParameter(f"no such command: {path}.", param_hint="COMMAND")
        # A bare context, as `--help` gets: nothing parsed, so no argument is required.
        here = typer.Context(sub, info_name=word, parent=here)
    typer.echo(here.get_help())
