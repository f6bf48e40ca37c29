"""The pydantic models: tolerant when reading, strict when writing.

`Identity` (plain Python, in identity.py) reads both documented /me shapes
(API_NOTES item 1); `Me` is the pydantic model of the spec shape. Response models keep
fields they do not know and accept enum values they do not know, because the
Versioning page promises both will appear inside v1 (a phase "adoption", a state
"blocked"). Write models are the opposite: a bad status, phase, state, email, date or
a negative amount is refused before anything is sent, with a message naming the field.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from pivotal_cli.client.identity import Identity
from pivotal_cli.domain.models import (
    ContactCreate,
    ContactWrite,
    Customer,
    CustomerCreate,
    CustomerWrite,
    Health,
    ListPage,
    Me,
    Onboarding,
    OnboardingCreate,
    OnboardingWrite,
)

SPEC_ME = {
    "object": "me",
    "api_key": {
        "id": "cl9key0000000000000000001",
        "name": "ci-bot",
        "prefix": "pivotal_K8s9",
        "scopes": ["*"],
        "rate_limit_tier": "standard",
    },
    "organization": {"id": "cl9org0000000000000000001", "slug": "vml", "name": "VML"},
}
FLAT_ME = {
    "object": "api_key_identity",
    "key_name": "ci-bot",
    "key_prefix": "pivotal_test_K8s9",
    "org_id": "cl9org0000000000000000001",
    "org_slug": "vml",
    "mode": "test",
}


# -- /me in both shapes ---------------------------------------------------------------


def test_identity_reads_the_spec_shape() -> None:
    identity = Identity.from_api(SPEC_ME)

    assert identity.key_id == "cl9key0000000000000000001"
    assert (identity.key_name, identity.key_prefix) == ("ci-bot", "pivotal_K8s9")
    assert (identity.org_id, identity.org_slug, identity.org_name) == (
        "cl9org0000000000000000001",
        "vml",
        "VML",
    )
    assert identity.scopes == ("*",)
    assert identity.rate_limit_tier == "standard"
    assert identity.mode is None  # the spec's Me has no mode; the key prefix tells it


def test_identity_reads_the_guides_flat_shape() -> None:
    identity = Identity.from_api(FLAT_ME)

    assert (identity.key_name, identity.key_prefix) == ("ci-bot", "pivotal_test_K8s9")
    assert (identity.org_id, identity.org_slug) == ("cl9org0000000000000000001", "vml")
    assert identity.mode == "test"
    assert identity.org_name is None and identity.rate_limit_tier is None
    assert identity.scopes == ()


def test_identity_takes_a_mode_the_spec_shape_may_grow() -> None:
    assert Identity.from_api({**SPEC_ME, "mode": "live"}).mode == "live"


@pytest.mark.parametrize("body", [SPEC_ME, FLAT_ME], ids=["spec", "flat"])
def test_identity_keeps_unknown_fields(body: dict[str, Any]) -> None:
    identity = Identity.from_api({**body, "last_used_at": "2026-05-26T10:00:00.000Z"})

    assert identity.extra["last_used_at"] == "2026-05-26T10:00:00.000Z"


@pytest.mark.parametrize(
    "body",
    [
        {"object": "me", "api_key": {"name": "x"}, "organization": {"slug": "vml"}},
        {"object": "api_key_identity", "key_name": "x"},
        {},
    ],
    ids=["spec-missing-parts", "flat-missing-parts", "empty"],
)
def test_identity_refuses_a_body_without_the_essentials(body: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="lacks"):
        Identity.from_api(body)


def test_me_model_reads_the_spec_shape_and_an_additive_mode() -> None:
    me = Me.model_validate({**SPEC_ME, "mode": "test", "new_field": 1})

    assert (me.api_key.prefix, me.organization.slug, me.mode) == ("pivotal_K8s9", "vml", "test")
    assert me.model_extra == {"new_field": 1}


# -- responses: unknown fields kept, unknown enum values accepted ---------------------

CUSTOMER = {
    "object": "customer",
    "id": "cl9bn00of0000g7l8gcq8c4xk",
    "display_id": 245,
    "name": "Aurora Outfitters",
    "slug": "aurora",
    "status": "onboarding",
}
ONBOARDING = {
    "object": "onboarding",
    "id": "cl9onb0000000000000000001",
    "display_id": 89,
    "customer_id": "cl9bn00of0000g7l8gcq8c4xk",
    "phase": "program_design",
    "state": "active",
}


@pytest.mark.parametrize(
    ("model", "body", "field", "new_value"),
    [
        (Customer, CUSTOMER, "status", "vip"),
        (Onboarding, ONBOARDING, "phase", "adoption"),
        (Onboarding, ONBOARDING, "phase", "integration"),
        (Onboarding, ONBOARDING, "state", "blocked"),
        (Onboarding, ONBOARDING, "state", "completed"),
        (Health, {"status": "ok"}, "status", "degraded"),
    ],
)
def test_responses_accept_enum_values_added_later(
    model: type[BaseModel], body: dict[str, Any], field: str, new_value: str
) -> None:
    parsed = model.model_validate({**body, field: new_value})

    assert getattr(parsed, field) == new_value


@pytest.mark.parametrize(
    ("model", "body"),
    [
        (Customer, CUSTOMER),
        (Onboarding, ONBOARDING),
        (ListPage, {"object": "list", "data": []}),
        (Health, {"status": "ok", "timestamp": "2026-05-26T10:00:00.000Z"}),
    ],
)
def test_responses_keep_unknown_fields(model: type[BaseModel], body: dict[str, Any]) -> None:
    parsed = model.model_validate({**body, "health_score": 72, "tags": ["vip"]})

    assert parsed.model_extra == {"health_score": 72, "tags": ["vip"]}
    assert parsed.model_dump()["health_score"] == 72


def test_customer_reads_the_quickstarts_abbreviated_example() -> None:
    # The prose example leaves out plan, mrr, hubspot_* … (API_NOTES item 24).
    customer = Customer.model_validate(CUSTOMER)

    assert customer.mrr is None and customer.plan is None and customer.metadata is None


def test_a_list_without_pagination_fields_is_one_page() -> None:
    page = ListPage.model_validate({"object": "list", "data": [{"id": "a"}]})

    assert page.has_more is False and page.next_cursor is None


# -- writes: refused before sending, naming the field ---------------------------------

BAD_WRITES = [
    (CustomerWrite, {"status": "pending"}, "status", "unknown status 'pending'"),
    (CustomerWrite, {"mrr": -1}, "mrr", "greater than or equal to 0"),
    (CustomerWrite, {"mrr": "1200"}, "mrr", "valid integer"),
    (CustomerWrite, {"monthly_orders": -5}, "monthly_orders", "greater than or equal to 0"),
    (CustomerCreate, {"slug": "aurora"}, "name", "Field required"),
    (CustomerCreate, {"name": ""}, "name", "at least 1 character"),
    (ContactWrite, {"email": "ana.example.com"}, "email", "not an email address"),
    (ContactWrite, {"email": "ana @example.com"}, "email", "not an email address"),
    (ContactCreate, {"name": "Ana"}, "email", "Field required"),
    (OnboardingWrite, {"phase": "adoption"}, "phase", "unknown phase 'adoption'"),
    (OnboardingWrite, {"state": "blocked"}, "state", "unknown state 'blocked'"),
    (OnboardingWrite, {"target_launch_date": "next week"}, "target_launch_date", "not a date"),
    (OnboardingWrite, {"reminder_frequency_days": 0}, "reminder_frequency_days", "or equal to 1"),
    (OnboardingCreate, {"phase": "launch"}, "customer_id", "Field required"),
]


@pytest.mark.parametrize(
    ("model", "body", "field", "words"),
    BAD_WRITES,
    ids=[f"{m.__name__}-{f}-{next(iter(b.values()), 'missing')}" for m, b, f, _ in BAD_WRITES],
)
def test_write_models_refuse_bad_values_naming_the_field(
    model: type[BaseModel], body: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(body)

    (error,) = caught.value.errors()
    assert error["loc"] == (field,)
    assert words in error["msg"]
    assert f"\n{field}\n" in str(caught.value)


@pytest.mark.parametrize(
    ("model", "body"),
    [
        (CustomerCreate, {"name": "Aurora", "status": "onboarding", "mrr": 0}),
        (CustomerWrite, {"status": "low_touch", "metadata": {"tier": "gold"}}),
        (ContactCreate, {"name": "Ana", "email": "ana@aurora.example"}),
        (OnboardingCreate, {"customer_id": "245", "phase": "launch", "state": "waiting"}),
    ],
)
def test_write_models_take_documented_values(model: type[BaseModel], body: dict[str, Any]) -> None:
    assert model.model_validate(body).model_dump(exclude_none=True) == body


def test_write_models_pass_unknown_fields_through() -> None:
    body = CustomerWrite.model_validate({"name": "Aurora", "custom_fields": {"arr": 1}})

    assert body.model_dump(exclude_none=True) == {"name": "Aurora", "custom_fields": {"arr": 1}}


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        ("2026-07-15", "2026-07-15T00:00:00.000Z"),
        ("2026-07-15T09:30:00Z", "2026-07-15T09:30:00.000Z"),
        ("2026-07-15T11:30:00+02:00", "2026-07-15T09:30:00.000Z"),
    ],
)
def test_dates_are_sent_as_utc_iso_8601(given: str, sent: str) -> None:
    assert OnboardingWrite(target_launch_date=given).target_launch_date == sent
