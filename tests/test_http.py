"""The HTTP core (`pivotal_cli.client.http.Client`) against pytest-httpx.

Read as the Rate limits, Errors and Idempotency pages of the API docs turned into
tables: which failures are retried for which method and how often, how long the
client waits (Retry-After as seconds or a date, exponential backoff otherwise, a cap
beyond which it gives up), that one POST keeps one Idempotency-Key across its
retries, how the rate-limit headers pace the next call, which error envelope becomes
which exception and exit code, what `--verbose` logs (keys redacted), and where a
key may travel. Every client gets a recording `sleep`, `jitter=0` and a fixed clock,
so nothing here ever waits.
"""

from __future__ import annotations

import email.utils
import ssl
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from pytest_httpx import HTTPXMock

from pivotal_cli import __version__
from pivotal_cli.cli import hints
from pivotal_cli.client.http import Client
from pivotal_cli.client.retry import RetryPolicy
from pivotal_cli.errors import (
    APIError,
    AuthenticationError,
    ConflictError,
    ExitCode,
    InsecureTransportError,
    InvalidRequestError,
    NetworkError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
)

API = "https://my.pivotal.app/api/v1"
KEY = "pivotal_test_FAKEfakeFAKEfake0000000000000000"
NOW = 1_748_275_800.0
# One TLS context for the module: building one per client costs ~40 ms each.
TLS = ssl.create_default_context()


def envelope(type_: str, code: str, message: str = "It failed.", field: str | None = None):
    error: dict[str, Any] = {"type": type_, "code": code, "message": message}
    if field:
        error["field"] = field
    return {"error": error}


class Recorder:
    """The client's injected collaborators: what it slept, logged and told the user."""

    def __init__(self) -> None:
        self.slept: list[float] = []
        self.log: list[str] = []
        self.notes: list[str] = []


@pytest.fixture
def rec() -> Recorder:
    return Recorder()


@pytest.fixture
def make_client(rec: Recorder) -> Iterator[Callable[..., Client]]:
    clients: list[Client] = []

    def make(
        *, api_key: str | None = KEY, jitter: float = 0.0, clock: float = NOW, **kwargs: Any
    ) -> Client:
        client = Client(
            API,
            api_key,
            sleep=rec.slept.append,
            jitter=lambda: jitter,
            clock=lambda: clock,
            log=rec.log.append,
            notify=rec.notes.append,
            transport=httpx.HTTPTransport(verify=TLS),
            **kwargs,
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client: Callable[..., Client]) -> Client:
    return make_client()


# -- the retry table ------------------------------------------------------------------

CALLS: dict[str, Callable[[Client], Any]] = {
    "GET": lambda c: c.get("/customers").data,
    "PATCH": lambda c: c.patch("/customers/42", {"name": "Aurora"}).data,
    "DELETE": lambda c: c.delete("/customers/42").data,
    # POST always carries an automatic Idempotency-Key, so it is as safe to retry.
    "POST": lambda c: c.post("/customers", {"name": "Aurora"}).data,
}

OK_BODY = {"object": "customer", "id": "cl9bn00of0000g7l8gcq8c4xk", "display_id": 42}


def _status(code: int, body: Any = None, **kw: Any) -> Callable[[HTTPXMock], None]:
    def add(mock: HTTPXMock) -> None:
        if body is None:
            mock.add_response(status_code=code, text="", **kw)
        elif isinstance(body, str):
            mock.add_response(status_code=code, text=body, **kw)
        else:
            mock.add_response(status_code=code, json=body, **kw)

    return add


def _raise(exc: Exception) -> Callable[[HTTPXMock], None]:
    return lambda mock: mock.add_exception(exc)


FAILURES: dict[str, tuple[Callable[[HTTPXMock], None], type[Exception]]] = {
    "429": (_status(429, envelope("rate_limit_error", "rate_limited")), RateLimitError),
    "500": (_status(500, envelope("internal_error", "internal_error")), ServerError),
    "502": (_status(502, "<html><title>502 Bad Gateway</title></html>"), ServerError),
    "503": (_status(503, "Service Unavailable"), ServerError),
    "504": (_status(504, None), ServerError),
    "ConnectError": (_raise(httpx.ConnectError("Connection refused")), NetworkError),
    "ReadTimeout": (_raise(httpx.ReadTimeout("timed out")), NetworkError),
    "RemoteProtocolError": (
        _raise(httpx.RemoteProtocolError("Server disconnected without sending a response.")),
        NetworkError,
    ),
}


