"""Who a key is: `/me` read in either documented shape, the one place it is parsed.

The OpenAPI shape is `{object: "me", api_key: {...}, organization: {...}}`; the guides
show a flat `{object: "api_key_identity", key_name, key_prefix, org_id, org_slug,
mode}` (docs/api-choices.md). Both fold into `Identity`, plain Python so `pivotal me`
and `auth` start fast.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pivotal_cli.domain.records import JSONValue

_REQUIRED = ("key_name", "key_prefix", "org_id", "org_slug")
_KNOWN_FLAT = {"object", *_REQUIRED, "key_id", "org_name", "mode", "scopes", "rate_limit_tier"}


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class Identity:
    key_name: str
    key_prefix: str
    org_id: str
    org_slug: str
    key_id: str | None = None
    org_name: str | None = None
    mode: str | None = None
    scopes: tuple[str, ...] = ()
    rate_limit_tier: str | None = None
    # Fields this version does not know, kept as they came (additive changes).
    extra: dict[str, JSONValue] = field(default_factory=dict)

    @classmethod
    def from_api(cls, body: object) -> Identity:
        """Read a /me body; ValueError names what is missing."""
        if not isinstance(body, dict):
            raise ValueError("the /me answer is not a JSON object")
        flat: dict[str, Any]
        if "api_key" in body:
            # Nested parts of the wrong type read as missing, so the error names them.
            key = _object(body.get("api_key"))
            org = _object(body.get("organization"))
            flat = {
                "key_id": key.get("id"),
                "key_name": key.get("name"),
                "key_prefix": key.get("prefix"),
                "scopes": key.get("scopes"),
                "rate_limit_tier": key.get("rate_limit_tier"),
                "org_id": org.get("id"),
                "org_slug": org.get("slug"),
                "org_name": org.get("name"),
                "mode": body.get("mode"),
            }
            extra = {
                k: v
                for k, v in body.items()
                if k not in ("object", "api_key", "organization", "mode")
            }
        else:
            flat = {k: body.get(k) for k in _KNOWN_FLAT if k != "object"}
            extra = {k: v for k, v in body.items() if k not in _KNOWN_FLAT}
        missing = [name for name in _REQUIRED if not isinstance(flat.get(name), str)]
        if missing:
            raise ValueError(f"the /me answer lacks {', '.join(missing)}")

        def text(name: str) -> str | None:
            value = flat.get(name)
            return value if isinstance(value, str) else None

        scopes = flat.get("scopes")
        return cls(
            key_name=str(flat["key_name"]),
            key_prefix=str(flat["key_prefix"]),
            org_id=str(flat["org_id"]),
            org_slug=str(flat["org_slug"]),
            key_id=text("key_id"),
            org_name=text("org_name"),
            mode=text("mode"),
            scopes=tuple(s for s in scopes if isinstance(s, str))
            if isinstance(scopes, list)
            else (),
            rate_limit_tier=text("rate_limit_tier"),
            extra=extra,
        )
