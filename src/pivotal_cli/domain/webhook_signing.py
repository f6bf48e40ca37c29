"""Signing and verifying webhook deliveries the way Svix (Standard Webhooks) does.

A delivery carries three headers: an id (`svix-id`, `msg_…`), a Unix timestamp in
seconds (`svix-timestamp`) and one or more signatures (`svix-signature`), each
`v1,<base64 HMAC-SHA256>` and separated by spaces (two during a secret rotation's
overlap). The signed content is `{id}.{timestamp}.{raw body}`, the key the bytes that
`whsec_<base64>` encodes. Receivers also accept the `webhook-*` names of the Standard
Webhooks spec, which are the same headers under another prefix.

Pure functions over bytes and strings: the clock is passed in, so that callers (and
tests) decide what "now" is. Verification never raises on bad input; it returns a
`Verdict` whose `reason` says precisely what failed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

SECRET_PREFIX = "whsec_"
TOLERANCE_SECONDS = 5 * 60
HEADER_PREFIXES = ("svix-", "webhook-")


class SecretFormatError(ValueError):
    """A signing secret that is not `whsec_` followed by base64 of at least one byte."""


def new_secret() -> str:
    """A fresh signing secret: `whsec_` and 24 random bytes in base64, as Svix issues."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode("ascii")


def secret_key(secret: str) -> bytes:
    """The HMAC key a `whsec_…` secret encodes (the prefix is optional, as in Svix)."""
    text = secret.strip()
    if text.startswith(SECRET_PREFIX):
        text = text[len(SECRET_PREFIX) :]
    if not text:
        raise SecretFormatError("the secret is empty; it looks like whsec_ followed by base64")
    try:
        # Unpadded base64 is accepted, as the Svix libraries accept it.
        key = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise SecretFormatError(
            "the secret is not base64 after whsec_; copy it again from the endpoint"
        ) from None
    if not key:
        raise SecretFormatError("the secret encodes no bytes")
    return key


def mask_secret(secret: str) -> str:
    """A secret shown safely: its prefix and last four characters."""
    tail = secret[-4:] if len(secret) > len(SECRET_PREFIX) + 8 else ""
    return f"{SECRET_PREFIX}…{tail}"


def signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """One `v1,<base64>` signature of `body` under `secret`."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def new_message_id() -> str:
    """A delivery id in Svix's style (`msg_` and 27 random characters)."""
    return "msg_" + secrets.token_urlsafe(20)[:27]


def sign_headers(
    secrets_: list[str] | tuple[str, ...] | str,
    body: bytes,
    *,
    msg_id: str,
    timestamp: int,
    prefix: str = "svix-",
) -> dict[str, str]:
    """The three signing headers for `body`, signed with every secret given (rotation)."""
    keys = [secrets_] if isinstance(secrets_, str) else list(secrets_)
    return {
        f"{prefix}id": msg_id,
        f"{prefix}timestamp": str(timestamp),
        f"{prefix}signature": " ".join(signature(s, msg_id, timestamp, body) for s in keys),
    }


@dataclass(frozen=True)
class Verdict:
    """The outcome of verifying one delivery.

    `reason` is a short code (`ok`, `missing_header`, `bad_secret`, `bad_timestamp`,
    `timestamp_too_old`, `timestamp_too_new`, `malformed_signature`, `no_match`,
    `reserialized_body`, and from `verify_saved` `trailing_newline`) and `message` one
    sentence a person can act on.
    """

    ok: bool
    reason: str
    message: str
    msg_id: str | None = None
    timestamp: int | None = None
    age_seconds: int | None = None


def signing_headers(headers: Mapping[str, str]) -> tuple[str | None, str | None, str | None]:
    """The id, timestamp and signature headers, under either prefix, any case."""
    lowered = {name.lower(): value for name, value in headers.items()}
    for prefix in HEADER_PREFIXES:
        found = tuple(lowered.get(f"{prefix}{part}") for part in ("id", "timestamp", "signature"))
        if any(found):
            return found  # type: ignore[return-value]
    return None, None, None


def _signatures(header: str) -> tuple[list[bytes], bool]:
    """The v1 signatures a header lists, as sent, and whether any entry was malformed.

    Every space-separated entry is considered on its own, as the Standard Webhooks
    library (1.3 and later) does: a malformed one (not exactly one comma, or not
    base64) is skipped rather than ending the reading, so a valid signature anywhere
    in the header verifies. The flag only lets a rejection say why.
    """
    found: list[bytes] = []
    malformed = False
    for pair in header.split(" "):
        if not pair:  # a doubled, leading or trailing space
            continue
        parts = pair.split(",")
        if len(parts) != 2:
            malformed = True
            continue
        version, value = parts
        if version != "v1":  # other schemes (v1a, asymmetric) are not ours to check
            continue
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            malformed = True
            continue
        found.append(value.encode("ascii"))
    return found, malformed


def _encoded_hmac(key: bytes, content: bytes) -> bytes:
    return base64.b64encode(hmac.new(key, content, hashlib.sha256).digest())


