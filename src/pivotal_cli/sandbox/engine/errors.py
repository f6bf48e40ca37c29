"""The API error: one exception type, rendered as the documented envelope.

`{"error": {"type", "code", "message", "field"?}}`, with the HTTP status fixed by the
type (the docs promise a status never disagrees with its type).
"""

from __future__ import annotations

from typing import Any

STATUS_BY_TYPE = {
    "invalid_request_error": 400,
    "authentication_error": 401,
    "permission_error": 403,
    "not_found": 404,
    "conflict": 409,
    "rate_limit_error": 429,
    "internal_error": 500,
}


class ApiError(Exception):
    """A request that ends in a documented error response."""

    def __init__(
        self,
        type_: str,
        code: str,
        message: str,
        field: str | None = None,
        *,
        headers: tuple[tuple[str, str], ...] = (),
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.type = type_
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers
        # Only 405 overrides the status its type implies; the envelope has no 405 type.
        self.status = STATUS_BY_TYPE[type_] if status is None else status

    def envelope(self) -> dict[str, Any]:
        error: dict[str, Any] = {"type": self.type, "code": self.code, "message": self.message}
        if self.field is not None:
            error["field"] = self.field
        return {"error": error}


def invalid(code: str, message: str, field: str | None = None) -> ApiError:
    """A 400 `invalid_request_error`."""
    return ApiError("invalid_request_error", code, message, field)


def not_found(code: str, message: str) -> ApiError:
    """A 404 `not_found`."""
    return ApiError("not_found", code, message)


def conflict(code: str, message: str, field: str | None = None) -> ApiError:
    """A 409 `conflict`."""
    return ApiError("conflict", code, message, field)


def internal(message: str = "Internal error. Retry with backoff.") -> ApiError:
    """A 500 `internal_error`."""
    return ApiError("internal_error", "internal_error", message)
