"""The route table, from the OpenAPI document, and the handler of each operation.

The documented paths and their operationIds come from the document (`domain.schema`,
Python literals: no file is read), so a route, its handler and its docs section share
one name. The few routes the sandbox serves beyond the document are declared here, in
`EXTRA_ROUTES`. Handlers register by operationId with `@handles`; the table is built
once, at import. Unknown paths get 404 `route_not_found`; a known path with another
method gets 405 `method_not_allowed` with an `Allow` header.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import unquote

from pivotal_cli.domain import schema
from pivotal_cli.sandbox.engine.context import Ctx, Reply
from pivotal_cli.sandbox.engine.errors import ApiError, not_found

API_PREFIX = "/api/v1"

# The order `Allow` lists a path's methods in, whatever order the document has.
_METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE")

Route = tuple[str, dict[str, str]]  # a path template under /api/v1, operationIds by method


def _documented() -> tuple[Route, ...]:
    routes = []
    for path, methods in schema.operations().items():
        ordered = sorted(methods, key=_METHOD_ORDER.index)
        routes.append((path.removeprefix(API_PREFIX + "/"), {m: methods[m] for m in ordered}))
    return tuple(routes)


ROUTES: tuple[Route, ...] = _documented()

# Served, but not in the document: the document itself, and the project's own additions
# (docs/api-choices.md, "The project's own additions"), matched after the documented ones.
EXTRA_ROUTES: tuple[Route, ...] = (
    ("openapi.json", {"GET": "get-openapi"}),
    ("webhook_endpoints/{id}/resend", {"POST": "resend-webhook-events"}),
)

# Answered without a key, outside the rate limit and any transaction (by the core).
PUBLIC_OPERATIONS = frozenset({"get-health", "get-openapi"})

OPERATIONS = frozenset(op for _, methods in (*ROUTES, *EXTRA_ROUTES) for op in methods.values())

Handler = Callable[[Ctx], Reply]
H = TypeVar("H", bound=Handler)

# operationId -> the function that answers it; filled by `@handles` in the modules that
# `engine.core` imports.
HANDLERS: dict[str, Handler] = {}
# Operations that read the raw request body themselves (it may be a bare JSON array).
RAW_BODY_OPERATIONS: set[str] = set()


def handles(operation: str, *, raw_body: bool = False) -> Callable[[H], H]:
    """Register the decorated function as the handler of `operation` (an operationId)."""
    if operation not in OPERATIONS or operation in PUBLIC_OPERATIONS:
        raise LookupError(f"{operation!r} is no routed operation that takes a handler")

    def register(handler: H) -> H:
        if operation in HANDLERS:
            raise LookupError(f"{operation!r} has a handler already")
        HANDLERS[operation] = handler
        if raw_body:
            RAW_BODY_OPERATIONS.add(operation)
        return handler

    return register


# Templates split once; a request is matched against these in order.
_TABLE = tuple(
    (tuple(template.split("/")), methods) for template, methods in (*ROUTES, *EXTRA_ROUTES)
)


@dataclass(frozen=True)
class Match:
    """The operation a request resolves to, with its decoded path parameters."""

    operation: str
    params: dict[str, str]


def match(method: str, raw_path: str) -> Match:
    """Resolves a request path (still percent-encoded) or raises the 404/405 error."""
    segments = _segments(raw_path)
    if segments is not None:
        for template, methods in _TABLE:
            params = _bind(template, segments)
            if params is None:
                continue
            if method in methods:
                return Match(methods[method], params)
            allowed = ", ".join(methods)
            raise ApiError(
                "invalid_request_error",
                "method_not_allowed",
                f"Method {method} is not allowed on this path. Allowed: {allowed}.",
                headers=(("Allow", allowed),),
                status=405,
            )
    raise not_found("route_not_found", f"No route matches {method} {raw_path.split('?')[0]}.")


def _segments(raw_path: str) -> list[str] | None:
    path = raw_path.split("?", 1)[0]
    if not path.startswith(API_PREFIX + "/"):
        return None
    rest = path[len(API_PREFIX) + 1 :].rstrip("/")
    parts = [unquote(part) for part in rest.split("/")]
    return None if "" in parts else parts


def _bind(template: tuple[str, ...], segments: list[str]) -> dict[str, str] | None:
    if len(template) != len(segments):
        return None
    params: dict[str, str] = {}
    for pattern, segment in zip(template, segments, strict=True):
        if pattern.startswith("{"):
            params[pattern[1:-1]] = segment
        elif pattern != segment:
            return None
    return params
