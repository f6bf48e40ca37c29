"""The one HTTP core: every request to the API goes through `Client.request`.

It owns the auth header, timeouts, idempotency keys on POST, and the one retry loop
(429, 5xx, timeouts, dropped connections) with its deadlines and rate-limit pacing.
Its parts live beside it: the retry policy (`retry`), the rate-limit bucket
(`rate_limit`), what may be sent at all (`sendable`), the exceptions a failed call
becomes (`failures`), key redaction (`redaction`), the `--verbose` log
(`exchange_log`) and the count of requests sent (`request_count`). Commands never
see httpx; they call the client's functions, which call this.
"""

from __future__ import annotations

import contextlib
import json
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from pivotal_cli import __version__
from pivotal_cli.client.exchange_log import ExchangeLog
from pivotal_cli.client.failures import (
    deadline_error,
    decode_success,
    describe,
    error_for,
    network_error,
    redirect_error,
)
from pivotal_cli.client.rate_limit import RateLimit
from pivotal_cli.client.redaction import redact
from pivotal_cli.client.request_count import RequestCount
from pivotal_cli.client.retry import RetryPolicy
from pivotal_cli.client.sendable import (
    check_base_url,
    check_header_value,
    check_transport_security,
)
from pivotal_cli.domain.records import JSONValue, Record, json_kind
from pivotal_cli.errors import CredentialsError, NetworkError, ServerError, UsageError

USER_AGENT = f"pivotal-cli/{__version__}"
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PATCH", "DELETE", "PUT"})


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
        requests: RequestCount | None = None,
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
        # Every request sent, retries included; the caller may share one count between
        # the clients of a command (`--cost`).
        self.requests = requests if requests is not None else RequestCount()
        self._sent = 0
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
        self._exchange = ExchangeLog(self._log, api_key)
        self._host = urlsplit(self.base_url).netloc
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
        # The API sets no cookies and the client sends none; httpx's jar would still
        # wrap every answer in urllib's request and response types to look for them.
        # (Set where httpx keeps it: its setter would copy the jar into a plain one.)
        self._http._cookies = _NoCookies()
        # Each path's absolute URL and transport, worked out once: httpx parses a
        # relative URL twice per request to join it to the base (a third of building a
        # request), and a bulk job sends thousands to the same few paths. Bounded: ids
        # make paths unique.
        self._routes: dict[str, tuple[httpx.URL, httpx.BaseTransport]] = {}

    def close(self) -> None:
        # The `--verbose` log ends with the count (of every client sharing it), here
        # rather than at the command's end so that an error stays the last line.
        if self._log and self._sent:
            self._log(f"* {self.requests.summary()}")
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
                last = describe(exc).capitalize()
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
            self.rate_limit.update(reply.headers.raw)
            if reply.status_code < 300:
                return Response(reply.status_code, decode_success(reply), reply.headers, path)
            if reply.status_code < 400:
                raise redirect_error(reply, self.api_key)
            error = error_for(reply, self._clock(), self.api_key)
            wait = self.retry.wait_after(error, retry_safe, attempt, self._jitter)
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
        url, transport = self._route(path)
        # Built here rather than by `Client.build_request`, which re-merges the client's
        # parameters and cookies into every request; the headers and timeouts are the
        # client's own, merged the same way (a header of the caller's replaces the
        # client's, whatever its case).
        merged = self._http.headers.copy()
        merged.update(headers)
        request = httpx.Request(
            method,
            url,
            params=query or None,
            headers=merged,
            content=content,
            extensions={"timeout": (timeout or self._http.timeout).as_dict()},
        )
        self._exchange.request(request)
        self.requests.add(method, path)
        self._sent += 1
        started = time.perf_counter()
        # Straight to the transport: `Client.send` would add an auth flow, a redirect
        # loop and a stream wrapper around each exchange, none of which this client
        # uses (no auth object, no redirects followed, every body read at once).
        reply = transport.handle_request(request)
        reply.request = request
        try:
            reply.read()
        finally:
            reply.close()
        self._exchange.response(reply, (time.perf_counter() - started) * 1000)
        return reply

    def _route(self, path: str) -> tuple[httpx.URL, httpx.BaseTransport]:
        """The absolute URL of `path` and the transport that carries it (the proxy that
        the environment names for its host, if any), both worked out once per path."""
        known = self._routes.get(path)
        if known is None:
            if len(self._routes) >= _ROUTE_CACHE:
                self._routes.clear()
            url = self._url(path)
            known = self._routes[path] = (url, self._http._transport_for_url(url))
        return known

    def _url(self, path: str) -> httpx.URL:
        # httpx's own join of a client's base URL and a request's (Client._merge_url).
        url, base = httpx.URL(path), self._http.base_url
        if url.is_relative_url:
            url = base.copy_with(raw_path=base.raw_path + url.raw_path.lstrip(b"/"))
        return url

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
        limits = (base.connect, base.read, base.write, base.pool)
        if all(value is not None and value <= left for value in limits):
            return None  # no timeout reaches past the deadline: the defaults stand

        def cap(value: float | None) -> float:
            return left if value is None else min(value, left)

        return httpx.Timeout(
            connect=cap(base.connect),
            read=cap(base.read),
            write=cap(base.write),
            pool=cap(base.pool),
        )

    def _deadline_error(self, budget: float | None, last: str) -> NetworkError:
        return deadline_error(self._host, budget, last, self.api_key)

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
        return network_error(self._host, exc, attempts, self.api_key)

    def _backoff(self, attempt: int) -> float:
        return self.retry.backoff(attempt, self._jitter)

    def _redact(self, text: str) -> str:
        return redact(text, self.api_key)


_ROUTE_CACHE = 256


class _NoCookies(httpx.Cookies):
    """A cookie store that keeps nothing."""

    def extract_cookies(self, response: httpx.Response) -> None:
        return None


def _new_idempotency_key() -> str:
    import uuid

    return str(uuid.uuid4())
