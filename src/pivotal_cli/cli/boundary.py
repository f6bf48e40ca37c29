"""The one error boundary: every command's errors become one line and an exit code.

`@handle_errors` turns a `PivotalError` into one readable line on stderr (its message
and the next step from `hints.py`) and its exit code, and any other exception into a
short crash line (full traceback only with `--debug`), so no secret held in a local
variable is ever printed.

Error lines often echo what the user gave (an id, a path, a file's cell), so the line
is made safe to print first: a control character shows as its escape (`\x1b`, `\r`),
never as a terminal command or a second line, and a word of thousands of characters
is cut short with its length said.
"""

from __future__ import annotations

import functools
import re
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import typer

from pivotal_cli.errors import ExitCode, PivotalError

if TYPE_CHECKING:  # the context is built by the root callback; no import cost here
    from pivotal_cli.cli.context import AppContext

F = TypeVar("F", bound=Callable[..., Any])

# A word in an error line longer than this is shown as its start, an ellipsis and its
# length: enough to recognise an id, never a screenful.
LONGEST_WORD = 120
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LONG_WORD = re.compile(rf"\S{{{LONGEST_WORD + 1},}}")


def handle_errors(func: F) -> F:
    """Run a command; report errors as one line and the documented exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = kwargs.get("ctx") or (args[0] if args else None)
        app_ctx = getattr(ctx, "obj", None)
        try:
            return func(*args, **kwargs)
        except PivotalError as exc:
            # Lower layers state facts; the next step the user reads is worded here.
            from pivotal_cli.cli.hints import line

            _report(app_ctx, line(exc))
            raise typer.Exit(exc.exit_code) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if app_ctx is not None and app_ctx.settings.debug:
                traceback.print_exc()
            _report(
                app_ctx,
                f"Unexpected {type(exc).__name__}. This is a bug in pivotal; "
                "rerun with --debug for the traceback and report it.",
            )
            raise typer.Exit(ExitCode.ERROR) from None

    return cast(F, wrapper)


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
