"""Command groups, one module per API resource (plus auth and sandbox).

Each module exports a `typer.Typer` named `app`. Modules import only the standard
library and typer at the top, so building the command tree for `--help` and
completion stays cheap; everything else is imported inside the command bodies.
"""
