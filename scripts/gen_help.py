"""Write the help pages `pivotal --help` prints without importing Typer or Rich.

Every command's help is Click's plain layout (see `cli.options.group`), built by a
handful of formatter calls. This script builds the whole command tree, gives each
command's `format_help` a recording formatter, and writes the calls to
`src/pivotal_cli/help/help.json`, with a stamp (the version and a checksum of the
source files the tree was built from) so a stale file is never printed
(`pivotal_cli.help.pages`). `tests/test_help_pages.py` checks that the pages, replayed
at 80 and 120 columns, are Typer's own rendering byte for byte, and that `--check`
passes.

    .venv/bin/python scripts/gen_help.py            # (re)write help.json
    .venv/bin/python scripts/gen_help.py --check    # exit 1 if it is stale
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "pivotal_cli" / "help" / "help.json"
PROG = "pivotal"


def load_command() -> Any:
    try:
        import pivotal_cli  # noqa: F401
    except ImportError:  # run without installing the package
        sys.path.insert(0, str(ROOT / "src"))
    import typer

    from pivotal_cli.cli.app import app

    return typer.main.get_command(app)


def recorder_class() -> type:
    """Click's `HelpFormatter` that keeps the calls made to it from outside."""
    # Typer vendors its own Click; its formatter is the one `--help` uses.
    from typer._click.formatting import HelpFormatter

    from pivotal_cli.help.formatter import CALLS

    class Recorder(HelpFormatter):
        def __init__(self) -> None:
            self.calls: list[list[Any]] = []
            self._depth = 0
            super().__init__(width=78)

        def __getattribute__(self, name: str) -> Any:
            # A page that reads the width itself would not re-wrap: refuse it.
            if name == "width" and object.__getattribute__(self, "_depth") == 0:
                raise RuntimeError("help text that depends on the width cannot be recorded")
            return object.__getattribute__(self, name)

    def recorded(name: str) -> Any:
        method = getattr(HelpFormatter, name)

        def call(self: Any, *args: Any, **kwargs: Any) -> None:
            if name == "write_dl":
                rows = [(*row, "", "")[:2] for row in (args[0] if args else kwargs.pop("rows"))]
                args = (rows, *args[1:])
            if self._depth == 0:
                if any("\x1b" in text for text in _strings([args, kwargs])):
                    raise RuntimeError(f"ANSI escapes in help: {args!r}")
                self.calls.append([name, _plain(list(args)), _plain(kwargs)])
            self._depth += 1
            try:
                method(self, *args, **kwargs)
            finally:
                self._depth -= 1

        return call

    for name in CALLS:
        setattr(Recorder, name, recorded(name))
    return Recorder


def _plain(value: Any) -> Any:
    """Tuples as lists, as JSON will give them back."""
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return [text for item in value for text in _strings(item)]
    return []


def command_contexts(root: Any) -> list[tuple[str, Any]]:
    """(path, context) for every visible command, built as `pivotal help` builds them."""
    import typer

    found = []

    def walk(command: Any, path: list[str], ctx: Any) -> None:
        found.append((" ".join(path), ctx))
        for name, sub in getattr(command, "commands", {}).items():
            if not sub.hidden:
                walk(sub, [*path, name], typer.Context(sub, info_name=name, parent=ctx))

    walk(root, [], root.make_context(PROG, [], resilient_parsing=True))
    return found


def record_pages() -> dict[str, Any]:
    """Every command's recorded help, by command path."""
    root = load_command()
    recorder = recorder_class()
    pages = {}
    for path, ctx in command_contexts(root):
        formatter = recorder()
        ctx.command.format_help(ctx, formatter)
        pages[path] = {
            "no_args_is_help": bool(ctx.command.no_args_is_help),
            "calls": formatter.calls,
        }
    return pages


def loaded_sources() -> list[str]:
    """The package's source files loaded by now, but the help package's own (what
    replays the pages is not what they say), relative to the package."""
    from pivotal_cli.help.pages import PACKAGE_DIR

    return sorted(
        Path(module.__file__).resolve().relative_to(PACKAGE_DIR).as_posix()
        for name, module in list(sys.modules.items())
        if (name == "pivotal_cli" or name.startswith("pivotal_cli."))
        and not name.startswith("pivotal_cli.help")
        and getattr(module, "__file__", None)
    )


def tree_sources() -> list[str]:
    """The sources the command tree and its help are built from, read in a fresh
    interpreter: this one may have loaded more (the test suite, for one)."""
    result = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--list-sources"],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split()


def build() -> str:
    """The text of help.json for the current command tree."""
    import pivotal_cli
    from pivotal_cli.help.pages import source_stamp

    pages = record_pages()
    files = tree_sources()
    data = {
        "generated": "by scripts/gen_help.py from pivotal_cli.cli.app; DO NOT EDIT",
        "version": pivotal_cli.__version__,
        "files": files,
        "stamp": source_stamp(files),
        "pages": pages,
    }
    return json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if help.json is stale")
    parser.add_argument("--out", type=Path, default=OUT, help="where the pages go")
    parser.add_argument("--list-sources", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.list_sources:
        record_pages()
        print("\n".join(loaded_sources()))
        return 0
    text = build()
    current = args.out.read_text(encoding="utf-8") if args.out.is_file() else None
    if args.check:
        if current != text:
            print(f"stale help pages: {args.out}; run python scripts/gen_help.py", file=sys.stderr)
            return 1
        return 0
    if current != text:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
