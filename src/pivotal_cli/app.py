"""The root Typer app: global options and the wiring of command groups, nothing else."""

import sys
from typing import Annotated

import typer

from pivotal_cli import __version__
from pivotal_cli.commands import auth, contacts, customers, health, me, onboardings, sandbox
from pivotal_cli.commands._common import ModeOpt

app = typer.Typer(
    name="pivotal",
    help="Operate a Pivotal workspace: customers, contacts and onboardings.\n\n"
    "Try it with no setup against a local sandbox: pivotal --sandbox customers list",
    no_args_is_help=True,
    rich_markup_mode=None,  # plain help: see commands._common.group
    # Pretty exceptions print local variables: an API key in a frame would end up on
    # screen. Errors are reported by commands._common.handle_errors instead.
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pivotal {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    workspace: Annotated[
        str | None,
        typer.Option(
            "--workspace",
            "-w",
            metavar="SLUG",
            envvar="PIVOTAL_WORKSPACE",
            help="Workspace to use (its slug).",
        ),
    ] = None,
    live: ModeOpt = None,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            metavar="URL",
            envvar="PIVOTAL_BASE_URL",
            help="API base URL.",
            show_default=False,
        ),
    ] = None,
    use_sandbox: Annotated[
        bool,
        typer.Option(
            "--sandbox",
            envvar="PIVOTAL_SANDBOX",
            help="Run against the local sandbox (zero setup).",
        ),
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", "-v", help="Print each HTTP exchange on stderr (keys redacted)."),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks of unexpected errors.")
    ] = False,
    no_color: Annotated[
        bool, typer.Option("--no-color", help="No colour, even on a terminal.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_version, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    """Operate a Pivotal workspace: customers, contacts and onboardings."""
    from pivotal_cli.context import AppContext, Settings, parse_mode

    ctx.obj = AppContext(
        Settings(
            workspace=workspace,
            mode=parse_mode(live),
            base_url=base_url,
            sandbox=use_sandbox,
            verbose=verbose,
            debug=debug,
            no_color=no_color,
        )
    )


app.add_typer(customers.app, name="customers")
app.add_typer(contacts.app, name="contacts")
app.add_typer(onboardings.app, name="onboardings")
app.add_typer(auth.app, name="auth")
app.add_typer(me.app)
app.add_typer(health.app)
app.add_typer(sandbox.app, name="sandbox")


def run(argv: list[str] | None = None) -> None:
    """Run the CLI; the last line of defence against a traceback reaching the user."""
    try:
        app(args=argv, prog_name="pivotal")
    except Exception as exc:  # handle_errors covers commands; this covers the rest
        if "--debug" in (argv or sys.argv):
            raise
        print(
            f"Error: unexpected {type(exc).__name__}. Rerun with --debug for the traceback.",
            file=sys.stderr,
        )
        sys.exit(1)
