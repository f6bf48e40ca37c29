"""The next step a user reads after an error: the command line's own words.

Layers below the command line raise errors that state facts: a class, a `reason`
(or, for an API error answer, the API's `code`) and `details`. Only here do those
facts become advice that names flags, environment variables or `pivotal` commands,
so the client, settings, render and domain layers never speak in flags. The error
boundary (`boundary.py`) asks `hint_for` for every error that carries no hint of its
own; `line` is the one line it prints.

Kept free of heavy imports: the boundary loads this module only when an error is
being reported, and it must not cost a command anything when none is.
"""

from __future__ import annotations

import errno
from collections.abc import Callable

from pivotal_cli.errors import (
    ERROR_RESPONSE,
    APIError,
    AuthenticationError,
    CancelledError,
    CredentialsError,
    InsecureTransportError,
    LocalFileError,
    NetworkError,
    NotFoundError,
    PivotalError,
    RateLimitError,
    ServerError,
    UnknownRecordError,
    UsageError,
)

Hint = str | Callable[[PivotalError], str]

NO_KEYRING = (
    "Set PIVOTAL_API_KEY for this shell, or run `pivotal auth login --insecure-storage` "
    "to keep the key in a file readable only by you."
)
CHECK_BASE_URL = "the base URL (--base-url / PIVOTAL_BASE_URL)"
WEBHOOK_SECRET_SOURCES = (
    "Pass --secret whsec_…, set PIVOTAL_WEBHOOK_SECRET, or store one with "
    "`pivotal webhooks secret set`."
)


def _detail(exc: PivotalError, name: str) -> str:
    return str(exc.details.get(name) or "")


def _onboarding(exc: PivotalError) -> str:
    """The onboarding the error is about, as a command line names it; `ID` if unknown."""
    return _detail(exc, "display_id") or "ID"


def _pick_workspace(exc: PivotalError) -> str:
    """Name the stored workspaces, so the command to run can be copied as it is."""
    known = [str(slug) for slug in exc.details.get("workspaces") or ()]
    if not known:
        return "Pass --workspace, or run `pivotal auth use WORKSPACE`."
    listed = ", ".join(known)
    return f"Pass --workspace ({listed}), or make one the default: `pivotal auth use {known[0]}`."


# A failed signature check's reason -> what to do about it.
WEBHOOK_VERDICT_HINTS: dict[str, str] = {
    "no_match": "Check the secret (`pivotal webhooks secret show`) and that the body is "
    "the exact bytes received.",
    "reserialized_body": "Pass the raw body as received, before any JSON parsing.",
    "trailing_newline": "Pass the body without the final line break (printf '%s', not echo).",
    "timestamp_too_old": "Sign it again with a fresh timestamp: `pivotal webhooks sign`.",
    "timestamp_too_new": "Check this machine's clock.",
    "missing_header": "Pass --request FILE, --header 'svix-id: …' (and timestamp, signature), "
    "or --id, --timestamp and --signature.",
}

# An API error answer's `code` -> the next step (the API's Errors page lists them).
BY_API_CODE: dict[str, str] = {
    "missing_api_key": "Run `pivotal auth login`, or set PIVOTAL_API_KEY.",
    "invalid_api_key": "Check the key, then run `pivotal auth login` again.",
    "api_key_revoked": "The key was revoked: create a new one in Admin > API Keys and run "
    "`pivotal auth login`.",
    "slug_taken": "Pick another --slug, or update the existing customer instead.",
    "shopify_domain_taken": "Another customer already claims that domain; pick another --domain.",
    "email_taken": "That customer already has a contact with this email; update it instead.",
    "idempotency_key_reused": "The key was used with a different body; use a fresh "
    "--idempotency-key.",
    "idempotency_key_in_flight": "A request with the same key is still running; retry shortly.",
}

# An API error answer whose code has no entry above: by its exact class.
BY_API_CLASS: dict[type[APIError], str] = {
    AuthenticationError: "Run `pivotal auth login`, or check PIVOTAL_API_KEY.",
    RateLimitError: "Wait a moment and try again, or use a separate key for bulk jobs.",
    ServerError: "The API failed; try again shortly. Rerun with --verbose to see the exchange.",
}

