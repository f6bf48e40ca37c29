"""How the workspace-at-a-glance view (`status`, `dash`) is drawn: plain lines or Rich.

Plain lines are for pipes and stay stable: a section title with its count, then one
tab-separated row per onboarding (`#display_id`, customer, phase, state, target date),
or `  none`. On a terminal each section is a table drawn like every list
(`render/table.py`: same headers, ids, colours and humane dates). Given a height (the
live `dash`), the view is fitted to it: the header and footer always show, blank lines
between sections go first, then sections lose rows to "… and N more" lines, shared out
so that every section keeps as many as it can. Rich is imported only when drawing for
a terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from pivotal_cli.domain.glance import SECTIONS, Glance, summary_row
from pivotal_cli.render.columns import Column
from pivotal_cli.render.views import STATUS_STYLES, moment, styled

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

BAR_WIDTH = 30

# The columns of a section, named as `onboardings list` names them.
GLANCE_COLUMNS = (
    Column("display_id", "ID", justify="right", fixed=True),
    Column("customer", "CUSTOMER"),
    Column("phase", "PHASE", human=lambda r: styled(r.get("phase"))),
    Column("state", "STATE", human=lambda r: styled(r.get("state"))),
    Column("target_launch_date", "TARGET LAUNCH", human=moment("target_launch_date")),
)


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


def section_cost(total: int, shown: int) -> int:
    """Lines a section's body takes showing `shown` of `total` rows (its title aside)."""
    if total == 0 or shown == 0:
        return 1  # "none", or "… and N more"
    return 1 + shown + (1 if shown < total else 0)  # table header, rows, "… and N more"


def share_rows(totals: Sequence[int], budget: int) -> list[int]:
    """Rows to show per section so that their bodies fit `budget` lines.

    Rows are handed out one at a time round the sections, so a long section cannot
    crowd out the others; a section that gets none still says how many it holds.
    """
    shown = [0] * len(totals)
    used = sum(section_cost(t, 0) for t in totals)
    growing = True
    while growing:
        growing = False
        for i, total in enumerate(totals):
            if shown[i] >= total:
                continue
            extra = section_cost(total, shown[i] + 1) - section_cost(total, shown[i])
            if used + extra <= budget:
                shown[i] += 1
                used += extra
                growing = True
    return shown


def renderable(
    view: Glance,
    name_of: Callable[[str], str | None],
    console: Console,
    footer: Sequence[str] = (),
    height: int | None = None,
) -> RenderableType:
    """The view for a terminal: a table per section, bars by phase, footer lines.

    With `height`, everything fits in that many lines (see the module docstring); the
    header and each footer line are one line each, cut with an ellipsis if too wide.
    """
    from rich.console import Group
    from rich.text import Text

    from pivotal_cli.render.table import tables

    def line(text: str, style: str = "") -> Text:
        return Text(text, style=style, no_wrap=True, overflow="ellipsis")

    rows = {key: [summary_row(r, name_of) for r in view.sections[key]] for key, _ in SECTIONS}
    totals = [len(rows[key]) for key, _ in SECTIONS]
    fixed = 1 + len(footer) + len(SECTIONS) + 1 + len(view.by_phase)  # titles, bars
    spaced = len(SECTIONS) + 1 + (1 if footer else 0)  # the blank lines between parts
    shown = list(totals)
    if height is not None:
        needed = fixed + spaced + sum(section_cost(t, t) for t in totals)
        if needed > height:
            spaced = 0
        shown = share_rows(totals, height - fixed - spaced)
    gap = [Text("")] if spaced else []

    parts: list[RenderableType] = [line(header(view), "bold")]
    for (key, title), count in zip(SECTIONS, shown, strict=True):
        parts += [*gap, line(f"{title} ({len(rows[key])})", "bold cyan")]
        if not rows[key]:
            parts.append(line("  none", "dim"))
            continue
        if count:
            parts += list(tables(rows[key][:count], GLANCE_COLUMNS, console))
        if count < len(rows[key]):
            parts.append(line(f"  … and {len(rows[key]) - count} more", "dim"))
    parts += [*gap, line("By phase", "bold cyan")]
    most = max(view.by_phase.values(), default=0)
    width = max((len(p) for p in view.by_phase), default=0)
    for phase, count in view.by_phase.items():
        bar = line(f"  {phase:<{width}}  {count:>3}  ")
        bar.append(_bar(count, most, char="█"), style=STATUS_STYLES.get(phase, "green"))
        parts.append(bar)
    if footer:
        parts += [*gap, *(line(text, "dim") for text in footer)]
    return Group(*parts)