@pytest.mark.parametrize("failure", list(FAILURES))
@pytest.mark.parametrize("method", list(CALLS))
def test_a_transient_failure_is_retried_then_succeeds(
    httpx_mock: HTTPXMock, client: Client, rec: Recorder, method: str, failure: str
) -> None:
    add_failure, _ = FAILURES[failure]
    add_failure(httpx_mock)
    httpx_mock.add_response(status_code=201 if method == "POST" else 200, json=OK_BODY)

    assert CALLS[method](client) == OK_BODY

    requests = httpx_mock.get_requests()
    assert [r.method for r in requests] == [method, method]
    assert len(rec.slept) == 1


@pytest.mark.parametrize("failure", list(FAILURES))
@pytest.mark.parametrize("method", list(CALLS))
def test_a_lasting_failure_gives_up_after_max_attempts(
    httpx_mock: HTTPXMock, client: Client, rec: Recorder, method: str, failure: str
) -> None:
    add_failure, expected = FAILURES[failure]
    # A connection that cannot even be made is no blip: it is retried once, not four times.
    attempts = (
        RetryPolicy().max_connect_attempts
        if failure == "ConnectError"
        else RetryPolicy().max_attempts
    )
    for _ in range(attempts):
        add_failure(httpx_mock)

    with pytest.raises(expected) as caught:
        CALLS[method](client)

    assert len(httpx_mock.get_requests()) == attempts == (2 if failure == "ConnectError" else 5)
    assert len(rec.slept) == attempts - 1
    # Readable, never a repr of an httpx exception.
    assert "httpx" not in hints.line(caught.value)
    if expected is NetworkError:
        assert f"my.pivotal.app after {attempts} attempts" in caught.value.message


@pytest.mark.parametrize("max_attempts", [1, 2, 3])
def test_attempts_are_bounded_by_the_policy(
    httpx_mock: HTTPXMock, make_client: Callable[..., Client], max_attempts: int
) -> None:
    httpx_mock.add_response(status_code=503, is_reusable=True)
    client = make_client(retry=RetryPolicy(max_attempts=max_attempts))

    with pytest.raises(ServerError):
        client.get("/customers")

    assert len(httpx_mock.get_requests()) == max_attempts


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (400, envelope("invalid_request_error", "invalid_type", field="name"), InvalidRequestError),
        (401, envelope("authentication_error", "invalid_api_key"), AuthenticationError),
        (403, envelope("permission_error", "forbidden"), PermissionDeniedError),
        (404, envelope("not_found", "customer_not_found"), NotFoundError),
        (409, envelope("conflict", "slug_taken", field="slug"), ConflictError),
        (409, envelope("conflict", "idempotency_key_reused"), ConflictError),
        (422, envelope("invalid_request_error", "http_exception"), InvalidRequestError),
    ],
)
@pytest.mark.parametrize("method", list(CALLS))
def test_client_errors_other_than_429_are_not_retried(
    httpx_mock: HTTPXMock,
    client: Client,
    rec: Recorder,
    method: str,
    status: int,
    body: Any,
    expected: type[APIError],
) -> None:
    httpx_mock.add_response(status_code=status, json=body)

    with pytest.raises(expected):
        CALLS[method](client)

    assert len(httpx_mock.get_requests()) == 1
    assert rec.slept == []


# -- how long it waits ----------------------------------------------------------------


def _http_date(epoch: float) -> str:
    return email.utils.formatdate(epoch, usegmt=True)


