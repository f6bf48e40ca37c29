"""Every way a call can fail, as the exception that carries its facts.

The error envelope of an HTTP error, a redirect (the API never redirects), a success
that is not JSON, a transport failure, and a call out of time. Every text that came
from a server, or from a transport error quoting one, has the key redacted.
"""

from __future__ import annotations

import httpx

from pivotal_cli.client.rate_limit import parse_retry_after
from pivotal_cli.client.redaction import redact, redact_error
from pivotal_cli.domain.records import JSONValue
from pivotal_cli.errors import APIError, NetworkError, ServerError, error_from_response


def error_for(reply: httpx.Response, now: float, api_key: str | None) -> APIError:
    """The exception for an HTTP error answer, from its envelope or else its status."""
    try:
        body = reply.json()
    except ValueError:
        body = None
    error = error_from_response(
        reply.status_code,
        body,
        reply.text if body is None else "",
        request_id=reply.headers.get("x-request-id"),
        retry_after=parse_retry_after(reply.headers.get("retry-after"), now),
    )
    # A server or proxy that echoes the request back must not put the key on screen:
    # every text the error line shows came from the server.
    return redact_error(error, api_key)


def redirect_error(reply: httpx.Response, api_key: str | None) -> APIError:
    """The API never redirects; a redirect means the base URL points elsewhere."""
    where = redact(reply.headers.get("location", "somewhere else"), api_key)
    return APIError(
        f"The server answered HTTP {reply.status_code}, redirecting to {where}.",
        status=reply.status_code,
        reason="redirect",
    )


def decode_success(reply: httpx.Response) -> JSONValue:
    """A successful answer's JSON (None for an empty body); anything else is an error."""
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


def describe(exc: httpx.TransportError) -> str:
    """A transport failure in words, starting lower-case to go mid-sentence."""
    if isinstance(exc, httpx.TimeoutException):
        return "the request timed out"
    if isinstance(exc, httpx.ConnectError):
        reason = str(exc) or "connection failed"
        return f"could not connect ({reason})"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the connection closed before an answer arrived"
    return str(exc) or type(exc).__name__


def network_error(
    host: str, exc: httpx.TransportError, attempts: int, api_key: str | None
) -> NetworkError:
    """No answer from `host` at all, after `attempts` tries."""
    tries = f" after {attempts} attempts" if attempts > 1 else ""
    return NetworkError(
        redact(f"Could not get an answer from {host}{tries}: {describe(exc)}.", api_key),
        reason="no_answer",
        details={"host": host, "attempts": attempts},
    )


def deadline_error(host: str, budget: float | None, last: str, api_key: str | None) -> NetworkError:
    """No answer within the time the command or the call was given; `last`: what was seen."""
    # A command's budget reaches the client a few ms short of what the user gave.
    seconds = f"{round(budget, 1):g}" if budget is not None else "?"
    if last and not last.startswith("HTTP"):
        last = last[0].lower() + last[1:]  # "Could not connect" mid-sentence
    why = f" (last: {last})" if last else ""
    return NetworkError(
        # `last` may quote a transport error's text, which is not ours to trust.
        redact(f"No answer from {host} within {seconds} s{why}.", api_key),
        reason="deadline_exceeded",
        details={"host": host, "seconds": budget},
    )
