"""Entry point of the `pivotal` console script and `python -m pivotal_cli`.

`pivotal --version` is answered here, before Typer is imported, because it is the
one command scripts call in a loop; so is help, from the pages generated when the
package is built (`pivotal_cli.help.pages`; Typer renders it when they are missing or
stale, and for any command line they do not answer).
"""

from __future__ import annotations

import atexit
import os
import sys

TYPE_CHECKING = False  # typing and contextlib cost more than a help page: not loaded
if TYPE_CHECKING:
    from typing import NoReturn


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args in (["--version"], ["-V"]):
        from pivotal_cli import __version__

        print(f"pivotal {__version__}")
        return
    from pivotal_cli.help.pages import answer

    code = answer(args)
    if code is not None:
        _finish(code)
    from pivotal_cli.cli.app import run

    try:
        run(args)
    except SystemExit as exc:
        _finish(_code_of(exc))
    _finish(0)


def _code_of(exc: SystemExit) -> int:
    if exc.code is None or isinstance(exc.code, int):
        return exc.code or 0
    print(exc.code, file=sys.stderr)  # what the interpreter does with a message
    return 1


def _finish(code: int) -> NoReturn:
    """Exit without tearing the interpreter down.

    By now every file and connection a command opened is closed (they all use `with`);
    what teardown would still do is free a few hundred modules one by one, 30-70 ms
    that a short-lived CLI process never needs. Exit handlers still run, after the
    answer is flushed: the embedded sandbox sends its due webhooks in one.
    """
    for stream in (sys.stdout, sys.stderr):
        # A reader that went away (| head) is not an error of ours. Not contextlib's
        # suppress: importing contextlib would cost more than printing a help page.
        try:  # noqa: SIM105
            stream.flush()
        except (OSError, ValueError):
            pass
    atexit._run_exitfuncs()
    os._exit(code)


if __name__ == "__main__":
    main()
