"""The one HTTP core: every request to the API goes through `Client.request`.

It owns the auth header, timeouts, the retry loop (429, 5xx, timeouts, dropped
connections), idempotency keys on POST, the rate-limit headers and self-pacing, the
error envelope -> exception mapping, and the `--verbose` exchange log. Commands never
see httpx; they call `api/` functions, which call this.
"""

from __future__ import annotations

import contextlib
import email.utils
import json
import random
import re
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# httpx's package __init__ imports its own command-line client (click, rich.syntax,
# pygments: ~100 ms) when those are installed. We never run it; a None entry makes
# that optional import fail fast, exactly as when its extras are absent.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

import httpx

from pivotal_cli import __version__
from pivotal_cli.domain.api_keys import key_prefix
from pivotal_cli.domain.records import JSONValue, Record, json_kind
from pivotal_cli.errors import (
    APIError,
    CredentialsError,
    InsecureTransportError,
    NetworkError,
    PivotalError,
    RateLimitError,
    ServerError,
    UsageError,
    error_from_response,
)

USER_AGENT = f"pivotal-cli/{__version__}"
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PATCH", "DELETE", "PUT"})
LOGGED_RESPONSE_HEADERS = (
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
    "retry-after",
    "idempotent-replay",
    "x-request-id",
)


@dataclass
class RetryPolicy:
    """How hard the client tries before it gives up on one call."""

    max_attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 20.0
    # A Retry-After longer than this is not waited out: the user is told instead.
    max_retry_after: float = 90.0
    in_flight_delay: float = 1.0
    # Attempts when the connection itself fails (refused, no route, DNS): that is
    # rarely a blip that a retry cures, so one retry at most; checks use 1 (none).
    max_connect_attempts: int = 2
    # Seconds one call may wait for answers in all (attempts and backoff; a wait the
    # server asked for with Retry-After is an answer, so it is not counted); None:
    # only the client's own `budget`, if it has one, bounds the call.
    call_timeout: float | None = None


