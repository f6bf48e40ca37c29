"""Which workspace a job belongs to: the key's `/me`, checked against the journal.

A job is bound to the workspace of the key that first ran it; a later run (a resume)
with a key of another workspace is refused before anything is sent. The journal is
written before `/me` is asked, so a `/me` that fails on the key or the server stops
the job resumably rather than losing it.
"""

from __future__ import annotations

from pathlib import Path

from pivotal_cli.client.http import Client
from pivotal_cli.client.identity import Identity
from pivotal_cli.client.rate_limit import RateLimit
from pivotal_cli.errors import (
    APIError,
    AuthenticationError,
    NetworkError,
    PermissionDeniedError,
    UsageError,
)
from pivotal_cli.jobs.journal import Journal
from pivotal_cli.jobs.stops import JobStopped

JobFile = tuple[Journal, Path]


def job_name(journal: Journal) -> str:
    """The name a resume takes: a bundle's, so it picks up every part left, else the job's."""
    meta = journal.meta()
    return str(meta.get("bundle") or meta["job_id"])


def who(client: Client, journals: list[JobFile]) -> tuple[Identity, RateLimit]:
    """`/me`: whose key, and its rate limit; a refused key or a failing server stops
    the job (resumably); other errors pass as they are."""
    from pivotal_cli.client.meta import get_me

    try:
        identity, _, rate = get_me(client)
    except (APIError, NetworkError) as error:
        refused = isinstance(error, (AuthenticationError, PermissionDeniedError))
        transient = isinstance(error, NetworkError) or (
            isinstance(error, APIError) and (error.status >= 500 or error.status == 429)
        )
        if not (refused or transient):
            raise
        raise JobStopped(
            error.message,
            cause=error,
            job_id=job_name(journals[0][0]),
            reason="import_key_refused" if refused else "import_server_errors",
        ) from None
    return identity, rate


def bind(journals: list[JobFile], workspace: str) -> None:
    """Record `workspace` in each journal; refuse a job bound to another one."""
    for journal, _ in journals:
        meta = journal.meta()
        if meta.get("workspace") and meta["workspace"] != workspace:
            raise UsageError(
                f"Job {meta['job_id']} writes to workspace {meta['workspace']}, but this key "
                f"opens {workspace}.",
                reason="import_other_workspace",
            )
        journal.set_meta({"workspace": workspace})
