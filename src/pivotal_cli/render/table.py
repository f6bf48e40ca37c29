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
    """One borderless table per chunk of rows; only the first has the header.

    Columns marked `optional` are left out, last first, while what must stay whole
    (ids, URLs) and a readable floor of the rest would not fit the terminal.
    """
    from rich.table import Table
    from rich.text import Text

    first = True
    widths: list[int] | None = None
    for batch in chunked(rows, CHUNK):
        if widths is None:
            columns = _droppable(batch, columns, console.width)
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
                # An id or URL too wide even alone wraps within its column: never cut.
                no_wrap=not col.fixed,
                overflow="fold" if col.fixed else "ellipsis",
            )
        for line in cells:
            table.add_row(*line)
        first = False
        yield table


def _droppable(
    batch: Sequence[dict[str, Any]], columns: Sequence[Column], total: int
) -> list[Column]:
    """`columns` without the optional ones (last first) a terminal this wide cannot fit."""
    from rich.text import Text

    kept = list(columns)

    def needed(cols: Sequence[Column]) -> int:
        size = 2 * (len(cols) - 1)
        for col in cols:
            natural = max(
                [len(col.header), *(Text.from_markup(col.text(r)).cell_len for r in batch)]
            )
            size += natural if col.fixed else min(natural, max(len(col.header), 6))
        return size

    while needed(kept) > total:
        optional = [i for i, col in enumerate(kept) if col.optional]
        if not optional:
            break
        del kept[optional[-1]]
    return kept


def record_grid(row: dict[str, Any], fields: Sequence[Column]) -> Table:
    """One object as a two-column grid: bold headers, then the values."""
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    # A long value (a path, a URL) wraps onto more lines rather than lose its end.
    grid.add_column(overflow="fold")
    for col in fields:
        grid.add_row(col.header, col.text(row))
    return grid


def fit_widths(
    natural: list[int], headers: list[int], total: int, *, fixed: Sequence[bool] = ()
) -> list[int]:
    """Column widths that fit `total` cells: the widest columns give way first.

    Rich would otherwise drop whole columns from the left when fixed widths overflow.
    `fixed` columns (ids, slugs, URLs, money) shrink last; when they alone overflow
    the terminal, the widest is narrowed and its cells fold onto more lines (whole,
    never cut), rather than show a wrong id.
    """
    widths = list(natural)
    fixed = list(fixed) or [False] * len(widths)
    readable = [
        w if keep else min(w, max(h, 6)) for w, h, keep in zip(widths, headers, fixed, strict=True)
    ]
    narrowest = [min(w, max(h, 8)) for w, h in zip(widths, headers, strict=True)]
    folded = [n if keep else r for n, keep, r in zip(narrowest, fixed, readable, strict=True)]
    least = [n if keep else 1 for n, keep in zip(narrowest, fixed, strict=True)]
    available = total - 2 * (len(widths) - 1)  # two spaces between columns
    # First free text down to a readable floor, then down to an ellipsis: ids stay
    # whole on their line. Only when the fixed columns alone are too wide does the
    # widest of them fold onto more lines (whole, never cut), before free text goes.
    squeezed = [w if keep else 1 for w, keep in zip(widths, fixed, strict=True)]
    order = (readable, squeezed) if sum(squeezed) <= available else (readable, folded, least)
    for floor in order:
        while sum(widths) > available:
            i = max(range(len(widths)), key=lambda k: widths[k] - floor[k])
            if widths[i] <= floor[i]:
                break
            widths[i] -= 1
    return widths
