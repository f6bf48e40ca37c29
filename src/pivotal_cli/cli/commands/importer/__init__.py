"""`pivotal import`: bulk create and upsert from CSV, JSONL or JSON, journaled and resumable.

The package is `importer` because `import` is a Python keyword; `cli/app.py` maps the
command name to it. The work happens below: `jobs/` plans, loads, binds and runs the
jobs, `client/bulk.py` paces and looks up, `domain/importing.py` types rows,
`render/import_progress.py` draws progress. Here: one module per verb, each wiring its
options to a service in `jobs/` and wording the outcome; `start.py` and `send.py` hold
the steps the verbs share. The commands are registered here, in the order help lists
them.
"""

from __future__ import annotations

from pivotal_cli.cli.commands.importer import (
    bundle,
    forget,
    listing,
    records,
    results,
    resume,
    status,
)
from pivotal_cli.cli.options import group
from pivotal_cli.jobs.plan import BUNDLE_ORDER

app = group("Create or update many records from a CSV, JSONL or JSON file, resumably.")

for _plural in BUNDLE_ORDER:
    app.command(_plural)(records.command(_plural))
for _name, _command in (
    ("bundle", bundle.bundle),
    ("resume", resume.resume),
    ("status", status.status),
    ("list", listing.list_),
    ("results", results.results),
    ("forget", forget.forget),
):
    app.command(_name)(_command)