@pytest.mark.parametrize(
    ("retry_after", "jitter", "expected_sleep"),
    [
        pytest.param("3", 0.0, 3.0, id="delta-seconds"),
        pytest.param("0", 0.0, 0.0, id="zero"),
        pytest.param("2.5", 0.0, 2.5, id="fractional"),
        pytest.param("3", 1.0, 3.5, id="delta-plus-jitter-up-to-half-a-second"),
        pytest.param(_http_date(NOW + 7), 0.0, 7.0, id="http-date"),
        pytest.param(_http_date(NOW - 60), 0.0, 0.0, id="http-date-in-the-past"),
        pytest.param(None, 0.0, 0.25, id="absent-backoff"),
        pytest.param("soon", 0.0, 0.25, id="garbage-backoff"),
        pytest.param("90", 0.0, 90.0, id="exactly-the-cap"),
    ],
)
def test_retry_after_on_429_decides_the_wait(
    httpx_mock: HTTPXMock,
    make_client: Callable[..., Client],
    rec: Recorder,
    retry_after: str | None,
    jitter: float,
    expected_sleep: float,
) -> None:
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    httpx_mock.add_response(
        status_code=429, json=envelope("rate_limit_error", "rate_limited"), headers=headers
    )
    httpx_mock.add_response(json=OK_BODY)

    make_client(jitter=jitter).get("/customers")

    assert rec.slept == [pytest.approx(expected_sleep)]


@pytest.mark.parametrize(
    "retry_after", ["91", "3600", _http_date(NOW + 600)], ids=["91s", "1h", "date-10min"]
)
def test_retry_after_longer_than_the_cap_is_not_waited_out(
    httpx_mock: HTTPXMock, client: Client, rec: Recorder, retry_after: str
) -> None:
    httpx_mock.add_response(
        status_code=429,
        json=envelope("rate_limit_error", "rate_limited", "Rate limit exceeded."),
        headers={"Retry-After": retry_after},
    )

    with pytest.raises(RateLimitError) as caught:
        client.get("/customers")

    assert len(httpx_mock.get_requests()) == 1
    assert rec.slept == []
    assert caught.value.exit_code == ExitCode.RATE_LIMITED
    assert "The API asks to wait" in hints.line(caught.value)


def test_retry_after_on_a_503_is_honoured(
    httpx_mock: HTTPXMock, client: Client, rec: Recorder
) -> None:
    httpx_mock.add_response(status_code=503, headers={"Retry-After": "5"})
    httpx_mock.add_response(json=OK_BODY)

    client.get("/customers")

    assert rec.slept == [5.0]


@pytest.mark.parametrize(
    ("jitter", "policy", "expected"),
    [
        pytest.param(0.0, RetryPolicy(), [0.25, 0.5, 1.0, 2.0], id="no-jitter-half-step"),
        pytest.param(1.0, RetryPolicy(), [0.5, 1.0, 2.0, 4.0], id="full-jitter-full-step"),
        pytest.param(
            0.0,
            RetryPolicy(max_attempts=6, max_delay=1.5),
            [0.25, 0.5, 0.75, 0.75, 0.75],
            id="capped",
        ),
    ],
)
def test_backoff_is_exponential_with_jitter_and_capped(
    httpx_mock: HTTPXMock,
    make_client: Callable[..., Client],
    rec: Recorder,
    jitter: float,
    policy: RetryPolicy,
    expected: list[float],
) -> None:
    httpx_mock.add_response(status_code=500, is_reusable=True)

    with pytest.raises(ServerError):
        make_client(jitter=jitter, retry=policy).get("/customers")

    assert rec.slept == pytest.approx(expected)


def test_a_long_wait_is_announced_a_short_one_only_logged(
    httpx_mock: HTTPXMock, client: Client, rec: Recorder
) -> None:
    httpx_mock.add_response(status_code=503)
    httpx_mock.add_response(status_code=429, headers={"Retry-After": "2"})
    httpx_mock.add_response(json=OK_BODY)

    client.get("/customers")

    assert rec.slept == [0.5 * 0.5, 2.0]
    assert rec.notes == ["HTTP 429; retrying in 2.0 s (attempt 3)"]
    assert "* HTTP 503; retrying in 0.25 s (attempt 2)" in rec.log


# -- idempotency keys -----------------------------------------------------------------


