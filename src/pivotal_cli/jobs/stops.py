"""Why a job stops before every row has an outcome, as errors that leave it resumable.

`JobStopped` carries the facts (the cause, the job's name, a reason code); the command
line words the next step from the reason. `Fatal` travels inside a sender thread to
the pool, which stops the job once every row in flight is journaled.
"""

from __future__ import annotations

from pivotal_cli.errors import ExitCode, PivotalError

# Rows that failed on a server or network error, one after another, before the job
# stops (the network or the API is down: better resumed later than failed row by row).
MAX_SERVER_ERRORS = 5


class JobStopped(PivotalError):
    """The job stopped before every row had an outcome; it can be resumed."""

    def __init__(self, message: str, *, cause: PivotalError | None, job_id: str, reason: str):
        super().__init__(message, reason=reason, details={"job": job_id})
        self.cause = cause
        self.job_id = job_id
        if cause is not None:
            self.exit_code = cause.exit_code


class Interrupted(JobStopped):
    """Ctrl-C: in-flight rows finished and were journaled."""

    exit_code = ExitCode.INTERRUPTED


class Fatal(Exception):
    """Raised inside a sender thread: the job must stop (the row stays resumable)."""

    def __init__(self, error: PivotalError, reason: str) -> None:
        self.error = error
        self.reason = reason
