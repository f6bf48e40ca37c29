"""`--web` and `open`: show a record or a list in the Pivotal app, or print its URL.

A browser is used only when one is likely (a terminal, not CI, not a text browser);
otherwise the URL goes to stdout, so `--web` is testable and scriptable.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

WebOpt = Annotated[
    bool,
    typer.Option("--web", help="Open it in the Pivotal app (prints the URL without a browser)."),
]


def open_or_print(app_ctx: Any, url: str, *, print_only: bool = False) -> None:
    """Open `url` in a browser, or print it when told to or when none can be used."""
    from pivotal_cli.render.links import open_in_browser

    if print_only or not open_in_browser(url, app_ctx.output):
        app_ctx.output.line(url)
    else:
        app_ctx.output.info(f"Opened {url}")