def _keys(mock: HTTPXMock) -> list[str | None]:
    return [r.headers.get("Idempotency-Key") for r in mock.get_requests()]


def test_one_post_keeps_one_idempotency_key_across_retries(
    httpx_mock: HTTPXMock, client: Client
) -> None:
    httpx_mock.add_exception(httpx.ReadTimeout("timed out"))
    httpx_mock.add_response(status_code=503)
    httpx_mock.add_response(status_code=201, json=OK_BODY)

    response = client.post("/customers", {"name": "Aurora"})

    keys = _keys(httpx_mock)
    assert response.status == 201
    assert len(keys) == 3
    assert keys[0] and len(set(keys)) == 1
    uuid.UUID(keys[0])  # a fresh UUIDv4 per logical call, as the docs recommend


def test_two_posts_get_two_different_keys(httpx_mock: HTTPXMock, client: Client) -> None:
    httpx_mock.add_response(status_code=201, json=OK_BODY, is_reusable=True)

    client.post("/customers", {"name": "Aurora"})
    client.post("/customers", {"name": "Aurora"})

    first, second = _keys(httpx_mock)
    assert first and second and first != second


def test_an_explicit_idempotency_key_is_sent_on_every_attempt(
    httpx_mock: HTTPXMock, client: Client
) -> None:
    httpx_mock.add_response(status_code=500)
    httpx_mock.add_response(status_code=201, json=OK_BODY, headers={"Idempotent-Replay": "true"})

    response = client.post("/customers", {"name": "Aurora"}, idempotency_key="create-aurora-1")

    assert _keys(httpx_mock) == ["create-aurora-1", "create-aurora-1"]
    assert response.replayed is True


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_only_post_carries_an_idempotency_key(
    httpx_mock: HTTPXMock, client: Client, method: str
) -> None:
    httpx_mock.add_response(json=OK_BODY)

    CALLS[method](client)

    assert _keys(httpx_mock) == [None]


def test_a_409_in_flight_is_retried_with_the_same_key_then_succeeds(
    httpx_mock: HTTPXMock, client: Client, rec: Recorder
) -> None:
    httpx_mock.add_response(
        status_code=409,
        json=envelope(
            "conflict",
            "idempotency_key_in_flight",
            "Idempotency-Key request is already in flight. Retry shortly.",
        ),
    )
    httpx_mock.add_response(status_code=201, json=OK_BODY, headers={"Idempotent-Replay": "true"})

    response = client.post("/customers", {"name": "Aurora"})

    assert response.data == OK_BODY and response.replayed
    keys = _keys(httpx_mock)
    assert len(keys) == 2 and keys[0] == keys[1]
    assert rec.slept == [RetryPolicy().in_flight_delay]


def test_a_409_idempotency_key_reused_is_not_retried(
    httpx_mock: HTTPXMock, client: Client, rec: Recorder
) -> None:
    httpx_mock.add_response(
        status_code=409,
        json=envelope(
            "conflict",
            "idempotency_key_reused",
            "Idempotency-Key was used with a different request body.",
        ),
    )

    with pytest.raises(ConflictError) as caught:
        client.post("/customers", {"name": "Aurora"}, idempotency_key="1")

    assert len(httpx_mock.get_requests()) == 1 and rec.slept == []
    assert caught.value.exit_code == ExitCode.CONFLICT
    assert "fresh --idempotency-key" in hints.line(caught.value)


# -- rate-limit headers and pacing ----------------------------------------------------


def _bucket(limit: int, remaining: int, reset: float) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": str(int(reset)),
    }


def test_rate_limit_headers_are_parsed(httpx_mock: HTTPXMock, client: Client) -> None:
    httpx_mock.add_response(json=OK_BODY, headers=_bucket(60, 47, 1748275869))

    client.get("/me")

    assert (client.rate_limit.limit, client.rate_limit.remaining) == (60, 47)
    assert client.rate_limit.reset == 1748275869.0


