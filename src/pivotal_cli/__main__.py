"""Entry point of the `pivotal` console script and `python -m pivotal_cli`.

`pivotal --version` is answered here, before Typer is imported, because it is the
one command scripts call in a loop.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args in (["--version"], ["-V"]):
        from pivotal_cli import __version__

        print(f"pivotal {__version__}")
        return
    from pivotal_cli.app import run

    run(args)


if __name__ == "__main__":
    main()
