"""The sandbox over real HTTP: `running_server`, concurrency, drops, the OpenAPI file."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from pivotal_cli.sandbox.adapters.testing import RunningServer, running_server
from pivotal_cli.sandbox.engine.core import load_openapi


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    with running_server() as running:
        yield running


def client(server: RunningServer, key: str | None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.Client(base_url=server.base_url, headers=headers, timeout=10)


def test_running_server_exposes_its_keys(server: RunningServer) -> None:
    assert server.base_url.startswith("http://127.0.0.1:") and server.base_url.endswith("/api/v1")
    assert {(k.workspace, k.name, k.mode, k.revoked) for k in server.keys} == {
        ("acme", "sandbox-live", "live", False),
        ("acme", "sandbox-test", "test", False),
        ("acme", "revoked-ci", "test", True),
        ("globex", "globex-live", "live", False),
    }
    assert server.keys.workspace_of(server.other_workspace_key) == "globex"
    assert server.sandbox.count_customers("acme") >= 30


def test_keys_over_http(server: RunningServer) -> None:
    with client(server, None) as anonymous:
        assert anonymous.get("/health").json()["status"] == "ok"
        assert anonymous.get("/me").json()["error"]["code"] == "missing_api_key"
    with client(server, server.live_key) as api:
        assert api.get("/me").json()["mode"] == "live"
    with client(server, server.test_key) as api:
        assert api.get("/me").json()["mode"] == "test"
    with client(server, server.other_workspace_key) as api:
        assert api.get("/me").json()["organization"]["slug"] == "globex"
    with client(server, server.revoked_key) as api:
        assert api.get("/me").json()["error"]["code"] == "api_key_revoked"


def test_concurrent_requests(server: RunningServer) -> None:
    statuses: list[int] = []

    def worker(n: int) -> None:
        with client(server, server.live_key) as api:
            for i in range(5):
                statuses.append(api.post("/customers", json={"name": f"HTTP {n}-{i}"}).status_code)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [201] * 30


def test_big_bodies_are_refused_over_http(server: RunningServer) -> None:
    with client(server, server.live_key) as api:
        response = api.post("/customers", content=b"{" + b" " * (2 * 1024 * 1024) + b"}")
    assert response.json()["error"]["code"] == "body_too_large"


def test_openapi_is_served(server: RunningServer) -> None:
    expected = load_openapi()
    if expected is None:
        pytest.skip("src/pivotal_cli/domain/openapi.json is not there yet (another helper's)")
    with client(server, None) as anonymous:
        assert anonymous.get("/openapi.json").content == expected


def test_a_dropped_request_is_a_connection_error_not_a_500() -> None:
    dropping_server = running_server(seed="empty", faults="drop=1,max=1")
    with dropping_server as dropping, client(dropping, dropping.live_key) as api:
        with pytest.raises(httpx.TransportError) as caught:
            api.post("/customers", json={"name": "Dropped"}, headers={"Idempotency-Key": "k"})
        assert not isinstance(caught.value, httpx.TimeoutException)
        retried = api.post("/customers", json={"name": "Dropped"}, headers={"Idempotency-Key": "k"})
        assert retried.status_code == 201
        assert retried.headers["idempotent-replay"] == "true"
        assert [c["name"] for c in api.get("/customers").json()["data"]] == ["Dropped"]


def test_a_file_store_server_restarts_with_its_data(tmp_path: object) -> None:
    from pathlib import Path

    db = Path(str(tmp_path)) / "served.db"
    with running_server(db=db, seed="empty") as first, client(first, first.live_key) as api:
        created = api.post("/customers", json={"name": "Durable"}).json()
    with running_server(db=db, seed="empty") as second:
        assert second.live_key == first.live_key
        with client(second, second.live_key) as api:
            assert api.get(f"/customers/{created['id']}").json()["name"] == "Durable"


def _raw_exchange(server: RunningServer, request: bytes) -> bytes:
    """Send `request` as raw bytes and read until the server closes the connection."""
    host, port = urlsplit(server.base_url).netloc.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        received = b""
        # The server must close: a timeout here fails the test instead of hanging it.
        while chunk := sock.recv(65536):
            received += chunk
    return received


@pytest.mark.parametrize(
    "request_bytes",
    [
        pytest.param(b"GARBAGE\r\n\r\n", id="bad-request-line"),
        pytest.param(
            b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n", id="bad-header"
        ),
        pytest.param(
            b"POST /api/v1/customers HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}",
            id="bad-content-length",
        ),
        # Headers still unfinished past h11's limit (16 KiB): refused before the end.
        pytest.param(
            b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70_000,
            id="oversized-headers",
        ),
    ],
)
def test_malformed_http_is_answered_with_the_json_envelope(
    server: RunningServer, request_bytes: bytes
) -> None:
    answer = _raw_exchange(server, request_bytes)
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {
        name.strip().lower(): value.strip()
        for name, _, value in (line.partition(":") for line in lines[1:])
    }
    assert lines[0] == "HTTP/1.1 400 Bad Request"
    assert headers["content-type"] == "application/json"
    assert headers["connection"] == "close"
    assert int(headers["content-length"]) == len(body)
    error = json.loads(body)["error"]
    assert (error["type"], error["code"]) == ("invalid_request_error", "malformed_request")
    assert error["message"]
    assert b"text/plain" not in answer and b"Invalid HTTP request" not in answer


def test_the_server_still_answers_after_a_malformed_request(server: RunningServer) -> None:
    _raw_exchange(server, b"GARBAGE\r\n\r\n")
    with client(server, None) as anonymous:
        assert anonymous.get("/health").json()["status"] == "ok"
