"""The route table: path templates under `/api/v1` and the operationId for each method.

Operation names are the spec's operationIds, so a route, its handler and its docs
section share one name. Unknown paths get 404 `route_not_found`; a known path with
another method gets 405 `method_not_allowed` with an `Allow` header.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from pivotal_cli.sandbox.engine.errors import ApiError, not_found

API_PREFIX = "/api/v1"

ROUTES: tuple[tuple[str, dict[str, str]], ...] = (
    ("health", {"GET": "get-health"}),
    ("openapi.json", {"GET": "get-openapi"}),
    ("me", {"GET": "get-me"}),
    ("customers", {"GET": "list-customers", "POST": "create-customer"}),
    (
        "customers/{id}",
        {"GET": "get-customer", "PATCH": "update-customer", "DELETE": "delete-customer"},
    ),
    (
        "customers/{customerId}/contacts",
        {"GET": "list-customer-contacts", "POST": "create-customer-contact"},
    ),
    ("customers/{customerId}/onboardings", {"GET": "list-customer-onboardings"}),
    (
        "contacts/{id}",
        {"GET": "get-contact", "PATCH": "update-contact", "DELETE": "delete-contact"},
    ),
    ("onboardings", {"GET": "list-onboardings", "POST": "create-onboarding"}),
    (
        "onboardings/{id}",
        {"GET": "get-onboarding", "PATCH": "update-onboarding", "DELETE": "delete-onboarding"},
    ),
)

# Routes the docs' OpenAPI blocks do not have, kept out of the served document (see
# docs/api-choices.md, "The project's own additions"): matched after the documented ones.
EXTENSION_ROUTES: tuple[tuple[str, dict[str, str]], ...] = (
    ("webhook_endpoints/{id}/resend", {"POST": "resend-webhook-events"}),
)

# Operations that read the raw request body themselves (it may be a bare JSON array).
RAW_BODY_OPERATIONS = frozenset({"resend-webhook-events"})

PUBLIC_OPERATIONS = frozenset({"get-health", "get-openapi"})


@dataclass(frozen=True)
class Match:
    """The operation a request resolves to, with its decoded path parameters."""

    operation: str
    params: dict[str, str]


def match(method: str, raw_path: str) -> Match:
    """Resolves a request path (still percent-encoded) or raises the 404/405 error."""
    segments = _segments(raw_path)
    if segments is not None:
        for template, methods in (*ROUTES, *EXTENSION_ROUTES):
            params = _bind(template.split("/"), segments)
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


def _bind(template: list[str], segments: list[str]) -> dict[str, str] | None:
    if len(template) != len(segments):
        return None
    params: dict[str, str] = {}
    for pattern, segment in zip(template, segments, strict=True):
        if pattern.startswith("{"):
            params[pattern[1:-1]] = segment
        elif pattern != segment:
            return None
    return params
