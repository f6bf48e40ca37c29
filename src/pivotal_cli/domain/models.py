"""pydantic v2 models of every object the API documents.

Tolerant by design, because the Versioning page promises additive changes: unknown
fields are kept (`extra="allow"`), enum-valued fields are plain strings (a new phase
or state must not break a read), and fields the prose examples leave out are optional
(API_NOTES item 24). The CLI prints the API's JSON as it came; these models are used
to validate what we send and to read responses whose shape varies, such as `/me`.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from pivotal_cli.domain.schema import CUSTOMER_STATUSES, PHASES, STATES
from pivotal_cli.domain.validate import is_email, iso_datetime


class APIObject(BaseModel):
    # defer_build: a command that reads one model should not pay for building the
    # validators of all of them at import time.
    model_config = ConfigDict(extra="allow", populate_by_name=True, defer_build=True)


class Customer(APIObject):
    object: str = "customer"
    id: str
    display_id: int
    name: str
    slug: str | None = None
    domain: str | None = None
    status: str | None = None
    plan: str | None = None
    mrr: int | None = Field(default=None, description="Monthly recurring revenue in cents.")
    monthly_orders: int | None = None
    hubspot_company_id: str | None = None
    hubspot_deal_id: str | None = None
    stripe_customer_id: str | None = None
    intercom_company_id: str | None = None
    slack_channel_id: str | None = None
    metadata: dict[str, Any] | None = None
    created_at: str | None = None
    updated_at: str | None = None


class Contact(APIObject):
    object: str = "contact"
    id: str
    display_id: int
    customer_id: str
    name: str
    email: str
    title: str | None = None
    is_primary: bool = False
    labels: list[str] = Field(default_factory=list)
    created_at: str | None = None
    updated_at: str | None = None


class Onboarding(APIObject):
    object: str = "onboarding"
    id: str
    display_id: int
    customer_id: str
    template_id: str | None = None
    phase: str
    state: str
    started_at: str | None = None
    completed_at: str | None = None
    target_launch_date: str | None = None
    csm_id: str | None = None
    se_id: str | None = None
    designer_id: str | None = None
    product_ops_id: str | None = None
    notes: str | None = None
    waiting_on_customer: bool = False
    waiting_on_customer_since: str | None = None
    wizard_completed_at: str | None = None
    reminder_email: bool = True
    reminder_slack: bool = True
    reminder_frequency_days: int = 1
    created_at: str | None = None
    updated_at: str | None = None


class Deleted(APIObject):
    """`Deleted`, `DeletedContact` and `DeletedOnboarding` share this one shape."""

    object: str = "deleted"
    id: str
    display_id: int
    deleted: bool = True


class ListPage(APIObject):
    """A list answer. `has_more`/`next_cursor` default so un-paginated lists fit too."""

    object: str = "list"
    data: list[dict[str, Any]]
    has_more: bool = False
    next_cursor: str | None = None


class Health(APIObject):
    status: str
    timestamp: str | None = None
    version: str | None = None


class ErrorBody(APIObject):
    type: str
    code: str
    message: str
    field: str | None = None


class ErrorEnvelope(APIObject):
    error: ErrorBody


class MeApiKey(APIObject):
    id: str
    name: str
    prefix: str
    scopes: list[str] = Field(default_factory=list)
    rate_limit_tier: str | None = None


class MeOrganization(APIObject):
    id: str
    slug: str
    name: str | None = None


class Me(APIObject):
    """`/me` in the OpenAPI shape. `mode` is additive (the guides rely on one).

    Commands read /me through `identity.Identity`, which also takes the guides'
    flat shape and needs no pydantic.
    """

    object: str = "me"
    api_key: MeApiKey
    organization: MeOrganization
    mode: str | None = None


# -- request bodies: validated before anything is sent ---------------------------


class _Body(BaseModel):
    # Unknown fields pass through: `--data` may carry fields the API added later.
    model_config = ConfigDict(extra="allow", defer_build=True)


def _known(value: str | None, known: tuple[str, ...], what: str) -> str | None:
    if value is not None and value not in known:
        raise ValueError(f"unknown {what} '{value}'; expected one of: {', '.join(known)}")
    return value


class CustomerWrite(_Body):
    name: str | None = None
    slug: str | None = None
    domain: str | None = None
    status: str | None = None
    plan: str | None = None
    mrr: int | None = Field(default=None, ge=0, strict=True)
    monthly_orders: int | None = Field(default=None, ge=0, strict=True)
    hubspot_company_id: str | None = None
    hubspot_deal_id: str | None = None
    stripe_customer_id: str | None = None
    intercom_company_id: str | None = None
    slack_channel_id: str | None = None
    metadata: dict[str, Any] | None = None

    @field_validator("status")
    @classmethod
    def _status(cls, v: str | None) -> str | None:
        return _known(v, CUSTOMER_STATUSES, "status")


class CustomerCreate(CustomerWrite):
    name: str = Field(min_length=1)


class ContactWrite(_Body):
    name: str | None = None
    email: str | None = None
    title: str | None = None
    is_primary: bool | None = None
    labels: list[str] | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, v: str | None) -> str | None:
        if v is not None and not is_email(v):
            raise ValueError(f"'{v}' is not an email address")
        return v


class ContactCreate(ContactWrite):
    name: str = Field(min_length=1)
    email: str


class OnboardingWrite(_Body):
    template_id: str | None = None
    phase: str | None = None
    state: str | None = None
    target_launch_date: str | None = None
    completed_at: str | None = None
    csm_id: str | None = None
    se_id: str | None = None
    designer_id: str | None = None
    product_ops_id: str | None = None
    notes: str | None = None
    waiting_on_customer: bool | None = None
    reminder_email: bool | None = None
    reminder_slack: bool | None = None
    reminder_frequency_days: int | None = Field(default=None, ge=1, strict=True)

    @field_validator("target_launch_date", "completed_at")
    @classmethod
    def _date(cls, v: str | None) -> str | None:
        return None if v is None else iso_datetime(v)

    @field_validator("phase")
    @classmethod
    def _phase(cls, v: str | None) -> str | None:
        return _known(v, PHASES, "phase")

    @field_validator("state")
    @classmethod
    def _state(cls, v: str | None) -> str | None:
        return _known(v, STATES, "state")


class OnboardingCreate(OnboardingWrite):
    customer_id: str = Field(min_length=1)