# (error class, reason) -> the next step. A subclass matches its parents' entries.
BY_REASON: dict[tuple[type[PivotalError], str], Hint] = {
    # settings/target.py: which key a command uses.
    (CredentialsError, "key_missing_from_store"): lambda e: (
        f"Run `pivotal auth login` again for '{_detail(e, 'workspace')}'."
    ),
    (CredentialsError, "unknown_workspace"): (
        "Run `pivotal auth login`, or `pivotal auth status` to see what is stored."
    ),
    (CredentialsError, "no_key_for_mode"): lambda e: (
        f"Run `pivotal auth login` with a {_detail(e, 'mode')} key, or pick the other mode."
    ),
    (CredentialsError, "ambiguous_mode"): lambda e: (
        f"Pass --live or --test, or run `pivotal auth use {_detail(e, 'workspace')} --test`."
    ),
    (CredentialsError, "ambiguous_workspace"): _pick_workspace,
    (CredentialsError, "not_logged_in"): (
        "Run `pivotal auth login`, set PIVOTAL_API_KEY, "
        "or try the local sandbox with `pivotal --sandbox …`."
    ),
    # settings/credentials.py: the keyring and the credentials file.
    (CredentialsError, "keyring_timeout"): "Unlock it and retry. " + NO_KEYRING,
    (CredentialsError, "keyring_failed"): NO_KEYRING,
    (CredentialsError, "no_keyring"): NO_KEYRING,
    (CredentialsError, "credentials_file_unreadable"): "Delete it and run `pivotal auth login`.",
    # settings/config.py
    (UsageError, "config_unreadable"): "Fix or delete it, then run `pivotal auth login` again.",
    (UsageError, "config_wrong_shape"): "Fix or delete it, then run `pivotal auth login` again.",
    # client/sendable.py and client/failures.py
    (InsecureTransportError, "not_http_url"): "Use a base URL like https://my.pivotal.app/api/v1.",
    (InsecureTransportError, "plain_http_to_remote"): (
        "Use https, or http only to localhost / 127.0.0.1."
    ),
    (APIError, "redirect"): f"Check {CHECK_BASE_URL}; the API never redirects.",
    (ServerError, "success_not_json"): f"Check {CHECK_BASE_URL}: it should end in /api/v1.",
    (NetworkError, "no_answer"): f"Check your network, or {CHECK_BASE_URL}.",
    (NetworkError, "deadline_exceeded"): (
        f"Check your network or {CHECK_BASE_URL}; to wait longer, pass --timeout SECONDS "
        "(or set PIVOTAL_TIMEOUT)."
    ),
    (UsageError, "malformed_base_url"): (
        f"Fix {CHECK_BASE_URL}: it should look like https://my.pivotal.app/api/v1."
    ),
    (CredentialsError, "key_not_sendable"): (
        "Copy the key again without spaces, line breaks or quotes, then run "
        "`pivotal auth login` (or fix PIVOTAL_API_KEY)."
    ),
    (UsageError, "idempotency_key_not_sendable"): (
        "Pass an --idempotency-key of visible ASCII characters only, such as a UUID."
    ),
    (ServerError, "unexpected_body"): (
        f"Check {CHECK_BASE_URL}: it should end in /api/v1. Rerun with --verbose to see "
        "the exchange."
    ),
    (APIError, "retry_after_too_long"): lambda e: (
        f"The API asks to wait {getattr(e, 'retry_after', 0) or 0:.0f} s; try again then."
    ),
    # client/customers.py
    (NotFoundError, "slug_not_found"): (
        "Check the slug with `pivotal customers list`, or pass the display_id."
    ),
    # render/streams.py: a confirmation nobody can give.
    (CancelledError, "no_terminal"): "Pass --yes to confirm.",
    # domain/workflow.py: moving an onboarding between phases.
    (UsageError, "unknown_phase"): lambda e: (
        f"Set the phase directly with `pivotal onboardings update {_onboarding(e)} "
        '--data \'{"phase": "…"}\'`.'
    ),
    (UsageError, "already_completed"): lambda e: (
        f"To retract a launch, run `pivotal onboardings back {_onboarding(e)}`."
    ),
    (UsageError, "phase_behind"): lambda e: (
        f"Use `pivotal onboardings back {_onboarding(e)}` to move one phase back."
    ),
    # cli/commands/webhooks/ and settings/webhook_secrets.py
    (UsageError, "webhook_secret_needed"): WEBHOOK_SECRET_SOURCES,
    (CredentialsError, "webhook_secret_missing"): WEBHOOK_SECRET_SOURCES,
    (CredentialsError, "webhook_no_keyring"): (
        "Set PIVOTAL_WEBHOOK_SECRET for this shell, or run `pivotal webhooks secret set "
        "--insecure-storage` to keep the secret in a file readable only by you."
    ),
    (UsageError, "webhook_secret_bad"): "Copy the endpoint's signing secret again: it looks "
    "like whsec_ followed by base64.",
    (PivotalError, "no_webhook_secret_stored"): (
        "Store one with `pivotal webhooks secret set`, or set PIVOTAL_WEBHOOK_SECRET."
    ),
    (CancelledError, "no_terminal_for_secret"): (
        "Pipe it in: `printenv PIVOTAL_WEBHOOK_SECRET | pivotal webhooks secret set --stdin`."
    ),
    (UsageError, "unknown_event_type"): "List them with `pivotal webhooks events`.",
    (PivotalError, "port_in_use"): lambda e: (
        f"Pick another with --port (0 picks a free one), or stop what listens on "
        f"{_detail(e, 'port')}."
    ),
    (NetworkError, "receiver_unreachable"): lambda e: (
        "Start a receiver with `pivotal webhooks listen` in another terminal, or pass "
        "--forward-to URL."
        if _detail(e, "default")
        else "Check that the app is running and the URL is right."
    ),
    (UnknownRecordError, "delivery_not_recorded"): (
        "List the recorded deliveries with `pivotal webhooks log`."
    ),
    (PivotalError, "signature_invalid"): lambda e: WEBHOOK_VERDICT_HINTS.get(
        _detail(e, "reason"), ""
    ),
    # settings/paths.py and the sandbox's store: local files that cannot be written.
    (LocalFileError, "local_file"): lambda e: (
        ("Free some space, or p" if e.details.get("errno") == errno.ENOSPC else "P")
        + "oint PIVOTAL_CONFIG_DIR, PIVOTAL_STATE_DIR or PIVOTAL_CACHE_DIR at a writable"
        " directory."
    ),
    (LocalFileError, "sandbox_db_unusable"): (
        "Point PIVOTAL_SANDBOX_DIR (or --db) at a writable directory, or remove the file"
        " to start a fresh sandbox."
    ),
}


