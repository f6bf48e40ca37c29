"""Build the project's OpenAPI 3.1 document of the Pivotal API v1 and write it as JSON.

The developer docs (`shared/seeds/000_ce78e87427384208.txt`) carry one small OpenAPI
block per operation, and those blocks lost their YAML indentation, so they cannot be
parsed mechanically. This script is the hand-made merge of all eighteen blocks into one
document, plus what the prose guides and the sandbox's documented choices add (see
`INFO_DESCRIPTION` below and `shared/API_NOTES.md` for the why of each choice).

The output is `src/pivotal_cli/domain/openapi.json`; the sandbox serves it at
`GET /api/v1/openapi.json` and `tests/sandbox/test_openapi_doc.py` fails when the
checked-in file differs from what this script builds.

    .venv/bin/python scripts/gen_openapi.py            # (re)write the JSON file
    .venv/bin/python scripts/gen_openapi.py --check    # exit 1 if the file is stale

Names are the docs' own (schema names, kebab-case operationIds, `subpackage_*` tags),
including the duplicated per-use enum schemas, so a client generated from this document
has the same types as one generated from the docs' blocks.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "src" / "pivotal_cli" / "domain" / "openapi.json"

API = "/api/v1"
JSON = "application/json"

PHASES = [
    "before_getting_started",
    "program_design",
    "review",
    "program_buildout",
    "internal_qa",
    "launch",
    "completed",
]
STATES = ["active", "paused", "at_risk", "waiting"]
CUSTOMER_STATUSES = ["active", "onboarding", "at_risk", "churned", "low_touch"]

# The sandbox rejects integers a JavaScript client could not hold exactly (2**53 - 1).
MAX_SAFE_INTEGER = 2**53 - 1
SAFE_INTEGER = {"type": "integer", "minimum": -MAX_SAFE_INTEGER, "maximum": MAX_SAFE_INTEGER}
NON_EMPTY = {"type": "string", "minLength": 1}
# Zod's email rule, which the API validates with (`invalid_string` "Invalid email"),
# rewritten without lookaheads: no leading dot, no `..`, the character before `@` not a
# dot or quote, a dotted domain ending in two or more letters. Stricter than the RFC
# addresses `format: email` alone would allow.
ZOD_EMAIL = (
    r"^([A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]"
    r"@([A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$"
)
EMAIL_INPUT = {
    "type": "string",
    "format": "email",
    "pattern": ZOD_EMAIL,
    "description": "Lowercased on the way in; unique per customer.",
}

INFO_DESCRIPTION = """\
The Pivotal customer-onboarding REST API v1, as one document.

Merged from the per-operation OpenAPI blocks of the developer docs (names, operationIds
and schemas kept as written there, including the duplicated per-use enum schemas), then
extended where the prose guides document more and where the project's sandbox had to
pick a behaviour. The extensions:

* Every authenticated operation documents `401` (missing, invalid or revoked key),
  `429` (rate limited, with `Retry-After`) and `500 internal_error`; health documents
  `500`. The error envelope is the docs' `Error` (`field` optional).
* `400` is documented for every request body and for bad query values: a malformed
  `cursor` (`invalid_string`), a `limit` outside 1-100, an unknown `status`, `state` or
  `phase` filter.
* `404` wherever a path id or a referenced customer can be missing (including the
  `customer_id` of create-onboarding; the `customer_id` filter of list-onboardings
  gives an empty list instead).
* `409` on every POST for idempotency (`idempotency_key_reused`,
  `idempotency_key_in_flight`), plus `slug_taken` / `shopify_domain_taken` on
  create/update customer and `email_taken` on create/update contact.
* Headers from the Rate limits and Idempotency guides: the `Idempotency-Key` request
  header (1 to 255 bytes) on POSTs; `X-RateLimit-Limit`, `X-RateLimit-Remaining`
  and `X-RateLimit-Reset` on authenticated responses; `Retry-After` on 429;
  `Idempotent-Replay: true` on a replayed POST 201.
* `limit` is an integer 1-100, default 25 (the reference's value; the Pagination table's
  20 is not used); `cursor` is a date-time.
* list-customers takes a `slug` filter (display_id guide: `?slug=aurora&limit=1`).
* Customers carry a free-form `metadata` object (Integration sync and Test mode guides)
  on Customer, CustomerCreate and CustomerUpdate.
* `/me` keeps the reference shape `{object: "me", api_key, organization}` and adds a
  top-level `mode` (`live` | `test`), which the Quickstart and Test mode guides rely on.
* Health adds `version` (the Versioning guide: "reports the deployed version") and
  types `timestamp` as a date-time.
* `ContactList` may carry `has_more` and `next_cursor` like the other lists (the
  sandbox sends `false` / `null`: contacts are not paginated).
