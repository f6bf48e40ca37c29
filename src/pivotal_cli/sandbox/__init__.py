"""The sandbox: a stateful local implementation of the Pivotal API v1.

Kept import-free on purpose: `pivotal --help` must not pay for sqlite3, httpx or
uvicorn. Import what you need from the subpackages: `engine.core.Sandbox`,
`adapters.embedded.connect`, `adapters.testing.running_server`,
`adapters.transport.SandboxTransport`, `adapters.asgi.SandboxApp`.
"""
