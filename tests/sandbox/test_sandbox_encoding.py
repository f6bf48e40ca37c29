"""The sandbox's fast JSON encoder writes exactly the bytes `json.dumps` always wrote.

A server's answers are encoded by pydantic_core, with the standard library as the
reference and the fallback for floats it writes differently. A demo workspace's list pages and
records, and values chosen to hit every difference, must come out byte for byte as
the stdlib writes them.
"""

from __future__ import annotations

import json
import random
import struct
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from pivotal_cli.sandbox.engine import protocol
from pivotal_cli.sandbox.engine.core import Sandbox

PATHS = (
    "/customers?limit=100",
    "/customers?limit=7",
    "/contacts?limit=100",
    "/onboardings?limit=100",
    "/onboardings?limit=3&status=active",
    "/me",
    "/customers/cus_does_not_exist",
)


@pytest.fixture(autouse=True)
def fast(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast encoder on, as a server turns it on; off again after the test."""
    monkeypatch.setattr(protocol, "_fast", None)
    protocol.use_fast_encoder()


def bodies(client: httpx.Client) -> list[bytes]:
    return [client.get(path).content for path in PATHS]


def test_answers_are_the_stdlib_bytes(
    make_sandbox: Callable[..., Sandbox],
    connect: Callable[[Sandbox, str | None], httpx.Client],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sandbox = make_sandbox(seed="demo")
    client = connect(sandbox, sandbox.key("acme", "live"))
    # Every float that pydantic_core writes unlike repr, in stored metadata.
    metadata = {"tiny": 1e-05, "small": 5.5e-07, "denormal": 5e-324, "plain": 0.25, "e": "e-5"}
    created = client.post(
        "/customers", json={"name": "Floaty", "slug": "floaty", "metadata": metadata}
    )
    assert created.status_code == 201, created.text
    fast = bodies(client)
    monkeypatch.setattr(protocol, "_fast", None)
    reference = bodies(client)
    assert fast == reference
    assert b'"tiny":1e-05' in fast[0]
    assert sum(body.count(b'"object":"customer"') for body in fast) > 30
    # The pages without small floats are the fast encoder's own (no fallback).
    assert not protocol._unlike_repr(fast[2]) and not protocol._unlike_repr(fast[3])


def payloads() -> list[Any]:
    rng = random.Random(5)
    floats = [struct.unpack("d", rng.randbytes(8))[0] for _ in range(2_000)]
    floats += [rng.uniform(-1, 1) * 10.0 ** rng.randint(-12, 20) for _ in range(2_000)]
    floats += [1e-4, 9.99e-5, 1e16, 1e15, 0.1, -0.0, 1e22, 1.5e300]
    return [
        *([value] for value in floats),
        {"nan": float("nan"), "inf": float("inf"), "-inf": -float("inf")},
        {"text": 'é\u2028\x00\x1f\x7f"\\/ 😀', "big": 10**30, "neg": -(10**20)},
        {"nested": [{}, [], {"a": [True, False, None]}], 1: "int key"},
        "acme-corp 1e-5 0.00001",
    ]


def test_every_value_is_encoded_as_the_stdlib_does() -> None:
    unlike = [
        payload
        for payload in payloads()
        if protocol.encode_json(payload) != protocol.stdlib_json(payload)
    ]
    assert unlike == []


def test_what_the_stdlib_refuses_is_still_refused() -> None:
    with pytest.raises(TypeError):
        protocol.encode_json({"unknown": object()})


def test_small_floats_take_the_stdlib_path() -> None:
    # The guard is what makes the fast path safe: without it these would differ.
    from pydantic_core import to_json

    for value in (1e-05, 5.5e-07):
        assert to_json([value]) != json.dumps([value]).encode()
        assert protocol.encode_json([value]) == json.dumps([value]).encode()


def test_the_stdlib_encodes_until_a_server_asks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(protocol, "_fast", None)
    monkeypatch.setattr(protocol, "stdlib_json", lambda payload: b"stdlib")
    assert protocol.encode_json({"a": 1}) == b"stdlib"
    protocol.use_fast_encoder()
    assert protocol.encode_json({"a": 1}) == b'{"a":1}'
