"""An httpx transport that answers requests with an in-process sandbox (no network).

`pivotal --sandbox` uses it: the CLI's HTTP core runs unchanged, retries and all, while
requests go straight to `Sandbox.handle`. A `drop` fault surfaces as
`httpx.RemoteProtocolError`, just like a server that hung up after committing.
"""

from __future__ import annotations

import httpx

from pivotal_cli.sandbox.engine.core import Sandbox


class SandboxTransport(httpx.BaseTransport):
    """Calls `sandbox.handle` for each request; closes the sandbox if it owns it."""

    def __init__(self, sandbox: Sandbox, *, owns_sandbox: bool = False) -> None:
        self.sandbox = sandbox
        self._owns_sandbox = owns_sandbox

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path, _, query = request.url.raw_path.partition(b"?")
        headers: dict[str, str] = {}
        # Header values as raw bytes read as latin-1, exactly as ASGI servers pass them.
        for raw_name, raw_value in request.headers.raw:
            lowered, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
            headers[lowered] = f"{headers[lowered]}, {value}" if lowered in headers else value
        response = self.sandbox.handle(
            request.method, path.decode("ascii"), query, headers, request.read()
        )
        if response.drop:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        return httpx.Response(
            response.status, headers=response.headers, content=response.body, request=request
        )

    def close(self) -> None:
        if self._owns_sandbox:
            self.sandbox.close()
