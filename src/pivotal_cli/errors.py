"""Exception types and the one mapping from an error to an exit code and a message.

Every failure a user can meet ends up as a `PivotalError`; the command line's error
boundary prints its `one_line()` on stderr and exits with its `exit_code`. API errors
are built from the documented envelope `{error: {type, code, message, field}}` by
`error_from_response`.

Errors state facts only: a class, a `reason` (or the API's `code`) and, where a next
step needs them, `details`. The next step the user reads (a flag to pass, a command to
run) is the command line's business: `cli/hints.py` maps these facts to it, so no layer
below the command line speaks in flags.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum
from typing import Any

# The `reason` of every error `error_from_response` builds: the API answered with an
# error, so the next step depends on the API's `code` and the class.
ERROR_RESPONSE = "error_response"


class ExitCode(IntEnum):
    """The exit codes users and scripts rely on (documented in the README)."""

    OK = 0
    ERROR = 1
    USAGE = 2
    CANCELLED = 3
    AUTH = 4
    NOT_FOUND = 5
    CONFLICT = 6
    RATE_LIMITED = 7
    SERVER = 8
    # An import finished, and some of its rows failed (the others were written).
    PARTIAL = 9
    # `onboardings watch`: a fail condition held; the timeout passed first.
    WATCH_FAILED = 10
    WATCH_TIMEOUT = 11
    INTERRUPTED = 130


class PivotalError(Exception):
    """Base of every error the CLI reports; carries its exit code and a next step."""

    exit_code: int = ExitCode.ERROR

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        reason: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        # Only the command line sets `hint`; lower layers give `reason` and `details`.
        self.hint = hint
        self.reason = reason
        self.details: dict[str, Any] = dict(details or {})

    # The contract `code` of an error that has no `reason` (see `contract`).
    default_code = "error"

    def one_line(self, hint: str | None = None) -> str:
        """The message and the next step (`hint`, else the error's own), as one line."""
        hint = hint or self.hint
        return f"{self.message} {hint}" if hint else self.message

    @property
    def code_name(self) -> str:
        """The stable snake_case code scripts match on: the reason, else the class's."""
        return self.reason or self.default_code

    def contract(self, hint: str | None = None) -> dict[str, Any]:
        """The machine contract's error object (README "Scripts and CI").

        Its keys never change, whatever the error: scripts read them without checking.
        """
        return {
            "code": self.code_name,
            "message": self.message,
            "http_status": None,
            "retryable": False,
            "retry_after": None,
            "request_id": None,
            "hint": hint or self.hint,
            "exit_code": int(self.exit_code),
        }


class LocalFileError(PivotalError, OSError):
    """A local file or directory that cannot be read or written (full, read-only, gone).

    An OSError too, so code that treats a local write as best-effort (the id index, the
    delivery log) still catches it as one.
    """

    exit_code = ExitCode.ERROR
    default_code = "local_file"

    @classmethod
    def from_os_error(cls, exc: OSError, fallback: object = None) -> LocalFileError:
        """`Cannot write PATH: No space left on device.` from the OSError a write raised."""
        path = exc.filename if exc.filename is not None else fallback
        reason = exc.strerror or str(exc) or type(exc).__name__
        return cls(
            f"Cannot write {path}: {reason}.",
            reason="local_file",
            details={"path": str(path), "errno": exc.errno},
        )


class UsageError(PivotalError):
    """Bad flags, values or files: nothing was sent."""

    exit_code = ExitCode.USAGE
    default_code = "usage"


class CancelledError(PivotalError):
    """The user said no at a prompt, or a prompt was needed where none can be shown."""

    exit_code = ExitCode.CANCELLED
    default_code = "cancelled"


class UnknownRecordError(PivotalError):
    """A record named on the command line is not in a local store (no HTTP answer said so)."""

    exit_code = ExitCode.NOT_FOUND
    default_code = "not_found"


class CredentialsError(PivotalError):
    """No usable key: not logged in, no keyring backend, keyring locked or too slow."""

    exit_code = ExitCode.AUTH
    default_code = "not_logged_in"


# A network error's reason, in the contract's plainer words.
_NETWORK_CODES = {"no_answer": "network", "deadline_exceeded": "timeout"}


class NetworkError(PivotalError):
    """The request never got an HTTP answer (DNS, refused, reset, timeout)."""

    exit_code = ExitCode.SERVER
    default_code = "network"

    @property
    def code_name(self) -> str:
        return _NETWORK_CODES.get(self.reason or "", self.reason or self.default_code)

    def contract(self, hint: str | None = None) -> dict[str, Any]:
        # No answer came: the same request may well get one later.
        return {**super().contract(hint), "retryable": True}


class WatchFailedError(PivotalError):
    """A watched record met a fail condition (`onboardings watch --fail-on`)."""

    exit_code = ExitCode.WATCH_FAILED
    default_code = "watch_failed"


class WatchTimeoutError(PivotalError):
    """A watch's time ran out before its condition held."""

    exit_code = ExitCode.WATCH_TIMEOUT
    default_code = "watch_timeout"


class InsecureTransportError(UsageError):
    """A key would travel over plain http to a host that is not loopback."""


class APIError(PivotalError):
    """An HTTP error answer from the API, with everything the envelope said."""

    exit_code = ExitCode.ERROR

    def __init__(
        self,
        message: str,
        *,
        status: int,
        type: str | None = None,
        code: str | None = None,
        field: str | None = None,
        request_id: str | None = None,
        retry_after: float | None = None,
        hint: str | None = None,
        reason: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message, hint=hint, reason=reason, details=details)
        self.status = status
        self.type = type
        self.code = code
        self.field = field
        self.request_id = request_id
        self.retry_after = retry_after

    @property
    def code_name(self) -> str:
        """The API's own code when it gave one: scripts match on what the docs list."""
        return self.code or self.type or self.reason or self.default_code

    def contract(self, hint: str | None = None) -> dict[str, Any]:
        obj = super().contract(hint)
        obj.update(
            http_status=self.status,
            retryable=self.status == 429 or self.status >= 500,
            retry_after=self.retry_after,
            request_id=self.request_id,
        )
        return obj

    def one_line(self, hint: str | None = None) -> str:
        label = self.code or self.type
        text = f"{self.message} ({label + ', ' if label else ''}HTTP {self.status})"
        if self.request_id:
            text += f" [request {self.request_id}]"
        hint = hint or self.hint
        return f"{text} {hint}" if hint else text


class InvalidRequestError(APIError):
    exit_code = ExitCode.USAGE


class AuthenticationError(APIError):
    exit_code = ExitCode.AUTH


class PermissionDeniedError(APIError):
    exit_code = ExitCode.AUTH


class NotFoundError(APIError):
    exit_code = ExitCode.NOT_FOUND


class ConflictError(APIError):
    exit_code = ExitCode.CONFLICT


class RateLimitError(APIError):
    exit_code = ExitCode.RATE_LIMITED


class ServerError(APIError):
    exit_code = ExitCode.SERVER


# The documented error `type`s (Errors page), and the status each pairs with.
_BY_TYPE: dict[str, type[APIError]] = {
    "invalid_request_error": InvalidRequestError,
    "authentication_error": AuthenticationError,
    "permission_error": PermissionDeniedError,
    "not_found": NotFoundError,
    "conflict": ConflictError,
    "rate_limit_error": RateLimitError,
    "internal_error": ServerError,
}


def _class_for_status(status: int) -> type[APIError]:
    if status == 401:
        return AuthenticationError
    if status == 403:
        return PermissionDeniedError
    if status == 404:
        return NotFoundError
    if status == 409:
        return ConflictError
    if status == 429:
        return RateLimitError
    if status >= 500:
        return ServerError
    if 400 <= status < 500:
        return InvalidRequestError
    return APIError


def _readable_text(text: str) -> str:
    """First meaningful line of a non-JSON body (an HTML 502 page from a proxy, say)."""
    import re

    title = re.search(r"<title>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
    if title:
        text = title.group(1)
    text = re.sub(r"<[^>]+>", " ", text)
    for line in text.splitlines():
        line = " ".join(line.split())
        if line:
            return line[:200]
    return ""


def error_from_response(
    status: int,
    body: Any,
    text: str = "",
    *,
    request_id: str | None = None,
    retry_after: float | None = None,
) -> APIError:
    """Build the typed exception for an HTTP error answer, JSON envelope or not."""
    envelope = body.get("error") if isinstance(body, dict) else None
    if isinstance(envelope, dict):
        type_ = envelope.get("type") if isinstance(envelope.get("type"), str) else None
        code = envelope.get("code") if isinstance(envelope.get("code"), str) else None
        message = str(envelope.get("message") or "The API returned an error.")
        field = envelope.get("field") if isinstance(envelope.get("field"), str) else None
    else:
        type_ = code = field = None
        snippet = _readable_text(text)
        message = f"The server answered HTTP {status} without a Pivotal error body"
        message += f": {snippet}" if snippet else "."
    cls = _BY_TYPE.get(type_ or "") or _class_for_status(status)
    if field and field not in message:
        message = f"{message} (field: {field})"
    return cls(
        message,
        status=status,
        type=type_,
        code=code,
        field=field,
        request_id=request_id,
        retry_after=retry_after,
        reason=ERROR_RESPONSE,
    )