def test_rate_limit_headers_are_read_from_error_answers_too(
    httpx_mock: HTTPXMock, client: Client
) -> None:
    httpx_mock.add_response(
        status_code=404,
        json=envelope("not_found", "customer_not_found"),
        headers=_bucket(30, 3, NOW),
    )

    with pytest.raises(NotFoundError):
        client.get("/customers/9")

    assert (client.rate_limit.limit, client.rate_limit.remaining) == (30, 3)


def test_a_client_that_was_told_nothing_does_not_pace(
    httpx_mock: HTTPXMock, client: Client, rec: Recorder
) -> None:
    httpx_mock.add_response(json=OK_BODY, is_reusable=True)

    client.get("/customers")
    client.get("/customers")

    assert rec.slept == []


@pytest.mark.parametrize(
    ("remaining", "reset_in", "expected"),
    [
        pytest.param(47, 30, [], id="plenty-left-no-wait"),
        pytest.param(7, 30, [], id="just-above-a-tenth"),
        pytest.param(6, 35, [5.0], id="a-tenth-left-spread-the-rest"),
        pytest.param(2, 30, [10.0], id="two-left-spread"),
        pytest.param(0, 30, [30.0], id="none-left-wait-for-reset"),
        pytest.param(0, 600, [60.0], id="never-more-than-a-minute"),
        pytest.param(0, -5, [], id="window-already-reset"),
    ],
)
def test_low_remaining_paces_the_next_request(
    httpx_mock: HTTPXMock,
    client: Client,
    rec: Recorder,
    remaining: int,
    reset_in: float,
    expected: list[float],
) -> None:
    httpx_mock.add_response(json=OK_BODY, headers=_bucket(60, remaining, NOW + reset_in))
    httpx_mock.add_response(json=OK_BODY)

    client.get("/customers")
    assert rec.slept == []  # the first call knew nothing yet
    client.get("/customers")

    assert rec.slept == pytest.approx(expected)
    if expected and expected[0] >= 1:
        assert rec.notes and rec.notes[0].startswith("Rate limit nearly spent")


def test_a_client_paced_by_its_caller_never_pauses_near_the_limit(
    httpx_mock: HTTPXMock, make_client: Callable[..., Client], rec: Recorder
) -> None:
    # A bulk job's Pacer counts a request as sent when it lets it go: a pause here
    # would send it later than counted, and the server's window would outlast the
    # Pacer's (429s).
    client = make_client(pacing=False)
    httpx_mock.add_response(json=OK_BODY, headers=_bucket(60, 0, NOW + 30))
    httpx_mock.add_response(json=OK_BODY)

    client.get("/customers")
    client.get("/customers")

    assert rec.slept == [] and rec.notes == []


def test_a_429_is_waited_out_once_not_also_paced(
    httpx_mock: HTTPXMock, client: Client, rec: Recorder
) -> None:
    httpx_mock.add_response(
        status_code=429,
        json=envelope("rate_limit_error", "rate_limited"),
        headers={"Retry-After": "30", **_bucket(60, 0, NOW + 30)},
    )
    httpx_mock.add_response(json=OK_BODY)

    client.get("/customers")

    assert rec.slept == [30.0]


# -- error envelope -> exception, exit code and message -------------------------------

ERROR_TABLE = [
    # status, type, code, field, class, exit code, words the one-line message must hold
    (400, "invalid_request_error", "missing_field", "name", InvalidRequestError, 2, []),
    (400, "invalid_request_error", "invalid_enum_value", "status", InvalidRequestError, 2, []),
    (400, "invalid_request_error", "invalid_string", "cursor", InvalidRequestError, 2, []),
    (401, "authentication_error", "missing_api_key", None, AuthenticationError, 4, ["auth login"]),
    (401, "authentication_error", "invalid_api_key", None, AuthenticationError, 4, ["auth login"]),
    (401, "authentication_error", "api_key_revoked", None, AuthenticationError, 4, ["revoked"]),
    (403, "permission_error", "forbidden", None, PermissionDeniedError, 4, []),
    (404, "not_found", "customer_not_found", None, NotFoundError, 5, []),
    (409, "conflict", "slug_taken", "slug", ConflictError, 6, ["--slug"]),
    (409, "conflict", "email_taken", "email", ConflictError, 6, ["update it"]),
    (409, "conflict", "shopify_domain_taken", "shopify_domain", ConflictError, 6, ["--domain"]),
    (429, "rate_limit_error", "rate_limited", None, RateLimitError, 7, ["try again"]),
    (500, "internal_error", "internal_error", None, ServerError, 8, ["--verbose"]),
]


