"""Exception types and the one mapping from an error to an exit code and a message.

Every failure a user can meet ends up as a `PivotalError`; `app.run` prints its
`one_line()` on stderr and exits with its `exit_code`. API errors are built from the
documented envelope `{error: {type, code, message, field}}` by `error_from_response`.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any


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
    INTERRUPTED = 130


class PivotalError(Exception):
    """Base of every error the CLI reports; carries its exit code and a next step."""

    exit_code: int = ExitCode.ERROR

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def one_line(self) -> str:
        """The message and the next step, as the one line users read."""
        return f"{self.message} {self.hint}" if self.hint else self.message


class UsageError(PivotalError):
    """Bad flags, values or files: nothing was sent."""

    exit_code = ExitCode.USAGE


class CancelledError(PivotalError):
    """The user said no at a prompt, or a prompt was needed where none can be shown."""

    exit_code = ExitCode.CANCELLED


class CredentialsError(PivotalError):
    """No usable key: not logged in, no keyring backend, keyring locked or too slow."""

    exit_code = ExitCode.AUTH


class NetworkError(PivotalError):
    """The request never got an HTTP answer (DNS, refused, reset, timeout)."""

    exit_code = ExitCode.SERVER


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
    ) -> None:
        super().__init__(message, hint=hint)
        self.status = status
        self.type = type
        self.code = code
        self.field = field
        self.request_id = request_id
        self.retry_after = retry_after

    def one_line(self) -> str:
        label = self.code or self.type
        text = f"{self.message} ({label + ', ' if label else ''}HTTP {self.status})"
        if self.request_id:
            text += f" [request {self.request_id}]"
        return f"{text} {self.hint}" if self.hint else text


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


_HINTS: dict[str, str] = {
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


def _hint_for(cls: type[APIError], code: str | None) -> str | None:
    if code and code in _HINTS:
        return _HINTS[code]
    if cls is AuthenticationError:
        return "Run `pivotal auth login`, or check PIVOTAL_API_KEY."
    if cls is RateLimitError:
        return "Wait a moment and try again, or use a separate key for bulk jobs."
    if cls is ServerError:
        return "The API failed; try again shortly. Rerun with --verbose to see the exchange."
    return None


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
        hint=_hint_for(cls, code),
    )
