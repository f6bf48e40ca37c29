"""The command line: the Typer app, the per-invocation context, shared options and
flows, the one error boundary, and one module per command group in `commands/`.

The only layer that imports Typer or speaks in flags. Below it: `client` (the API),
`render` (output), `domain` (schema and rules), `settings` (config and keys) and the
`sandbox`.
"""