@pytest.mark.parametrize(
    ("status", "type_", "code", "field", "cls", "exit_code", "words"),
    ERROR_TABLE,
    ids=[f"{row[0]}-{row[2]}" for row in ERROR_TABLE],
)
def test_every_documented_error_maps_to_its_exception_and_exit_code(
    httpx_mock: HTTPXMock,
    make_client: Callable[..., Client],
    status: int,
    type_: str,
    code: str,
    field: str | None,
    cls: type[APIError],
    exit_code: int,
    words: list[str],
) -> None:
    httpx_mock.add_response(
        status_code=status,
        json=envelope(type_, code, "Something about the request.", field),
        headers={"X-Request-Id": "req_123"},
    )

    with pytest.raises(APIError) as caught:
        make_client(retry=RetryPolicy(max_attempts=1)).get("/customers")

    error = caught.value
    assert type(error) is cls
    assert error.exit_code == exit_code
    assert (error.status, error.type, error.code, error.field) == (status, type_, code, field)
    # The next step is the command line's wording (cli/hints.py), as users read it.
    text = hints.line(error)
    assert text.startswith("Something about the request.")
    assert f"({code}, HTTP {status})" in text
    assert "[request req_123]" in text
    if field:
        assert field in error.message
    for word in words:
        assert word in text


@pytest.mark.parametrize(
    ("status", "cls"),
    [(400, InvalidRequestError), (401, AuthenticationError), (404, NotFoundError),
     (409, ConflictError), (418, InvalidRequestError), (503, ServerError)],
)  # fmt: skip
def test_an_answer_without_the_envelope_maps_by_status(
    httpx_mock: HTTPXMock,
    make_client: Callable[..., Client],
    status: int,
    cls: type[APIError],
) -> None:
    httpx_mock.add_response(status_code=status, json={"message": "nope"})

    with pytest.raises(APIError) as caught:
        make_client(retry=RetryPolicy(max_attempts=1)).get("/customers")

    assert type(caught.value) is cls
    assert f"HTTP {status} without a Pivotal error body" in caught.value.message


def test_an_unknown_error_type_falls_back_to_the_status(
    httpx_mock: HTTPXMock, client: Client
) -> None:
    httpx_mock.add_response(status_code=404, json=envelope("brand_new_type", "gone"))

    with pytest.raises(NotFoundError):
        client.get("/customers/9")


NGINX_502 = """<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx/1.25.3</center>
</body>
</html>
"""


def test_an_html_502_from_a_proxy_becomes_a_readable_server_error(
    httpx_mock: HTTPXMock, client: Client
) -> None:
    httpx_mock.add_response(
        status_code=502, text=NGINX_502, headers={"Content-Type": "text/html"}, is_reusable=True
    )

    with pytest.raises(ServerError) as caught:
        client.get("/customers")

    text = hints.line(caught.value)
    assert caught.value.exit_code == ExitCode.SERVER
    assert "HTTP 502 without a Pivotal error body: 502 Bad Gateway" in text
    assert "<" not in text and "nginx" not in text
    assert len(httpx_mock.get_requests()) == 5


@pytest.mark.parametrize(
    "body",
    ["<!doctype html><title>Pivotal</title>", "OK", "{not json"],
    ids=["html", "text", "broken"],
)
def test_a_200_that_is_not_json_is_a_readable_error(
    httpx_mock: HTTPXMock, client: Client, body: str
) -> None:
    httpx_mock.add_response(status_code=200, text=body)

    with pytest.raises(ServerError) as caught:
        client.get("/me")

    assert caught.value.exit_code == ExitCode.SERVER
    assert "not JSON" in caught.value.message
    assert "--base-url" in (hints.hint_for(caught.value) or "")


def test_an_empty_success_body_is_none(httpx_mock: HTTPXMock, client: Client) -> None:
    httpx_mock.add_response(status_code=204)

    assert client.delete("/customers/42").data is None