@dataclass
class RateLimit:
    """The bucket state the API reported on the last response."""

    limit: int | None = None
    remaining: int | None = None
    reset: float | None = None  # unix epoch seconds

    def update(self, headers: Mapping[str, str]) -> None:
        self.limit = _int_header(headers, "x-ratelimit-limit", self.limit)
        self.remaining = _int_header(headers, "x-ratelimit-remaining", self.remaining)
        reset = _int_header(headers, "x-ratelimit-reset", None)
        if reset is not None:
            self.reset = float(reset)

    def pacing_delay(self, now: float) -> float:
        """Seconds to wait before the next call so the bucket is not run dry.

        While plenty is left, no wait. Once the remaining calls drop to a tenth of the
        limit, spread them over what is left of the window; with none left, wait for
        the window to reset. This is what the Bulk operations guide recommends.
        """
        if self.limit is None or self.remaining is None or self.reset is None:
            return 0.0
        window_left = self.reset - now
        if window_left <= 0:
            return 0.0
        if self.remaining <= 0:
            return window_left
        if self.remaining > max(1, self.limit // 10):
            return 0.0
        return window_left / (self.remaining + 1)


# Query values as commands give them; None means "leave the parameter out".
QueryValue = str | int | None


@dataclass
class Response:
    """A decoded successful answer: what every verb of the client returns."""

    status: int
    data: JSONValue
    headers: Mapping[str, str] = field(default_factory=dict)
    path: str = ""

    @property
    def replayed(self) -> bool:
        return self.headers.get("idempotent-replay", "").lower() == "true"

    def record(self) -> Record:
        """The body as one JSON object; a server answering anything else is an error."""
        if not isinstance(self.data, dict):
            raise ServerError(
                f"{self.path or 'The API'} answered with JSON that is not an object "
                f"(got {json_kind(self.data)}).",
                status=self.status,
                reason="unexpected_body",
            )
        return self.data


def _int_header(headers: Mapping[str, str], name: str, default: int | None) -> int | None:
    value = headers.get(name)
    if value is None:
        return default
    try:
        return int(float(value))
    except ValueError:
        return default


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


def is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    import ipaddress

    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_base_url(base_url: str) -> None:
    """Refuse a base URL that cannot be parsed (bad port, unclosed IPv6 bracket).

    Such a URL fails the same way on every attempt, so it is a usage error at once,
    never a network error that the retry loop would spend seconds on.
    """
    try:
        parts = urlsplit(base_url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
        httpx.URL(base_url)
    except (ValueError, httpx.InvalidURL) as exc:
        raise UsageError(
            f"The base URL '{base_url}' is malformed: {exc}.", reason="malformed_base_url"
        ) from None


def check_transport_security(base_url: str) -> None:
    """Refuse to send a key over plain http to anything but loopback."""
    check_base_url(base_url)
    parts = urlsplit(base_url)
    if parts.scheme == "https":
        return
    if parts.scheme == "http" and is_loopback(parts.hostname or ""):
        return
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InsecureTransportError(f"'{base_url}' is not an http(s) URL.", reason="not_http_url")
    raise InsecureTransportError(
        f"Refusing to send an API key over plain http to {parts.hostname}.",
        reason="plain_http_to_remote",
        details={"host": parts.hostname},
    )


class Client:
    """A Pivotal API client bound to one base URL and one key."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout | None = None,
        retry: RetryPolicy | None = None,
        budget: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        jitter: Callable[[], float] = random.random,
        log: Callable[[str], None] | None = None,
        notify: Callable[[str], None] | None = None,
        around_call: Callable[[], contextlib.AbstractContextManager[None]] | None = None,
        pacing: bool = True,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        check_base_url(self.base_url)
        if api_key:
            # Checked here, where the key first becomes a header: httpx would refuse it
            # only when sending, as a transport error that is retried and that quotes it.
            check_header_value(
                api_key, what="The API key", error=CredentialsError, reason="key_not_sendable"
            )
            check_transport_security(self.base_url)
        self.api_key = api_key
        self.retry = retry or RetryPolicy()
        self.rate_limit = RateLimit()
        # False when the caller spaces requests itself (a bulk job's Pacer, shared by
        # its threads): pausing here too would delay requests the caller already
        # counted as sent, and the server's window would then end after the caller's.
        self._pacing = pacing
        self._sleep = sleep
        self._clock = clock
        # `budget`: seconds this client may spend in all, from now. Every attempt's
        # timeouts are capped by what is left, and no retry or wait starts past it.
        self._budget = budget
        self._deadline = None if budget is None else clock() + budget
        self._jitter = jitter
        # Every line the client writes passes through `_redact`: retry notes and the
        # exchange log quote server text (codes, headers) that may echo the key.
        self._log = (lambda text: log(self._redact(text))) if log else None
        self._notify = (lambda text: notify(self._redact(text))) if notify else None
        # Entered around each logical call, retries included: the caller may show that
        # it is waiting (the client itself knows nothing of terminals).
        self._around_call = around_call or contextlib.nullcontext
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        if transport is None and urlsplit(self.base_url).scheme == "http":
            # Plain http (loopback only, see above) never uses TLS, so skip loading the
            # CA bundle into an SSL context: that alone costs ~50 ms per process.
            transport = httpx.HTTPTransport(verify=False)
        self._http = httpx.Client(
            base_url=self.base_url,
            headers=headers,
            timeout=timeout or httpx.Timeout(30.0, connect=10.0),
            transport=transport,
            follow_redirects=False,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- public verbs -------------------------------------------------------------

    def get(self, path: str, params: Mapping[str, QueryValue] | None = None) -> Response:
        return self.request("GET", path, params=params)

    def post(
        self, path: str, body: Mapping[str, JSONValue], *, idempotency_key: str | None = None
    ) -> Response:
        return self.request("POST", path, json_body=body, idempotency_key=idempotency_key)

    def patch(self, path: str, body: Mapping[str, JSONValue]) -> Response:
        return self.request("PATCH", path, json_body=body)

    def delete(self, path: str) -> Response:
        return self.request("DELETE", path)

    # -- the retry loop -----------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, QueryValue] | None = None,
        json_body: Mapping[str, JSONValue] | JSONValue = None,
        idempotency_key: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """Send one logical call, retrying what is safe to retry, and decode it.

        `headers` are extra request headers (`pivotal api -H`); the caller checks them.
        """
        with self._around_call():
            return self._request(method, path, params, json_body, idempotency_key, headers)

    def _request(
        self,
        method: str,
        path: str,
        params: Mapping[str, QueryValue] | None,
        json_body: Mapping[str, JSONValue] | JSONValue,
        idempotency_key: str | None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Response:
        method = method.upper()
        headers: dict[str, str] = dict(extra_headers or {})
        content: bytes | None = None
        if json_body is not None:
            content = json.dumps(json_body, separators=(",", ":")).encode()
            # A Content-Type the caller chose (`pivotal api -H`) is kept.
            if not any(name.lower() == "content-type" for name in headers):
                headers["Content-Type"] = "application/json"
        if idempotency_key is not None:
            check_header_value(
                idempotency_key,
                what="The idempotency key",
                error=UsageError,
                reason="idempotency_key_not_sendable",
            )
        if method == "POST":
            # Generated once, before the loop: every retry of this call carries the
            # same key, so a POST that was committed but never answered is replayed
            # by the server instead of being created twice.
            headers["Idempotency-Key"] = idempotency_key or _new_idempotency_key()
        retry_safe = method in IDEMPOTENT_METHODS or "Idempotency-Key" in headers
        query = {k: v for k, v in (params or {}).items() if v is not None}

        self._wait_for_bucket()
        # Pacing above is the client's own choice, not waiting for the server, so the
        # call's own time limit starts after it.
        call_timeout = self.retry.call_timeout
        call_end = None if call_timeout is None else self._clock() + call_timeout
        last = ""
        attempt = 0
        connect_failures = 0
        while True:
            attempt += 1
            # The nearer of the client's deadline and this call's, and its length.
            deadline, budget = self._deadline, self._budget
            if call_end is not None and (deadline is None or call_end < deadline):
                deadline, budget = call_end, call_timeout
            if attempt > 1:
                self._wait_for_bucket(deadline, budget, last)
            timeout = self._attempt_timeout(deadline, budget, last)
            try:
                reply = self._send(method, path, query, headers, content, timeout)
            except httpx.TransportError as exc:
                last = _describe(exc).capitalize()
                if isinstance(exc, httpx.ConnectError):
                    connect_failures += 1
                if (
                    retry_safe
                    and attempt < self.retry.max_attempts
                    and connect_failures < self.retry.max_connect_attempts
                ):
                    self._sleep_before_retry(attempt, None, last, deadline=deadline, budget=budget)
                    continue
                if self._past(deadline):
                    raise self._deadline_error(budget, last) from None
                raise self._network_error(exc, attempt) from None
            self.rate_limit.update(reply.headers)
            if reply.status_code < 300:
                return Response(reply.status_code, _decode_success(reply), reply.headers, path)
            if reply.status_code < 400:
                raise self._redirect_error(reply)
            error = self._error_for(reply)
            wait = self._retry_wait(error, retry_safe, attempt)
            if wait is None:
                raise error
            if error.status == 429:
                # Retry-After already covers the window; don't pace for it a second time.
                self.rate_limit.remaining = None
            last = f"HTTP {error.status} {error.code or ''}".strip()
            if call_end is not None and error.retry_after is not None:
                # The server answered and said when to come back: only the client's
                # own budget counts that wait, not the call's limit.
                call_end += wait
                if self._deadline is None or call_end < self._deadline:
                    deadline = call_end
            self._sleep_before_retry(attempt, wait, last, deadline=deadline, budget=budget)

    def _send(
        self,
        method: str,
        path: str,
        query: Mapping[str, QueryValue],
        headers: Mapping[str, str],
        content: bytes | None,
        timeout: httpx.Timeout | None = None,
    ) -> httpx.Response:
        request = self._http.build_request(
            method,
            path,
            params=query or None,
            headers=headers,
            content=content,
            timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT,
        )
        self._log_request(request)
        started = time.perf_counter()
        reply = self._http.send(request)
        reply.read()
        self._log_response(reply, (time.perf_counter() - started) * 1000)
        return reply

    def _error_for(self, reply: httpx.Response) -> APIError:
        try:
            body = reply.json()
        except ValueError:
            body = None
        error = error_from_response(
            reply.status_code,
            body,
            reply.text if body is None else "",
            request_id=reply.headers.get("x-request-id"),
            retry_after=parse_retry_after(reply.headers.get("retry-after"), self._clock()),
        )
        # A server or proxy that echoes the request back must not put the key on screen:
        # every text the error line shows came from the server.
        return self._redact_error(error)

    def _redact_error(self, error: APIError) -> APIError:
        error.message = self._redact(error.message)
        error.code = self._redact(error.code) if error.code else error.code
        error.type = self._redact(error.type) if error.type else error.type
        error.field = self._redact(error.field) if error.field else error.field
        if error.request_id:
            error.request_id = self._redact(error.request_id)
        return error

    def _redirect_error(self, reply: httpx.Response) -> APIError:
        """The API never redirects; a redirect means the base URL points elsewhere."""
        where = self._redact(reply.headers.get("location", "somewhere else"))
        return APIError(
            f"The server answered HTTP {reply.status_code}, redirecting to {where}.",
            status=reply.status_code,
            reason="redirect",
        )

    def _retry_wait(self, error: APIError, retry_safe: bool, attempt: int) -> float | None:
        """Seconds to wait before retrying after `error`, or None to give up."""
        if attempt >= self.retry.max_attempts:
            return None
        if isinstance(error, RateLimitError) or error.status == 429:
            # A throttled request was never processed, so any method may retry.
            if error.retry_after is not None and error.retry_after > self.retry.max_retry_after:
                # Not waited out: the error now says so, and the user waits instead.
                error.reason = "retry_after_too_long"
                return None
            if error.retry_after is not None:
                return error.retry_after + self._jitter() * 0.5
            return self._backoff(attempt)
        if error.code == "idempotency_key_in_flight":
            return self.retry.in_flight_delay
        if retry_safe and (isinstance(error, ServerError) or error.status >= 500):
            if error.retry_after is not None and error.retry_after <= self.retry.max_retry_after:
                return error.retry_after
            return self._backoff(attempt)
        return None

    def _backoff(self, attempt: int) -> float:
        """Capped exponential backoff with jitter (between half and all of the step)."""
        step = min(self.retry.max_delay, self.retry.base_delay * 2.0 ** (attempt - 1))
        return step * (0.5 + self._jitter() / 2)

    # -- the deadline ---------------------------------------------------------------

    def _past(self, deadline: float | None) -> bool:
        return deadline is not None and self._clock() >= deadline

    def _attempt_timeout(
        self, deadline: float | None, budget: float | None, last: str
    ) -> httpx.Timeout | None:
        """The client's timeouts, each capped by the time left; None: the defaults."""
        if deadline is None:
            return None
        left = deadline - self._clock()
        if left <= 0:
            raise self._deadline_error(budget, last)
        base = self._http.timeout

        def cap(value: float | None) -> float:
            return left if value is None else min(value, left)

        return httpx.Timeout(
            connect=cap(base.connect),
            read=cap(base.read),
            write=cap(base.write),
            pool=cap(base.pool),
        )

    def _deadline_error(self, budget: float | None, last: str) -> NetworkError:
        host = urlsplit(self.base_url).netloc
        # A command's budget reaches the client a few ms short of what the user gave.
        seconds = f"{round(budget, 1):g}" if budget is not None else "?"
        if last and not last.startswith("HTTP"):
            last = last[0].lower() + last[1:]  # "Could not connect" mid-sentence
        why = f" (last: {last})" if last else ""
        return NetworkError(
            # `last` may quote a transport error's text, which is not ours to trust.
            self._redact(f"No answer from {host} within {seconds} s{why}."),
            reason="deadline_exceeded",
            details={"host": host, "seconds": budget},
        )

    def _sleep_before_retry(
        self,
        attempt: int,
        wait: float | None,
        why: str,
        *,
        deadline: float | None = None,
        budget: float | None = None,
    ) -> None:
        delay = self._backoff(attempt) if wait is None else wait
        if deadline is not None and self._clock() + delay >= deadline:
            # Waiting would end past the deadline: give up now rather than after it.
            raise self._deadline_error(budget, why)
        if self._notify and delay >= 1:
            self._notify(f"{why}; retrying in {delay:.1f} s (attempt {attempt + 1})")
        elif self._log:
            self._log(f"* {why}; retrying in {delay:.2f} s (attempt {attempt + 1})")
        self._sleep(delay)

    def _wait_for_bucket(
        self, deadline: float | None = None, budget: float | None = None, last: str = ""
    ) -> None:
        delay = self.rate_limit.pacing_delay(self._clock()) if self._pacing else 0.0
        if delay <= 0:
            return
        # Never more than one window: the next response corrects the picture anyway.
        delay = min(delay, 60.0)
        if deadline is None:
            deadline, budget = self._deadline, self._budget
        if deadline is not None and self._clock() + delay >= deadline:
            raise self._deadline_error(budget, last or "pausing for the rate limit")
        if self._notify and delay >= 1:
            self._notify(
                f"Rate limit nearly spent ({self.rate_limit.remaining} left); pausing {delay:.1f} s"
            )
        self._sleep(delay)
        if self.rate_limit.remaining is not None and self.rate_limit.remaining <= 0:
            # The window we waited for has reset; don't wait for it again.
            self.rate_limit.remaining = None

    def _network_error(self, exc: httpx.TransportError, attempts: int) -> NetworkError:
        host = urlsplit(self.base_url).netloc
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        return NetworkError(
            self._redact(f"Could not get an answer from {host}{tries}: {_describe(exc)}."),
            reason="no_answer",
            details={"host": host, "attempts": attempts},
        )

    # -- the exchange log (--verbose) ---------------------------------------------

    def _redact(self, text: str) -> str:
        """`text` with the key, in any letter case, cut down to its safe prefix.

        Case-insensitive because servers and proxies echo headers upper- or lower-cased.
        """
        if self.api_key:
            pattern = re.compile(re.escape(self.api_key), re.IGNORECASE)
            text = pattern.sub(key_prefix(self.api_key) + "…", text)
        return text

    def _log_request(self, request: httpx.Request) -> None:
        if not self._log:
            return
        self._log(f"> {request.method} {request.url}")
        for name in ("authorization", "idempotency-key", "content-type"):
            if name in request.headers:
                self._log(self._redact(f"> {name.title()}: {request.headers[name]}"))
        if request.content:
            self._log(self._redact(f"> {request.content.decode(errors='replace')[:2000]}"))

    def _log_response(self, reply: httpx.Response, elapsed_ms: float) -> None:
        if not self._log:
            return
        self._log(f"< {reply.status_code} {reply.reason_phrase} ({elapsed_ms:.0f} ms)")
        for name in LOGGED_RESPONSE_HEADERS:
            if name in reply.headers:
                self._log(f"< {name.title()}: {reply.headers[name]}")


def check_header_value(value: str, *, what: str, error: type[PivotalError], reason: str) -> None:
    """Refuse a value httpx could not send as a header, without ever quoting it.

    Keys are visible ASCII only; a pasted newline, a control character or a letter
    outside ASCII is named by kind and position, never shown.
    """
    for position, char in enumerate(value, start=1):
        if " " < char < "\x7f":
            continue
        if char in "\r\n":
            kind = "a line break"
        elif char.isspace():
            kind = "a space"
        elif not char.isascii():
            kind = "a character outside ASCII"
        else:
            kind = "a control character"
        raise error(
            f"{what} is not valid: it holds {kind} at character {position}, "
            "which cannot be sent in an HTTP header.",
            reason=reason,
            details={"position": position},
        )


def _new_idempotency_key() -> str:
    import uuid

    return str(uuid.uuid4())


def _decode_success(reply: httpx.Response) -> JSONValue:
    if not reply.content:
        return None
    try:
        body: JSONValue = reply.json()
    except ValueError:
        raise ServerError(
            f"The server answered HTTP {reply.status_code} with a body that is not JSON.",
            status=reply.status_code,
            reason="success_not_json",
        ) from None
    return body


def _describe(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "the request timed out"
    if isinstance(exc, httpx.ConnectError):
        reason = str(exc) or "connection failed"
        return f"could not connect ({reason})"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the connection closed before an answer arrived"
    return str(exc) or type(exc).__name__