* Create defaults of onboardings (prose of create-onboarding) are `default` keywords.
* Constraints the validation enforces: `name`, `slug` and `domain` are non-empty
  strings; a contact `email` also matches Zod's email rule (a `pattern`); integers stay
  within +/-(2^53 - 1), what a JavaScript client holds exactly;
  `reminder_frequency_days` is at least 1; an OnboardingUpdate must not contradict
  itself (`state` other than `waiting` with `waiting_on_customer: true`, or the
  reverse, is a 400 `invalid_field`).
* POST bodies are marked required; a PATCH without a body is an empty partial update.
* The `Authorization` header is declared once, as the `BearerAuth` security scheme,
  instead of as a per-operation header parameter (OpenAPI ignores such a parameter).
* Operations carry `links` (create -> read/update/delete) for stateful testing.

Response objects never forbid additional properties: the Versioning guide promises new
optional fields inside v1, and clients must ignore unknown keys.
"""

BEARER_DESCRIPTION = (
    "Send your key in the `Authorization` header. Keys start with\n"
    "`pivotal_` (production) or `pivotal_test_` (test mode, no side\n"
    "effects on integrations). Rotate keys from\n"
    "`/admin/api-keys` — old keys 401 instantly when revoked.\n"
)


def ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(type_: str, **extra: Any) -> dict[str, Any]:
    return {"type": [type_, "null"], **extra}


def enum(name: str, values: list[str], description: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "enum": list(values), "title": name}
    if description:
        schema["description"] = description
    return schema


def obj(
    title: str,
    properties: dict[str, Any],
    required: list[str] | None = None,
    description: str | None = None,
) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object"}
    if description:
        schema["description"] = description
    schema["properties"] = properties
    if required:
        schema["required"] = required
    schema["title"] = title
    return schema


DATE_TIME = {"type": "string", "format": "date-time"}
REMINDER_DAYS = {"type": "integer", "minimum": 1, "maximum": MAX_SAFE_INTEGER}
DATE_TIME_OR_NULL = nullable("string", format="date-time")

# ----------------------------------------------------------------------------- schemas


def schemas() -> dict[str, Any]:
    s: dict[str, Any] = {}

    # --- meta
    s["MeObject"] = enum("MeObject", ["me"])
    s["MeApiKey"] = obj(
        "MeApiKey",
        {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "prefix": {"type": "string"},
            "scopes": {"type": "array", "items": {"type": "string"}},
            "rate_limit_tier": {"type": "string"},
        },
        ["id", "name", "prefix", "scopes", "rate_limit_tier"],
    )
    s["MeOrganization"] = obj(
        "MeOrganization",
        {"id": {"type": "string"}, "slug": {"type": "string"}, "name": {"type": "string"}},
        ["id", "slug", "name"],
    )
    s["MeMode"] = enum(
        "MeMode",
        ["live", "test"],
        "Extension: `test` for `pivotal_test_…` keys, `live` otherwise (Quickstart and "
        "Test mode guides).",
    )
    s["Me"] = obj(
        "Me",
        {
            "object": ref("MeObject"),
            "api_key": ref("MeApiKey"),
            "organization": ref("MeOrganization"),
            "mode": ref("MeMode"),
        },
        ["object", "api_key", "organization"],
    )
    s["HealthStatus"] = enum("HealthStatus", ["ok"])
    s["Health"] = obj(
        "Health",
        {
            "status": ref("HealthStatus"),
            "timestamp": dict(DATE_TIME),
            "version": {
                "type": "string",
                "description": "Extension: the deployed version of the API surface "
                "(Versioning guide).",
            },
        },
        ["status", "timestamp"],
    )

    # --- shared error envelope
    s["ErrorErrorType"] = enum(
        "ErrorErrorType",
        [
            "invalid_request_error",
            "authentication_error",
            "permission_error",
            "rate_limit_error",
            "not_found",
            "conflict",
            "internal_error",
        ],
    )
    s["ErrorError"] = obj(
        "ErrorError",
        {
            "type": ref("ErrorErrorType"),
            "code": {
                "type": "string",
                "description": "Stable machine-readable code, e.g. `invalid_type`, "
                "`invalid_enum_value`, `invalid_string`, `missing_api_key`, "
                "`invalid_api_key`, `api_key_revoked`, `customer_not_found`, "
                "`slug_taken`, `email_taken`, `idempotency_key_reused`, `rate_limited`, "
                "`internal_error`. New codes may appear inside an existing type.",
            },
            "message": {"type": "string"},
            "field": {
                "type": "string",
                "description": "Set only when the error points at one request property.",
            },
        },
        ["type", "code", "message"],
    )
    s["Error"] = obj("Error", {"error": ref("ErrorError")}, ["error"])

    # --- customers
    s["ApiV1CustomersGetParametersStatus"] = enum(
        "ApiV1CustomersGetParametersStatus", CUSTOMER_STATUSES
    )
    s["CustomerListObject"] = enum("CustomerListObject", ["list"])
    s["CustomerObject"] = enum("CustomerObject", ["customer"])
    s["CustomerMetadata"] = {
        "type": "object",
        "additionalProperties": True,
        "description": "Extension: free-form JSON object for your own data; Pivotal does not "
        "introspect it and it round-trips intact (Integration sync guide).",
        "title": "CustomerMetadata",
    }
    s["Customer"] = obj(
        "Customer",
        {
            "object": ref("CustomerObject"),
            "id": {"type": "string"},
            "display_id": {"type": "integer"},
            "name": {"type": "string"},
            "slug": nullable("string"),
            "domain": nullable("string"),
            "status": {
                "type": "string",
                "description": "One of `active`, `onboarding`, `at_risk`, `churned`, "
                "`low_touch` today; typed as a plain string because new values may ship.",
            },
            "plan": nullable("string"),
            "mrr": nullable("integer", description="Monthly recurring revenue in cents."),
            "monthly_orders": nullable("integer"),
            "hubspot_company_id": nullable("string"),
            "hubspot_deal_id": nullable("string"),
            "stripe_customer_id": nullable("string"),
            "intercom_company_id": nullable("string"),
            "slack_channel_id": nullable("string"),
            "metadata": ref("CustomerMetadata"),
            "created_at": dict(DATE_TIME),
            "updated_at": dict(DATE_TIME),
        },
        [
            "object",
            "id",
            "display_id",
            "name",
            "slug",
            "domain",
            "status",
            "plan",
            "mrr",
            "monthly_orders",
            "hubspot_company_id",
            "hubspot_deal_id",
            "stripe_customer_id",
            "intercom_company_id",
            "slack_channel_id",
            "created_at",
            "updated_at",
        ],
    )
    s["CustomerList"] = obj(
        "CustomerList",
        {
            "object": ref("CustomerListObject"),
            "data": {"type": "array", "items": ref("Customer")},
            "has_more": {"type": "boolean"},
            "next_cursor": nullable("string"),
        },
        ["object", "data", "has_more", "next_cursor"],
    )

    def customer_input(title: str, status_enum: str, required: list[str] | None) -> dict:
        return obj(
            title,
            {
                "name": dict(NON_EMPTY),
                "slug": dict(NON_EMPTY),
                "domain": dict(NON_EMPTY),
                "status": ref(status_enum),
                "plan": {"type": "string"},
                "mrr": {**SAFE_INTEGER, "description": "Monthly recurring revenue in cents."},
                "monthly_orders": dict(SAFE_INTEGER),
                "hubspot_company_id": {"type": "string"},
                "hubspot_deal_id": {"type": "string"},
                "stripe_customer_id": {"type": "string"},
                "intercom_company_id": {"type": "string"},
                "slack_channel_id": {"type": "string"},
                "metadata": ref("CustomerMetadata"),
            },
            required,
        )

    s["CustomerCreateStatus"] = enum("CustomerCreateStatus", CUSTOMER_STATUSES)
    s["CustomerCreate"] = customer_input("CustomerCreate", "CustomerCreateStatus", ["name"])
    s["DeletedObject"] = enum("DeletedObject", ["deleted"])
    s["Deleted"] = deleted("Deleted", "DeletedObject")
    s["CustomerUpdateStatus"] = enum("CustomerUpdateStatus", CUSTOMER_STATUSES)
    s["CustomerUpdate"] = customer_input("CustomerUpdate", "CustomerUpdateStatus", None)

    # --- contacts
    s["ContactListObject"] = enum("ContactListObject", ["list"])
    s["ContactObject"] = enum("ContactObject", ["contact"])
    s["Contact"] = obj(
        "Contact",
        {
            "object": ref("ContactObject"),
            "id": {"type": "string"},
            "display_id": {"type": "integer"},
            "customer_id": {"type": "string"},
            "name": {"type": "string"},
            "email": {"type": "string", "format": "email"},
            "title": nullable("string"),
            "is_primary": {"type": "boolean"},
            "labels": {"type": "array", "items": {"type": "string"}},
            "created_at": dict(DATE_TIME),
            "updated_at": dict(DATE_TIME),
        },
        [
            "object",
            "id",
            "display_id",
            "customer_id",
            "name",
            "email",
            "title",
            "is_primary",
            "labels",
            "created_at",
            "updated_at",
        ],
    )
    s["ContactList"] = obj(
        "ContactList",
        {
            "object": ref("ContactListObject"),
            "data": {"type": "array", "items": ref("Contact")},
            "has_more": {
                "type": "boolean",
                "description": "Extension: contacts are not paginated; always `false`.",
            },
            "next_cursor": nullable(
                "string", description="Extension: contacts are not paginated; always `null`."
            ),
        },
        ["object", "data"],
    )

    def contact_input(title: str, required: list[str] | None) -> dict:
        return obj(
            title,
            {
                "name": dict(NON_EMPTY),
                "email": dict(EMAIL_INPUT),
                "title": {"type": "string"},
                "is_primary": {"type": "boolean"},
                "labels": {"type": "array", "items": {"type": "string"}},
            },
            required,
        )

    s["ContactCreate"] = contact_input("ContactCreate", ["name", "email"])
    s["DeletedContactObject"] = enum("DeletedContactObject", ["deleted"])
    s["DeletedContact"] = deleted("DeletedContact", "DeletedContactObject")
    s["ContactUpdate"] = contact_input("ContactUpdate", None)

    # --- onboardings
    s["ApiV1OnboardingsGetParametersState"] = enum("ApiV1OnboardingsGetParametersState", STATES)
    s["ApiV1OnboardingsGetParametersPhase"] = enum("ApiV1OnboardingsGetParametersPhase", PHASES)
    s["OnboardingListObject"] = enum("OnboardingListObject", ["list"])
    s["OnboardingObject"] = enum("OnboardingObject", ["onboarding"])
    s["OnboardingPhase"] = enum("OnboardingPhase", PHASES)
    s["OnboardingState"] = enum("OnboardingState", STATES)
    s["Onboarding"] = obj(
        "Onboarding",
        {
            "object": ref("OnboardingObject"),
            "id": {"type": "string"},
            "display_id": {"type": "integer"},
            "customer_id": {"type": "string"},
            "template_id": nullable("string"),
            "phase": ref("OnboardingPhase"),
            "state": ref("OnboardingState"),
            "started_at": dict(DATE_TIME),
            "completed_at": dict(DATE_TIME_OR_NULL),
            "target_launch_date": dict(DATE_TIME_OR_NULL),
            "csm_id": nullable("string"),
            "se_id": nullable("string"),
            "designer_id": nullable("string"),
            "product_ops_id": nullable("string"),
            "notes": nullable("string"),
            "waiting_on_customer": {"type": "boolean"},
            "waiting_on_customer_since": dict(DATE_TIME_OR_NULL),
            "wizard_completed_at": dict(DATE_TIME_OR_NULL),
            "reminder_email": {"type": "boolean"},
            "reminder_slack": {"type": "boolean"},
            "reminder_frequency_days": {"type": "integer"},
            "created_at": dict(DATE_TIME),
            "updated_at": dict(DATE_TIME),
        },
        [
            "object",
            "id",
            "display_id",
            "customer_id",
            "template_id",
            "phase",
            "state",
            "started_at",
            "completed_at",
            "target_launch_date",
            "csm_id",
            "se_id",
            "designer_id",
            "product_ops_id",
            "notes",
            "waiting_on_customer",
            "waiting_on_customer_since",
            "wizard_completed_at",
            "reminder_email",
            "reminder_slack",
            "reminder_frequency_days",
            "created_at",
            "updated_at",
        ],
    )
    s["OnboardingList"] = obj(
        "OnboardingList",
        {
            "object": ref("OnboardingListObject"),
            "data": {"type": "array", "items": ref("Onboarding")},
            "has_more": {"type": "boolean"},
            "next_cursor": nullable("string"),
        },
        ["object", "data", "has_more", "next_cursor"],
    )
    bare_date_note = (
        "A date-time; the sandbox also accepts a bare date (`2026-07-15`, read as "
        "midnight UTC), the form the webhook examples use."
    )
    s["OnboardingCreatePhase"] = enum("OnboardingCreatePhase", PHASES)
    s["OnboardingCreateState"] = enum("OnboardingCreateState", STATES)
    s["OnboardingCreate"] = obj(
        "OnboardingCreate",
        {
            "customer_id": {
                "type": "string",
                "description": "Numeric display_id or cuid of the parent customer.",
            },
            "template_id": {"type": "string"},
            "phase": {**ref("OnboardingCreatePhase"), "default": "before_getting_started"},
            "state": {**ref("OnboardingCreateState"), "default": "active"},
            "target_launch_date": {**DATE_TIME, "description": bare_date_note},
            "csm_id": nullable("string"),
            "se_id": nullable("string"),
            "designer_id": nullable("string"),
            "product_ops_id": nullable("string"),
            "notes": {"type": "string"},
            "reminder_email": {"type": "boolean", "default": True},
            "reminder_slack": {"type": "boolean", "default": True},
            "reminder_frequency_days": {**REMINDER_DAYS, "default": 1},
        },
        ["customer_id"],
    )
    s["DeletedOnboardingObject"] = enum("DeletedOnboardingObject", ["deleted"])
    s["DeletedOnboarding"] = deleted("DeletedOnboarding", "DeletedOnboardingObject")
    s["OnboardingUpdatePhase"] = enum("OnboardingUpdatePhase", PHASES)
    s["OnboardingUpdateState"] = enum("OnboardingUpdateState", STATES)
    s["OnboardingUpdate"] = obj(
        "OnboardingUpdate",
        {
            "template_id": nullable("string"),
            "phase": ref("OnboardingUpdatePhase"),
            "state": ref("OnboardingUpdateState"),
            "target_launch_date": {**DATE_TIME_OR_NULL, "description": bare_date_note},
            "completed_at": {**DATE_TIME_OR_NULL, "description": bare_date_note},
            "csm_id": nullable("string"),
            "se_id": nullable("string"),
            "designer_id": nullable("string"),
            "product_ops_id": nullable("string"),
            "notes": nullable("string"),
            "waiting_on_customer": {
                "type": "boolean",
                "description": "`true` moves the state to `waiting`; `false` on a waiting "
                "onboarding moves it to `active`. Given together with `state`, the two "
                "must agree.",
            },
            "reminder_email": {"type": "boolean"},
            "reminder_slack": {"type": "boolean"},
            "reminder_frequency_days": dict(REMINDER_DAYS),
        },
    )
    # `state` and `waiting_on_customer` must not contradict each other (the sandbox's
    # reading of the docs' three accounts, API_NOTES #16): 400 `invalid_field`.
    s["OnboardingUpdate"]["not"] = {
        "anyOf": [
            {
                "properties": {
                    "state": {"const": "waiting"},
                    "waiting_on_customer": {"const": False},
                },
                "required": ["state", "waiting_on_customer"],
            },
            {
                "properties": {
                    "state": {"enum": [state for state in STATES if state != "waiting"]},
                    "waiting_on_customer": {"const": True},
                },
                "required": ["state", "waiting_on_customer"],
            },
        ]
    }
    return s


def deleted(title: str, object_enum: str) -> dict[str, Any]:
    # The docs define this one shape three times under three names; all three are kept.
    return obj(
        title,
        {
            "object": ref(object_enum),
            "id": {"type": "string"},
            "display_id": {"type": "integer"},
            "deleted": {"type": "boolean"},
        },
        ["object", "id", "display_id", "deleted"],
    )


# ----------------------------------------------------------------------- parameters


def components_parameters() -> dict[str, Any]:
    return {
        "Limit": {
            "name": "limit",
            "in": "query",
            "description": "1–100, default 25. Page size. (The Pagination guide's table says "
            "20; the reference and the sandbox use 25.) Out of range is a 400.",
            "required": False,
            "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 25},
        },
        "Cursor": {
            "name": "cursor",
            "in": "query",
            "description": "Pagination cursor from a previous response (ISO timestamp): pass "
            "`next_cursor` back unchanged. Returns items strictly older than this "
            "`created_at`. Not a date-time: 400 `invalid_string`.",
            "required": False,
            "schema": {"type": "string", "format": "date-time"},
        },
        "IdempotencyKey": {
            "name": "Idempotency-Key",
            "in": "header",
            "description": "Makes the POST safe to retry: the same key with the same body "
            "within 24 hours returns the first response (with `Idempotent-Replay: true`) "
            "instead of creating a duplicate; the same key with a different body is a 409 "
            "`idempotency_key_reused`, a concurrent one 409 `idempotency_key_in_flight`. "
            "Keys are scoped to one workspace and one endpoint. Any opaque string up to "
            "255 bytes; an empty key is a 400.",
            "required": False,
            "schema": {"type": "string", "minLength": 1, "maxLength": 255},
        },
    }


def path_id(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "description": description,
        "required": True,
        "schema": {"type": "string"},
    }


CUSTOMER_ID = "Numeric display_id or canonical cuid id."
PARENT_ID = "Numeric display_id or cuid of the parent customer."
CONTACT_ID = "Numeric display_id or cuid of the contact."
ONBOARDING_ID = "Numeric display_id or cuid of the onboarding."

# ------------------------------------------------------------------------ responses


def components_headers() -> dict[str, Any]:
    # Not `required`: a sandbox started with rate limiting off sends no bucket headers.
    off = " Absent when the sandbox runs with rate limiting off."
    return {
        "X-RateLimit-Limit": {
            "description": "Requests allowed in the current window." + off,
            "schema": {"type": "integer", "minimum": 0},
        },
        "X-RateLimit-Remaining": {
            "description": "Requests left in this window." + off,
            "schema": {"type": "integer", "minimum": 0},
        },
        "X-RateLimit-Reset": {
            "description": "Unix epoch seconds when the window resets." + off,
            "schema": {"type": "integer", "minimum": 0},
        },
        "Retry-After": {
            "description": "Seconds to wait before retrying.",
            "required": True,
            "schema": {"type": "integer", "minimum": 0},
        },
        "Idempotent-Replay": {
            "description": "`true` when this is the cached response of an earlier request "
            "with the same `Idempotency-Key`; absent otherwise.",
            "schema": {"type": "string", "enum": ["true"]},
        },
    }


def rate_headers() -> dict[str, Any]:
    return {
        name: {"$ref": f"#/components/headers/{name}"}
        for name in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")
    }


def json_response(
    description: str,
    schema: str,
    *,
    authenticated: bool = True,
    extra_headers: dict[str, Any] | None = None,
    links: dict[str, Any] | None = None,
) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description}
    headers = {**(rate_headers() if authenticated else {}), **(extra_headers or {})}
    if headers:
        response["headers"] = headers
    response["content"] = {JSON: {"schema": ref(schema)}}
    if links:
        response["links"] = links
    return response


def error_responses(
    *,
    bad_request: str | None = None,
    not_found: str | None = None,
    conflict: str | None = None,
    authenticated: bool = True,
) -> dict[str, Any]:
    """The error responses of one operation, in status order."""
    out: dict[str, Any] = {}
    if bad_request:
        out["400"] = json_response(bad_request, "Error")
    if authenticated:
        # A 401 is rejected before the rate limiter sees it (Rate limits guide), so it
        # carries no bucket headers.
        out["401"] = json_response(
            "Missing or invalid API key (`missing_api_key`, `invalid_api_key`, `api_key_revoked`)",
            "Error",
            authenticated=False,
        )
    if not_found:
        out["404"] = json_response(not_found, "Error", authenticated=authenticated)
    if conflict:
        out["409"] = json_response(conflict, "Error")
    if authenticated:
        out["429"] = json_response(
            "Rate limit exceeded (`rate_limited`); honour `Retry-After`",
            "Error",
            extra_headers={"Retry-After": {"$ref": "#/components/headers/Retry-After"}},
        )
    out["500"] = json_response(
        "Internal error (`internal_error`); retry with backoff",
        "Error",
        authenticated=authenticated,
    )
    return out


IDEMPOTENCY_409 = (
    "`idempotency_key_reused` (same Idempotency-Key, different body) or "
    "`idempotency_key_in_flight` (same key, concurrent request)"
)


def created(schema: str, links: dict[str, Any]) -> dict[str, Any]:
    return json_response(
        "Created (or, with `Idempotent-Replay: true`, the replay of an earlier create)",
        schema,
        extra_headers={"Idempotent-Replay": {"$ref": "#/components/headers/Idempotent-Replay"}},
        links=links,
    )


def body(schema: str, *, required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": {JSON: {"schema": ref(schema)}}}


def link(operation_id: str, param: str, description: str) -> dict[str, Any]:
    return {
        "operationId": operation_id,
        "parameters": {param: "$response.body#/id"},
        "description": description,
    }


def customer_links() -> dict[str, Any]:
    return {
        "GetCustomer": link("get-customer", "id", "Read the customer back."),
        "UpdateCustomer": link("update-customer", "id", "Update the customer."),
        "DeleteCustomer": link("delete-customer", "id", "Delete the customer."),
        "ListCustomerContacts": link(
            "list-customer-contacts", "customerId", "List the customer's contacts."
        ),
        "CreateCustomerContact": link(
            "create-customer-contact", "customerId", "Add a contact to the customer."
        ),
        "ListCustomerOnboardings": link(
            "list-customer-onboardings", "customerId", "List the customer's onboardings."
        ),
    }


def contact_links() -> dict[str, Any]:
    return {
        "GetContact": link("get-contact", "id", "Read the contact back."),
        "UpdateContact": link("update-contact", "id", "Update the contact."),
        "DeleteContact": link("delete-contact", "id", "Delete the contact."),
    }


def onboarding_links() -> dict[str, Any]:
    return {
        "GetOnboarding": link("get-onboarding", "id", "Read the onboarding back."),
        "UpdateOnboarding": link("update-onboarding", "id", "Update the onboarding."),
        "DeleteOnboarding": link("delete-onboarding", "id", "Delete the onboarding."),
    }


# ----------------------------------------------------------------------- operations


def op(
    operation_id: str,
    summary: str,
    tag: str,
    *,
    description: str | None = None,
    parameters: list[dict[str, Any]] | None = None,
    request_body: dict[str, Any] | None = None,
    responses: dict[str, Any],
    public: bool = False,
) -> dict[str, Any]:
    operation: dict[str, Any] = {"operationId": operation_id, "summary": summary}
    if description:
        operation["description"] = description
    operation["tags"] = [tag]
    if parameters:
        operation["parameters"] = parameters
    if request_body:
        operation["requestBody"] = request_body
    operation["responses"] = dict(sorted(responses.items()))
    if public:
        operation["security"] = []
    return operation


def param_ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/parameters/{name}"}


def query(name: str, schema: dict[str, Any], description: str | None = None) -> dict[str, Any]:
    p: dict[str, Any] = {"name": name, "in": "query"}
    if description:
        p["description"] = description
    p["required"] = False
    p["schema"] = schema
    return p


LIST_400 = "Invalid query: bad `cursor` (`invalid_string`), `limit` or filter value"


def paths() -> dict[str, Any]:
    meta, customers = "subpackage_meta", "subpackage_customers"
    contacts, onboardings = "subpackage_contacts", "subpackage_onboardings"
    return {
        f"{API}/me": {
            "get": op(
                "get-me",
                "Get current identity",
                meta,
                description="Returns the API key's identity, organization, scopes, and "
                "rate-limit tier. Hit this first to confirm a newly-created key is wired "
                "up correctly.",
                responses={
                    "200": json_response("OK", "Me"),
                    **error_responses(),
                },
            )
        },
        f"{API}/health": {
            "get": op(
                "get-health",
                "Liveness probe",
                meta,
                description="Unauthenticated. Returns 200 if the process is up. Use this "
                "for uptime monitoring; for a deeper integration probe see "
                "/api/health/deep on the canonical host.",
                responses={
                    "200": json_response("OK", "Health", authenticated=False),
                    **error_responses(authenticated=False),
                },
                public=True,
            )
        },
        f"{API}/customers": {
            "get": op(
                "list-customers",
                "List customers",
                customers,
                description="Returns customers in the calling org, newest first. "
                "Cursor-paginated — pass `next_cursor` from a previous response back as "
                "`cursor` to get the next page.",
                parameters=[
                    param_ref("Limit"),
                    param_ref("Cursor"),
                    query("status", ref("ApiV1CustomersGetParametersStatus")),
                    query(
                        "slug",
                        {"type": "string"},
                        "Extension: exact match on the customer's slug "
                        "(`?slug=aurora&limit=1`, then take `data[0]`).",
                    ),
                ],
                responses={
                    "200": json_response("OK", "CustomerList"),
                    **error_responses(bad_request=LIST_400),
                },
            ),
            "post": op(
                "create-customer",
                "Create a customer",
                customers,
                description="Adds a customer to the calling org. `name` is the only "
                "required field; `slug` must be unique within the org and shows up in "
                "human-facing URLs.",
                parameters=[param_ref("IdempotencyKey")],
                request_body=body("CustomerCreate"),
                responses={
                    "201": created("Customer", customer_links()),
                    **error_responses(
                        bad_request="Invalid request body",
                        conflict="Conflict: `slug_taken`, `shopify_domain_taken` (field "
                        "`shopify_domain`), or " + IDEMPOTENCY_409,
                    ),
                },
            ),
        },
        f"{API}/customers/{{id}}": {
            "get": op(
                "get-customer",
                "Retrieve a customer",
                customers,
                description="Fetch one customer by numeric `display_id` (shareable, appears "
                "in URLs) or canonical cuid `id`.",
                parameters=[path_id("id", CUSTOMER_ID)],
                responses={
                    "200": json_response("OK", "Customer"),
                    **error_responses(not_found="Customer not found"),
                },
            ),
            "delete": op(
                "delete-customer",
                "Delete a customer",
                customers,
                description="Soft delete — the row is hidden from reads but preserved for "
                "audit. Idempotent.",
                parameters=[path_id("id", CUSTOMER_ID)],
                responses={
                    "200": json_response("OK", "Deleted"),
                    **error_responses(not_found="Customer not found"),
                },
            ),
            "patch": op(
                "update-customer",
                "Update a customer",
                customers,
                description="Partial update. Send only the fields you want to change.",
                parameters=[path_id("id", CUSTOMER_ID)],
                request_body=body("CustomerUpdate", required=False),
                responses={
                    "200": json_response("OK", "Customer"),
                    **error_responses(
                        bad_request="Invalid request body",
                        not_found="Customer not found",
                        conflict="Conflict: `slug_taken` or `shopify_domain_taken`",
                    ),
                },
            ),
        },
        f"{API}/customers/{{customerId}}/contacts": {
            "get": op(
                "list-customer-contacts",
                "List a customer's contacts",
                contacts,
                description="Primary contact first, then most recently created. Not paginated.",
                parameters=[path_id("customerId", PARENT_ID)],
                responses={
                    "200": json_response("OK", "ContactList"),
                    **error_responses(not_found="Customer not found"),
                },
            ),
            "post": op(
                "create-customer-contact",
                "Add a contact to a customer",
                contacts,
                description="Email is lowercased on the way in and unique per customer.",
                parameters=[path_id("customerId", PARENT_ID), param_ref("IdempotencyKey")],
                request_body=body("ContactCreate"),
                responses={
                    "201": created("Contact", contact_links()),
                    **error_responses(
                        bad_request="Invalid request body",
                        not_found="Customer not found",
                        conflict="Email already exists for this customer (`email_taken`), "
                        "or " + IDEMPOTENCY_409,
                    ),
                },
            ),
        },
        f"{API}/contacts/{{id}}": {
            "get": op(
                "get-contact",
                "Retrieve a contact",
                contacts,
                parameters=[path_id("id", CONTACT_ID)],
                responses={
                    "200": json_response("OK", "Contact"),
                    **error_responses(not_found="Contact not found"),
                },
            ),
            "delete": op(
                "delete-contact",
                "Delete a contact",
                contacts,
                description="Soft delete — preserved for audit, hidden from reads.",
                parameters=[path_id("id", CONTACT_ID)],
                responses={
                    "200": json_response("OK", "DeletedContact"),
                    **error_responses(not_found="Contact not found"),
                },
            ),
            "patch": op(
                "update-contact",
                "Update a contact",
                contacts,
                description="Partial update. Send only the fields you want to change.",
                parameters=[path_id("id", CONTACT_ID)],
                request_body=body("ContactUpdate", required=False),
                responses={
                    "200": json_response("OK", "Contact"),
                    **error_responses(
                        bad_request="Invalid request body",
                        not_found="Contact not found",
                        conflict="Email already exists for this customer (`email_taken`)",
                    ),
                },
            ),
        },
        f"{API}/onboardings": {
            "get": op(
                "list-onboardings",
                "List onboardings",
                onboardings,
                description="Filter by `customer_id`, `state`, or `phase`. `state=waiting` "
                "is derived from `waiting_on_customer = true`. Cursor-paginated.",
                parameters=[
                    param_ref("Limit"),
                    param_ref("Cursor"),
                    query(
                        "customer_id",
                        {"type": "string"},
                        "Filter by customer (display_id or cuid). An unknown customer "
                        "gives an empty list, not a 404.",
                    ),
                    query("state", ref("ApiV1OnboardingsGetParametersState")),
                    query("phase", ref("ApiV1OnboardingsGetParametersPhase")),
                ],
                responses={
                    "200": json_response("OK", "OnboardingList"),
                    **error_responses(bad_request=LIST_400),
                },
            ),
            "post": op(
                "create-onboarding",
                "Create an onboarding",
                onboardings,
                description="Defaults: phase=before_getting_started, state=active, "
                "reminders on, frequency 1 day.",
                parameters=[param_ref("IdempotencyKey")],
                request_body=body("OnboardingCreate"),
                responses={
                    "201": created("Onboarding", onboarding_links()),
                    **error_responses(
                        bad_request="Invalid request body",
                        not_found="Customer not found",
                        conflict=IDEMPOTENCY_409[0].upper() + IDEMPOTENCY_409[1:],
                    ),
                },
            ),
        },
        f"{API}/customers/{{customerId}}/onboardings": {
            "get": op(
                "list-customer-onboardings",
                "List a customer's onboardings",
                onboardings,
                description="Newest first. Not paginated — a customer rarely has more than "
                "a handful (`has_more` is always `false`, `next_cursor` `null`).",
                parameters=[path_id("customerId", PARENT_ID)],
                responses={
                    "200": json_response("OK", "OnboardingList"),
                    **error_responses(not_found="Customer not found"),
                },
            ),
        },
        f"{API}/onboardings/{{id}}": {
            "get": op(
                "get-onboarding",
                "Retrieve an onboarding",
                onboardings,
                parameters=[path_id("id", ONBOARDING_ID)],
                responses={
                    "200": json_response("OK", "Onboarding"),
                    **error_responses(not_found="Onboarding not found"),
                },
            ),
            "delete": op(
                "delete-onboarding",
                "Delete an onboarding",
                onboardings,
                description="Soft delete — preserved for audit, hidden from reads.",
                parameters=[path_id("id", ONBOARDING_ID)],
                responses={
                    "200": json_response("OK", "DeletedOnboarding"),
                    **error_responses(not_found="Onboarding not found"),
                },
            ),
            "patch": op(
                "update-onboarding",
                "Update an onboarding",
                onboardings,
                description="Partial update. Setting `state=waiting` flips "
                "`waiting_on_customer=true`; setting any other state clears it.",
                parameters=[path_id("id", ONBOARDING_ID)],
                request_body=body("OnboardingUpdate", required=False),
                responses={
                    "200": json_response("OK", "Onboarding"),
                    **error_responses(
                        bad_request="Invalid request body",
                        not_found="Onboarding not found",
                    ),
                },
            ),
        },
    }


# ------------------------------------------------------------------------- document


def build() -> dict[str, Any]:
    """The whole document as a dict, in a fixed key order."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Pivotal API",
            "version": "1.0.0",
            "description": INFO_DESCRIPTION,
        },
        "servers": [
            {"url": "https://my.pivotal.app", "description": "Production"},
        ],
        "security": [{"BearerAuth": []}],
        "tags": [
            {"name": "subpackage_meta", "description": "Identity and liveness."},
            {"name": "subpackage_customers", "description": "Customers."},
            {"name": "subpackage_contacts", "description": "Contacts of a customer."},
            {"name": "subpackage_onboardings", "description": "Onboardings of a customer."},
        ],
        "paths": paths(),
        "components": {
            "schemas": schemas(),
            "parameters": components_parameters(),
            "headers": components_headers(),
            "securitySchemes": {
                "BearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": BEARER_DESCRIPTION,
                }
            },
        },
    }


def render(doc: dict[str, Any]) -> str:
    # Fixed indentation, no key sorting (the order above is the reading order), UTF-8
    # kept as-is, and a final newline: the same dict always gives the same bytes.
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the checked-in file is stale"
    )
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where to write")
    args = parser.parse_args(argv)
    text = render(build())
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is stale: run scripts/gen_openapi.py", file=sys.stderr)
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
