"""The one error boundary: every command's errors become one line and an exit code.

`@handle_errors` turns a `PivotalError` into one readable line on stderr (its message
and the next step from `hints.py`) and its exit code, and any other exception into a
short crash line (full traceback only with `--debug`), so no secret held in a local
variable is ever printed.

Error lines often echo what the user gave (an id, a path, a file's cell), so the line
is made safe to print first: a control character shows as its escape (`\x1b`, `\r`),
never as a terminal command or a second line, and a word of thousands of characters
is cut short with its length said.

The machine contract: when the command was given `--json` (or `--jsonl`), or
`PIVOTAL_ERROR_FORMAT=json` is set, the same error is instead exactly one JSON object
on one stderr line (`PivotalError.contract`), and stdout stays empty of it. Usage
errors Click raises before a command runs come here too (`report_click_error`).
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import typer

from pivotal_cli.errors import ExitCode, PivotalError, UsageError

if TYPE_CHECKING:  # the context is built by the root callback; no import cost here
    from pivotal_cli.cli.context import AppContext

F = TypeVar("F", bound=Callable[..., Any])

# A word in an error line longer than this is shown as its start, an ellipsis and its
# length: enough to recognise an id, never a screenful.
LONGEST_WORD = 120
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LONG_WORD = re.compile(rf"\S{{{LONGEST_WORD + 1},}}")
# Set to `json` for every command's errors as JSON, `--json` or not.
ERROR_FORMAT_ENV = "PIVOTAL_ERROR_FORMAT"
# A command given one of these flags speaks JSON, its errors included.
MACHINE_FLAGS = ("--json", "--jsonl")
CRASH = (
    "Unexpected {name}. This is a bug in pivotal; rerun with --debug for the traceback "
    "and report it."
)


class _Crash(PivotalError):
    default_code = "internal"


class _Interrupted(PivotalError):
    exit_code = ExitCode.INTERRUPTED
    default_code = "interrupted"


def handle_errors(func: F) -> F:
    """Run a command; report errors as one line and the documented exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = kwargs.get("ctx") or (args[0] if args else None)
        app_ctx = getattr(ctx, "obj", None)
        try:
            return func(*args, **kwargs)
        except PivotalError as exc:
            raise typer.Exit(report(app_ctx, exc, as_json=json_wanted(ctx))) from None
        except (typer.Exit, typer.Abort):
            raise
        except KeyboardInterrupt:
            if not json_wanted(ctx):
                raise  # Click's own: exit 130, quietly
            raise typer.Exit(report(app_ctx, _Interrupted("Interrupted."), as_json=True)) from None
        except Exception as exc:
            if app_ctx is not None and app_ctx.settings.debug:
                traceback.print_exc()
            crash = _Crash(CRASH.format(name=type(exc).__name__))
            raise typer.Exit(report(app_ctx, crash, as_json=json_wanted(ctx))) from None

    return cast(F, wrapper)


def json_wanted(ctx: Any) -> bool:
    """Whether this command's errors are the JSON object: `--json` given, or the env."""
    if os.environ.get(ERROR_FORMAT_ENV, "").strip().lower() == "json":
        return True
    command = getattr(ctx, "command", None)
    params = getattr(ctx, "params", None) or {}
    for param in getattr(command, "params", ()):
        if set(getattr(param, "opts", ())) & set(MACHINE_FLAGS) and params.get(param.name):
            return True
    return False


def args_want_json(args: list[str]) -> bool:
    """`json_wanted` for a command line Click could not parse: the words as typed."""
    if os.environ.get(ERROR_FORMAT_ENV, "").strip().lower() == "json":
        return True
    words = args[: args.index("--")] if "--" in args else args
    return any(word in MACHINE_FLAGS for word in words)


def report(app_ctx: AppContext | None, exc: PivotalError, *, as_json: bool) -> int:
    """Print `exc` as its one line, or as the contract's JSON object; its exit code."""
    # Lower layers state facts; the next step the user reads is worded here.
    from pivotal_cli.cli.hints import hint_for

    hint = hint_for(exc)
    if as_json:
        stream = app_ctx.output.stderr if app_ctx is not None else sys.stderr
        obj = exc.contract(hint)
        obj["message"] = printable(obj["message"])
        if obj["hint"] is not None:
            obj["hint"] = printable(obj["hint"])
        print(json.dumps(obj, ensure_ascii=False), file=stream, flush=True)
    else:
        _report(app_ctx, exc.one_line(hint))
    return int(exc.exit_code)


def report_click_error(exc: Any, args: list[str]) -> int | None:
    """A usage error Click raised (bad flag value, missing argument) as the JSON object.

    None when the text format applies: Click then prints its own usage and message.
    """
    if not args_want_json(args):
        return None
    message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    command = getattr(getattr(exc, "ctx", None), "command_path", None)
    hint = f"Run `{command} --help` for its options." if command else None
    usage = UsageError(" ".join(str(message).split()), reason="usage", hint=hint)
    return report(None, usage, as_json=True)


def printable(text: str) -> str:
    """`text` safe for one error line: control characters escaped, huge words cut."""
    text = _CONTROL.sub(lambda m: repr(m.group())[1:-1], text).replace("\n", " ")
    return _LONG_WORD.sub(
        lambda m: f"{m.group()[: LONGEST_WORD - 40]}…({len(m.group()):,} characters)", text
    )


def _report(app_ctx: AppContext | None, text: str) -> None:
    text = printable(text)
    if app_ctx is not None:
        app_ctx.output.error(text)
    else:
        typer.echo(f"Error: {text}", err=True)