def webhook_listen_ready(url: str) -> str:
    """What `webhooks listen` says once it is listening: the URL and how to register it."""
    return (
        f"Ready. Register {url} as an endpoint "
        f"(`pivotal sandbox webhooks add {url} --test-mode` for the sandbox, or Admin > "
        "Developer > Webhooks for a workspace). Ctrl-C to stop."
    )


def export_stopped(written: int) -> str:
    """What `export` says when it stops early: what is kept, and how to go on."""
    return (
        f"The export stopped with {written:,} records saved. Run the same command with "
        "--resume to continue from there."
    )


def hint_for(exc: PivotalError) -> str | None:
    """The next step for `exc`: its own hint if it has one, else from the tables above."""
    if exc.hint:
        return exc.hint
    if isinstance(exc, APIError) and exc.reason == ERROR_RESPONSE:
        if exc.code and exc.code in BY_API_CODE:
            return BY_API_CODE[exc.code]
        return BY_API_CLASS.get(type(exc))
    if exc.reason is None:
        return None
    for cls in type(exc).__mro__:
        hint = BY_REASON.get((cls, exc.reason))
        if hint is not None:
            return hint(exc) if callable(hint) else hint
    return None


def line(exc: PivotalError) -> str:
    """The one line the user reads: the error's message and the next step."""
    return exc.one_line(hint_for(exc))


def _job(exc: PivotalError) -> str:
    return _detail(exc, "job") or "JOB"


def forget_damaged(job: str) -> str:
    """What to do about a journal that cannot be used: forget the job (or delete it)."""
    return f"Remove it with `pivotal import forget {job}`, or delete the file."


# jobs/: an import job that stopped before every row had an outcome, and its inputs.
BY_REASON.update(
    {
        (PivotalError, "import_interrupted"): lambda e: (
            f"Resume it with `pivotal import resume {_job(e)}`."
        ),
        (PivotalError, "import_server_errors"): lambda e: (
            "The API or the network kept failing, so the job stopped; every row is "
            f"journaled. Resume it later with `pivotal import resume {_job(e)}`."
        ),
        (PivotalError, "import_key_refused"): lambda e: (
            "Fix the key (`pivotal auth login` or PIVOTAL_API_KEY), then resume with "
            f"`pivotal import resume {_job(e)}`."
        ),
        (UsageError, "import_format_unknown"): "Pass --format csv, jsonl or json.",
        (UsageError, "import_no_job"): "See the jobs with `pivotal import list`.",
        (LocalFileError, "import_journal_damaged"): lambda e: forget_damaged(_job(e)),
        (UsageError, "import_other_workspace"): (
            "Use the key of the job's workspace (--workspace, or PIVOTAL_API_KEY)."
        ),
    }
)
