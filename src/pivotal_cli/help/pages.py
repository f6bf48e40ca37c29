"""`--help` answered from the generated pages, before Typer is imported.

`help.json` (written by `scripts/gen_help.py`) holds every command's recorded help
and a stamp: the package version and a checksum of the source files the command tree
was built from. A page is printed only when the stamp matches the installed sources,
so an edited command whose pages were not regenerated falls back to Typer's own
rendering instead of printing stale help; so does a missing or unreadable file, and
any command line other than the plain ones below:

    pivotal [PATH…] --help | -h     the page on stdout, exit 0
    pivotal help [PATH…]            the same
    pivotal [GROUP…]                a group named without a command: its page on
                                    stderr, exit 2 (Click's `no_args_is_help`)
"""

from __future__ import annotations

import json
import os
import sys
import zlib

TYPE_CHECKING = False  # typing itself costs a few ms at start-up

if TYPE_CHECKING:
    from typing import Any

# Plain os.path: pathlib and typing would cost more than the page itself.
HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_DIR = os.path.dirname(HERE)
DATA = os.path.join(HERE, "help.json")
HELP_FLAGS = ("--help", "-h")


def source_stamp(files: list[str]) -> str:
    """A checksum of the named files (paths relative to the package), in order.

    Staleness, not security: CRC-32 needs no hashlib (which loads OpenSSL).
    """
    crc = 0
    for name in files:
        crc = zlib.crc32(name.encode() + b"\0", crc)
        with open(os.path.join(PACKAGE_DIR, name), "rb") as file:
            crc = zlib.crc32(file.read(), crc)
    return f"{crc:08x}"


def load(path: str | None = None) -> dict[str, Any] | None:
    """The pages by command path (from `DATA` by default), or None when the file is
    missing, unreadable, damaged or stale."""
    from pivotal_cli import __version__

    try:
        with open(path or DATA, encoding="utf-8") as file:
            data = json.load(file)
        fresh = data["version"] == __version__ and data["stamp"] == source_stamp(data["files"])
        pages = data["pages"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return pages if fresh and isinstance(pages, dict) else None


def find(args: list[str], pages: dict[str, Any]) -> tuple[str, bool] | None:
    """The page a command line asks for and whether it is Click's no-args help."""
    if args and args[-1] in HELP_FLAGS:  # `help --help` too: the flag is eager
        path = " ".join(args[:-1])
        return (path, False) if path in pages else None
    if args and args[0] == "help":
        path = " ".join(args[1:])
        return (path, False) if path in pages else None
    path = " ".join(args)
    page = pages.get(path)
    return (path, True) if page is not None and page["no_args_is_help"] else None


def terminal_columns() -> int:
    """`shutil.get_terminal_size().columns`, without importing shutil (and bz2, lzma)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            stdout = sys.__stdout__
            columns = os.get_terminal_size(stdout.fileno()).columns or 80  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 80
    return columns


def help_width(columns: int) -> int:
    """Click's help width: the root sets `max_content_width` to 1000 (see cli/app.py)."""
    return max(min(columns, 1000) - 2, 50)


def answer(args: list[str]) -> int | None:
    """Print the help `args` asks for and return the exit code, or None for Typer."""
    if "_PIVOTAL_COMPLETE" in os.environ:  # completion: Typer reads its own variables
        return None
    pages = load()
    from pivotal_cli.help.formatter import render

    try:
        found = find(args, pages) if pages is not None else None
        if pages is None or found is None:
            return None
        path, no_args = found
        text = render(pages[path]["calls"], help_width(terminal_columns())) + "\n"
    except (KeyError, TypeError, ValueError, AttributeError):  # a damaged page: Typer's
        return None
    stream = sys.stderr if no_args else sys.stdout
    try:
        stream.write(text)
    except UnicodeEncodeError:  # an ASCII locale: Click writes UTF-8 there too
        stream.flush()
        stream.buffer.write(text.encode("utf-8", "replace"))
    return 2 if no_args else 0
