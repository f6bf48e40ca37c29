"""How help reads: every group lists its commands with their whole first sentence.

Click cuts a command's description to fit one line of an 80-column screen and ends it
with "..."; the part cut off is often what tells two commands apart. `Group` lists the
first sentence whole and lets Click wrap it, and the root widens help to the terminal
(`max_content_width`, set in `app.build_app`).
"""

from __future__ import annotations

from typing import Any

import typer.core


def first_sentence(text: str) -> str:
    """The first sentence of a help text's first paragraph."""
    paragraph = " ".join(text.strip().split("\n\n", 1)[0].split())
    end = paragraph.find(". ")
    return paragraph if end < 0 else paragraph[: end + 1]


class Group(typer.core.TyperGroup):
    """A command group whose command list is never cut short with "..."."""

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is None or cmd.hidden:
                continue
            text = cmd.short_help or first_sentence(cmd.help or "")
            rows.append((name, text))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)
