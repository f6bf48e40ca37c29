"""Typed calls per API resource over the HTTP core.

Functions here build paths, query strings and bodies and return the API's JSON as
it came (so `--json` stays exact). Pagination lives here too, never in commands.
"""