# -- the --verbose exchange log -------------------------------------------------------


def test_verbose_log_shows_the_exchange_with_the_key_redacted(
    httpx_mock: HTTPXMock, client: Client, rec: Recorder
) -> None:
    httpx_mock.add_response(
        status_code=201,
        json=OK_BODY,
        headers={
            "Idempotent-Replay": "true",
            "X-Request-Id": "req_abc",
            **_bucket(30, 29, NOW + 60),
        },
    )

    # A body that happens to hold the key must not leak it through the log either.
    client.post("/customers", {"name": "Aurora", "note": KEY}, idempotency_key="idem-1")

    lines = rec.log
    assert lines[0] == f"> POST {API}/customers"
    assert "> Authorization: Bearer pivotal_test_FAKE…" in lines
    assert "> Idempotency-Key: idem-1" in lines
    assert "> Content-Type: application/json" in lines
    assert any(line.startswith("< 201 Created (") for line in lines)
    lowered = [line.lower() for line in lines]
    for header in (
        "< idempotent-replay: true",
        "< x-ratelimit-limit: 30",
        "< x-ratelimit-remaining: 29",
        f"< x-ratelimit-reset: {int(NOW + 60)}",
        "< x-request-id: req_abc",
    ):
        assert header in lowered
    assert not any(KEY in line for line in lines)


def test_verbose_log_shows_the_query_string(
    httpx_mock: HTTPXMock, client: Client, rec: Recorder
) -> None:
    httpx_mock.add_response(json={"object": "list", "data": []})

    client.get("/customers", {"status": "active", "limit": 5, "cursor": None})

    (request,) = httpx_mock.get_requests()
    assert str(request.url) == f"{API}/customers?status=active&limit=5"
    assert f"> GET {API}/customers?status=active&limit=5" in rec.log


def test_no_log_callback_means_no_logging(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=OK_BODY)

    with Client(API, KEY, log=None) as quiet:
        assert quiet.get("/me").data == OK_BODY


# -- transport security and headers ---------------------------------------------------


@pytest.mark.parametrize(
    "base_url",
    [
        "http://example.com/api/v1",
        "http://10.0.0.7:8000/api/v1",
        "http://localhost.example.com/api/v1",
        "http://127.0.0.1.nip.io/api/v1",
        "ftp://localhost/api/v1",
        "my.pivotal.app/api/v1",
    ],
)
def test_a_key_is_never_sent_over_plain_http_to_a_remote_host(base_url: str) -> None:
    with pytest.raises(InsecureTransportError) as caught:
        Client(base_url, KEY)

    assert caught.value.exit_code == ExitCode.USAGE
    assert hints.hint_for(caught.value)


@pytest.mark.parametrize(
    "base_url",
    [
        "http://127.0.0.1:8765/api/v1",
        "http://127.0.0.2/api/v1",
        "http://localhost/api/v1",
        "http://localhost:8000/api/v1",
        "http://sandbox.localhost/api/v1",
        "http://[::1]:8080/api/v1",
        "https://my.pivotal.app/api/v1",
        "https://example.com/api/v1",
    ],
)
def test_loopback_http_and_any_https_are_fine(base_url: str) -> None:
    Client(base_url, KEY).close()


def test_without_a_key_plain_http_is_allowed() -> None:
    # /health needs no key, so there is nothing to protect.
    Client("http://example.com/api/v1", None).close()


def test_requests_carry_user_agent_accept_and_bearer(httpx_mock: HTTPXMock, client: Client) -> None:
    httpx_mock.add_response(json=OK_BODY)

    client.get("/me")

    request = httpx_mock.get_request()
    assert request is not None
    assert request.headers["User-Agent"] == f"pivotal-cli/{__version__}"
    assert request.headers["Accept"] == "application/json"
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert str(request.url) == f"{API}/me"


def test_a_keyless_client_sends_no_authorization(
    httpx_mock: HTTPXMock, make_client: Callable[..., Client]
) -> None:
    httpx_mock.add_response(json={"status": "ok"})

    make_client(api_key=None).get("/health")

    request = httpx_mock.get_request()
    assert request is not None and "Authorization" not in request.headers


