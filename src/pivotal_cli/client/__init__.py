"""The API client: the HTTP core, pagination, id resolution, one module per resource,
and `/me` identity.

Functions here build paths, query strings and bodies and return the API's JSON as it
came (so `--json` stays exact). No Typer, no flag names, no "run `pivotal …`" advice:
errors carry codes, and the command line's boundary turns them into next steps.
"""

import sys

# httpx's package __init__ imports its own command-line client (click, rich.syntax,
# pygments: ~100 ms) when those are installed. We never run it; a None entry makes
# that optional import fail fast, exactly as when its extras are absent. Here, in the
# package, so it is in place before any module of the client imports httpx.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
