"""How the workspace-at-a-glance view (`status`, `dash`) is drawn: plain lines or Rich.

Plain lines are for pipes and stay stable: a section title with its count, then one
tab-separated row per onboarding (`#display_id`, customer, phase, state, target date),
or `  none`. Rich is imported only when drawing for a terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pivotal_cli.domain.glance import SECTIONS, Glance, summary_row

if TYPE_CHECKING:
    from rich.console import RenderableType

BAR_WIDTH = 30


def _bar(count: int, most: int, width: int = BAR_WIDTH, char: str = "#") -> str:
    if count <= 0 or most <= 0:
        return ""
    return char * max(1, round(width * count / most))


def header(view: Glance) -> str:
    return (
        f"Week {view.week.start.isoformat()} to {view.week.end.isoformat()}"
        f" (today {view.today.isoformat()}), {view.total} onboardings"
    )


def plain_lines(view: Glance, name_of: Callable[[str], str | None]) -> list[str]:
    """The whole view as stable plain text, one list item per line."""
    lines = [header(view)]
    for key, title in SECTIONS:
        rows = view.sections[key]
        lines += ["", f"{title} ({len(rows)})"]
        if not rows:
            lines.append("  none")
        for record in rows:
            row = summary_row(record, name_of)
            lines.append("  " + "\t".join(_cells(row)))
    lines += ["", "By phase"]
    most = max(view.by_phase.values(), default=0)
    width = max((len(p) for p in view.by_phase), default=0)
    for phase, count in view.by_phase.items():
        lines.append(f"  {phase:<{width}}  {count:>3}  {_bar(count, most)}".rstrip())
    return lines


def _cells(row: dict[str, Any]) -> list[str]:
    return [
        f"#{row['display_id']}",
        str(row["customer"]),
        str(row["phase"]),
        str(row["state"]),
        row["target_launch_date"] or "-",
    ]


def renderable(
    view: Glance, name_of: Callable[[str], str | None], footer: str | None = None
) -> RenderableType:
    """The view for a terminal: a table per section, bars by phase, an optional footer."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    parts: list[RenderableType] = [Text(header(view), style="bold")]
    for key, title in SECTIONS:
        rows = view.sections[key]
        parts.append(Text(""))
        parts.append(Text(f"{title} ({len(rows)})", style="bold cyan"))
        if not rows:
            parts.append(Text("  none", style="dim"))
            continue
        table = Table(box=None, show_header=True, header_style="dim", pad_edge=False)
        for name in ("ID", "Customer", "Phase", "State", "Target"):
            table.add_column(name, no_wrap=True, overflow="ellipsis")
        for record in rows:
            row = summary_row(record, name_of)
            cells = _cells(row)
            state = Text(cells[3], style="red" if cells[3] == "at_risk" else "")
            table.add_row(cells[0], cells[1], cells[2], state, cells[4])
        parts.append(table)
    parts += [Text(""), Text("By phase", style="bold cyan")]
    most = max(view.by_phase.values(), default=0)
    width = max((len(p) for p in view.by_phase), default=0)
    for phase, count in view.by_phase.items():
        line = Text(f"  {phase:<{width}}  {count:>3}  ")
        line.append(_bar(count, most, char="█"), style="green")
        parts.append(line)
    if footer:
        parts += [Text(""), Text(footer, style="dim")]
    return Group(*parts)