def verify(
    secrets_: list[str] | tuple[str, ...] | str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: float,
    tolerance: int = TOLERANCE_SECONDS,
) -> Verdict:
    """Whether `body` with `headers` was signed by one of `secrets_` within `tolerance`.

    Checks, in order: the three headers are present; each secret is well formed; the
    timestamp is an integer within `tolerance` seconds of `now` either way; the
    signature header is well formed; one of its v1 signatures matches (compared in
    constant time). When none matches but the body is JSON that was re-serialized
    from what was signed, the verdict says so rather than blaming the secret.
    """
    keys = [secrets_] if isinstance(secrets_, str) else list(secrets_)
    msg_id, stamp, header = signing_headers(headers)
    missing = [
        name
        for name, value in (("id", msg_id), ("timestamp", stamp), ("signature", header))
        if not value
    ]
    if missing:
        names = ", ".join(f"svix-{name}" for name in missing)
        return Verdict(False, "missing_header", f"missing header: {names}")
    assert msg_id is not None and stamp is not None and header is not None
    try:
        key_bytes = [secret_key(secret) for secret in keys]
    except SecretFormatError as error:
        return Verdict(False, "bad_secret", f"bad secret: {error}", msg_id)
    if not key_bytes:
        return Verdict(False, "bad_secret", "bad secret: no signing secret given", msg_id)
    try:
        # Fractional seconds are floored, as the Standard Webhooks libraries do.
        timestamp = math.floor(float(stamp.strip()))
    except (ValueError, OverflowError):
        return Verdict(
            False, "bad_timestamp", f"svix-timestamp {stamp!r} is not Unix seconds", msg_id
        )
    age = int(now) - timestamp
    if age > tolerance:
        return Verdict(
            False,
            "timestamp_too_old",
            f"timestamp is {age} s old, more than the {tolerance} s allowed "
            "(a replayed or delayed delivery, or this machine's clock is wrong)",
            msg_id,
            timestamp,
            age,
        )
    if -age > tolerance:
        return Verdict(
            False,
            "timestamp_too_new",
            f"timestamp is {-age} s in the future, more than the {tolerance} s allowed "
            "(check this machine's clock)",
            msg_id,
            timestamp,
            age,
        )
    offered, malformed = _signatures(header)
    signed = f"{msg_id}.{timestamp}.".encode() + body
    expected = [_encoded_hmac(key, signed) for key in key_bytes]
    # Signatures are compared as sent, in their base64 form, as the library compares
    # them (a decoded comparison would let an unpadded or oddly padded form through).
    # Compare every pair, so the time taken does not depend on which one matched.
    matched = False
    for candidate in offered:
        for want in expected:
            matched |= hmac.compare_digest(candidate, want)
    if matched:
        return Verdict(True, "ok", "signature valid", msg_id, timestamp, age)
    if malformed:
        return Verdict(
            False,
            "malformed_signature",
            "svix-signature is malformed: expected space-separated v1,<base64> pairs",
            msg_id,
            timestamp,
            age,
        )
    if not offered:
        return Verdict(
            False, "no_match", "svix-signature holds no v1 signature", msg_id, timestamp, age
        )
    prefix = f"{msg_id}.{timestamp}.".encode()
    for variant in _json_variants(body):
        attempt = [_encoded_hmac(k, prefix + variant) for k in key_bytes]
        if any(hmac.compare_digest(c, w) for c in offered for w in attempt):
            return Verdict(
                False,
                "reserialized_body",
                "the body was re-serialized after signing (verify the raw bytes received, "
                "before any JSON parsing)",
                msg_id,
                timestamp,
                age,
            )
    return Verdict(
        False,
        "no_match",
        "no signature matches: wrong secret, or the body or svix-id was changed",
        msg_id,
        timestamp,
        age,
    )


# Verdicts a final line break the signer never sent can cause (an editor adds one).
_TRIMMABLE = ("no_match", "reserialized_body")


def verify_saved(
    secrets_: list[str] | tuple[str, ...] | str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: float,
) -> Verdict:
    """`verify` for a body a person saved or pasted, which may have gained a line break.

    When the body fails only because of a final line break (LF or CRLF) that was not
    signed, the verdict says so (`trailing_newline`) instead of `no_match`.
    """
    verdict = verify(secrets_, headers, body, now=now)
    if verdict.ok or verdict.reason not in _TRIMMABLE or not body.endswith(b"\n"):
        return verdict
    trimmed = body[:-2] if body.endswith(b"\r\n") else body[:-1]
    if not verify(secrets_, headers, trimmed, now=now).ok:
        return verdict
    return Verdict(
        False,
        "trailing_newline",
        "the body has a final line break that was not signed",
        verdict.msg_id,
        verdict.timestamp,
        verdict.age_seconds,
    )


def _json_variants(body: bytes) -> list[bytes]:
    """The usual serializations of a JSON body, to recognise one parsed and dumped again.

    Empty when the body is not JSON.
    """
    from pivotal_cli.domain import bounded

    try:
        value = bounded.loads(body, "body")
    except (ValueError, UnicodeDecodeError, bounded.InputTooLarge):
        return []
    variants = {
        json.dumps(value).encode(),
        json.dumps(value, separators=(",", ":")).encode(),
        json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode(),
        json.dumps(value, indent=2).encode(),
        json.dumps(value, sort_keys=True).encode(),
        json.dumps(value, sort_keys=True, separators=(",", ":")).encode(),
    }
    variants.discard(body)
    return sorted(variants)
