"""`domain/webhook_signing` against an independent implementation: `standardwebhooks`.

What we sign verifies with the Standard Webhooks library (our `svix-*` headers under its
`webhook-*` names), and over a generated set of cases (valid, rotated two-secret
headers, wrong secret, stale and future timestamps, tampered bodies, malformed and
missing headers, unpadded secrets) our `verify` and the library agree on accept or
reject. The library raises on some malformed input; that counts as a reject.
"""

from __future__ import annotations

import base64
import json
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import EmptyWebhookSecretError, WebhookVerificationError

from pivotal_cli.domain.webhook_signing import (
    new_message_id,
    new_secret,
    sign_headers,
    verify,
    verify_saved,
)

SEED = 20261201
CASES_PER_KIND = 12


def oracle_accepts(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """Whether Standard Webhooks accepts the delivery (svix-* renamed to webhook-*)."""
    renamed = {name.replace("svix-", "webhook-"): value for name, value in headers.items()}
    try:
        Webhook(secret).verify(body, renamed, json_parse=False)
    except (WebhookVerificationError, EmptyWebhookSecretError, ValueError):
        return False
    return True


def ours_accepts(secret: str, headers: dict[str, str], body: bytes) -> bool:
    return verify(secret, headers, body, now=time.time()).ok


@dataclass(frozen=True)
class Case:
    kind: str
    secret: str  # what the receiver verifies with
    headers: dict[str, str]
    body: bytes
    accept: bool  # what both must say


def _body(rng: random.Random) -> bytes:
    payload = {
        "id": f"evt_{rng.getrandbits(48):012x}",
        "type": rng.choice(["customer.created", "onboarding.phase_changed"]),
        "data": {"object": {"name": rng.choice(["Acme", "Zoë & Co", "北京", 'q"uote']), "n": 1}},
    }
    return json.dumps(payload, ensure_ascii=rng.random() < 0.5, separators=(",", ":")).encode()


def _secret(rng: random.Random) -> str:
    return "whsec_" + base64.b64encode(rng.randbytes(rng.choice([16, 24, 32]))).decode()


def _signed(rng: random.Random, secrets: list[str], body: bytes, offset: int = 0) -> dict[str, str]:
    stamp = int(time.time()) + offset
    return sign_headers(secrets, body, msg_id=f"msg_{rng.getrandbits(64):x}", timestamp=stamp)


def generated_cases() -> Iterator[Case]:
    rng = random.Random(SEED)
    for _ in range(CASES_PER_KIND):
        secret, other, body = _secret(rng), _secret(rng), _body(rng)
        yield Case("valid", secret, _signed(rng, [secret], body), body, True)
        # A rotation's overlap: two signatures, each secret alone verifies.
        rotated = _signed(rng, [other, secret], body)
        yield Case("rotated-new", other, rotated, body, True)
        yield Case("rotated-old", secret, rotated, body, True)
        yield Case("wrong-secret", other, _signed(rng, [secret], body), body, False)
        # Well clear of the 5-minute edge, where the two round the clock differently.
        far = rng.randint(310, 10**6)
        yield Case("stale", secret, _signed(rng, [secret], body, -far), body, False)
        yield Case("future", secret, _signed(rng, [secret], body, far), body, False)
        yield Case("recent", secret, _signed(rng, [secret], body, -rng.randint(1, 240)), body, True)
        tampered = bytearray(body)
        tampered[rng.randrange(len(tampered))] ^= 1 << rng.randrange(7)
        yield Case("tampered", secret, _signed(rng, [secret], body), bytes(tampered), False)
        headers = _signed(rng, [secret], body)
        for name in headers:
            missing = {k: v for k, v in headers.items() if k != name}
            yield Case(f"missing-{name}", secret, missing, body, False)
        yield Case("empty-signature", secret, {**headers, "svix-signature": ""}, body, False)
        for junk in ("v1", "v1,", "nonsense", "v1,!!notbase64!!", "v2,abc="):
            yield Case("malformed", secret, {**headers, "svix-signature": junk}, body, False)
        stamp = {**headers, "svix-timestamp": rng.choice(["soon", "", "12ab", "1e400x"])}
        yield Case("bad-timestamp", secret, stamp, body, False)
        # Both read an unpadded secret (the padding stripped) as the same key.
        unpadded = secret.rstrip("=")
        yield Case("unpadded", unpadded, _signed(rng, [secret], body), body, True)
        yield Case("signed-unpadded", secret, _signed(rng, [unpadded], body), body, True)
        # A valid signature after an unknown scheme still verifies in both.
        yield Case(
            "other-scheme-first",
            secret,
            {**headers, "svix-signature": "v1a,abcd " + headers["svix-signature"]},
            body,
            True,
        )
        yield Case(
            "malformed-after-valid",
            secret,
            {**headers, "svix-signature": headers["svix-signature"] + " v1,!!!"},
            body,
            True,
        )


CASES = list(generated_cases())
_FRESH: dict[int, list[Case]] = {}


def _fresh_cases() -> list[Case]:
    """The generated cases signed within the last few seconds (timestamps are relative)."""
    now = int(time.time()) // 5
    if now not in _FRESH:
        _FRESH.clear()
        _FRESH[now] = list(generated_cases())
    return _FRESH[now]


def test_the_generated_set_covers_every_kind() -> None:
    kinds = {case.kind for case in CASES}
    assert {"valid", "rotated-new", "rotated-old", "wrong-secret", "stale", "future"} <= kinds
    assert {"tampered", "malformed", "missing-svix-id", "unpadded"} <= kinds
    assert len(CASES) >= 20 * CASES_PER_KIND


@pytest.mark.parametrize(
    "index", range(len(CASES)), ids=[f"{i}-{c.kind}" for i, c in enumerate(CASES)]
)
def test_ours_and_the_oracle_agree(index: int) -> None:
    # Signed afresh: a case signed at collection could age past the 5-minute window
    # while the rest of the suite runs. The seed makes each index the same case.
    case = _fresh_cases()[index]
    oracle = oracle_accepts(case.secret, case.headers, case.body)
    ours = ours_accepts(case.secret, case.headers, case.body)
    assert (ours, oracle) == (case.accept, case.accept), case


def test_what_we_sign_verifies_with_the_oracle() -> None:
    secret = new_secret()
    body = b'{"type":"customer.created","data":{"object":{"name":"Zo\xc3\xab"}}}'
    headers = sign_headers(secret, body, msg_id=new_message_id(), timestamp=int(time.time()))
    assert headers["svix-signature"].startswith("v1,")
    renamed = {name.replace("svix-", "webhook-"): value for name, value in headers.items()}
    assert Webhook(secret).verify(body, renamed)["type"] == "customer.created"
    # The webhook-* names of the spec verify with ours too.
    assert verify(secret, renamed, body, now=time.time()).ok


def test_a_malformed_entry_is_skipped_as_the_library_skips_it() -> None:
    """Every entry is read on its own: a valid signature verifies before or after a
    malformed one (in both verifiers), and a header with no valid match but a malformed
    entry is rejected as malformed rather than as a wrong secret."""
    secret = new_secret()
    body = b"{}"
    headers = sign_headers(secret, body, msg_id="msg_1", timestamp=int(time.time()))
    valid = headers["svix-signature"]
    for header in (f"garbage {valid}", f"{valid} garbage", f"v1,a,b  {valid}"):
        case = {**headers, "svix-signature": header}
        assert ours_accepts(secret, case, body), header
        assert oracle_accepts(secret, case, body), header
    other = sign_headers(new_secret(), body, msg_id="msg_1", timestamp=int(time.time()))
    case = {**headers, "svix-signature": f"garbage {other['svix-signature']}"}
    assert not oracle_accepts(secret, case, body)
    assert verify(secret, case, body, now=time.time()).reason == "malformed_signature"


def test_an_unpadded_signature_is_not_the_signature() -> None:
    """Signatures compare in their base64 form, as sent: the same digest without its
    padding, or with characters base64 would discard, does not verify (nor in the
    library)."""
    secret = new_secret()
    body = b"{}"
    headers = sign_headers(secret, body, msg_id="msg_1", timestamp=int(time.time()))
    valid = headers["svix-signature"]
    for header in (valid.rstrip("="), valid[:5] + "!" + valid[5:]):
        case = {**headers, "svix-signature": header}
        assert not ours_accepts(secret, case, body), header
        assert not oracle_accepts(secret, case, body), header


@pytest.mark.parametrize(
    "shape",
    [
        "{v}",
        "{v} ",  # a trailing space: an empty entry after the signature
        " {v}",  # a leading one: an empty entry before it
        "{v}  v1,AAAA",  # two spaces
        "v1,a,b {v}",  # an entry with two commas
        "v1, {v}",  # an empty signature
        "v2,AAAA {v}",  # another scheme first
        "v1,!!!! {v}",  # not base64
        "v1,AAA {v}",  # bad padding
        "{v},",
        "",
    ],
)
def test_odd_signature_headers_get_the_library_s_verdict(shape: str) -> None:
    secret = new_secret()
    body = b'{"type":"customer.created"}'
    headers = sign_headers(secret, body, msg_id="msg_odd", timestamp=int(time.time()))
    headers["svix-signature"] = shape.format(v=headers["svix-signature"])

    assert ours_accepts(secret, headers, body) == oracle_accepts(secret, headers, body)


@pytest.mark.parametrize("ending", [b"\n", b"\r\n"])
def test_verify_saved_names_a_final_line_break_that_was_not_signed(ending: bytes) -> None:
    secret, now = new_secret(), time.time()
    headers = sign_headers(secret, b"hello", msg_id=new_message_id(), timestamp=int(now))
    # Plain `verify` blames the secret or the body (a JSON body reads as re-serialized).
    assert verify(secret, headers, b"hello" + ending, now=now).reason == "no_match"
    verdict = verify_saved(secret, headers, b"hello" + ending, now=now)
    assert (verdict.ok, verdict.reason) == (False, "trailing_newline")
    assert verify_saved(secret, headers, b"hello", now=now).ok
    assert verify_saved(new_secret(), headers, b"hello\n", now=now).reason == "no_match"
