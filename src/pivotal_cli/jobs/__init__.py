"""Import jobs: reading input files, the SQLite job journal, and running a job.

A layer between the command line and the client: it may use `client/`, `render/`,
`domain/` and `settings/`, never `cli/` (so it never speaks in flags) or the sandbox.
"""
