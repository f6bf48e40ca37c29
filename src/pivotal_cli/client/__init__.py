"""The API client: the HTTP core, pagination, id resolution, one module per resource,
and `/me` identity.

Functions here build paths, query strings and bodies and return the API's JSON as it
came (so `--json` stays exact). No Typer, no flag names, no "run `pivotal …`" advice:
errors carry codes, and the command line's boundary turns them into next steps.
"""
