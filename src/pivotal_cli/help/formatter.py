"""Click's plain help layout, replayed from recorded formatter calls at any width.

Help is Click's plain text here (no Rich panels; see `cli.options.group`), and
everything in it that depends on the width goes through a handful of formatter calls:
`write_usage`, `write_text`, `write_dl`… `scripts/gen_help.py` records those calls per
command; `render` runs them again through the same wrapping rules as the Click that
Typer vendors (`typer._click.formatting`), so a page comes out as Typer would print
it at that width, without importing either. The help-equivalence test
(tests/test_help_pages.py) holds the two to the same bytes. Recorded text never holds
ANSI escapes (the generator refuses them), so widths are plain `len`.
"""

from __future__ import annotations

import textwrap

TYPE_CHECKING = False  # typing itself costs a few ms at start-up

if TYPE_CHECKING:
    from typing import Any


class _Wrapper(textwrap.TextWrapper):
    """`textwrap` as Click subclasses it: a word too long for a line is cut exactly at
    the edge (the standard library prefers to cut after a hyphen)."""

    def _handle_long_word(
        self, reversed_chunks: list[str], cur_line: list[str], cur_len: int, width: int
    ) -> None:
        space_left = max(width - cur_len, 1)
        last = reversed_chunks[-1]
        cur_line.append(last[:space_left])
        reversed_chunks[-1] = last[space_left:]

    def indent_only(self, text: str) -> str:
        return "\n".join(
            f"{self.subsequent_indent if index else self.initial_indent}{line}"
            for index, line in enumerate(text.splitlines())
        )


def wrap_text(
    text: str,
    width: int,
    initial_indent: str = "",
    subsequent_indent: str = "",
    preserve_paragraphs: bool = False,
) -> str:
    """Click's `wrap_text`: paragraphs re-wrapped, `\\b` blocks kept as written."""
    text = text.expandtabs()
    wrapper = _Wrapper(
        width,
        initial_indent=initial_indent,
        subsequent_indent=subsequent_indent,
        replace_whitespace=False,
    )
    if not preserve_paragraphs:
        return wrapper.fill(text)
    paragraphs: list[tuple[int, bool, str]] = []
    lines: list[str] = []
    indent: int | None = None

    def flush() -> None:
        if not lines:
            return
        if lines[0].strip() == "\b":
            paragraphs.append((indent or 0, True, "\n".join(lines[1:])))
        else:
            paragraphs.append((indent or 0, False, " ".join(lines)))
        lines.clear()

    for line in text.splitlines():
        if not line:
            flush()
            indent = None
        else:
            if indent is None:
                stripped = line.lstrip()
                indent = len(line) - len(stripped)
                line = stripped
            lines.append(line)
    flush()
    out = []
    for extra, raw, paragraph in paragraphs:
        # Click's `extra_indent`, without contextlib: each paragraph keeps its own.
        wrapper.initial_indent = initial_indent + " " * extra
        wrapper.subsequent_indent = subsequent_indent + " " * extra
        out.append(wrapper.indent_only(paragraph) if raw else wrapper.fill(paragraph))
    return "\n\n".join(out)


class Formatter:
    """The writing half of Click's `HelpFormatter`, call for call."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.current_indent = 0
        self.buffer: list[str] = []

    def write(self, string: str) -> None:
        self.buffer.append(string)

    def indent(self) -> None:
        self.current_indent += 2

    def dedent(self) -> None:
        self.current_indent -= 2

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        if prefix is None:
            prefix = "Usage: "
        usage_prefix = f"{prefix:>{self.current_indent}}{prog} "
        text_width = self.width - self.current_indent
        if text_width >= len(usage_prefix) + 20:
            indent = " " * len(usage_prefix)
            self.write(wrap_text(args, text_width, usage_prefix, indent))
        else:
            self.write(usage_prefix + "\n")
            indent = " " * (max(self.current_indent, len(prefix)) + 4)
            self.write(wrap_text(args, text_width, indent, indent))
        self.write("\n")

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}:\n")

    def write_paragraph(self) -> None:
        if self.buffer:
            self.write("\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        self.write(wrap_text(text, self.width, indent, indent, preserve_paragraphs=True))
        self.write("\n")

    def write_dl(self, rows: list[list[str]], col_max: int = 30, col_spacing: int = 2) -> None:
        first_col = min(max(len(first) for first, _ in rows), col_max) + col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if len(first) <= first_col - col_spacing:
                self.write(" " * (first_col - len(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            text_width = max(self.width - first_col - 2, 10)
            lines = wrap_text(second, text_width, preserve_paragraphs=True).splitlines()
            if not lines:
                self.write("\n")
                continue
            self.write(f"{lines[0]}\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")


# The recorded calls a page may hold: anything else in a data file is refused.
CALLS = (
    "write",
    "indent",
    "dedent",
    "write_usage",
    "write_heading",
    "write_paragraph",
    "write_text",
    "write_dl",
)


def render(calls: list[list[Any]], width: int) -> str:
    """A page's text at `width` (Click's: the terminal's columns less 2, at least 50),
    as `Command.get_help` returns it (no final newline)."""
    formatter = Formatter(width)
    for name, args, kwargs in calls:
        if name not in CALLS:
            raise ValueError(f"not a formatter call: {name!r}")
        getattr(formatter, name)(*args, **kwargs)
    return "".join(formatter.buffer).rstrip("\n")