def test_a_json_body_is_sent_compact_with_its_content_type(
    httpx_mock: HTTPXMock, client: Client
) -> None:
    httpx_mock.add_response(json=OK_BODY)

    client.patch("/customers/42", {"name": "Aurora", "mrr": 1200})

    request = httpx_mock.get_request()
    assert request is not None
    assert request.headers["Content-Type"] == "application/json"
    assert request.content == b'{"name":"Aurora","mrr":1200}'


def test_paths_join_the_base_url_as_httpx_joins_them_and_cookies_are_not_kept(
    httpx_mock: HTTPXMock,
) -> None:
    # The client parses each path's URL once; the result must be httpx's own join.
    client = Client("http://127.0.0.1:9/v1", "sk_test_fake")
    joined = httpx.Client(base_url="http://127.0.0.1:9/v1")
    for path in ("/customers", "customers/c1", "/customers/a%20b", "/v1/x", "/a:b"):
        assert client._route(path)[0] == joined.build_request("GET", path).url
    assert client._route("/customers") is client._route("/customers")
    httpx_mock.add_response(
        url="http://127.0.0.1:9/v1/customers", json={}, headers={"Set-Cookie": "s=1; Path=/"}
    )
    httpx_mock.add_response(url="http://127.0.0.1:9/v1/customers", json={})
    client.get("/customers")
    client.get("/customers")
    assert [r.headers.get("cookie") for r in httpx_mock.get_requests()] == [None, None]


def test_a_request_carries_what_httpx_s_client_would_have_built(httpx_mock: HTTPXMock) -> None:
    """Requests are built without `Client.build_request`: the same headers (the client's
    defaults, ours, then the caller's, a caller's replacing ours whatever its case), the
    same query and the same timeouts."""
    client = Client("http://127.0.0.1:9/v1", "sk_test_fake", timeout=httpx.Timeout(7.0))
    httpx_mock.add_response(json={})
    httpx_mock.add_response(json={})
    client.get("/customers", params={"limit": 5, "after": None})
    client.request("GET", "/customers", headers={"accept": "text/csv", "X-Extra": "1"})
    plain, extra = httpx_mock.get_requests()
    reference = client._http.build_request("GET", "/customers", params={"limit": 5})
    assert plain.url == reference.url
    assert plain.headers.multi_items() == reference.headers.multi_items()
    assert plain.extensions["timeout"] == httpx.Timeout(7.0).as_dict()
    assert extra.headers.get_list("accept") == ["text/csv"]
    assert extra.headers["x-extra"] == "1"
    assert extra.headers["authorization"] == "Bearer sk_test_fake"


def test_a_proxy_named_by_the_environment_carries_the_requests(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The transport is chosen per URL as httpx chooses it, so HTTPS_PROXY still applies."""
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    client = Client("https://api.pivotal.example/v1", "sk_test_fake")
    _, transport = client._route("/customers")
    assert transport is not client._http._transport
    assert transport is client._http._transport_for_url(client._route("/customers")[0])
    monkeypatch.setenv("NO_PROXY", "api.pivotal.example")
    direct = Client("https://api.pivotal.example/v1", "sk_test_fake")
    assert direct._route("/customers")[1] is direct._http._transport


def test_the_rate_limit_reads_an_answer_s_raw_headers_in_any_case() -> None:
    from pivotal_cli.client.rate_limit import RateLimit

    pairs = {"X-RateLimit-Limit": "60", "x-ratelimit-remaining": "7.0", "X-RATELIMIT-RESET": "99"}
    for raw in (httpx.Headers(pairs).raw, [(k.encode(), v.encode()) for k, v in pairs.items()]):
        bucket = RateLimit()
        bucket.update(raw)
        assert (bucket.limit, bucket.remaining, bucket.reset) == (60, 7, 99.0)
        bucket.update(httpx.Headers({"X-RateLimit-Remaining": "not a number"}).raw)
        assert bucket.remaining == 7  # a value that cannot be read keeps the last one
