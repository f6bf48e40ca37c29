"""`Identity` reads `/me` in both documented shapes: the spec's nested one and the
guides' flat one (docs/api-choices.md), keeping fields it does not know."""

from __future__ import annotations

from typing import Any

import pytest

from pivotal_cli.client.identity import Identity

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
