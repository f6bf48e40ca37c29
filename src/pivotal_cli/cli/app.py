"""The root Typer app: global options and the wiring of command groups, nothing else.

`run` wires only the group a command line names (all of them for typos and
completion; all of them empty, as an outline, for the root's own help): building
Typer's command tree for every group costs ~60 ms that a single command does not
need. `app`, the full tree, is built on first access.
"""

import importlib
import os
import sys
from collections.abc import Iterable
from typing import Annotated, Any

import typer

from pivotal_cli import __version__
from pivotal_cli.cli.helptext import Group
from pivotal_cli.cli.options import ModeOpt, group

# Typer vendors Click (as `help/formatter.py` notes): its usage errors are these.
ClickUsageError: type[Exception] = typer.BadParameter.__mro__[1]

# Command modules, in the order root help lists them. `me` and `health` are single
# commands merged into the root; the others are groups named after their module.
GROUPS = (
    "customers",
    "contacts",
    "onboardings",
    "auth",
    "me",
    "health",
    "sandbox",
    "webhooks",
    "cache",
    "status",
    "dash",
    "doctor",
    "config",
    "help",
    "completion",
    "api",
    "export",
    "import",
    "commands",
    "mcp",
)
ROOT_COMMANDS = (
    "help",
    "me",
    "health",
    "status",
    "dash",
    "doctor",
    "api",
    "export",
    "commands",
)
# Command names that are not their module's name (`import` is a Python keyword).
MODULES = {"import": "importer"}
# Global options that take a value: the word after them is not a command name.
_VALUED_OPTIONS = ("-w", "--workspace", "--base-url", "--timeout")


def _positive(value: float | None) -> float | None:
    if value is not None and not value > 0:
        raise typer.BadParameter("must be a number of seconds above 0.")
    return value


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pivotal {__version__}")
        raise typer.Exit()


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
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout",
            metavar="SECONDS",
            envvar="PIVOTAL_TIMEOUT",
            callback=_positive,
            help="Give up after this long in all, retries and waits included "
            "(default: 60 s for each request).",
            show_default=False,
        ),
    ] = None,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", "-v", help="Print each HTTP exchange on stderr (keys redacted)."),
    ] = False,
    cost: Annotated[
        bool,
        typer.Option("--cost", help="End with one stderr line: how many requests were sent."),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks of unexpected errors.")
    ] = False,
    no_color: Annotated[
        bool, typer.Option("--no-color", help="No colour, even on a terminal.")
    ] = False,
    no_pager: Annotated[
        bool,
        typer.Option(
            "--no-pager",
            help="Print long tables directly, never through a pager (also: PIVOTAL_PAGER=off).",
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_version, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    """Operate a Pivotal workspace: customers, contacts and onboardings."""
    from pivotal_cli.cli.context import AppContext, Injected, Settings, parse_mode

    # A caller (a test) may pass `obj=Injected(…)` to swap collaborators in; the
    # command line itself passes nothing.
    injected = ctx.obj if isinstance(ctx.obj, Injected) else Injected()
    ctx.obj = AppContext(
        Settings(
            workspace=workspace,
            mode=parse_mode(live),
            base_url=base_url,
            sandbox=use_sandbox,
            verbose=verbose,
            cost=cost,
            debug=debug,
            no_color=no_color,
            no_pager=no_pager,
            timeout=timeout,
        ),
        client_factory=injected.client_factory,
        keystore_factory=injected.keystore_factory,
    )
    # At the very end, after an error too: the count --cost asks for.
    ctx.call_on_close(ctx.obj.report_requests)


class RootGroup(Group):
    """The root group: global options are read anywhere on the line (see `anywhere`).

    It is also where Click's own usage errors, raised while parsing the root's options
    or a command's, meet the machine contract (`boundary.report_click_error`).
    """

    def make_context(self, info_name: Any, args: list[str], *a: Any, **kw: Any) -> Any:
        try:
            return super().make_context(info_name, args, *a, **kw)
        except ClickUsageError as exc:
            _contract_usage(exc, args)
            raise

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        ctx.meta["pivotal.args"] = list(args)
        if not ctx.resilient_parsing:  # completion reads the words as typed
            from pivotal_cli.cli.anywhere import hoist

            args = hoist(self, args)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ClickUsageError as exc:
            _contract_usage(exc, ctx.meta.get("pivotal.args", []))
            raise


def _contract_usage(exc: Exception, args: list[str]) -> None:
    """Print a usage error as the JSON object and exit 2, when the contract applies."""
    if isinstance(exc, getattr(sys.modules[ClickUsageError.__module__], "NoArgsIsHelpError", ())):
        return  # not an error: help shown for a bare group
    from pivotal_cli.cli.boundary import report_click_error

    code = report_click_error(exc, args)
    if code is not None:
        raise typer.Exit(code) from None


def build_app(groups: Iterable[str] = GROUPS, *, outline: bool = False) -> typer.Typer:
    """The root app with the given command modules wired in.

    `outline` is for the root's own help, which shows each group by its help text
    alone: the groups are wired in empty (their help kept), so Typer does not build
    the dozens of commands under them (about 40 ms).
    """
    root = typer.Typer(
        name="pivotal",
        cls=RootGroup,
        help="Operate a Pivotal workspace: customers, contacts and onboardings.\n\n"
        "Try it with no setup against a local sandbox: pivotal --sandbox customers list",
        no_args_is_help=True,
        rich_markup_mode=None,  # plain help: see flows.group
        # Pretty exceptions print local variables: an API key in a frame would end up
        # on screen. Errors are reported by flows.handle_errors instead.
        pretty_exceptions_enable=False,
        pretty_exceptions_show_locals=False,
        # Help as wide as the terminal (Click caps it at 80 columns otherwise).
        context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 1000},
    )
    root.callback()(main)
    for name in groups:
        module = importlib.import_module(f"pivotal_cli.cli.commands.{MODULES.get(name, name)}")
        if name in ROOT_COMMANDS:
            root.add_typer(module.app, name=None)
        else:
            root.add_typer(group(module.app.info.help) if outline else module.app, name=name)
    return root


def named_group(argv: list[str]) -> str | None:
    """The command module the first command word names, if it names one."""
    words = iter(argv)
    for word in words:
        if word == "--":
            return None
        if word in _VALUED_OPTIONS:
            next(words, None)
        elif not word.startswith("-"):
            return word if word in GROUPS else None
    return None


_full_app: typer.Typer | None = None


def __getattr__(name: str) -> Any:
    if name == "app":
        global _full_app
        if _full_app is None:
            _full_app = build_app()
        return _full_app
    raise AttributeError(name)


def run(argv: list[str] | None = None) -> None:
    """Run the CLI; the last line of defence against a traceback reaching the user."""
    args = sys.argv[1:] if argv is None else argv
    completing = "_PIVOTAL_COMPLETE" in os.environ
    # Completion walks the whole tree, so it gets every group.
    named = None if completing else named_group(args)
    if named == "help":  # `help customers list` needs the group it names
        named = None
    # The root's own help (`pivotal`, `pivotal --help`) shows the groups' help only.
    outline = not completing and named is None and all(a in ("-h", "--help") for a in args)
    try:
        build_app([named] if named else GROUPS, outline=outline)(args=args, prog_name="pivotal")
    except Exception as exc:  # handle_errors covers commands; this covers the rest
        if "--debug" in args:
            raise
        print(
            f"Error: unexpected {type(exc).__name__}. Rerun with --debug for the traceback.",
            file=sys.stderr,
        )
        sys.exit(1)
