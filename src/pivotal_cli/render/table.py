"""Rich tables on a terminal: a list drawn in chunks with widths that fit, and a record.

A list is drawn a hundred rows at a time, so a long `--all` starts showing at once and
never holds the whole list; later chunks keep the first chunk's widths so the columns
line up. Rich is imported only when a table is drawn.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from pivotal_cli.render.columns import Column
from pivotal_cli.render.formats import chunked
from pivotal_cli.render.spinners import CHUNK

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table


def tables(
    rows: Iterable[dict[str, Any]], columns: Sequence[Column], console: Console
) -> Iterator[Table]:
    """One borderless table per chunk of rows; only the first has the header."""
    from rich.table import Table
    from rich.text import Text

    first = True
    widths: list[int] | None = None
    for batch in chunked(rows, CHUNK):
        cells = [[Text.from_markup(c.text(row)) for c in columns] for row in batch]
        if widths is None:
            natural = [
                max([len(col.header), *(line[i].cell_len for line in cells)])
                for i, col in enumerate(columns)
            ]
            widths = fit_widths(
                natural,
                [len(c.header) for c in columns],
                console.width,
                fixed=[c.fixed for c in columns],
            )
        table = Table(box=None, pad_edge=False, show_header=first, header_style="bold")
        for col, width in zip(columns, widths, strict=True):
            table.add_column(
                col.header,
                justify=col.justify,  # type: ignore[arg-type]
                min_width=width,
                max_width=width,
                no_wrap=True,
                overflow="ellipsis",
            )
        for line in cells:
            table.add_row(*line)
        first = False
        yield table


def record_grid(row: dict[str, Any], fields: Sequence[Column]) -> Table:
    """One object as a two-column grid: bold headers, then the values."""
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    for col in fields:
        grid.add_row(col.header, col.text(row))
    return grid


def fit_widths(
    natural: list[int], headers: list[int], total: int, *, fixed: Sequence[bool] = ()
) -> list[int]:
    """Column widths that fit `total` cells: the widest columns give way first.

    Rich would otherwise drop whole columns from the left when fixed widths overflow.
    `fixed` columns (ids, slugs, money) never shrink; when they alone overflow the
    terminal, the line wraps rather than show a wrong id.
    """
    widths = list(natural)
    fixed = list(fixed) or [False] * len(widths)
    floors = [
        w if keep else min(w, max(h, 6)) for w, h, keep in zip(widths, headers, fixed, strict=True)
    ]
    available = total - 2 * (len(widths) - 1)  # two spaces between columns
    for floor in (floors, [w if keep else 1 for w, keep in zip(widths, fixed, strict=True)]):
        # First down to a readable floor; if the fixed columns still leave too little
        # room, the others go down to an ellipsis rather than cut an id.
        while sum(widths) > available:
            i = max(range(len(widths)), key=lambda k: widths[k] - floor[k])
            if widths[i] <= floor[i]:
                break
            widths[i] -= 1
    return widths
